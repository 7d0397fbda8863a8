"""The calibration of the row-stationary model: every constant that was, or could be, chosen by
looking at the Eyeriss chip's measurements, named, with its default (today's value) and where it
comes from.

A constant the chip papers fix (bus widths, clocks, scratchpad sizes, the array, the published
AlexNet mapping) is a hardware fact of `SpatialArray`, cited in `docs/presets.md`; it is not here.
The per-access energies and the clock power are the `[energy]` table (`EnergyTable`); a
calibration may refit some of them (`FITTED_ENERGY_FIELDS`). What is here is policy (how the
mapper chooses), timing and energy mechanisms the papers do not quantify, and the provenance of a
fit (`fit_set`).

`PARAMETERS` documents each field: its group, whether it is fitted (and on what) or a convention,
its bounds, and (continuous ones) the prior a fit stays near.
"""

from __future__ import annotations

from dataclasses import dataclass, fields

from accelsim.errors import AccelsimError
from accelsim.files.reading import short_repr

MAX_POLICY_CAP = 4096
"""Largest PE-set or channel-set cap a calibration may give; a cap at least the array's PEs is
no cap at all (`NO_CAP` is what a fit writes for one)."""

NO_CAP = MAX_POLICY_CAP

GLB_KB_BYTES = (1000, 1024)
"""Bytes per kB the mapper's GLB capacity is read in (`Calibration.glb_kb_bytes`)."""

MAPPERS = ("energy", "chip")
"""The RS mapping policies a calibration may name (`dataflows.row_stationary.POLICIES`)."""

FIT_SETS = ("", "alexnet", "vgg16")
"""What a calibration was fitted on: '' (not fitted, the built-in defaults), or a measured
network (its CONV layers, JSSC 2017 Table V or VI)."""


@dataclass(frozen=True)
class ParameterInfo:
    """How one calibration parameter is defined and fitted."""

    group: str  # policy | timing | energy
    kind: str  # enumerated (on the fit set) | continuous (least squares) | convention
    low: float
    high: float
    prior: float | None  # the value a continuous fit is pulled towards (None: no prior)
    prior_sigma: float | None  # the prior's spread, in natural-log units
    doc: str


@dataclass(frozen=True)
class Calibration:
    """Calibration parameters of the RS model (defaults: the uncalibrated model).

    `mapper` is the mapping policy a model run uses unless told otherwise: `energy` (the
    default: the legal mapping of lowest simulated energy, sound on any array and buffer) or
    `chip` (the Eyeriss chip's choices, the calibrated special case). `max_pe_sets`,
    `max_channel_sets` and `onchip_weight` steer the `chip` policy; `glb_kb_bytes` sets the GLB
    capacity either policy fills; `dram_link_efficiency` the DRAM link's sustained rate; `static_power_w` the power the
    chip draws over the whole latency besides the clock (leakage and idle logic). `fit_set` names
    what the values were fitted on ('' for none)."""

    mapper: str = "energy"
    max_pe_sets: int = 4
    max_channel_sets: int = 2
    onchip_weight: float = 0.05
    glb_kb_bytes: int = 1000
    dram_link_efficiency: float = 1.0
    static_power_w: float = 0.0
    fit_set: str = ""

    def __post_init__(self) -> None:
        if not isinstance(self.mapper, str) or self.mapper not in MAPPERS:
            raise AccelsimError(
                f"calibration: mapper must be one of {', '.join(MAPPERS)}, got "
                f"{short_repr(self.mapper)}"
            )
        for name in ("max_pe_sets", "max_channel_sets", "glb_kb_bytes"):
            value = getattr(self, name)
            info = PARAMETERS[name]
            if isinstance(value, bool) or not isinstance(value, int):
                raise AccelsimError(
                    f"calibration: {name} must be an integer, got {short_repr(value)}"
                )
            if not info.low <= value <= info.high:
                raise AccelsimError(
                    f"calibration: {name} = {value} is outside [{info.low:g}, {info.high:g}]"
                )
        if self.glb_kb_bytes not in GLB_KB_BYTES:
            raise AccelsimError(
                f"calibration: glb_kb_bytes must be 1000 or 1024, got {self.glb_kb_bytes}"
            )
        for name in ("onchip_weight", "dram_link_efficiency", "static_power_w"):
            value = getattr(self, name)
            info = PARAMETERS[name]
            if isinstance(value, bool) or not isinstance(value, int | float):
                raise AccelsimError(
                    f"calibration: {name} must be a number, got {short_repr(value)}"
                )
            if not info.low <= float(value) <= info.high:  # NaN fails too
                raise AccelsimError(
                    f"calibration: {name} = {short_repr(value)} is outside "
                    f"[{info.low:g}, {info.high:g}]"
                )
            object.__setattr__(self, name, float(value))
        if self.fit_set not in FIT_SETS:
            raise AccelsimError(
                f"calibration: fit_set must be one of {', '.join(repr(s) for s in FIT_SETS)}, "
                f"got {short_repr(self.fit_set)}"
            )

    def as_dict(self) -> dict[str, object]:
        return {f.name: getattr(self, f.name) for f in fields(self)}

    @property
    def is_default(self) -> bool:
        return self == Calibration()


PARAMETERS: dict[str, ParameterInfo] = {
    "mapper": ParameterInfo(
        "policy", "enumerated", 0, 0, None, None,
        "The mapping policy: energy (the lowest simulated total energy over every legal "
        "mapping; chosen by no measurement, the uncalibrated default) or chip (the chip's own "
        "choices under the caps and weight below). A fit enumerates both on the fit set and "
        "keeps the one whose mappings and active PEs match the fit set's.",
    ),
    "max_pe_sets": ParameterInfo(
        "policy", "enumerated", 1, MAX_POLICY_CAP, None, None,
        "Most PE sets (r x t) a pass of a layer with R > 1 and E > 1 replicates under the chip "
        "policy. Not published: the chip's mappings use at most 4 (Table III); the default 4 was "
        "chosen looking at VGG-16's Table VI latencies, GLB and DRAM counts. Fitted by "
        "enumeration on the fit set.",
    ),
    "max_channel_sets": ParameterInfo(
        "policy", "enumerated", 1, MAX_POLICY_CAP, None, None,
        "Most PE sets that split the channels (r) under the chip policy. The default 2 was chosen "
        "looking at Table III (r = 1 or 2) and VGG-16 CONV5's GLB accesses. Fitted by "
        "enumeration on the fit set.",
    ),
    "onchip_weight": ParameterInfo(
        "policy", "enumerated", 1e-4, 1e3, None, None,
        "Weight of on-chip energy in the chip policy's objective (DRAM + clock energy + weight x "
        "on-chip). The default 0.05 was set against Table III and Table VI's active PEs. Chosen "
        "from a grid by enumeration on the fit set.",
    ),
    "glb_kb_bytes": ParameterInfo(
        "policy", "enumerated", 1000, 1024, None, None,
        "Bytes per kB of the GLB capacity the mapper fills (glb_ifmap_psum_kb x this / 1000 "
        "bytes). The default 1000 was chosen looking at VGG-16's Table VI; Table III's "
        "allocations (kB of 1024 bytes) fit either. Enumerated on the fit set.",
    ),
    "dram_link_efficiency": ParameterInfo(
        "timing", "continuous", 0.25, 1.0, 1.0, 0.5,
        "Fraction of the DRAM link's peak rate (64 bit x 60 MHz, JSSC 2017) the transfers "
        "sustain; 1 = one beat every link cycle. Fitted on the fit set's total latencies.",
    ),
    "static_power_w": ParameterInfo(
        "energy", "continuous", 0.0, 10.0, None, None,
        "Power the chip draws over the whole latency besides the clock tree (leakage, idle "
        "logic, the part of the measured power that does not scale with accesses). Added to "
        "the clock power, so it appears in clock_j and control_j; 0 in CNNergy. Fitted on the "
        "fit set's on-chip energies.",
    ),
    "fit_set": ParameterInfo(
        "provenance", "convention", 0, 0, None, None,
        "What the parameters were fitted on: '' (not fitted), alexnet or vgg16.",
    ),
}  # fmt: skip

FITTED_ENERGY_FIELDS = ("mac_pj", "rf_pj", "glb_pj")
"""`[energy]` fields a calibration refits (continuous, log space, pulled towards CNNergy's
1 : 1 : 6 ratios to a MAC). inter_pe_pj follows rf_pj at CNNergy's 2 : 1; dram_pj, which the
chip's power (DRAM excluded) does not see, and clock_power_w (cited, CNNergy) stay put."""

ENERGY_PRIOR_SIGMA = 0.7
"""Spread of the per-access energy priors in natural-log units (a factor of 2 is one sigma)."""

ONCHIP_WEIGHT_GRID = (0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1.0)
"""The on-chip weights a fit enumerates."""

PE_SET_CAPS = (1, 2, 3, 4, 6, 8, NO_CAP)
CHANNEL_SET_CAPS = (1, 2, 3, 4, NO_CAP)
"""The policy caps a fit enumerates (`NO_CAP`: none)."""

DEFAULT_BOOTSTRAP = 50
"""Bootstrap resamples `accelsim calibrate` draws by default."""

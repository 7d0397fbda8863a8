"""Energy per access at each level of the memory hierarchy, plus clock and control energy."""

from __future__ import annotations

from dataclasses import dataclass

from accelsim.errors import AccelsimError
from accelsim.files.reading import short_repr
from accelsim.hardware.limits import (
    MAX_ACCESS_PJ,
    MAX_CLOCK_POWER_W,
    MAX_CONTROL_FRACTION,
    MIN_ACCESS_PJ,
    check_name,
    check_number,
)

ACCESS_FIELDS = ("mac_pj", "rf_pj", "inter_pe_pj", "glb_pj", "dram_pj")
"""Energies of one access (or MAC) in pJ: each finite and positive (a free level is not real)."""

TECH_SCALE_45_TO_65 = (65 / 45) * (1 / 0.9) ** 2
"""Scaling of dynamic energy from 45 nm / 0.9 V to 65 nm / 1 V: (65/45) * (1/0.9)^2."""


@dataclass(frozen=True)
class EnergyTable:
    """Energy of one access (one word of the accelerator's width) at each level, in pJ.

    `clock_power_w` and `control_fraction` give the clock energy (power x latency) and the other
    control energy (a fraction Cc of the on-chip total: E_other = Cc / (1 - Cc) * (on-chip + clock)).
    `include_control=False` leaves clock and control energy out of the reported energies (the
    reference's "no control" runs) while the hardware keeps its clock: mappers still weigh time.
    """

    name: str = "eyeriss-16bit"
    mac_pj: float = (0.05 + 0.9) * TECH_SCALE_45_TO_65
    rf_pj: float = (0.05 + 0.9) * TECH_SCALE_45_TO_65
    inter_pe_pj: float = 2 * (0.05 + 0.9) * TECH_SCALE_45_TO_65
    glb_pj: float = 6 * (0.05 + 0.9) * TECH_SCALE_45_TO_65
    dram_pj: float = 200 * (0.05 + 0.9) * TECH_SCALE_45_TO_65
    clock_power_w: float = 0.1063
    control_fraction: float = 0.15
    include_control: bool = True

    def __post_init__(self) -> None:
        check_name("energy table", "name", self.name)
        owner = f"energy table {short_repr(self.name)}"
        for field in ACCESS_FIELDS:
            value = check_number(owner, field, getattr(self, field), MIN_ACCESS_PJ, MAX_ACCESS_PJ)
            object.__setattr__(self, field, value)
        power = check_number(owner, "clock_power_w", self.clock_power_w, 0, MAX_CLOCK_POWER_W)
        object.__setattr__(self, "clock_power_w", power)
        if not isinstance(self.include_control, bool):
            raise AccelsimError(
                f"{owner}: include_control must be true or false, "
                f"got {short_repr(self.include_control)}"
            )
        fraction = check_number(
            owner, "control_fraction", self.control_fraction, 0, MAX_CONTROL_FRACTION
        )
        object.__setattr__(self, "control_fraction", fraction)

    def without_control(self) -> EnergyTable:
        """The same table, with clock and control energy left out of reported energies."""
        from dataclasses import replace

        return replace(self, include_control=False)

    @property
    def mac_j(self) -> float:
        return self.mac_pj * 1e-12

    @property
    def rf_j(self) -> float:
        return self.rf_pj * 1e-12

    @property
    def inter_pe_j(self) -> float:
        return self.inter_pe_pj * 1e-12

    @property
    def glb_j(self) -> float:
        return self.glb_pj * 1e-12

    @property
    def dram_j(self) -> float:
        return self.dram_pj * 1e-12


def eyeriss_energy(bits: int) -> EnergyTable:
    """The CNNergy energy table for Eyeriss at 16 or 8 bit (65 nm, 1 V).

    16 bit: MAC = adder 0.05 pJ + multiplier 0.9 pJ at 45 nm, scaled; RF, inter-PE, GLB and DRAM
    cost 1x, 2x, 6x and 200x a MAC. 8 bit: adder halves, multiplier quarters; the storage levels
    cost half their 16-bit values.
    """
    s = TECH_SCALE_45_TO_65
    mac16 = (0.05 + 0.9) * s
    if bits == 16:
        return EnergyTable(name="eyeriss-16bit")
    if bits == 8:
        return EnergyTable(
            name="eyeriss-8bit",
            mac_pj=(0.05 / 2 + 0.9 / 4) * s,
            rf_pj=mac16 / 2,
            inter_pe_pj=2 * mac16 / 2,
            glb_pj=6 * mac16 / 2,
            dram_pj=200 * mac16 / 2,
        )
    raise AccelsimError(f"bits must be 8 or 16, got {bits}")

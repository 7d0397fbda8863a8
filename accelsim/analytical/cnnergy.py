"""CNNergy: the analytical energy model of NeuPart (Manasi, Snigdha, Sapatnekar, IEEE TVLSI 2020).

Reproduces the authors' public MATLAB implementation (`manasiumn37/CNNergy`,
`src/Analytical_Model.m`) to floating-point rounding: the same schedule rules, the same deliberately
unrounded quantities (x_if, y_comp, filters per set, pass counts are ratios), the same energy terms.
`docs/cnnergy.md` restates the model step by step.

Generalisations beyond the reference, which only takes square layers on Eyeriss: the array size,
scratchpad sizes and GLB size come from the `SpatialArray`; non-square layers use the filter height R
for PE-set rows and vertical overlap and the filter width S for scratchpad capacity (a PE holds filter
rows), the ofmap width F for x and the height E for y. For square layers on Eyeriss these are exactly
the reference's formulas. The reference's 1x1 heuristic (72 channels per pass; 18 and 36 filters) is
kept as it is.

Grouped layers: the reference models AlexNet's two groups as one layer of C = channels per group
and all M filters, so every pass reads one group's channels. That is right while a pass's filters
belong to one group (filters per pass <= M / groups); when they do not (depthwise layers: one
filter per group), the layer is scheduled group by group instead: one group (C / groups channels,
M / groups filters) as the reference would schedule it, run `groups` times (`group_schedule`
`per-group`, `docs/cnnergy.md`).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field, fields, replace
from operator import attrgetter

from accelsim.coding.rlc_size import rlc_words_unrounded
from accelsim.energy.record import AccessCounts, EnergyBreakdown, energy_from_counts
from accelsim.engine.limits import images_per_pass
from accelsim.errors import AccelsimError, LayerRefused
from accelsim.hardware.accelerator import Accelerator
from accelsim.hardware.spatial import SpatialArray
from accelsim.workload.layer import ConvLayer
from accelsim.workload.network import Network

MACS_PER_S = 23.1e9
"""The throughput CNNergy assumes for latency (MACs / s): Eyeriss's average on AlexNet's CONV layers
(JSSC 2017). A model assumption, not hardware: `macs_per_s` of the model's functions replaces it."""

RULE3_CHANNELS_PER_PASS = 72
"""The reference's fixed channels per pass for 1x1 layers (its energy-reducing heuristic)."""


@dataclass(frozen=True)
class Schedule:
    """The schedule CNNergy chose for a layer. Counts that the reference leaves unrounded are floats."""

    sets_per_pass: int
    ch_per_set: int
    ch_per_pass: int
    df_per_set: float
    df_per_pass: float
    all_channels_in_pass: bool
    x_if: float
    y_if: int
    x_of: float
    y_of: int
    y_comp: float
    n: int
    n_computed: int
    n_max: float
    ifmap_kb: float
    psum_kb: float
    rules: tuple[str, ...] = field(default=())

    @property
    def total_kb(self) -> float:
        return self.ifmap_kb + self.psum_kb


@dataclass(frozen=True)
class CnnergyLayer:
    """Per-image results of one layer: energy breakdown, schedule and access counts (in words)."""

    layer: str
    group: str
    macs: int
    nonzero_macs: float
    latency_s: float
    energy: EnergyBreakdown
    schedule: Schedule
    z_passes: float
    filter_passes: float
    y_passes: float
    x_passes: float
    rf_accesses: float
    inter_pe_transfers: float
    glb_filter_accesses: float
    glb_ifmap_accesses: float
    glb_psum_accesses: float
    dram_filter_accesses: float
    dram_ifmap_accesses: float
    dram_ofmap_accesses: float
    energy_j_computed_n: float
    group_schedule: str = "reference"
    """`reference` or `per-group` (`GROUP_SCHEDULES`); per-group, the schedule and pass counts
    are those of one group, and the counts cover every group."""

    @property
    def energy_j(self) -> float:
        return self.energy.total_j

    @property
    def glb_accesses(self) -> float:
        return self.glb_filter_accesses + self.glb_ifmap_accesses + self.glb_psum_accesses

    @property
    def dram_accesses(self) -> float:
        return self.dram_filter_accesses + self.dram_ifmap_accesses + self.dram_ofmap_accesses


GROUP_SCHEDULES = ("reference", "per-group")
"""How a layer's groups are scheduled: `reference` (the reference's treatment: all filters over one
group's channels, exact for ungrouped layers and whenever a pass's filters fit in one group) or
`per-group` (one group scheduled and run `groups` times: a pass's filters would span groups)."""


def group_schedule(layer: ConvLayer, sch: Schedule) -> str:
    """`reference` when the reference's grouped-layer assumption holds for the schedule it
    computed (no groups, or at most M / groups filters per pass, so every pass reads one group's
    channels), else `per-group`."""
    if layer.groups == 1 or sch.df_per_pass <= layer.out_channels // layer.groups:
        return "reference"
    return "per-group"


def one_group(layer: ConvLayer) -> ConvLayer:
    """One group of a grouped layer as an ungrouped layer (same sizes, zeros and batch)."""
    return replace(
        layer,
        in_channels=layer.channels_per_group,
        out_channels=layer.out_channels // layer.groups,
        groups=1,
    )


def compulsory_ifmap_words(layer: ConvLayer, config: Accelerator, first_layer: bool) -> float:
    """The DRAM ifmap traffic no schedule can avoid, per image: every padded input word some
    filter window reads, once (all C channels; rows (E - 1) U + R, or E R when the stride exceeds
    the filter; columns likewise), RLC-coded at the padded zero fraction as the model codes DRAM
    ifmap reads, except the first layer's input, which is read raw."""
    u = layer.stride
    r, s = layer.filter_height, layer.filter_width
    e, f = layer.out_height, layer.out_width
    rows = (e - 1) * u + r if u <= r else e * r
    cols = (f - 1) * u + s if u <= s else f * s
    words = layer.in_channels * rows * cols
    if first_layer:
        return float(words)
    return rlc_words_unrounded(words, layer.ifmap_zero, config.rlc)


def _kb(words: float, bits: int) -> float:
    return words * bits / (1024 * 8)


def schedule_layer(layer: ConvLayer, hw: SpatialArray, n_given: int | None = None) -> Schedule:
    """The reference's schedule; `n_given` replaces the computed n (its second run) when set."""
    r, s = layer.filter_height, layer.filter_width
    c, m, u = layer.channels_per_group, layer.out_channels, layer.stride
    e, f = layer.out_height, layer.out_width
    h, w = layer.padded_height, layer.padded_width
    bits, glb = hw.bits, hw.glb_ifmap_psum_kb
    if r > hw.pe_rows:
        raise LayerRefused(
            f"layer '{layer.name}': filter_height {r} exceeds the {hw.pe_rows} PE "
            "rows (the analytical model needs one PE row per filter row)"
        )
    if s > hw.spad_ifmap_words:
        raise LayerRefused(
            f"layer '{layer.name}': filter_width {s} exceeds the ifmap scratchpad "
            f"of {hw.spad_ifmap_words} words"
        )
    rules: list[str] = []
    sets_per_pass = hw.pe_rows // r
    ch_per_set = hw.spad_ifmap_words // s
    filters_in_set = hw.spad_filter_words // s
    df_per_set: float = filters_in_set // ch_per_set
    if ch_per_set >= c:
        rules.append("rule1")
        ch_per_set = ch_per_pass = c
        all_ch = True
        df_per_set = filters_in_set // ch_per_set
        df_per_pass: float = df_per_set * sets_per_pass
    else:
        ch_per_pass = ch_per_set * sets_per_pass
        df_per_pass = df_per_set
        all_ch = False
    if ch_per_set < c < ch_per_pass:
        rules.append("rule2")
        ch_per_pass = c
        supersets = sets_per_pass // math.ceil(ch_per_pass / ch_per_set)
        df_per_pass = df_per_set * supersets
        all_ch = True
    if r == 1 and s == 1 and e != 1 and not all_ch:
        rules.append("rule3")
        ch_per_pass = RULE3_CHANNELS_PER_PASS
        supersets = sets_per_pass // math.ceil(ch_per_pass / ch_per_set)
        if supersets == 0:
            raise LayerRefused(
                f"layer '{layer.name}': the analytical model finds no schedule: its 1x1 rule "
                f"({RULE3_CHANNELS_PER_PASS} channels per pass) needs more PE sets than the "
                f"{hw.pe_rows}-row array has"
            )
        if m <= 18:
            df_per_set = m
            df_per_pass = df_per_set
        elif m < 36:
            df_per_set = m / supersets
            df_per_pass = df_per_set * supersets
        else:
            df_per_pass = df_per_set * supersets
    if df_per_pass > m:
        rules.append("rule4")
        df_per_set = m / sets_per_pass
        df_per_pass = df_per_set * sets_per_pass
    if hw.spad_psum_words < df_per_set:
        rules.append("rule5")
        df_per_set = hw.spad_psum_words
        # capped at M: the reference's rule5 can plan more filters per pass than the layer has
        # (never on its own square layers on Eyeriss), so that fewer than one filter pass would
        # read less than the whole ifmap
        df_per_pass = min(df_per_set * sets_per_pass, m)

    # Coverage of the ifmap/ofmap and the GLB allocation.
    x_if: float = w
    y = u * (hw.pe_cols - 1) + r
    if y >= h:
        y_if, y_of = h, e
    else:
        y_if, y_of = y, hw.pe_cols
    ifmap_kb = _kb(x_if * y_if * ch_per_pass, bits)
    psum_kb = _kb(f * e * df_per_pass, bits)
    n_max = glb / (ifmap_kb + psum_kb)
    x_of: float = f
    if df_per_pass <= 0:
        raise LayerRefused(
            f"layer '{layer.name}': the analytical model finds no schedule: the "
            f"{hw.spad_filter_words}-word filter scratchpad cannot hold {s}-wide filter rows for "
            f"{ch_per_set} channels"
        )
    while ifmap_kb >= glb:
        x_if = x_if / 2
        if x_if < s:
            raise LayerRefused(
                f"layer '{layer.name}': the analytical model finds no schedule: an ifmap strip "
                f"narrower than the filter would still exceed the {glb:g} kB global buffer"
            )
        ifmap_kb = _kb(x_if * y_if * ch_per_pass, bits)
        x_of = (x_if - s) / u + 1
        psum_kb = _kb(x_of * e * df_per_pass, bits)
        n_max = glb / (ifmap_kb + psum_kb)
    final_psum_kb: float | None = None
    if n_max >= 1:
        # the computed n: as many images as the ifmap/psum GLB holds, each with its ifmap strip and
        # its psums (an FC layer on Eyeriss: 100 kB / ((144 + 18) words x 2 B) -> 316 images)
        n = math.floor(n_max)
        y_comp: float = e
    elif all_ch:
        y_comp = e
        n = 1
        final_psum_kb = glb - ifmap_kb
    else:
        y_comp = e
        n_new = n_max
        while n_new < 1:
            y_comp = y_comp / 2
            n_new = glb / (ifmap_kb + _kb(x_of * y_comp * df_per_pass, bits))
        n = 1
    if y_comp < y_of:
        rules.append("rule6")
        y_comp = y_of
        if not all_ch:
            fits = 0.0
            while fits < 1:
                df_per_pass -= 1
                if df_per_pass <= 0:
                    raise LayerRefused(
                        f"layer '{layer.name}': the analytical model finds no schedule: an ifmap "
                        f"strip of {ifmap_kb:.4g} kB leaves no room for one filter's psums in the "
                        f"{glb:g} kB global buffer (the reference would divide by zero)"
                    )
                fits = glb / (ifmap_kb + _kb(x_of * y_of * df_per_pass, bits))
        else:
            final_psum_kb = glb - ifmap_kb
    n_computed = n
    if n_given is not None:
        n = n_given
    if not all_ch:
        final_psum_kb = n * _kb(x_of * y_comp * df_per_pass, bits)
    ifmap_total_kb = ifmap_kb * n
    if all_ch and n_max >= 1:
        final_psum_kb = glb - ifmap_total_kb
    assert final_psum_kb is not None
    return Schedule(
        sets_per_pass,
        ch_per_set,
        ch_per_pass,
        df_per_set,
        df_per_pass,
        all_ch,
        x_if,
        y_if,
        x_of,
        y_of,
        y_comp,
        n,
        n_computed,
        n_max,
        ifmap_total_kb,
        final_psum_kb,
        tuple(rules),
    )


def _energy(
    layer: ConvLayer,
    config: Accelerator,
    sch: Schedule,
    first_layer: bool,
    macs_per_s: float,
    copies: int = 1,
) -> tuple[EnergyBreakdown, dict[str, float]]:
    """Energy and counts per image for a schedule (the reference's energy equations), for
    `copies` runs of `layer` (the groups of a per-group schedule; 1 otherwise)."""
    table = config.energy
    r, s = layer.filter_height, layer.filter_width
    c, m, u = layer.channels_per_group, layer.out_channels, layer.stride
    e, f = layer.out_height, layer.out_width
    n = sch.n
    nz_if = 1.0 - layer.ifmap_zero
    filters = sch.df_per_pass * sch.ch_per_pass * r * s
    ifmap = sch.x_if * sch.y_if * sch.ch_per_pass
    ifmap_ov = sch.x_if * (sch.y_if - (r - u)) * sch.ch_per_pass
    if first_layer:
        ifmap_dram, ifmap_dram_ov = ifmap * n, ifmap_ov * n
    else:
        ifmap_dram = rlc_words_unrounded(ifmap, layer.ifmap_zero, config.rlc) * n
        ifmap_dram_ov = rlc_words_unrounded(ifmap_ov, layer.ifmap_zero, config.rlc) * n
    psums = sch.df_per_pass * sch.x_of * sch.y_of
    macs_pass = r * s * sch.x_of * sch.y_of * sch.df_per_pass * sch.ch_per_pass
    nz_pass = macs_pass * nz_if
    hops = math.ceil(r * (sch.ch_per_pass / sch.ch_per_set))
    vertical = (hops - 1) * sch.x_of * sch.df_per_pass * sch.y_of
    y_steps = sch.y_comp / sch.y_of
    z_passes = c / sch.ch_per_pass
    filter_passes = m / sch.df_per_pass
    y_passes = e / sch.y_comp
    x_passes = f / sch.x_of
    outer = filter_passes * y_passes * x_passes
    steps = n * y_steps * z_passes * outer  # PE-array steps over all passes, n images
    ofmap_dram = rlc_words_unrounded(e * f * m, layer.ofmap_zero, config.rlc) * n
    counts_n = {
        "glb_filter_accesses": filters * z_passes * outer,
        "glb_ifmap_accesses": ifmap * steps,
        "glb_psum_accesses": (psums * n * y_steps + psums * 2 * n * y_steps * (z_passes - 1))
        * outer,
        "dram_filter_accesses": filters * z_passes * outer,
        "dram_ifmap_accesses": (ifmap_dram + (y_steps - 1) * ifmap_dram_ov) * z_passes * outer,
        "dram_ofmap_accesses": ofmap_dram,
        "nonzero_macs_energy": nz_pass * steps,
        "rf_energy_accesses": (3 * nz_pass + (nz_pass - vertical) + (macs_pass - nz_pass)) * steps,
        "inter_pe_transfers": vertical * steps,
    }
    if copies != 1:
        counts_n = {key: value * copies for key, value in counts_n.items()}
    per_image = {key: value / n for key, value in counts_n.items()}
    latency = layer.macs * copies / macs_per_s
    counts = AccessCounts(
        nonzero_macs=per_image["nonzero_macs_energy"],
        rf_accesses=per_image["rf_energy_accesses"],
        inter_pe_transfers=per_image["inter_pe_transfers"],
        glb_accesses=per_image["glb_filter_accesses"]
        + per_image["glb_ifmap_accesses"]
        + per_image["glb_psum_accesses"],
        dram_accesses=per_image["dram_filter_accesses"]
        + per_image["dram_ifmap_accesses"]
        + per_image["dram_ofmap_accesses"],
    )
    extra = {
        "z_passes": z_passes,
        "filter_passes": filter_passes,
        "y_passes": y_passes,
        "x_passes": x_passes,
        "latency_s": latency,
        **per_image,
    }
    return energy_from_counts(counts, table, latency), extra


def evaluate_layer(
    layer: ConvLayer,
    config: Accelerator,
    first_layer: bool = False,
    batch_n: int | None = None,
    macs_per_s: float = MACS_PER_S,
    compute_n: bool = False,
) -> CnnergyLayer:
    """CNNergy for one conv/FC layer at n images per pass: the schedule's own n (the reference's
    first run: as many images as the GLB holds) with `compute_n`, else `batch_n`, else the
    layer's `batch_n`, else 1 (`accelsim.engine.limits.images_per_pass`, every model's rule)."""
    check_spatial(config)
    if isinstance(macs_per_s, bool) or not (
        isinstance(macs_per_s, int | float) and 0 < macs_per_s < math.inf
    ):
        raise AccelsimError(f"analytical model: macs_per_s must be positive, got {macs_per_s!r}")
    n_given = None if compute_n else images_per_pass(layer, batch_n)
    computed = schedule_layer(layer, config.hardware)
    grouping = group_schedule(layer, computed)
    scheduled, copies = layer, 1
    if grouping == "per-group":
        scheduled, copies = one_group(layer), layer.groups
        computed = schedule_layer(scheduled, config.hardware)
    first_energy, _ = _energy(scheduled, config, computed, first_layer, macs_per_s, copies)
    sch = computed if n_given is None else schedule_layer(scheduled, config.hardware, n_given)
    energy, extra = _energy(scheduled, config, sch, first_layer, macs_per_s, copies)
    nonzero = layer.macs * (1.0 - layer.ifmap_zero)
    return CnnergyLayer(
        layer=layer.name,
        group=layer.group_label or layer.name,
        macs=layer.macs,
        nonzero_macs=nonzero,
        latency_s=extra["latency_s"],
        energy=energy,
        schedule=sch,
        z_passes=extra["z_passes"],
        filter_passes=extra["filter_passes"],
        y_passes=extra["y_passes"],
        x_passes=extra["x_passes"],
        rf_accesses=layer.macs + 3 * nonzero,
        inter_pe_transfers=extra["inter_pe_transfers"],
        glb_filter_accesses=extra["glb_filter_accesses"],
        glb_ifmap_accesses=extra["glb_ifmap_accesses"],
        glb_psum_accesses=extra["glb_psum_accesses"],
        dram_filter_accesses=extra["dram_filter_accesses"],
        dram_ifmap_accesses=extra["dram_ifmap_accesses"],
        dram_ofmap_accesses=extra["dram_ofmap_accesses"],
        energy_j_computed_n=first_energy.total_j,
        group_schedule=grouping,
    )


def check_spatial(config: Accelerator) -> None:
    """CNNergy models a spatial (Eyeriss-like) array only."""
    if config.kind != "spatial":
        raise AccelsimError(
            f"the analytical model (CNNergy) models spatial arrays; '{config.name}' is a "
            f"{config.kind} array"
        )


def evaluate_network(
    network: Network,
    config: Accelerator,
    compute_n: bool = False,
    macs_per_s: float = MACS_PER_S,
    batch: int | None = None,
) -> list[CnnergyLayer]:
    """CNNergy for every conv/FC layer at n images per pass: `batch` for every layer when given,
    else each layer's `batch_n`, else 1; with `compute_n`, the n each layer's schedule computes."""
    check_spatial(config)
    if compute_n and batch is not None:
        raise AccelsimError("analytical model: give batch or compute_n, not both")
    results = []
    seen: dict[tuple, CnnergyLayer] = {}
    for layer in network.compute_layers:
        first = network.reads_image(layer)
        key = (_shape_key(layer), first)
        try:
            hash(key)
        except TypeError:  # a field that cannot be a key: evaluate the layer itself
            results.append(evaluate_layer(layer, config, first, batch, macs_per_s, compute_n))
            continue
        if key not in seen:
            seen[key] = evaluate_layer(layer, config, first, batch, macs_per_s, compute_n)
        results.append(_renamed(seen[key], layer))
    return results


_NOT_MODELLED = ("name", "inputs", "group_label")
"""Layer fields CNNergy does not read: layers equal in every other field have equal results."""


_FIELDS: dict[type, Callable[[ConvLayer], tuple]] = {}


def _shape_key(layer: ConvLayer) -> tuple:
    """What CNNergy's result depends on: every layer field but the name and connectivity (a
    network of repeated layers, e.g. a long chain, is modelled once per distinct layer)."""
    getter = _FIELDS.get(type(layer))
    if getter is None:
        names = [f.name for f in fields(layer) if f.name not in _NOT_MODELLED]
        getter = _FIELDS[type(layer)] = attrgetter(*names)
    return (type(layer), getter(layer))


def _renamed(result: CnnergyLayer, layer: ConvLayer) -> CnnergyLayer:
    """The shared result of an equal layer under this layer's name (a shallow copy: its
    schedule and energy are immutable)."""
    group = layer.group_label or layer.name
    if result.layer == layer.name and result.group == group:
        return result
    clone = object.__new__(type(result))  # a field-for-field copy, without copy's machinery
    clone.__dict__.update(result.__dict__)
    object.__setattr__(clone, "layer", layer.name)
    object.__setattr__(clone, "group", group)
    return clone

"""Public entry points of the RS simulator: one layer, or every conv/FC layer of a network.

`simulate_layer` returns the engine's own record (`RSLayerResult`: counts per operand and
direction for the batch, cycles by cause); `layer_result` turns it into the result contract
(`accelsim.models.result.LayerResult`) that every model fills.
"""

from __future__ import annotations

from dataclasses import fields, replace

import numpy as np

from accelsim.calibration.effective import applied
from accelsim.energy.record import AccessCounts, EnergyBreakdown, energy_from_counts
from accelsim.engine.limits import check_batch
from accelsim.engine.rs.plan import CYCLE_CAUSES, RSPlan, make_plan
from accelsim.engine.rs.result import RSLayerResult
from accelsim.engine.rs.run import ENGINES, check_trace, cycle_lower_bounds, run_plan
from accelsim.errors import AccelsimError
from accelsim.files.reading import short_repr
from accelsim.hardware.accelerator import Accelerator
from accelsim.models.result import LayerResult
from accelsim.workload.layer import ConvLayer
from accelsim.workload.network import Network
from dataflows.row_stationary import (
    COUNT_INDEX,
    RSMapping,
    access_counts,
    best_mapping,
    check_mapping,
    closed_form_counts,
    geometry,
    nonzero_macs,
)

MODEL_NAME = "rs"

_ACCESS_FIELDS = tuple(f.name for f in fields(AccessCounts))


def check_spatial(config: Accelerator) -> None:
    """The RS simulator runs spatial arrays only."""
    if config.kind != "spatial":
        raise AccelsimError(
            f"the row-stationary simulator runs spatial arrays; '{config.name}' is a "
            f"{config.kind} array"
        )


def layer_batch(layer: ConvLayer, batch: int | None) -> int:
    """Images simulated together: `batch`; by default the layer's own `batch_n` (CNNergy's n2, so
    that the two models see the same batch), else 1."""
    if batch is None:
        return check_batch(layer.batch_n or 1, f"layer '{layer.name}': batch_n")
    return check_batch(batch)


def _ranked(config: Accelerator) -> Accelerator:
    """The accelerator the mapper prices with: clock and control energy always in."""
    if config.energy.include_control:
        return config
    return replace(config, energy=replace(config.energy, include_control=True))


def simulated_energy(
    layer: ConvLayer, config: Accelerator, mapping: RSMapping, batch: int, first_layer: bool
) -> tuple[float, int]:
    """What the `energy` policy compares: the fast engine's total energy per image (clock and
    control in) and cycles of a mapping."""
    config = applied(config)
    plan = make_plan(layer, config.hardware, mapping, batch, first_layer, config.rlc)
    counts, _, total = run_plan(plan, "fast")
    return batch_energy(layer, _ranked(config), counts, batch, total).total_j, total


BOUND_MARGIN = 1e-12
"""Relative amount `energy_lower_bounds` takes off its bounds: they are priced with numpy (one
array for all candidates), whose int64 / int division may round a count per image one unit in
the last place away from the Python division `batch_energy` does; a few such units over a
dozen operations stay far below 10^-12."""


def energy_lower_bounds(
    layer: ConvLayer,
    config: Accelerator,
    mappings: list[RSMapping] | np.ndarray,
    batch: int,
    first_layer: bool,
) -> np.ndarray:
    """A lower bound of `simulated_energy` of each mapping (RSMapping or mapping rows), without
    simulating: its exact closed-form counts (what the engines count) priced like
    `batch_energy` at `cycle_lower_bounds`, less `BOUND_MARGIN`. Energy only grows with the cycles (clock energy,
    and control energy with it), operation by operation."""
    config = applied(config)
    hw = config.hardware
    if isinstance(mappings, np.ndarray):  # mapping rows (m, n, e, p, q, r, t, g)
        rows = np.atleast_2d(mappings).astype(np.int64)
    else:
        rows = np.array([mp.as_row() for mp in mappings], dtype=np.int64)
    counts = closed_form_counts(layer, hw, rows, batch, first_layer, config.rlc)
    cycles = cycle_lower_bounds(layer, hw, rows, batch, first_layer, config.rlc)
    nz = np.round(counts[:, COUNT_INDEX["macs"]] * (1.0 - layer.ifmap_zero)).astype(np.int64)
    totals = access_counts(counts, nz)
    per_image = AccessCounts(*(getattr(totals, k) / batch for k in _ACCESS_FIELDS))
    energy = energy_from_counts(per_image, _ranked(config).energy, cycles / hw.clock_hz / batch)
    return energy.total_j * (1.0 - BOUND_MARGIN)


def choose_mapping(
    layer: ConvLayer, config: Accelerator, batch: int, first_layer: bool, policy: str | None = None
) -> RSMapping:
    """The mapper (`dataflows.row_stationary.best_mapping`) with the fast engine as evaluator;
    `policy` None is the accelerator's calibration's (`Calibration.mapper`).

    Mappings are chosen with clock and control energy included whatever the report shows, so
    `--no-control` changes reported energies only. The `energy` policy simulates its candidates
    in order of `energy_lower_bounds` and skips those whose bound exceeds the best energy
    simulated so far: the mapping of simulating every legal mapping, with a few dozen
    simulations (`best_mapping`)."""
    config = applied(config)
    cal = config.calibration
    return best_mapping(
        layer, config.hardware, _ranked(config).energy, batch, first_layer,
        policy=policy or cal.mapper,
        max_pe_sets=cal.max_pe_sets,
        max_channel_sets=cal.max_channel_sets,
        onchip_weight=cal.onchip_weight,
        evaluate=lambda mp: simulated_energy(layer, config, mp, batch, first_layer),
        rlc=config.rlc,
        bound=lambda rows: energy_lower_bounds(layer, config, rows, batch, first_layer),
    )  # fmt: skip


def check_engine(engine: object) -> str:
    """`engine` as one of ENGINES, else a one-line error naming the choices."""
    if not isinstance(engine, str) or engine not in ENGINES:
        raise AccelsimError(f"engine must be one of {', '.join(ENGINES)}, got {short_repr(engine)}")
    return engine


def prepare_layer(
    layer: ConvLayer,
    config: Accelerator,
    mapping: RSMapping | None = None,
    batch: int | None = None,
    first_layer: bool = False,
    policy: str | None = None,
) -> tuple[RSMapping, int, RSPlan]:
    """The mapping (chosen unless given, else checked), the batch and the plan of one layer."""
    config = applied(config)
    check_spatial(config)
    if not isinstance(layer, ConvLayer):
        raise AccelsimError(
            f"layer '{getattr(layer, 'name', layer)}': only conv/FC layers run on the PE array"
        )
    hw = config.hardware
    n_img = layer_batch(layer, batch)
    if mapping is None:
        mapping = choose_mapping(layer, config, n_img, first_layer, policy)
    else:
        check_mapping(layer, hw, mapping, n_img)
    return mapping, n_img, make_plan(layer, hw, mapping, n_img, first_layer, config.rlc)


def run_prepared(
    layer: ConvLayer,
    config: Accelerator,
    prepared: tuple[RSMapping, int, RSPlan],
    engine: str,
) -> RSLayerResult:
    """Simulate a prepared layer with the chosen engine."""
    config = applied(config)
    mapping, n_img, plan = prepared
    try:
        counts, cycles, total = run_plan(plan, engine)
    except AccelsimError as exc:
        raise AccelsimError(f"layer '{layer.name}': {exc}") from None
    return build_result(layer, config, mapping, n_img, engine, counts, cycles, total)


def simulate_layer(
    layer: ConvLayer,
    config: Accelerator,
    mapping: RSMapping | None = None,
    batch: int | None = None,
    engine: str = "fast",
    first_layer: bool = False,
    policy: str | None = None,
) -> RSLayerResult:
    """Map (unless `mapping` is given) and simulate one conv/FC layer for a batch of images.

    `first_layer` marks a layer that reads the image: its ifmap is not RLC-coded in DRAM.
    """
    config = applied(config)
    check_engine(engine)
    prepared = prepare_layer(layer, config, mapping, batch, first_layer, policy)
    return run_prepared(layer, config, prepared, engine)


def simulate_network(
    network: Network,
    config: Accelerator,
    batch: int | None = None,
    engine: str = "fast",
    policy: str | None = None,
    mappings: dict[str, RSMapping] | None = None,
) -> list[RSLayerResult]:
    """Every conv/FC layer in order; `mappings` pins the layers it names, `policy` maps the rest.

    Every layer is mapped and its work checked against the engine's limit before any layer is
    simulated, so a layer too long for the trace engine is refused before the others are traced.
    """
    config = applied(config)
    check_spatial(config)
    check_engine(engine)
    layers = network.compute_layers
    prepared = [
        prepare_layer(
            layer,
            config,
            mapping=(mappings or {}).get(layer.name),
            batch=batch,
            first_layer=network.reads_image(layer),
            policy=policy,
        )
        for layer in layers
    ]
    if engine == "trace":
        for layer, (_, _, plan) in zip(layers, prepared, strict=True):
            try:
                check_trace(plan)
            except AccelsimError as exc:
                raise AccelsimError(f"layer '{layer.name}': {exc}") from None
    return [
        run_prepared(layer, config, prep, engine)
        for layer, prep in zip(layers, prepared, strict=True)
    ]


def batch_energy(
    layer: ConvLayer, config: Accelerator, counts: np.ndarray, batch: int, cycles: int
) -> EnergyBreakdown:
    """Energy per image of a layer run: the batch's counts (COUNT_NAMES order) priced by the
    accelerator's table, with clock energy over `cycles` / batch. The one computation of a
    simulated layer's energy (reported, and what the `energy` mapper compares)."""
    config = applied(config)
    nz = nonzero_macs(int(counts[COUNT_INDEX["macs"]]), layer.ifmap_zero)
    totals = access_counts(counts, nz)  # what the energy model charges, for the batch
    per_image = AccessCounts(*(int(getattr(totals, k)) / batch for k in _ACCESS_FIELDS))
    latency = cycles / config.hardware.clock_hz
    return energy_from_counts(per_image, config.energy, latency / batch)


def build_result(
    layer: ConvLayer,
    config: Accelerator,
    mapping: RSMapping,
    batch: int,
    engine: str,
    counts: np.ndarray,
    cycles: np.ndarray,
    total: int,
) -> RSLayerResult:
    config = applied(config)
    hw = config.hardware
    c = {name: int(counts[i]) for name, i in COUNT_INDEX.items()}
    by_cause = {name: int(cycles[i]) for i, name in enumerate(CYCLE_CAUSES)}
    if sum(by_cause.values()) != total:  # the engines' bookkeeping guarantees this
        raise AssertionError(f"layer '{layer.name}': cycles by cause do not add up")
    macs = c["macs"]
    nz = nonzero_macs(macs, layer.ifmap_zero)
    rf_reads = {"ifmap": macs, "filter": nz, "psum": nz}
    rf_writes = {
        "ifmap": c["rf_ifmap_writes"],
        "filter": c["rf_filter_writes"],
        "psum": nz + c["rf_psum_writes_noc"],
    }
    glb_reads = {op: c[f"glb_{op}_reads"] for op in ("ifmap", "filter", "psum")}
    glb_writes = {op: c[f"glb_{op}_writes"] for op in ("ifmap", "filter", "psum")}
    dram_reads = {"ifmap": c["dram_ifmap_reads"], "filter": c["dram_filter_reads"]}
    dram_writes = {"ofmap": c["dram_ofmap_writes"]}
    noc = {
        "ifmap": c["noc_ifmap"],
        "filter": c["noc_filter"],
        "psum_in": c["noc_psum_in"],
        "psum_out": c["noc_psum_out"],
    }
    latency = total / hw.clock_hz
    energy = batch_energy(layer, config, counts, batch, total)
    return RSLayerResult(
        layer=layer.name,
        group=layer.group_label or layer.name,
        mapping=mapping,
        batch=batch,
        engine=engine,
        cycles=total,
        cycles_by_cause=by_cause,
        latency_s=latency,
        active_pes=mapping.active_pes(geometry(layer)),
        num_pes=hw.num_pes,
        macs=macs,
        nonzero_macs=nz,
        rf_reads=rf_reads,
        rf_writes=rf_writes,
        inter_pe_transfers=c["inter_pe"],
        noc_deliveries=noc,
        glb_reads=glb_reads,
        glb_writes=glb_writes,
        dram_reads=dram_reads,
        dram_writes=dram_writes,
        passes=c["passes"],
        word_bytes=hw.word_bytes,
        energy=energy,
    )


def layer_result(res: RSLayerResult) -> LayerResult:
    """The result contract of a simulated layer: shared columns per image; the model's own
    columns (cycles, reads and writes per level and operand, cycles by cause) for the batch."""
    b = res.batch
    glb = {op: (res.glb_reads[op] + res.glb_writes[op]) / b for op in ("filter", "ifmap", "psum")}
    dram = {
        "filter": res.dram_reads["filter"] / b,
        "ifmap": res.dram_reads["ifmap"] / b,
        "ofmap": res.dram_writes["ofmap"] / b,
    }
    extra: dict[str, object] = {
        "engine": res.engine,
        "cycles": res.cycles,
        "batch_latency_s": res.latency_s,
        "passes": res.passes,
        "glb_reads": sum(res.glb_reads.values()),
        "glb_writes": sum(res.glb_writes.values()),
        "dram_reads": sum(res.dram_reads.values()),
        "dram_writes": sum(res.dram_writes.values()),
        "dram_read_bytes": sum(res.dram_reads.values()) * res.word_bytes,
        "dram_write_bytes": sum(res.dram_writes.values()) * res.word_bytes,
        "stall_cycles": res.stall_cycles,
    }
    extra.update({f"cycles_{k}": v for k, v in res.cycles_by_cause.items()})
    for prefix, counts in (
        ("rf_reads", res.rf_reads),
        ("rf_writes", res.rf_writes),
        ("noc", res.noc_deliveries),
        ("glb_reads", res.glb_reads),
        ("glb_writes", res.glb_writes),
        ("dram_reads", res.dram_reads),
        ("dram_writes", res.dram_writes),
    ):
        extra.update({f"{prefix}_{k}": v for k, v in counts.items()})
    return LayerResult(
        layer=res.layer,
        group=res.group,
        model=MODEL_NAME,
        batch=b,
        macs=res.macs // b if res.macs % b == 0 else res.macs / b,
        nonzero_macs=res.nonzero_macs / b,
        energy_j=res.energy.total_j,
        latency_s=res.latency_s / b,
        breakdown=res.energy,
        rf_accesses=res.rf_accesses / b,
        inter_pe_transfers=res.inter_pe_transfers / b,
        glb=glb,
        dram=dram,
        utilization=res.utilization,
        active_pes=res.active_pes,
        mapping=str(res.mapping),
        extra=extra,
    )

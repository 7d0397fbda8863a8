"""Public entry points of the RS simulator: one layer, or a whole network as a DataFrame."""

from __future__ import annotations

import numpy as np
import pandas as pd

from accelsim.energy.record import BREAKDOWN_COLUMNS, AccessCounts, energy_from_counts
from accelsim.engine.rs.fast import simulate_fast
from accelsim.engine.rs.plan import CYCLE_CAUSES, RSPlan, make_plan
from accelsim.engine.rs.result import RSLayerResult
from accelsim.errors import AccelsimError
from accelsim.hardware.config import AcceleratorConfig
from accelsim.workload.layer import ConvLayer
from accelsim.workload.network import Network
from dataflows.row_stationary import (
    COUNT_INDEX,
    RSMapping,
    best_mapping,
    check_mapping,
    nonzero_macs,
)

ENGINES = ("fast", "trace")


def layer_batch(layer: ConvLayer, batch: int | None) -> int:
    """Images simulated together: `batch`; by default the layer's own `batch_n` (CNNergy's n2, so
    that the two models see the same batch), else 1."""
    if batch is None:
        return layer.batch_n or 1
    if isinstance(batch, bool) or not isinstance(batch, int) or batch < 1:
        raise AccelsimError(f"batch must be a positive integer, got {batch!r}")
    return batch


def run_plan(plan: RSPlan, engine: str) -> tuple[np.ndarray, np.ndarray, int]:
    """Counts, cycles by cause and total cycles of a plan, by the chosen engine."""
    if engine == "fast":
        counts, cycles, total = simulate_fast(*plan.args())
        return counts, cycles, int(total)
    if engine == "trace":
        from accelsim.engine.rs.trace import TRACE_MAX_CYCLES, simulate_trace

        total = int(simulate_fast(*plan.args())[2])
        if total > TRACE_MAX_CYCLES:
            raise AccelsimError(
                f"trace engine: the layer takes {total} cycles (more than "
                f"{TRACE_MAX_CYCLES}); use the fast engine"
            )
        run = simulate_trace(plan)
        return run.counts, run.cycles, run.total
    raise AccelsimError(f"engine must be one of {', '.join(ENGINES)}, got '{engine}'")


def choose_mapping(
    layer: ConvLayer, config: AcceleratorConfig, batch: int, first_layer: bool, policy: str = "chip"
) -> RSMapping:
    """The mapper (`dataflows.row_stationary.best_mapping`) with the fast engine as evaluator."""
    hw = config.hardware

    def evaluate(mp: RSMapping) -> tuple[float, int]:
        counts, cycles, total = run_plan(make_plan(layer, hw, mp, batch, first_layer), "fast")
        res = build_result(layer, config, mp, batch, "fast", counts, cycles, total)
        return res.energy.total_j, res.cycles

    return best_mapping(
        layer, hw, config.energy, batch, first_layer, policy=policy, evaluate=evaluate
    )


def simulate_layer(
    layer: ConvLayer,
    config: AcceleratorConfig,
    mapping: RSMapping | None = None,
    batch: int | None = None,
    engine: str = "fast",
    first_layer: bool = False,
    policy: str = "chip",
) -> RSLayerResult:
    """Map (unless `mapping` is given) and simulate one conv/FC layer for a batch of images.

    `first_layer` marks a layer that reads the image: its ifmap is not RLC-coded in DRAM.
    """
    if not isinstance(layer, ConvLayer):
        raise AccelsimError(
            f"layer '{getattr(layer, 'name', layer)}': only conv/FC layers run on the PE array"
        )
    if engine not in ENGINES:
        raise AccelsimError(f"engine must be one of {', '.join(ENGINES)}, got '{engine}'")
    hw = config.hardware
    n_img = layer_batch(layer, batch)
    if mapping is None:
        mapping = choose_mapping(layer, config, n_img, first_layer, policy)
    else:
        check_mapping(layer, hw, mapping, n_img)
    plan = make_plan(layer, hw, mapping, n_img, first_layer)
    try:
        counts, cycles, total = run_plan(plan, engine)
    except AccelsimError as exc:
        raise AccelsimError(f"layer '{layer.name}': {exc}") from None
    return build_result(layer, config, mapping, n_img, engine, counts, cycles, total)


def build_result(
    layer: ConvLayer,
    config: AcceleratorConfig,
    mapping: RSMapping,
    batch: int,
    engine: str,
    counts: np.ndarray,
    cycles: np.ndarray,
    total: int,
) -> RSLayerResult:
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
    glb_reads = {
        "ifmap": c["glb_ifmap_reads"],
        "filter": c["glb_filter_reads"],
        "psum": c["glb_psum_reads"],
    }
    glb_writes = {
        "ifmap": c["glb_ifmap_writes"],
        "filter": c["glb_filter_writes"],
        "psum": c["glb_psum_writes"],
    }
    dram_reads = {"ifmap": c["dram_ifmap_reads"], "filter": c["dram_filter_reads"]}
    dram_writes = {"ofmap": c["dram_ofmap_writes"]}
    noc = {
        "ifmap": c["noc_ifmap"],
        "filter": c["noc_filter"],
        "psum_in": c["noc_psum_in"],
        "psum_out": c["noc_psum_out"],
    }
    latency = total / hw.clock_hz
    rf = sum(rf_reads.values()) + sum(rf_writes.values())
    glb = sum(glb_reads.values()) + sum(glb_writes.values())
    dram = sum(dram_reads.values()) + sum(dram_writes.values())
    per_image = AccessCounts(
        nonzero_macs=nz / batch,
        rf_accesses=rf / batch,
        inter_pe_transfers=c["inter_pe"] / batch,
        glb_accesses=glb / batch,
        dram_accesses=dram / batch,
    )
    energy = energy_from_counts(per_image, config.energy, latency / batch)
    geo_active = mapping.active_pes(_geo(layer))
    return RSLayerResult(
        layer=layer.name,
        group=layer.group_label or layer.name,
        mapping=mapping,
        batch=batch,
        engine=engine,
        cycles=total,
        cycles_by_cause=by_cause,
        latency_s=latency,
        active_pes=geo_active,
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


def _geo(layer: ConvLayer):
    from dataflows.row_stationary import geometry

    return geometry(layer)


def result_row(res: RSLayerResult) -> dict:
    """One DataFrame row: per-image energy, batch counts and cycles (see docs/rs-simulator.md)."""
    b = res.batch
    row = {
        "layer": res.layer,
        "group": res.group,
        "batch": b,
        "mapping": str(res.mapping),
        "macs": res.macs // b if res.macs % b == 0 else res.macs / b,
        "nonzero_macs": res.nonzero_macs / b,
        "energy_j": res.energy.total_j,
        "latency_s": res.latency_s / b,
        "cycles": res.cycles,
        "batch_latency_s": res.latency_s,
        "active_pes": res.active_pes,
        "utilization": res.utilization,
        "passes": res.passes,
        "rf_accesses": res.rf_accesses / b,
        "glb_accesses": res.glb_accesses / b,
        "dram_accesses": res.dram_accesses / b,
        "glb_reads": sum(res.glb_reads.values()),
        "glb_writes": sum(res.glb_writes.values()),
        "dram_reads": sum(res.dram_reads.values()),
        "dram_writes": sum(res.dram_writes.values()),
        "dram_read_bytes": sum(res.dram_reads.values()) * res.word_bytes,
        "dram_write_bytes": sum(res.dram_writes.values()) * res.word_bytes,
        "stall_cycles": res.stall_cycles,
        "inter_pe_transfers": res.inter_pe_transfers,
    }
    for k, v in res.cycles_by_cause.items():
        row[f"cycles_{k}"] = v
    for prefix, d in (
        ("rf_reads", res.rf_reads),
        ("rf_writes", res.rf_writes),
        ("noc", res.noc_deliveries),
        ("glb_reads", res.glb_reads),
        ("glb_writes", res.glb_writes),
        ("dram_reads", res.dram_reads),
        ("dram_writes", res.dram_writes),
    ):
        for k, v in d.items():
            row[f"{prefix}_{k}"] = v
    for col in BREAKDOWN_COLUMNS:
        row[col] = getattr(res.energy, col)
    return row


def network_frame(
    network: Network,
    config: AcceleratorConfig,
    batch: int | None = None,
    engine: str = "fast",
    policy: str = "chip",
    mappings: dict[str, RSMapping] | None = None,
) -> pd.DataFrame:
    """One row per conv/FC layer: per-image energy and counts; cycles and counts of the batch.

    `mappings` pins the mapping of the layers it names; the others are chosen by `policy`.

    `macs`, `nonzero_macs`, `energy_j`, `latency_s`, `rf/glb/dram_accesses` and the breakdown
    columns are per image; `cycles`, `batch_latency_s`, `glb_reads`, ... are for the batch.
    """
    rows = []
    for layer in network.compute_layers:
        res = simulate_layer(
            layer,
            config,
            mapping=(mappings or {}).get(layer.name),
            batch=batch,
            engine=engine,
            first_layer=network.reads_image(layer),
            policy=policy,
        )
        rows.append(result_row(res))
    return pd.DataFrame(rows)

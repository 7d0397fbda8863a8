"""Systolic-array simulation of layers and networks: counters, cycles and energy per layer.

`simulate_layer` runs one conv/FC layer (all its groups, the whole batch) under a memory model:
`scalesim` (SCALE-Sim 3.0.0's default CALC mode, exactly) or `default` (sound double-buffered
SRAMs); `demand=True` uses the cycle-by-cycle path instead of the fast one (small layers only;
scalesim model); `counts="closed-form"` derives the same counters from the fold structure without
replaying anything (`closed_form`: exact, except the scalesim ifmap DRAM reads when its window
changes over reused words, which are approximate and named in the result).

Energy uses the configuration's `EnergyTable` through `energy_from_counts`, with systolic
structures mapped onto its levels: MAC = every multiply-accumulate the array performs (no zero
gating); RF = one accumulator-register update per MAC; inter-PE = two operand hops between
neighbouring PEs per MAC (the two moving operands of the dataflow); GLB = SRAM reads + writes;
DRAM = DRAM reads + writes. Energies are per image. `layer_result` fills the result contract.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from accelsim.energy.record import AccessCounts, energy_from_counts
from accelsim.engine.systolic.budget import check_closed_form_budget, check_gemm_budget
from accelsim.engine.systolic.closed_form import (
    COUNTS,
    ClosedFormGemm,
    default_closed_form,
    scalesim_closed_form,
)
from accelsim.engine.systolic.counters import GemmCounters
from accelsim.engine.systolic.default_memory import simulate_gemm_default
from accelsim.engine.systolic.demand import check_demand_budget, simulate_gemm_demand
from accelsim.engine.systolic.scalesim_memory import simulate_gemm, simulate_gemms
from accelsim.errors import AccelsimError
from accelsim.hardware.accelerator import Accelerator
from accelsim.hardware.systolic import SystolicArray
from accelsim.models.result import LayerResult
from accelsim.workload.layer import ConvLayer
from accelsim.workload.network import Network
from dataflows.systolic import ConvGemm, SystolicMapping, layer_gemms

MEMORY_MODELS = ("scalesim", "default")

MODEL_NAME = "systolic"


@dataclass(frozen=True)
class SystolicLayerResult:
    """One layer on a systolic array: its GEMM, the counters of one group, and the totals.

    `per_gemm` is what SCALE-Sim would report for one of the `repeats` identical groups; totals
    (cycles and counters) cover all groups and the whole batch, groups run one after another.
    `counts` says how they were counted (`exact` replay or `closed-form`); `approximate` names
    the `GemmCounters` fields that are approximations (closed forms only).
    """

    layer: str
    memory: str
    gemm: ConvGemm
    repeats: int
    per_gemm: GemmCounters
    counts: str = "exact"
    approximate: tuple[str, ...] = ()

    def total(self, field: str) -> int:
        return getattr(self.per_gemm, field) * self.repeats

    @property
    def cycles(self) -> int:
        return self.total("cycles")

    @property
    def cycles_incl_prefetch(self) -> int | None:
        value = self.per_gemm.cycles_incl_prefetch
        return None if value is None else value * self.repeats


def _check_memory(memory: str) -> None:
    if memory not in MEMORY_MODELS:
        raise AccelsimError(f"memory must be one of {', '.join(MEMORY_MODELS)}, got {memory!r}")


def _check_counts(counts: str, demand: bool) -> None:
    if counts not in COUNTS:
        raise AccelsimError(f"counts must be one of {', '.join(COUNTS)}, got {counts!r}")
    if demand and counts != "exact":
        raise AccelsimError("the cycle-by-cycle path replays every cycle: it counts 'exact' only")


def _closed_form(gemm: ConvGemm, repeats: int, array: SystolicArray,
                 memory: str) -> SystolicLayerResult:  # fmt: skip
    check_closed_form_budget(gemm, SystolicMapping.of(gemm, array.rows, array.cols, array.dataflow))
    result: ClosedFormGemm = (scalesim_closed_form(gemm, array) if memory == "scalesim"
                              else default_closed_form(gemm, array))  # fmt: skip
    return SystolicLayerResult(gemm.name, memory, gemm, repeats, result.counters, "closed-form",
                               result.approximate)  # fmt: skip


def _gemm_of(layer: ConvLayer | ConvGemm, memory: str, batch: int) -> tuple[ConvGemm, int]:
    if isinstance(layer, ConvGemm):
        return layer, 1
    if not isinstance(layer, ConvLayer):
        raise AccelsimError(f"layer {getattr(layer, 'name', layer)!r}: only conv/FC layers map "
                            "onto a systolic array")  # fmt: skip
    lg = layer_gemms(layer, batch, ceil_outputs=memory == "scalesim")
    return lg.gemm, lg.repeats


def simulate_layer(layer: ConvLayer | ConvGemm, array: SystolicArray, memory: str = "scalesim",
                   batch: int = 1, demand: bool = False,
                   counts: str = "exact") -> SystolicLayerResult:  # fmt: skip
    """Simulate one conv/FC layer (or a bare GEMM) on `array`.

    In `scalesim` mode a layer uses SCALE-Sim's output-size rule, ceil((H - R) / U) + 1, so a
    topology whose stride does not divide H - R gets SCALE-Sim's overhanging last window.
    """
    _check_memory(memory)
    _check_counts(counts, demand)
    gemm, repeats = _gemm_of(layer, memory, batch)
    if counts == "closed-form":
        return _closed_form(gemm, repeats, array, memory)
    check_gemm_budget(gemm, SystolicMapping.of(gemm, array.rows, array.cols, array.dataflow))
    if demand:
        if memory != "scalesim":
            raise AccelsimError("the cycle-by-cycle path models memory 'scalesim' only")
        counters = simulate_gemm_demand(gemm, array)
    elif memory == "scalesim":
        counters = simulate_gemm(gemm, array)
    else:
        counters = simulate_gemm_default(gemm, array)
    return SystolicLayerResult(gemm.name, memory, gemm, repeats, counters)


def simulate_network(network: Network, array: SystolicArray, memory: str = "scalesim",
                     batch: int | Sequence[int] = 1, demand: bool = False,
                     counts: str = "exact") -> list[SystolicLayerResult]:  # fmt: skip
    """Every conv/FC layer of a network, in order (read-buffer replays run in parallel).

    `batch` is one batch for every layer or one per conv/FC layer; `demand=True` replays every
    cycle instead (scalesim model, small layers only); `counts="closed-form"` replays nothing
    (see `closed_form`).
    """
    _check_memory(memory)
    _check_counts(counts, demand)
    layers = network.compute_layers
    batches = [batch] * len(layers) if isinstance(batch, int) else list(batch)
    if len(batches) != len(layers):
        raise AccelsimError(f"{len(batches)} batches for {len(layers)} conv/FC layers")
    pairs = [_gemm_of(layer, memory, b) for layer, b in zip(layers, batches, strict=True)]
    if counts == "closed-form":
        for gemm, _ in pairs:  # every layer's cost is checked before any is counted
            check_closed_form_budget(
                gemm, SystolicMapping.of(gemm, array.rows, array.cols, array.dataflow)
            )
        return [_closed_form(g, r, array, memory) for g, r in pairs]
    for gemm, _ in pairs:  # every layer's cost is checked before any is simulated
        mapping = SystolicMapping.of(gemm, array.rows, array.cols, array.dataflow)
        check_gemm_budget(gemm, mapping)
        if demand:
            check_demand_budget(gemm, mapping)
    if demand:
        return [simulate_layer(layer, array, memory, b, demand=True)
                for layer, b in zip(layers, batches, strict=True)]  # fmt: skip
    if memory == "scalesim":
        counters = simulate_gemms([g for g, _ in pairs], array)
    else:
        counters = [simulate_gemm_default(g, array) for g, _ in pairs]
    return [SystolicLayerResult(g.name, memory, g, r, c)
            for (g, r), c in zip(pairs, counters, strict=True)]  # fmt: skip


def bandwidths(c: GemmCounters) -> dict[str, float]:
    """Average words per cycle each port needs (SCALE-Sim's BANDWIDTH report definitions).

    SRAM: requests / cycles. DRAM: words / the cycles between the first and last transfer, where
    the model dates transfers (scalesim); otherwise words / cycles (the double-buffered model
    spreads DRAM traffic over the layer).
    """

    def dram(words: int, start: int | None, stop: int | None) -> float:
        if start is None or stop is None:
            return words / c.cycles
        return words / (stop - start + 1)

    return {
        "bw_sram_ifmap": c.sram_ifmap_reads / c.cycles,
        "bw_sram_filter": c.sram_filter_reads / c.cycles,
        "bw_sram_ofmap": c.sram_ofmap_writes / c.cycles,
        "bw_dram_ifmap": dram(c.dram_ifmap_reads, c.dram_ifmap_start, c.dram_ifmap_stop),
        "bw_dram_filter": dram(c.dram_filter_reads, c.dram_filter_start, c.dram_filter_stop),
        "bw_dram_ofmap": dram(
            c.dram_ofmap_writes + c.dram_ofmap_reads, c.dram_ofmap_start, c.dram_ofmap_stop
        ),  # fmt: skip
    }


def layer_result(layer: ConvLayer, result: SystolicLayerResult, config: Accelerator,
                 batch: int) -> LayerResult:  # fmt: skip
    """The result contract of a layer on a systolic array (see the module docstring for how its
    structures map onto the energy table's levels).

    Shared columns per image; the model's own columns (`cycles`, `sram_*`, `dram_*_reads/writes`,
    `stall_cycles`, bandwidths) for the batch and all groups, as SCALE-Sim reports them.
    """
    array = config.hardware
    c, r = result.per_gemm, result.repeats
    mapping = SystolicMapping.of(result.gemm, array.rows, array.cols, array.dataflow)
    cycles = c.cycles * r
    macs_done = c.macs * r  # what the array computes (SCALE-Sim's overhang windows included)
    sram_reads = (c.sram_ifmap_reads + c.sram_filter_reads) * r
    sram_writes = c.sram_ofmap_writes * r
    dram_reads = (c.dram_ifmap_reads + c.dram_filter_reads + c.dram_ofmap_reads) * r
    dram_writes = c.dram_ofmap_writes * r
    latency_s = cycles / array.clock_hz
    glb = {"filter": c.sram_filter_reads * r / batch, "ifmap": c.sram_ifmap_reads * r / batch,
           "psum": sram_writes / batch}  # fmt: skip
    dram = {"filter": c.dram_filter_reads * r / batch, "ifmap": c.dram_ifmap_reads * r / batch,
            "ofmap": (c.dram_ofmap_writes + c.dram_ofmap_reads) * r / batch}  # fmt: skip
    counts = AccessCounts(nonzero_macs=macs_done / batch, rf_accesses=macs_done / batch,
                          inter_pe_transfers=2 * macs_done / batch,
                          glb_accesses=(sram_reads + sram_writes) / batch,
                          dram_accesses=(dram_reads + dram_writes) / batch)  # fmt: skip
    energy = energy_from_counts(counts, config.energy, latency_s / batch)
    extra: dict[str, object] = {
        "memory": result.memory,
        "cycles": cycles,
        "batch_latency_s": latency_s,
        "glb_reads": sram_reads,
        "glb_writes": sram_writes,
        "dram_reads": dram_reads,
        "dram_writes": dram_writes,
        "dram_read_bytes": dram_reads * array.word_bytes,
        "dram_write_bytes": dram_writes * array.word_bytes,
        "stall_cycles": c.stall_cycles * r,
        "sram_ifmap_reads": c.sram_ifmap_reads * r,
        "sram_filter_reads": c.sram_filter_reads * r,
        "sram_ofmap_writes": sram_writes,
        "dram_ifmap_reads": c.dram_ifmap_reads * r,
        "dram_filter_reads": c.dram_filter_reads * r,
        "dram_ofmap_writes": dram_writes,
        "dram_ofmap_reads": c.dram_ofmap_reads * r,
        "mapping_efficiency": c.mapping_efficiency,
        "compute_utilization": c.compute_utilization,
        **bandwidths(c),
    }
    if result.memory == "scalesim":
        extra["cycles_incl_prefetch"] = result.cycles_incl_prefetch
    if result.counts != "exact":  # only here: the exact path's columns stay as they were
        extra["counts"] = result.counts
        extra["approximate"] = ", ".join(result.approximate)
    return LayerResult(
        layer=layer.name,
        group=layer.group_label or layer.name,
        model=MODEL_NAME,
        batch=batch,
        macs=layer.macs,
        nonzero_macs=macs_done / batch,
        energy_j=energy.total_j,
        latency_s=latency_s / batch,
        breakdown=energy,
        rf_accesses=macs_done / batch,
        inter_pe_transfers=2 * macs_done / batch,
        glb=glb,
        dram=dram,
        utilization=macs_done / (cycles * array.num_macs),
        active_pes=min(mapping.sr, array.rows) * min(mapping.sc, array.cols),
        mapping=f"{array.dataflow} Sr={mapping.sr},Sc={mapping.sc},T={mapping.t},"
        f"folds={mapping.row_folds}x{mapping.col_folds}",
        extra=extra,
    )


def check_systolic(config: Accelerator) -> SystolicArray:
    """The systolic simulator runs systolic arrays only."""
    if config.kind != "systolic":
        raise AccelsimError(
            f"the systolic simulator runs systolic arrays; '{config.name}' is a {config.kind} "
            "array (try --accelerator scalesim-32x32, or --dataflow os|ws|is)"
        )
    return config.hardware

"""The per-GEMM counter record every systolic memory model fills (SCALE-Sim's report fields)."""

from __future__ import annotations

from dataclasses import dataclass, fields


@dataclass(frozen=True)
class GemmCounters:
    """Counters of one GEMM (one SCALE-Sim layer row), all exact integers except the averages.

    Cycle numbers follow SCALE-Sim: cycle 0 is the first demand line; DRAM prefetches before it
    have negative cycles. `mapping_efficiency` and `compute_utilization` are SCALE-Sim's per-fold
    averages (fractions). `cycles_incl_prefetch` and the DRAM start/stop cycles are None for
    models that do not date DRAM transfers (the `default` model).
    """

    cycles: int
    stall_cycles: int
    cycles_incl_prefetch: int | None
    macs: int
    mapping_efficiency: float
    compute_utilization: float
    sram_ifmap_reads: int
    sram_filter_reads: int
    sram_ofmap_writes: int
    dram_ifmap_reads: int
    dram_filter_reads: int
    dram_ofmap_writes: int
    dram_ofmap_reads: int
    sram_ifmap_start: int
    sram_ifmap_stop: int
    sram_filter_start: int
    sram_filter_stop: int
    sram_ofmap_start: int
    sram_ofmap_stop: int
    dram_ifmap_start: int | None
    dram_ifmap_stop: int | None
    dram_filter_start: int | None
    dram_filter_stop: int | None
    dram_ofmap_start: int | None
    dram_ofmap_stop: int | None

    def as_dict(self) -> dict[str, int | float | None]:
        return {f.name: getattr(self, f.name) for f in fields(self)}

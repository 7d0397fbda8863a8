"""The result record of one simulated layer: exact integer counts, cycles by cause, energy."""

from __future__ import annotations

from dataclasses import dataclass

from accelsim.energy.record import EnergyBreakdown
from dataflows.row_stationary import RSMapping


@dataclass(frozen=True)
class RSLayerResult:
    """One conv/FC layer on the RS array, for a batch of `batch` images.

    Counts are integers for the whole batch, in words of the accelerator's width (DRAM feature
    maps RLC-coded, in words of the data width). `energy` is per image (batch total / batch).
    """

    layer: str
    group: str
    mapping: RSMapping
    batch: int
    engine: str
    cycles: int
    cycles_by_cause: dict[str, int]
    latency_s: float
    active_pes: int
    num_pes: int
    macs: int
    nonzero_macs: int
    rf_reads: dict[str, int]
    rf_writes: dict[str, int]
    inter_pe_transfers: int
    noc_deliveries: dict[str, int]
    glb_reads: dict[str, int]
    glb_writes: dict[str, int]
    dram_reads: dict[str, int]
    dram_writes: dict[str, int]
    passes: int
    word_bytes: int
    energy: EnergyBreakdown

    @property
    def rf_accesses(self) -> int:
        return sum(self.rf_reads.values()) + sum(self.rf_writes.values())

    @property
    def glb_accesses(self) -> int:
        return sum(self.glb_reads.values()) + sum(self.glb_writes.values())

    @property
    def dram_accesses(self) -> int:
        return sum(self.dram_reads.values()) + sum(self.dram_writes.values())

    @property
    def utilization(self) -> float:
        """MACs / (cycles x PEs): the fraction of the array's peak the layer achieved."""
        return self.macs / (self.cycles * self.num_pes) if self.cycles else 0.0

    @property
    def stall_cycles(self) -> int:
        return self.cycles - self.cycles_by_cause["compute"]

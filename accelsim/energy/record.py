"""The energy record every model fills in, so that models compare column by column.

Columns (joules per image): `mac_j` (arithmetic of non-zero MACs), `rf_j` (scratchpad accesses),
`inter_pe_j` (PE-to-PE psum transfers), `glb_j` (global buffer), `dram_j` (off-chip),
`clock_j` (clock power x latency), `control_j` (other control: a fraction Cc of the on-chip total,
Cc / (1 - Cc) x (on-chip + clock)).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np

from accelsim.hardware.energy import EnergyTable

BREAKDOWN_COLUMNS = ("mac_j", "rf_j", "inter_pe_j", "glb_j", "dram_j", "clock_j", "control_j")


@dataclass(frozen=True)
class EnergyBreakdown:
    mac_j: float = 0.0
    rf_j: float = 0.0
    inter_pe_j: float = 0.0
    glb_j: float = 0.0
    dram_j: float = 0.0
    clock_j: float = 0.0
    control_j: float = 0.0

    @property
    def on_chip_j(self) -> float:
        """Energy of the array and buffers, without DRAM, clock and control."""
        return self.mac_j + self.rf_j + self.inter_pe_j + self.glb_j

    @property
    def total_j(self) -> float:
        return self.on_chip_j + self.dram_j + self.clock_j + self.control_j

    def as_dict(self) -> dict[str, float]:
        return asdict(self)


@dataclass(frozen=True)
class AccessCounts:
    """Accesses at each level, in words of the accelerator's width (integers for the simulators).

    Fields may be numpy arrays (one entry per candidate mapping): `energy_from_counts` is
    elementwise, so the mapper ranks thousands of mappings with the same formula."""

    nonzero_macs: float | np.ndarray
    rf_accesses: float | np.ndarray
    inter_pe_transfers: float | np.ndarray
    glb_accesses: float | np.ndarray
    dram_accesses: float | np.ndarray


def energy_from_counts(
    counts: AccessCounts, table: EnergyTable, latency_s: float
) -> EnergyBreakdown:
    """Counts x per-access energies, plus clock energy over `latency_s` and control energy."""
    mac = counts.nonzero_macs * table.mac_j
    rf = counts.rf_accesses * table.rf_j
    inter_pe = counts.inter_pe_transfers * table.inter_pe_j
    glb = counts.glb_accesses * table.glb_j
    dram = counts.dram_accesses * table.dram_j
    clock = table.clock_power_w * latency_s if table.include_control else 0.0
    cc = table.control_fraction if table.include_control else 0.0
    control = cc / (1.0 - cc) * (mac + rf + inter_pe + glb + clock)
    return EnergyBreakdown(mac, rf, inter_pe, glb, dram, clock, control)

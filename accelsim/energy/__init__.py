"""Energy records: access counts times the energy table, plus clock and control energy."""

from accelsim.energy.record import (
    BREAKDOWN_COLUMNS,
    AccessCounts,
    EnergyBreakdown,
    energy_from_counts,
)

__all__ = ["BREAKDOWN_COLUMNS", "AccessCounts", "EnergyBreakdown", "energy_from_counts"]

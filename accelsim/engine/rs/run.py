"""Run a plan through the chosen RS engine: exact counts, cycles by cause, total cycles."""

from __future__ import annotations

import numpy as np

from accelsim.engine.rs.fast import kernel_plan, simulate_fast
from accelsim.engine.rs.plan import RSPlan
from accelsim.errors import AccelsimError

ENGINES = ("fast", "trace")


def run_plan(plan: RSPlan, engine: str) -> tuple[np.ndarray, np.ndarray, int]:
    """Counts, cycles by cause and total cycles of a plan, by the chosen engine."""
    if engine == "fast":
        counts, cycles, total = simulate_fast(kernel_plan(plan))
        return counts, cycles, int(total)
    if engine == "trace":
        from accelsim.engine.rs.trace import TRACE_MAX_CYCLES, simulate_trace

        total = int(simulate_fast(kernel_plan(plan))[2])
        if total > TRACE_MAX_CYCLES:
            raise AccelsimError(
                f"trace engine: the layer takes {total} cycles (more than "
                f"{TRACE_MAX_CYCLES}); use the fast engine"
            )
        run = simulate_trace(plan)
        return run.counts, run.cycles, run.total
    raise AccelsimError(f"engine must be one of {', '.join(ENGINES)}, got '{engine}'")

"""Run a plan through the chosen RS engine: exact counts, cycles by cause, total cycles.

Before an engine runs, its work is known in closed form from the plan (`column_steps`,
`compute_cycles_of`); a plan beyond `MAX_FAST_STEPS` (fast) or `TRACE_MAX_CYCLES` (trace) is
refused in one line before anything is simulated.
"""

from __future__ import annotations

import numpy as np

from accelsim.engine.rs.fast import kernel_plan, simulate_fast
from accelsim.engine.rs.plan import RSPlan
from accelsim.errors import AccelsimError

ENGINES = ("fast", "trace")

MAX_FAST_STEPS = 500_000_000
"""Most pass and column steps (one ofmap column of one image in one pass) the fast engine runs
per layer.

The largest layer of VGG-16 at batch 16 on Eyeriss (CONV1-2) has 1.7 x 10^7 steps and the whole
network simulates in 2.6 s; at batch 256 (2.6 x 10^8 steps in CONV1-2) it takes ~35 s (measured
on a shared machine). The limit allows VGG-16 batches up to ~480 and refuses at once what would
run for minutes."""

TRACE_MAX_CYCLES = 3_000_000
"""Most cycles the trace engine steps per layer: it is plain Python, ~3 x 10^5 cycles a second,
so this is about 10 s a layer."""


def passes_and_steps(plan: RSPlan) -> tuple[int, int]:
    """Processing passes and column steps of a plan (Python ints: no overflow)."""
    K = plan.C // (plan.q * plan.r)
    B = plan.M // plan.m
    J = plan.m // (plan.p * plan.t)
    per_chunk = plan.G * -(-plan.E // plan.e) * B * K * J
    return per_chunk * -(-plan.batch // plan.n), per_chunk * plan.batch * plan.F


def compute_cycles_of(plan: RSPlan) -> int:
    """The MAC cycles of a plan: a lower bound of its total cycles."""
    return passes_and_steps(plan)[1] * plan.p * plan.q * plan.S


def check_work(plan: RSPlan, engine: str) -> None:
    """Refuse a plan whose engine work exceeds the engine's limit, before running it."""
    passes, steps = passes_and_steps(plan)
    if passes + steps > MAX_FAST_STEPS:
        raise AccelsimError(
            f"the simulation would take {passes + steps} pass and column steps (batch "
            f"{plan.batch}), more than the limit of {MAX_FAST_STEPS}; reduce the batch or the "
            "layer"
        )
    if engine == "trace" and compute_cycles_of(plan) > TRACE_MAX_CYCLES:
        raise AccelsimError(
            f"trace engine: the layer takes at least {compute_cycles_of(plan)} cycles (more "
            f"than {TRACE_MAX_CYCLES}); use the fast engine or a smaller batch"
        )


def check_trace(plan: RSPlan) -> int:
    """The exact cycles of a plan (fast engine); refused when the trace would exceed its limit."""
    check_work(plan, "trace")
    total = int(simulate_fast(kernel_plan(plan))[2])
    if total > TRACE_MAX_CYCLES:
        raise AccelsimError(
            f"trace engine: the layer takes {total} cycles (more than {TRACE_MAX_CYCLES}); "
            "use the fast engine or a smaller batch"
        )
    return total


def run_plan(plan: RSPlan, engine: str) -> tuple[np.ndarray, np.ndarray, int]:
    """Counts, cycles by cause and total cycles of a plan, by the chosen engine."""
    if engine == "fast":
        check_work(plan, engine)
        counts, cycles, total = simulate_fast(kernel_plan(plan))
        return counts, cycles, int(total)
    if engine == "trace":
        from accelsim.engine.rs.trace import simulate_trace

        check_trace(plan)
        run = simulate_trace(plan)
        return run.counts, run.cycles, run.total
    raise AccelsimError(f"engine must be one of {', '.join(ENGINES)}, got '{engine}'")

"""Run a plan through the chosen RS engine: exact counts, cycles by cause, total cycles.

Before an engine runs, its work is known in closed form from the plan (`column_steps`,
`compute_cycles_of`); a plan beyond `MAX_FAST_STEPS` (fast) or `TRACE_MAX_CYCLES` (trace) is
refused in one line before anything is simulated.
"""

from __future__ import annotations

import numpy as np

from accelsim.coding.rlc_size import RlcFormat, as_format
from accelsim.engine.rs.fast import kernel_plan, simulate_fast
from accelsim.engine.rs.plan import RSPlan, clock_ratio
from accelsim.errors import AccelsimError
from accelsim.hardware.spatial import SpatialArray
from accelsim.workload.layer import ConvLayer
from dataflows.row_stationary import geometry, rlc_words_array
from dataflows.row_stationary.counts import group_sets

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
    per_chunk = plan.G // plan.g * -(-plan.E // plan.e) * B * K * J
    return per_chunk * -(-plan.batch // plan.n), per_chunk * plan.batch * plan.F


def compute_cycles_of(plan: RSPlan) -> int:
    """The MAC cycles of a plan: a lower bound of its total cycles."""
    return passes_and_steps(plan)[1] * plan.p * plan.q * plan.S


def _ceil(a: np.ndarray | int, b: np.ndarray | int) -> np.ndarray:
    return -(-np.asarray(a, dtype=np.int64) // b)


def cycle_lower_bounds(
    layer: ConvLayer,
    hw: SpatialArray,
    maps: np.ndarray,
    batch: int,
    first_layer: bool,
    rlc: RlcFormat | None = None,
) -> np.ndarray:
    """A lower bound of the cycles both engines give each mapping row (m, n, e, p, q, r, t[, g]),
    in closed form (int64), without simulating: what a mapper may discard candidates by.

    Passes run one after another, each loading its filters (ceil(filters / bus rate) cycles)
    and then stepping its n' x F columns; the last column's psums leave the array at least
    h + d_out after its MACs end (h: the accumulation hops, d_out: one column of psums on the
    output bus). The steps cannot end before each resource has done its share: the ifmap bus
    all the columns' ifmaps, the psum input bus all the incoming psums (channel groups after the
    first), the PEs every step's p*q*S MACs after the first ifmap, the psum output bus every
    step's psums after the first step. The DRAM link runs its transfers one at a time (every
    pass's filters, every channel group's ifmap load, every block's ofmap write-back), so the
    total is also at least their sum. The bound is the larger of the two.

    With one GLB allocation (g = 1) the link and the array take turns: a channel group's ifmap
    load starts when the previous pass ends and its first pass waits for it, the next load waits
    for a block's ofmap write-back, and a pass starts no earlier than the filters prefetched
    during the previous one (the first pass's after their own fetch). So the total is at least
    the sum over passes of the longer of the pass and its filter fetch, plus every ifmap load and
    ofmap write-back: the first fetch pays for the last pass, which prefetches nothing.
    """
    rlc = as_format(rlc or hw.bits)
    geo = geometry(layer)
    maps = np.atleast_2d(np.asarray(maps, dtype=np.int64))
    m, n, e, p, q, r, t = (maps[:, i] for i in range(7))
    g = group_sets(maps)
    K, B, J = geo.C // (q * r), geo.M // m, m // (p * t)
    vpb = hw.dram_bus_bits // hw.bits
    num, den = clock_ratio(hw)

    def link(words: np.ndarray) -> np.ndarray:
        return _ceil(_ceil(words, vpb) * num, den)

    flt = g * p * t * q * r * geo.R * geo.S
    d_f = _ceil(flt, hw.noc_filter_bits // hw.bits)
    d_c = p * q * geo.S
    hops = (geo.R * r - 1) * _ceil(p, hw.local_link_bits // hw.bits)
    rate_if, rate_psum = hw.noc_ifmap_bits // hw.bits, hw.noc_psum_bits // hw.bits
    f_link = link(flt)
    array = np.zeros(maps.shape[0], dtype=np.int64)
    paced = np.zeros(maps.shape[0], dtype=np.int64)  # passes, each at least its filter fetch
    dram = np.zeros(maps.shape[0], dtype=np.int64)
    passes = np.zeros(maps.shape[0], dtype=np.int64)
    n_full, n_rem = batch // n, batch % n
    e_full, e_rem = geo.E // e, geo.E % e
    for n_count, nn in ((n_full, n), ((n_rem > 0).astype(np.int64), np.maximum(n_rem, 1))):
        for e_count, ee in ((e_full, e), ((e_rem > 0).astype(np.int64), np.maximum(e_rem, 1))):
            # Filter blocks of this chunk and strip kind, in G / g blocks of g groups.
            blocks = geo.G // g * n_count * e_count * B
            v_if = g * nn * q * r * ((ee - 1) * geo.U + geo.R) * geo.used_width
            if_dram = v_if if first_layer else rlc_words_array(v_if, layer.ifmap_zero, rlc)
            of_dram = rlc_words_array(g * nn * m * ee * geo.F, layer.ofmap_zero, rlc)
            steps = nn * geo.F
            if_col = g * q * r * ((ee - 1) * geo.U + geo.R)  # ifmap values of one ifmap column
            if_first = _ceil(if_col * geo.S, rate_if)
            if_all = nn * (if_first + (geo.F - 1) * _ceil(if_col * geo.U, rate_if))
            d_out = _ceil(g * p * t * ee, rate_psum)
            # Cycles to the end of the last column's MACs (any channel group): the PEs, the
            # ifmap bus; the psum output bus carries every column after the first one's MACs
            # and hops, which bounds the pass as if its last column came out last.
            steps_low = np.maximum.reduce(
                [if_first + steps * d_c, if_all + d_c, if_first + d_c + (steps - 1) * d_out]
            )
            psums_in = np.maximum(steps_low, steps * d_out + d_c)  # later groups: psum input bus
            first_group = blocks * J  # passes of the first channel group
            first_pass = d_f + steps_low + hops + d_out
            later_pass = d_f + psums_in + hops + d_out
            array += first_group * first_pass + (blocks * K * J - first_group) * later_pass
            paced += first_group * np.maximum(first_pass, f_link)
            paced += (blocks * K * J - first_group) * np.maximum(later_pass, f_link)
            dram += blocks * K * link(if_dram) + blocks * link(of_dram)
            passes += blocks * K * J
    serial = paced + dram  # g = 1: the array waits for every ifmap load and ofmap write-back
    dram += passes * f_link
    return np.where(g == 1, serial, np.maximum(array, dram))


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

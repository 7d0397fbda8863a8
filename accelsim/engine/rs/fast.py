"""The `fast` RS engine: the cycle model evaluated pass by pass and column step by column step.

Within a pass the array works through n' x F *column steps* (one ofmap column of one image).
Step s needs its ifmap columns on the ifmap bus, its incoming psums on the psum input bus (not in
the first channel group), p*q*S MAC cycles in every active PE, the vertical accumulation over the
local links, and its p*t*e' psums on the psum output bus. With one step of buffering each way
(a bus may deliver step s once step s-1 has started computing; the array may start step s once
the psums of step s-2 have started leaving the array, so two columns of psums can be in flight)
the start and end times follow a max-plus recurrence, evaluated here in numba (once per kind of
pass: every time in it is the pass's start plus an offset, so passes of a kind differ only by
when they start). Between passes:
the DRAM link (its own clock, FIFO order) loads the ifmap of each channel group into the GLB
before the group's first pass, writes each filter block's ofmap back after its last channel
group, and prefetches the next pass's filters while the current pass runs (double-buffered
filter banks). The `trace` engine steps the same model cycle by cycle and must agree exactly.

The kernels take the plan as one `KernelPlan` and count into arrays indexed by the `K_*` (counts,
`COUNT_NAMES` order) and `C_*` (cycle causes, `CYCLE_CAUSES` order) constants.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from accelsim.engine.rs.plan import CYCLE_CAUSES, RSPlan
from accelsim.kernel_tier import kernel, kernel_for
from dataflows.row_stationary.counts import COUNT_INDEX, COUNT_NAMES


class KernelPlan(NamedTuple):
    """The fields of an `RSPlan` the engines read, as one argument of the numba kernels.

    Kernels read fields by name; numba turns each name into a tuple position when it compiles.
    The class lives here, with the kernels, because numba's on-disk cache only notices changes
    to the file of the cached function."""

    G: int
    batch: int
    E: int
    F: int
    R: int
    S: int
    U: int
    C: int
    M: int
    m: int
    n: int
    e: int
    p: int
    q: int
    r: int
    t: int
    g: int
    ifmap_rate: int
    filter_rate: int
    psum_rate: int
    link_rate: int
    dram_values_per_beat: int
    clk_num: int
    clk_den: int
    if_dram: np.ndarray
    of_dram: np.ndarray


def kernel_plan(plan: RSPlan) -> KernelPlan:
    """The kernel's view of a plan: integers as int64, tables as C-contiguous int64 arrays (one
    compiled signature whatever the plan was built from)."""
    values: dict[str, int | np.ndarray] = {}
    for name in KernelPlan._fields:
        value = getattr(plan, name)
        if isinstance(value, np.ndarray):
            values[name] = np.ascontiguousarray(value, dtype=np.int64)
        else:
            values[name] = int(value)
    return KernelPlan(**values)


# Indices of the counts and cycle causes: plain ints derived here from the one definition of each
# order, which numba freezes into the kernels (see tests/engine/rs/test_rs_layout.py).
N_COUNTS = len(COUNT_NAMES)
K_MACS = COUNT_INDEX["macs"]
K_RF_IFMAP_WRITES = COUNT_INDEX["rf_ifmap_writes"]
K_RF_FILTER_WRITES = COUNT_INDEX["rf_filter_writes"]
K_RF_PSUM_WRITES_NOC = COUNT_INDEX["rf_psum_writes_noc"]
K_INTER_PE = COUNT_INDEX["inter_pe"]
K_NOC_IFMAP = COUNT_INDEX["noc_ifmap"]
K_NOC_FILTER = COUNT_INDEX["noc_filter"]
K_NOC_PSUM_IN = COUNT_INDEX["noc_psum_in"]
K_NOC_PSUM_OUT = COUNT_INDEX["noc_psum_out"]
K_GLB_IFMAP_READS = COUNT_INDEX["glb_ifmap_reads"]
K_GLB_IFMAP_WRITES = COUNT_INDEX["glb_ifmap_writes"]
K_GLB_FILTER_READS = COUNT_INDEX["glb_filter_reads"]
K_GLB_FILTER_WRITES = COUNT_INDEX["glb_filter_writes"]
K_GLB_PSUM_READS = COUNT_INDEX["glb_psum_reads"]
K_GLB_PSUM_WRITES = COUNT_INDEX["glb_psum_writes"]
K_DRAM_IFMAP_READS = COUNT_INDEX["dram_ifmap_reads"]
K_DRAM_FILTER_READS = COUNT_INDEX["dram_filter_reads"]
K_DRAM_OFMAP_WRITES = COUNT_INDEX["dram_ofmap_writes"]
K_PASSES = COUNT_INDEX["passes"]

N_CAUSES = len(CYCLE_CAUSES)
C_COMPUTE = CYCLE_CAUSES.index("compute")
C_FILTER_LOAD = CYCLE_CAUSES.index("filter_load")
C_IFMAP_NOC = CYCLE_CAUSES.index("ifmap_noc")
C_PSUM_IN_NOC = CYCLE_CAUSES.index("psum_in_noc")
C_PSUM_OUT_NOC = CYCLE_CAUSES.index("psum_out_noc")
C_DRAIN = CYCLE_CAUSES.index("drain")
C_DRAM = CYCLE_CAUSES.index("dram")


@kernel
def ceil_div(a, b):
    return -(-a // b)


@kernel
def dram_cycles(words, values_per_beat, clk_num, clk_den):
    """Core cycles of a DRAM transfer of `words`: link beats x (core clock / link clock), rounded up."""
    beats = ceil_div(words, values_per_beat)
    return ceil_div(beats * clk_num, clk_den)


@kernel
def pass_steps(P, t0, nn, ee, psums_in, cycles):
    """Run the column steps of one pass (nn images, ee ofmap rows) from cycle t0; returns the
    pass's end cycle.

    `psums_in`: the pass reads psums from the GLB (every channel group but the first). The first
    step of an image needs S ifmap columns, later steps U columns. Stall cycles are added to
    `cycles` by cause.
    """
    d_if_row = P.g * P.q * P.r * ((ee - 1) * P.U + P.R)  # ifmap values of one ifmap column
    d_if_first = ceil_div(d_if_row * P.S, P.ifmap_rate)
    d_if_next = ceil_div(d_if_row * P.U, P.ifmap_rate)
    d_out = ceil_div(P.g * P.p * P.t * ee, P.psum_rate)
    d_pin = d_out if psums_in else 0
    d_c = P.p * P.q * P.S
    h = (P.R * P.r - 1) * ceil_div(P.p, P.link_rate)
    i_end = t0
    p_end = t0
    c_end = t0
    c_start_prev = t0
    o_end = t0
    o_start_prev = t0  # output start of step s-1
    o_start_prev2 = t0  # output start of step s-2
    steps = nn * P.F
    for s in range(steps):
        d_if = d_if_first if s % P.F == 0 else d_if_next
        i_start = max(i_end, c_start_prev)
        i_end = i_start + d_if
        if d_pin > 0:
            p_start = max(p_end, c_start_prev)
            p_end = p_start + d_pin
        c_start = max(c_end, i_end)
        cause = C_IFMAP_NOC
        if d_pin > 0 and p_end > c_start:
            c_start = p_end
            cause = C_PSUM_IN_NOC
        if s > 1 and o_start_prev2 > c_start:
            c_start = o_start_prev2
            cause = C_PSUM_OUT_NOC
        if c_start > c_end:
            cycles[cause] += c_start - c_end
        cycles[C_COMPUTE] += d_c
        c_end = c_start + d_c
        o_start = max(o_end, c_end + h)
        o_end = o_start + d_out
        c_start_prev = c_start
        o_start_prev2 = o_start_prev
        o_start_prev = o_start
    cycles[C_DRAIN] += o_end - c_end
    return o_end


def simulate_fast(P: KernelPlan) -> tuple[np.ndarray, np.ndarray, int]:
    """Simulate one layer (a `KernelPlan`) for the whole batch; returns (counts, cycles by cause,
    total cycles). The arrays are allocated here, not in the kernel: numpy's allocators would
    each be compiled into it on a first run."""
    counts = np.zeros(N_COUNTS, dtype=np.int64)
    cycles = np.zeros(N_CAUSES, dtype=np.int64)
    memo = np.zeros((8, N_CAUSES), dtype=np.int64)
    memo_end = np.full(8, -1, dtype=np.int64)
    kernel = kernel_for(simulate_layer, interpreted_seconds(P), COMPILE_SECONDS)
    return counts, cycles, int(kernel(P, counts, cycles, memo, memo_end))


COMPILE_SECONDS = 3.0
"""Compiling `simulate_layer` with the kernels it calls, on a 2-core machine of 2026
(`benchmarks/kernel_tier.py` measures it): what its interpreted calls may add up to before it
is compiled (`accelsim.kernel_tier`)."""

INTERPRETED_PASS_SECONDS = 7e-6
"""Interpreted time of one pass of `simulate_layer`'s loop, and of one column step of
`pass_steps` below: estimates for the tier choice only (`accelsim.kernel_tier`), fitted on
AlexNet and VGG-16 at batch 4 (`benchmarks/kernel_tier.py` reports estimate and measurement)."""
INTERPRETED_STEP_SECONDS = 1.5e-6


def interpreted_seconds(P: KernelPlan) -> float:
    """Estimated interpreted time of `simulate_layer` on a plan: its passes, and the column
    steps of at most one pass of each of the 8 kinds."""
    passes = (
        P.G // P.g * -(-P.batch // P.n) * -(-P.E // P.e) * (P.M // P.m)
        * (P.C // (P.q * P.r)) * (P.m // (P.p * P.t))
    )  # fmt: skip
    steps = 8 * P.n * P.F
    return passes * INTERPRETED_PASS_SECONDS + steps * INTERPRETED_STEP_SECONDS


@kernel
def simulate_layer(P, counts, cycles, memo, memo_end):
    """The fast engine's kernel: simulate one layer into `counts` and `cycles` (zeros) with
    `memo` (zeros, 8 x causes) and `memo_end` (8 x -1), the per-kind pass memo; returns the
    total cycles."""
    K = P.C // (P.q * P.r)
    B = P.M // P.m
    J = P.m // (P.p * P.t)
    W = (P.F - 1) * P.U + P.S
    n_chunks = ceil_div(P.batch, P.n)
    n_strips = ceil_div(P.E, P.e)
    blocks = P.G // P.g  # blocks of g groups, one after another
    total_passes = blocks * n_chunks * n_strips * B * K * J
    total_loads = blocks * n_chunks * n_strips * B * K
    flt = P.g * P.p * P.t * P.q * P.r * P.R * P.S
    d_f = ceil_div(flt, P.filter_rate)
    vpb, clk_num, clk_den = P.dram_values_per_beat, P.clk_num, P.clk_den
    flt_dram = dram_cycles(flt, vpb, clk_num, clk_den)
    # A pass's steps depend on its kind only (chunk and strip full or last, psums in or not),
    # and shift with its start (every time in `pass_steps` is start + a fixed offset): each kind
    # is stepped once, its length and stalls by cause reused for every pass of the kind.
    # The first pass's filters are fetched at cycle 0.
    link_free = flt_dram
    filt_ready = flt_dram
    prev_end = 0
    done = 0
    loads = 0
    # Group sets (g > 1) pipeline: the next channel group's ifmap is loaded into the second GLB
    # allocation as soon as the current group's first pass starts (after that pass's filter
    # prefetch); otherwise each load waits for the previous pass to end.
    prefetch = P.g > 1
    next_load_end = 0
    last_ck = 0 if P.batch % P.n == 0 else 1
    last_sk = 0 if P.E % P.e == 0 else 1
    for _g in range(blocks):
        for ci in range(n_chunks):
            nn = P.n if ci < n_chunks - 1 else P.batch - P.n * (n_chunks - 1)
            ck = 0 if nn == P.n else 1
            for si in range(n_strips):
                ee = P.e if si < n_strips - 1 else P.E - P.e * (n_strips - 1)
                sk = 0 if ee == P.e else 1
                v_if = P.g * nn * P.q * P.r * ((ee - 1) * P.U + P.R) * W
                pt_outs = P.g * P.p * P.t * nn * ee * P.F
                pes = P.g * P.R * ee * P.r * P.t
                # The kind (chunk, strip) of the channel group after the last one of this strip.
                if si < n_strips - 1:
                    nk_c, nk_s = ck, 0 if si + 1 < n_strips - 1 else last_sk
                elif ci < n_chunks - 1:
                    nk_c = 0 if ci + 1 < n_chunks - 1 else last_ck
                    nk_s = 0 if n_strips > 1 else last_sk
                else:
                    nk_c = 0 if n_chunks > 1 else last_ck
                    nk_s = 0 if n_strips > 1 else last_sk
                for b in range(B):
                    for k in range(K):
                        # Ifmap of this channel group: DRAM -> GLB once the GLB space is free.
                        if prefetch and loads > 0:
                            load_end = next_load_end
                        else:
                            ls = max(link_free, prev_end)
                            load_end = ls + dram_cycles(P.if_dram[ck, sk], vpb, clk_num, clk_den)
                            link_free = load_end
                        loads += 1
                        counts[K_GLB_IFMAP_WRITES] += v_if
                        counts[K_DRAM_IFMAP_READS] += P.if_dram[ck, sk]
                        for j in range(J):
                            start = max(prev_end, filt_ready)
                            if j == 0:
                                start = max(start, load_end)
                            cycles[C_DRAM] += start - prev_end
                            done += 1
                            if done < total_passes:
                                fs = max(link_free, start)
                                filt_ready = fs + flt_dram
                                link_free = filt_ready
                            if prefetch and j == 0 and loads < total_loads:
                                nc, ns = ck, sk
                                if b == B - 1 and k == K - 1:
                                    nc, ns = nk_c, nk_s
                                ls = max(link_free, start)
                                words = P.if_dram[nc, ns]
                                next_load_end = ls + dram_cycles(words, vpb, clk_num, clk_den)
                                link_free = next_load_end
                            cycles[C_FILTER_LOAD] += d_f
                            kind = 4 * ck + 2 * sk + (1 if k > 0 else 0)
                            if memo_end[kind] < 0:  # first pass of this kind: run its steps
                                memo_end[kind] = pass_steps(P, 0, nn, ee, k > 0, memo[kind])
                            prev_end = start + d_f + memo_end[kind]
                            for c in range(N_CAUSES):
                                cycles[c] += memo[kind, c]
                            counts[K_MACS] += pt_outs * P.q * P.r * P.R * P.S
                            counts[K_RF_IFMAP_WRITES] += pes * P.q * W * nn
                            counts[K_RF_FILTER_WRITES] += pes * P.p * P.q * P.S
                            counts[K_INTER_PE] += pt_outs * (P.R * P.r - 1)
                            counts[K_NOC_IFMAP] += v_if
                            counts[K_GLB_IFMAP_READS] += v_if
                            counts[K_NOC_FILTER] += flt
                            counts[K_GLB_FILTER_READS] += flt
                            counts[K_GLB_FILTER_WRITES] += flt
                            counts[K_DRAM_FILTER_READS] += flt
                            if k > 0:
                                counts[K_RF_PSUM_WRITES_NOC] += pt_outs
                                counts[K_NOC_PSUM_IN] += pt_outs
                                counts[K_GLB_PSUM_READS] += pt_outs
                            counts[K_NOC_PSUM_OUT] += pt_outs
                            counts[K_GLB_PSUM_WRITES] += pt_outs
                            counts[K_PASSES] += 1
                    # The block's ofmap: GLB -> DRAM, RLC-coded.
                    ws = max(link_free, prev_end)
                    link_free = ws + dram_cycles(P.of_dram[ck, sk], vpb, clk_num, clk_den)
                    counts[K_GLB_PSUM_READS] += P.g * nn * P.m * ee * P.F
                    counts[K_DRAM_OFMAP_WRITES] += P.of_dram[ck, sk]
    end = max(prev_end, link_free)
    cycles[C_DRAM] += end - prev_end
    return end

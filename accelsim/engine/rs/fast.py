"""The `fast` RS engine: the cycle model evaluated pass by pass and column step by column step.

Within a pass the array works through n' x F *column steps* (one ofmap column of one image).
Step s needs its ifmap columns on the ifmap bus, its incoming psums on the psum input bus (not in
the first channel group), p*q*S MAC cycles in every active PE, the vertical accumulation over the
local links, and its p*t*e' psums on the psum output bus. With one step of buffering each way
(a bus may deliver step s once step s-1 has started computing; the array may start step s once
the psums of step s-2 have started leaving the array, so two columns of psums can be in flight) the start and end times follow a max-plus
recurrence, evaluated here in numba. Between passes: the DRAM link (its own clock, FIFO order)
loads the ifmap of each channel group into the GLB before the group's first pass, writes each
filter block's ofmap back after its last channel group, and prefetches the next pass's filters
while the current pass runs (double-buffered filter banks). The `trace` engine steps the same
model cycle by cycle and must agree exactly.
"""

from __future__ import annotations

import numba
import numpy as np

from dataflows.row_stationary import COUNT_NAMES

N_COUNTS = len(COUNT_NAMES)
N_CAUSES = 7
(C_COMPUTE, C_FILTER, C_IFMAP, C_PSUM_IN, C_PSUM_OUT, C_DRAIN, C_DRAM) = range(7)
(
    K_MACS,
    K_RF_IF_W,
    K_RF_FLT_W,
    K_RF_PSUM_W,
    K_INTER_PE,
    K_NOC_IF,
    K_NOC_FLT,
    K_NOC_PIN,
    K_NOC_POUT,
    K_GLB_IF_R,
    K_GLB_IF_W,
    K_GLB_FLT_R,
    K_GLB_FLT_W,
    K_GLB_PSUM_R,
    K_GLB_PSUM_W,
    K_DRAM_IF,
    K_DRAM_FLT,
    K_DRAM_OF,
    K_PASSES,
) = range(19)


@numba.njit(cache=True)
def ceil_div(a, b):
    return -(-a // b)


@numba.njit(cache=True)
def dram_cycles(words, values_per_beat, clk_num, clk_den):
    """Core cycles of a DRAM transfer of `words`: link beats x (core clock / link clock), rounded up."""
    beats = ceil_div(words, values_per_beat)
    return ceil_div(beats * clk_num, clk_den)


@numba.njit(cache=True)
def pass_steps(t0, nn, F, S, U, d_if_row, d_c, d_pin, d_out, h, if_rate, cycles):
    """Run the column steps of one pass from cycle t0; returns the pass's end cycle.

    `d_if_row` is the ifmap values of one ifmap column (q*r*rows_in): the first step of an image
    needs S columns, later steps U columns. Stall cycles are added to `cycles` by cause.
    """
    d_if_first = ceil_div(d_if_row * S, if_rate)
    d_if_next = ceil_div(d_if_row * U, if_rate)
    i_end = t0
    p_end = t0
    c_end = t0
    c_start_prev = t0
    o_end = t0
    o_start_prev = t0  # output start of step s-1
    o_start_prev2 = t0  # output start of step s-2
    steps = nn * F
    for s in range(steps):
        d_if = d_if_first if s % F == 0 else d_if_next
        i_start = max(i_end, c_start_prev)
        i_end = i_start + d_if
        if d_pin > 0:
            p_start = max(p_end, c_start_prev)
            p_end = p_start + d_pin
        c_start = max(c_end, i_end)
        cause = C_IFMAP
        if d_pin > 0 and p_end > c_start:
            c_start = p_end
            cause = C_PSUM_IN
        if s > 1 and o_start_prev2 > c_start:
            c_start = o_start_prev2
            cause = C_PSUM_OUT
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


@numba.njit(cache=True)
def simulate_fast(
    G,
    batch,
    E,
    F,
    R,
    S,
    U,
    C,
    M,
    m,
    n,
    e,
    p,
    q,
    r,
    t,
    if_rate,
    flt_rate,
    psum_rate,
    link_rate,
    dram_vpb,
    clk_num,
    clk_den,
    if_dram,
    of_dram,
):
    """Simulate one layer for the whole batch; returns (counts, cycles by cause, total cycles)."""
    counts = np.zeros(N_COUNTS, dtype=np.int64)
    cycles = np.zeros(N_CAUSES, dtype=np.int64)
    K = C // (q * r)
    B = M // m
    J = m // (p * t)
    W = (F - 1) * U + S
    n_chunks = ceil_div(batch, n)
    n_strips = ceil_div(E, e)
    total_passes = G * n_chunks * n_strips * B * K * J
    flt = p * t * q * r * R * S
    d_f = ceil_div(flt, flt_rate)
    d_c = p * q * S
    h = (R * r - 1) * ceil_div(p, link_rate)
    flt_dram = dram_cycles(flt, dram_vpb, clk_num, clk_den)
    # The first pass's filters are fetched at cycle 0.
    link_free = flt_dram
    filt_ready = flt_dram
    prev_end = 0
    done = 0
    for _g in range(G):
        for ci in range(n_chunks):
            nn = n if ci < n_chunks - 1 else batch - n * (n_chunks - 1)
            ck = 0 if nn == n else 1
            for si in range(n_strips):
                ee = e if si < n_strips - 1 else E - e * (n_strips - 1)
                sk = 0 if ee == e else 1
                rows_in = (ee - 1) * U + R
                v_if = nn * q * r * rows_in * W
                outs = nn * ee * F
                pes = R * ee * r * t
                d_ps = ceil_div(p * t * ee, psum_rate)
                for _b in range(B):
                    for k in range(K):
                        # Ifmap of this channel group: DRAM -> GLB once the GLB space is free.
                        ls = max(link_free, prev_end)
                        load_end = ls + dram_cycles(if_dram[ck, sk], dram_vpb, clk_num, clk_den)
                        link_free = load_end
                        counts[K_GLB_IF_W] += v_if
                        counts[K_DRAM_IF] += if_dram[ck, sk]
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
                            cycles[C_FILTER] += d_f
                            d_pin = d_ps if k > 0 else 0
                            prev_end = pass_steps(
                                start + d_f,
                                nn,
                                F,
                                S,
                                U,
                                q * r * rows_in,
                                d_c,
                                d_pin,
                                d_ps,
                                h,
                                if_rate,
                                cycles,
                            )
                            pt_outs = p * t * outs
                            counts[K_MACS] += pt_outs * q * r * R * S
                            counts[K_RF_IF_W] += pes * q * W * nn
                            counts[K_RF_FLT_W] += pes * p * q * S
                            counts[K_INTER_PE] += pt_outs * (R * r - 1)
                            counts[K_NOC_IF] += v_if
                            counts[K_GLB_IF_R] += v_if
                            counts[K_NOC_FLT] += flt
                            counts[K_GLB_FLT_R] += flt
                            counts[K_GLB_FLT_W] += flt
                            counts[K_DRAM_FLT] += flt
                            if k > 0:
                                counts[K_RF_PSUM_W] += pt_outs
                                counts[K_NOC_PIN] += pt_outs
                                counts[K_GLB_PSUM_R] += pt_outs
                            counts[K_NOC_POUT] += pt_outs
                            counts[K_GLB_PSUM_W] += pt_outs
                            counts[K_PASSES] += 1
                    # The block's ofmap: GLB -> DRAM, RLC-coded.
                    ws = max(link_free, prev_end)
                    link_free = ws + dram_cycles(of_dram[ck, sk], dram_vpb, clk_num, clk_den)
                    counts[K_GLB_PSUM_R] += nn * m * ee * F
                    counts[K_DRAM_OF] += of_dram[ck, sk]
    end = max(prev_end, link_free)
    cycles[C_DRAM] += end - prev_end
    return counts, cycles, end

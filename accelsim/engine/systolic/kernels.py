"""numba kernels of the SCALE-Sim-compatible memory model (fast path).

The array's demand schedule is never materialised. For every fold the kernels know, in closed form,
which demand lines (cycles) carry requests and how many; they walk only those lines:

- `ofmap_write_buffer` replays the ofmap SRAM's write buffer element by element (it is the only
  source of stalls in SCALE-Sim's CALC mode), recording each line's stall as an event.
- `read_buffer_stream` replays a read buffer's tumbling window over half the SRAM (100 sets of
  `size // 100` words, 50 of them active). With `all_new` set, every request is a first touch (each
  address is read once in the whole layer: provably all-miss), so only per-line counts are walked;
  otherwise each request is looked up in a dense array of the set each address was last put in.

Fold order, line layout and address formulas are documented in `dataflows.systolic` and in
`docs/systolic.md`; dataflow codes: 0 = os, 1 = ws, 2 = is.
"""

from __future__ import annotations

import numpy as np
from numba import njit

SETS_ACTIVE = 50  # sets of the active half of a read buffer (SCALE-Sim: 100 sets, half active)


@njit(cache=True)
def _grow(arr: np.ndarray, n: int) -> np.ndarray:
    if n < arr.shape[0]:
        return arr
    bigger = np.empty(max(16, 2 * arr.shape[0]), dtype=arr.dtype)
    bigger[: arr.shape[0]] = arr
    return bigger


@njit(cache=True)
def ofmap_block(df: int, ar: int, t: int, ru: int) -> tuple[int, int, int]:
    """(line offset of the ofmap block in a fold, first valid block row, last valid block row)."""
    if df == 0:
        return t - 1, ar - ru, ar - 1
    return 2 * ar - 1, 0, t - 1


@njit(cache=True)
def _drain(
    fills: np.ndarray,
    n_lines: int,
    start_line: int,
    lines_to_fill: int,
    bw: int,
    start_cycle: int,
    state: np.ndarray,
) -> tuple[int, int]:
    """Drain up to `lines_to_fill` stored lines to DRAM from `start_cycle`, one line a cycle.

    The count is lines x bw minus the empty slots of the last line only (SCALE-Sim's count).
    state: [dram_writes, dram_first_cycle, dram_last_cycle, free_space]. Returns (end line, end
    cycle).
    """
    end_line = min(start_line + lines_to_fill, n_lines)
    num = end_line - start_line
    data = num * bw - (bw - fills[end_line - 1])
    state[0] += data
    if state[1] < 0 or start_cycle < state[1]:
        state[1] = start_cycle
    last = start_cycle + num - 1
    if last > state[2]:
        state[2] = last
    state[3] += data
    return end_line, last


@njit(cache=True)
def ofmap_write_buffer(
    df: int,
    ar: int,
    ac: int,
    sr: int,
    sc: int,
    t: int,
    row_folds: int,
    col_folds: int,
    lines_per_fold: int,
    total_words: int,
):
    """Replay the ofmap write buffer; returns (stall_lines, stall_amounts, n_events, info).

    info: [total_stalls, dram_writes, dram_first_cycle, dram_last_cycle, sram_first_out_cycle,
    sram_last_out_cycle].
    """
    active = (total_words + 1) // 2  # ceil(total * 0.5)
    drain_size = total_words - active
    bw = ac
    lines_to_fill = (drain_size + bw - 1) // bw
    fills = np.empty(1024, dtype=np.int32)
    n_lines = 0
    cur_fill = 0
    start_line = 0
    drain_end = 0
    state = np.zeros(4, dtype=np.int64)
    state[1] = -1
    state[2] = -(1 << 62)
    state[3] = total_words
    ev_line = np.empty(64, dtype=np.int64)
    ev_amt = np.empty(64, dtype=np.int64)
    n_ev = 0
    stalls = 0
    first_out = -1
    last_out = -1
    for fc in range(col_folds):
        cu = min(ac, sc - fc * ac)
        for fr in range(row_folds):
            ru = min(ar, sr - fr * ar)
            offset_lines, r_lo, r_hi = ofmap_block(df, ar, t, ru)
            base = (fc * row_folds + fr) * lines_per_fold + offset_lines
            for tl in range(r_lo, r_hi + cu):
                count = min(cu - 1, tl - r_lo) - max(0, tl - r_hi) + 1
                if count <= 0:
                    continue
                line = base + tl
                cycle = line + stalls
                current = cycle
                offset = 0
                for _ in range(count):
                    # store the element in the line being assembled
                    cur_fill += 1
                    state[3] -= 1
                    if cur_fill == bw:
                        fills = _grow(fills, n_lines)
                        fills[n_lines] = bw
                        n_lines += 1
                        cur_fill = 0
                    if current < drain_end:
                        if not state[3] > 0:
                            offset += drain_end - current
                            current = drain_end
                    elif state[3] < total_words - drain_size:
                        if cur_fill != 0:
                            fills = _grow(fills, n_lines)
                            fills[n_lines] = cur_fill
                            n_lines += 1
                            cur_fill = 0
                        start_line, drain_end = _drain(
                            fills, n_lines, start_line, lines_to_fill, bw, current, state
                        )
                out = cycle + offset
                if first_out < 0:
                    first_out = out
                last_out = out
                if offset > 0:
                    ev_line = _grow(ev_line, n_ev)
                    ev_amt = _grow(ev_amt, n_ev)
                    ev_line[n_ev] = line
                    ev_amt[n_ev] = offset
                    n_ev += 1
                    stalls += offset
    total_lines = row_folds * col_folds * lines_per_fold
    final_cycle = total_lines - 1 + stalls
    if cur_fill != 0:
        fills = _grow(fills, n_lines)
        fills[n_lines] = cur_fill
        n_lines += 1
        cur_fill = 0
    cycle = final_cycle
    while start_line < n_lines:
        start_line, drain_end = _drain(fills, n_lines, start_line, lines_to_fill, bw, cycle, state)
        cycle = drain_end + 1
    info = np.empty(6, dtype=np.int64)
    info[0] = stalls
    info[1] = state[0]
    info[2] = state[1]
    info[3] = state[2]
    info[4] = first_out
    info[5] = last_out
    return ev_line, ev_amt, n_ev, info


@njit(cache=True)
def stalls_before(ev_line: np.ndarray, ev_amt: np.ndarray, n_ev: int, line: int) -> int:
    """Stall cycles accumulated before demand line `line` (events are sorted by line)."""
    total = 0
    for i in range(n_ev):
        if ev_line[i] >= line:
            break
        total += ev_amt[i]
    return total


@njit(cache=True)
def _ifmap_addr(
    p: int, j: int, ef: int, f: int, hwc: int, w: int, c: int, sc_: int, u: int, h: int
) -> int:
    """Address of ifmap operand element (pixel p, tap j); -1 where a window overhangs."""
    b = p // ef
    pix = p - b * ef
    orow = pix // f
    ocol = pix - orow * f
    c_row = j // sc_
    rem = j - c_row * sc_
    c_col = rem // c
    ch = rem - c_col * c
    y = orow * u + c_row
    x = ocol * u + c_col
    if y >= h or x >= w:
        return -1
    return b * hwc + (y * w + x) * c + ch


@njit(cache=True)
def read_buffer_stream(
    operand: int,
    df: int,
    ar: int,
    ac: int,
    sr: int,
    sc: int,
    t: int,
    row_folds: int,
    col_folds: int,
    lines_per_fold: int,
    items: int,
    all_new: bool,
    space: int,
    geom: np.ndarray,
    ev_line: np.ndarray,
    ev_amt: np.ndarray,
    n_ev: int,
):
    """Replay one read buffer (operand 0 = ifmap, 1 = filter) over the layer's demand stream.

    geom: [E*F, F, H*W*C, W, C, S*C, stride, K, H]. `space` is the operand's address-space
    size (for the dense lookup; unused when `all_new`). Returns int64 info: [new words (DRAM
    reads), triggers, cycle of the last trigger, 1 if two successive triggers share a cycle
    (SCALE-Sim divides by zero there), first and last line with a request].
    """
    ef = geom[0]
    f = geom[1]
    hwc = geom[2]
    w = geom[3]
    c = geom[4]
    s_c = geom[5]
    u = geom[6]
    kk = geom[7]
    h = geom[8]
    first_line = -1
    last_line = -1
    last_set = np.full(0 if all_new else space, -1, dtype=np.int32)
    new = 0
    elems = 0
    set_id = 0
    read_start = 0
    triggers = 0
    last_trig_cycle = -1
    clash = 0
    ev = 0
    stalls = 0
    tl = 0
    krow = 0
    for fc in range(col_folds):
        cu = min(ac, sc - fc * ac)
        for fr in range(row_folds):
            ru = min(ar, sr - fr * ar)
            fold_base = (fc * row_folds + fr) * lines_per_fold
            # which kind of block this operand has in this dataflow
            skewed = True
            width = ru
            off = 0
            if operand == 0:
                if df == 0:
                    off = 0
                    width = ru
                elif df == 1:
                    off = ar
                    width = ru
                else:
                    skewed = False
                    width = cu
            else:
                if df == 0:
                    off = 0
                    width = cu
                elif df == 1:
                    skewed = False
                    width = cu
                else:
                    off = ar
                    width = ru
            if skewed:
                lo = off
                hi = off + t - 1 + width - 1
            else:
                lo = ar - ru
                hi = ar - 1
            for lt in range(lo, hi + 1):
                line = fold_base + lt
                if skewed:
                    tl = lt - off
                    a0 = max(0, tl - t + 1)
                    a1 = min(width - 1, tl)
                    count = a1 - a0 + 1
                else:
                    a0 = 0
                    a1 = width - 1
                    count = width
                    krow = fr * ar + (ar - 1 - lt)
                if count <= 0:
                    continue
                while ev < n_ev and ev_line[ev] < line:
                    stalls += ev_amt[ev]
                    ev += 1
                cycle = line + stalls
                if all_new:
                    if first_line < 0:
                        first_line = line
                    last_line = line
                    remaining = count
                    while remaining > 0:
                        room = items - elems
                        if remaining < room:
                            elems += remaining
                            new += remaining
                            remaining = 0
                        else:
                            new += room
                            remaining -= room
                            elems = 0
                            set_id += 1
                            if set_id - read_start == SETS_ACTIVE:
                                read_start += SETS_ACTIVE
                                if triggers > 0 and cycle == last_trig_cycle:
                                    clash = 1
                                last_trig_cycle = cycle
                                triggers += 1
                    continue
                for a in range(a0, a1 + 1):
                    if operand == 0:
                        if df == 0:
                            addr = _ifmap_addr(fr * ar + a, tl - a, ef, f, hwc, w, c, s_c, u, h)
                        elif df == 1:
                            addr = _ifmap_addr(tl - a, fr * ar + a, ef, f, hwc, w, c, s_c, u, h)
                        else:
                            addr = _ifmap_addr(fc * ac + a, krow, ef, f, hwc, w, c, s_c, u, h)
                    else:
                        if df == 0:
                            addr = (fc * ac + a) * kk + (tl - a)
                        elif df == 1:
                            addr = (fc * ac + a) * kk + krow
                        else:
                            addr = (tl - a) * kk + fr * ar + a
                    if addr < 0:
                        continue
                    if first_line < 0:
                        first_line = line
                    last_line = line
                    if last_set[addr] >= read_start:
                        continue
                    last_set[addr] = set_id
                    new += 1
                    elems += 1
                    if elems == items:
                        elems = 0
                        set_id += 1
                        if set_id - read_start == SETS_ACTIVE:
                            read_start += SETS_ACTIVE
                            if triggers > 0 and cycle == last_trig_cycle:
                                clash = 1
                            last_trig_cycle = cycle
                            triggers += 1
    out = np.empty(6, dtype=np.int64)
    out[0] = new
    out[1] = triggers
    out[2] = last_trig_cycle
    out[3] = clash
    out[4] = first_line
    out[5] = last_line
    return out

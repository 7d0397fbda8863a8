"""numba kernels of the SCALE-Sim-compatible memory model (fast path).

The array's demand schedule is never materialised. For every fold the kernels know, in closed form,
which demand lines (cycles) carry requests and how many; they walk only those lines:

- `ofmap_write_buffer` replays the ofmap SRAM's write buffer (the only possible source of stalls
  in SCALE-Sim's CALC mode) event by event: runs of writes, and runs of full lines, that cannot
  start a drain or hit a full buffer are applied in bulk; each line's stall is an event.
- `read_buffer_stream` replays a read buffer's tumbling window over half the SRAM (100 sets of
  `size // 100` words, 50 of them active). With `all_new` set, every request is provably a first
  touch, so only per-line counts are walked; otherwise each request is looked up in a dense array
  of the set each address was last put in, and folds that re-read a resident tile are skipped.

Fold order, line layout and address formulas are documented in `dataflows.systolic` and in
`docs/systolic.md`; dataflow codes: 0 = os, 1 = ws, 2 = is.
"""

from __future__ import annotations

import numpy as np
from numba import njit

SETS_ACTIVE = 50  # sets of the active half of a read buffer (SCALE-Sim: 100 sets, half active)


@njit(inline="always")
def _flush_partial(
    part_line: np.ndarray, part_fill: np.ndarray, n_part: int, n_lines: int, cur_fill: int
) -> tuple[int, int]:
    """Close the partially filled line `n_lines` (holding `cur_fill` words) for draining; the
    partial lines not yet drained are a ring of the arrays' length (the caller checks room)."""
    cap = part_line.shape[0]
    part_line[n_part % cap] = n_lines
    part_fill[n_part % cap] = cur_fill
    return n_part + 1, n_lines + 1


@njit(inline="always")
def _drained_words(
    part_line: np.ndarray,
    part_fill: np.ndarray,
    part_head: int,
    n_part: int,
    num: int,
    end_line: int,
    bw: int,
) -> tuple[int, int]:
    """Words written by draining `num` lines ending before `end_line`: full lines of `bw`, the
    last one as filled as it was when closed; returns (words, new head of the partial list)."""
    last_fill = bw
    cap = part_line.shape[0]
    while part_head < n_part and part_line[part_head % cap] < end_line:
        if part_line[part_head % cap] == end_line - 1:
            last_fill = part_fill[part_head % cap]
        part_head += 1
    return num * bw - (bw - last_fill), part_head


@njit(inline="always")
def ofmap_block(df: int, ar: int, t: int, ru: int) -> tuple[int, int, int]:
    """(line offset of the ofmap block in a fold, first valid block row, last valid block row)."""
    if df == 0:
        return t - 1, ar - ru, ar - 1
    return 2 * ar - 1, 0, t - 1


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
    ev_line: np.ndarray,
    ev_amt: np.ndarray,
    part_line: np.ndarray,
    part_fill: np.ndarray,
) -> tuple[int, np.ndarray]:
    """Replay the ofmap write buffer (`_ofmap_write_buffer`); returns (n_events, info). The
    info array is allocated here: numpy's allocators would each be compiled into the kernel."""
    info = np.zeros(7, dtype=np.int64)
    n_ev = _ofmap_write_buffer(
        df, ar, ac, sr, sc, t, row_folds, col_folds, lines_per_fold, total_words, ev_line, ev_amt,
        part_line, part_fill, info,
    )  # fmt: skip
    return n_ev, info


@njit(cache=True, nogil=True)
def _ofmap_write_buffer(
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
    ev_line: np.ndarray,
    ev_amt: np.ndarray,
    part_line: np.ndarray,
    part_fill: np.ndarray,
    info: np.ndarray,
):
    """Replay the ofmap write buffer into the stall events `ev_line`, `ev_amt` (the demand line
    and cycles of each stall) and `info` (zeros); returns the number of events.

    info: [total_stalls, dram_writes, dram_first_cycle, dram_last_cycle, sram_first_out_cycle,
    sram_last_out_cycle, full] where full is 1 if the event arrays, 2 if the ring of partial
    lines (`part_line`, `part_fill`) ran out of room: the caller enlarges them and replays again
    (arrays of fixed size keep the kernel small to compile).

    The buffer stores `cols`-word lines; only lines flushed partially by a forced drain are
    remembered (index and fill), every other line is full. Between two events (a drain starts, or
    a write finds no free space while a drain runs) writes only fill lines, so runs of writes are
    applied in bulk.
    """
    active = (total_words + 1) // 2  # ceil(total * 0.5)
    drain_size = total_words - active
    bw = ac
    lines_to_fill = (drain_size + bw - 1) // bw
    part_cap = part_line.shape[0]
    n_part = 0
    part_head = 0
    n_lines = 0
    cur_fill = 0
    start_line = 0
    drain_end = 0
    free = total_words
    dram_writes = 0
    dram_first = -1
    dram_last = -(1 << 62)
    n_ev = 0
    stalls = 0
    first_out = -1
    last_out = -1
    total_lines = row_folds * col_folds * lines_per_fold
    fold = 0
    done = False
    cycle = 0
    line = 0
    count = 0
    tl = 0
    tl_end = 0
    base = 0
    r_lo = 0
    r_hi = 0
    cu = 0
    while True:
        # next line with writes (or the final flush once all folds are done)
        if tl >= tl_end:
            if fold == row_folds * col_folds:
                done = True
            else:
                fc = fold // row_folds
                fr = fold - fc * row_folds
                cu = min(ac, sc - fc * ac)
                ru = min(ar, sr - fr * ar)
                offset_lines, r_lo, r_hi = ofmap_block(df, ar, t, ru)
                base = fold * lines_per_fold + offset_lines
                tl = r_lo
                tl_end = r_hi + cu
                fold += 1
                continue
        if done:
            cycle = total_lines - 1 + stalls
            remaining = 0
        else:
            count = min(cu - 1, tl - r_lo) - max(0, tl - r_hi) + 1
            line = base + tl
            if count <= 0:
                tl += 1
                continue
            cycle = line + stalls
            if count == cu:
                # plateau of full lines: jump over the lines that cannot reach an event (a drain
                # start, or a write without room while a drain runs); the mode may only change
                # when the cycle reaches the end of the running drain
                if cycle < drain_end:
                    room = free - 1 if free > 0 else 0
                    jump = min(room // cu, drain_end - cycle)
                else:
                    room = free - active
                    jump = room // cu if room > 0 else 0
                jump = min(jump, r_hi - tl + 1)
                if jump > 0:
                    cur_fill += jump * cu
                    free -= jump * cu
                    n_lines += cur_fill // bw
                    cur_fill = cur_fill % bw
                    if first_out < 0:
                        first_out = cycle
                    last_out = cycle + jump - 1
                    tl += jump
                    continue
            tl += 1
            remaining = count
        current = cycle
        offset = 0
        while remaining > 0:
            if current < drain_end:
                k = free if free > 0 else 1
            else:
                k = free - active + 1
                if k < 1:
                    k = 1
            if k > remaining:
                k = remaining
                event = False
            else:
                event = True
            cur_fill += k
            free -= k
            n_lines += cur_fill // bw
            cur_fill = cur_fill % bw
            remaining -= k
            if not event:
                break
            if current < drain_end:
                if not free > 0:
                    offset += drain_end - current
                    current = drain_end
            elif free < total_words - drain_size:
                if cur_fill != 0:  # a forced drain flushes the partial line
                    if n_part - part_head == part_cap:
                        info[6] = 2
                        return n_ev
                    n_part, n_lines = _flush_partial(
                        part_line, part_fill, n_part, n_lines, cur_fill
                    )
                    cur_fill = 0
                end_line = min(start_line + lines_to_fill, n_lines)
                num = end_line - start_line
                data, part_head = _drained_words(
                    part_line, part_fill, part_head, n_part, num, end_line, bw
                )
                dram_writes += data
                if dram_first < 0 or current < dram_first:
                    dram_first = current
                drain_end = current + num - 1
                if drain_end > dram_last:
                    dram_last = drain_end
                free += data
                start_line = end_line
        if done:
            break
        out = cycle + offset
        if first_out < 0:
            first_out = out
        last_out = out
        if offset > 0:
            if n_ev == ev_line.shape[0]:
                info[6] = 1
                return n_ev
            ev_line[n_ev] = line
            ev_amt[n_ev] = offset
            n_ev += 1
            stalls += offset
    # empty all buffers: flush the partial line, then drain back to back from the last cycle
    if cur_fill != 0:
        if n_part - part_head == part_cap:
            info[6] = 2
            return n_ev
        n_part, n_lines = _flush_partial(part_line, part_fill, n_part, n_lines, cur_fill)
        cur_fill = 0
    current = cycle
    while start_line < n_lines:
        end_line = min(start_line + lines_to_fill, n_lines)
        num = end_line - start_line
        data, part_head = _drained_words(part_line, part_fill, part_head, n_part, num, end_line, bw)
        dram_writes += data
        if dram_first < 0 or current < dram_first:
            dram_first = current
        drain_end = current + num - 1
        if drain_end > dram_last:
            dram_last = drain_end
        start_line = end_line
        current = drain_end + 1
    info[0] = stalls
    info[1] = dram_writes
    info[2] = dram_first
    info[3] = dram_last
    info[4] = first_out
    info[5] = last_out
    return n_ev


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
    pix: np.ndarray,
    tap: np.ndarray,
    ev_line: np.ndarray,
    ev_amt: np.ndarray,
    n_ev: int,
) -> np.ndarray:
    """Replay one read buffer (`_read_buffer_stream`); returns its info array. The kernel's
    arrays are allocated here: numpy's allocators would each be compiled into it.

    The lookup of resident words is a dense array over the address space when that is at most
    `DENSE_LOOKUP_WORDS`, else a hash table sized by the buffer (`resident_table_slots`): its
    memory, and the cache misses of a lookup, stay bounded by the SRAM, not by the batch."""
    dense = not all_new and space <= DENSE_LOOKUP_WORDS
    last_set = np.full(space if dense else 0, -1, dtype=np.int32)
    slots = 0 if all_new or dense else resident_table_slots(items)
    table_key = np.empty(slots, dtype=np.int64)
    table_epoch = np.full(slots, -1, dtype=np.int64)
    buf = np.empty(max(ar, ac), dtype=np.int64)
    out = np.empty(6, dtype=np.int64)
    _read_buffer_stream(
        operand, df, ar, ac, sr, sc, t, row_folds, col_folds, lines_per_fold, items, all_new,
        geom, pix, tap, ev_line, ev_amt, n_ev, last_set, table_key, table_epoch, buf, out,
    )  # fmt: skip
    return out


DENSE_LOOKUP_WORDS = 1 << 24
"""Largest address space (words) whose resident-set lookup is a dense array (int32 per word,
64 MB): about twice as fast per request as the hash table. Larger spaces (VGG-16's first ifmap
at batch 16 and more) use the hash table, whose size is bounded by the buffer, not the batch."""

FIBONACCI_HASH = -7046029254386353131
"""2^64 / golden ratio as a signed 64-bit integer: multiplicative hashing of word addresses."""


def resident_table_slots(items: int) -> int:
    """Slots of the resident-word hash table: a power of two at least twice the most words one
    group can hold (SETS_ACTIVE sets of `items` words; the table is emptied at every tumble)."""
    return 1 << max(4, (2 * SETS_ACTIVE * items).bit_length())


@njit(cache=True, nogil=True)
def _read_buffer_stream(
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
    geom: np.ndarray,
    pix: np.ndarray,
    tap: np.ndarray,
    ev_line: np.ndarray,
    ev_amt: np.ndarray,
    n_ev: int,
    last_set: np.ndarray,
    table_key: np.ndarray,
    table_epoch: np.ndarray,
    buf: np.ndarray,
    out: np.ndarray,
):
    """Replay one read buffer (operand 0 = ifmap, 1 = filter) over the layer's demand stream.

    geom: [K, H, W, overhang]. pix (3 x M): per output pixel the ifmap address of its window's
    first tap, its top row and left column; tap (3 x K): per filter tap the address offset, row and
    column within the window, so an ifmap address is pix[0, p] + tap[0, j] (empty where the window
    overhangs). Resident words are looked up in `last_set` when it is not empty: -1 per address
    of the operand's address space, the set each address was last put in; else in the hash
    table `table_key`, `table_epoch` (a power of two of slots, epochs -1): a slot holds a word
    put in since the group started at set `read_start` iff its epoch is `read_start`, so a
    tumble empties the table without touching it, and linear probing stops at the first slot of
    an older epoch (every slot before it was filled in this group). `buf`: scratch of
    max(ar, ac) words. Fills `out` with int64 info: [new words (DRAM reads), triggers, cycle of the last
    trigger, 1 if two successive triggers share a cycle (SCALE-Sim divides by zero there), first
    and last line with a request].
    """
    kk = geom[0]
    h = geom[1]
    w = geom[2]
    overhang = geom[3] != 0
    first_line = -1
    last_line = -1
    pix0, pix1, pix2 = pix[0], pix[1], pix[2]
    tap0, tap1, tap2 = tap[0], tap[1], tap[2]
    dense = last_set.shape[0] > 0
    slots = table_key.shape[0]
    mask = slots - 1
    bits = 1
    while (1 << bits) < slots:
        bits += 1
    shift = 64 - bits  # the hash is the top `bits` bits of addr x FIBONACCI_HASH
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
    prev_tile = -(1 << 62)
    prev_clean = False
    prev_start = -1
    fold_start = -1
    tile = 0
    for fc in range(col_folds):
        cu = min(ac, sc - fc * ac)
        for fr in range(row_folds):
            if fold_start >= 0:  # close the previous streamed fold
                prev_clean = read_start == fold_start
                prev_start = read_start
                prev_tile = tile
                fold_start = -1
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
            # The tile this fold reads: OS filter tiles depend on the column fold only; with one
            # row fold, OS/WS ifmap and IS filter tiles are the same for every fold.
            if operand == 1 and df == 0:
                tile = fc
            elif row_folds == 1 and (operand == 0) == (df != 2):
                tile = 0
            else:
                tile = -1 - (fc * row_folds + fr)  # unique
            last_fold = fc == col_folds - 1 and fr == row_folds - 1
            if (not all_new and tile == prev_tile and prev_clean and read_start == prev_start
                    and not last_fold):  # fmt: skip
                # the previous fold read the same words without a window change, so all of
                # them are resident and every request of this fold hits: nothing changes
                continue
            fold_start = read_start
            # OS filter tiles of at least a window are re-read all-miss (see scalesim_memory)
            fold_new = all_new or (operand == 1 and df == 0 and kk * cu >= SETS_ACTIVE * items)
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
                if fold_new:
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
                # this line's addresses, one tight loop per operand and dataflow. Column a asks
                # for: OS ifmap (pixel row0 + a, tap tl - a); WS ifmap (pixel tl - a, tap
                # row0 + a); IS ifmap (pixel col0 + a, tap krow); OS filter (tap tl - a, filter
                # col0 + a); WS filter (tap krow, filter col0 + a); IS filter (tap row0 + a,
                # filter tl - a). Taps of an overhanging window ask for nothing.
                row0 = fr * ar
                col0 = fc * ac
                n = 0
                if operand == 0 and overhang:
                    for a in range(a0, a1 + 1):
                        if df == 0:
                            p = row0 + a
                            j = tl - a
                        elif df == 1:
                            p = tl - a
                            j = row0 + a
                        else:
                            p = col0 + a
                            j = krow
                        if pix1[p] + tap1[j] < h and pix2[p] + tap2[j] < w:
                            buf[n] = pix0[p] + tap0[j]
                            n += 1
                elif operand == 0 and df == 0:
                    for a in range(a0, a1 + 1):
                        buf[n] = pix0[row0 + a] + tap0[tl - a]
                        n += 1
                elif operand == 0 and df == 1:
                    for a in range(a0, a1 + 1):
                        buf[n] = pix0[tl - a] + tap0[row0 + a]
                        n += 1
                elif operand == 0:
                    for a in range(a0, a1 + 1):
                        buf[n] = pix0[col0 + a] + tap0[krow]
                        n += 1
                elif df == 0:
                    for a in range(a0, a1 + 1):
                        buf[n] = (col0 + a) * kk + tl - a
                        n += 1
                elif df == 1:
                    for a in range(a0, a1 + 1):
                        buf[n] = (col0 + a) * kk + krow
                        n += 1
                else:
                    for a in range(a0, a1 + 1):
                        buf[n] = (tl - a) * kk + row0 + a
                        n += 1
                if n > 0:
                    if first_line < 0:
                        first_line = line
                    last_line = line
                for i in range(n):
                    addr = buf[i]
                    if dense:
                        if last_set[addr] >= read_start:
                            continue
                        last_set[addr] = set_id
                    else:
                        slot = ((addr * FIBONACCI_HASH) >> shift) & mask
                        while table_epoch[slot] == read_start and table_key[slot] != addr:
                            slot = (slot + 1) & mask
                        if table_epoch[slot] == read_start:
                            continue  # resident
                        table_epoch[slot] = read_start
                        table_key[slot] = addr
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
    out[0] = new
    out[1] = triggers
    out[2] = last_trig_cycle
    out[3] = clash
    out[4] = first_line
    out[5] = last_line

"""Closed-form counters of a GEMM on a systolic array: the exact path's record, from the folds.

The exact path (`scalesim_memory`, `default_memory`) replays the demand stream request by request;
this module derives the same `GemmCounters` by integer arithmetic over the fold structure, with no
per-cycle or per-request work. What is exact, and why (see `docs/systolic.md`):

- Schedule, averages, MACs, SRAM traffic: closed forms of the mapping (as in the exact path).
- `scalesim` ofmap write buffer: it never stalls (a drain of L = ceil(half / cols) lines frees at
  least (L - 1) * cols + 1 words at once, more than the array can write in the L - 1 cycles the
  drain lasts), so every demand line is one cycle. Drains then start at fixed write counts (when
  the outstanding count reaches half the SRAM plus one), which `ofmap_drains` solves: DRAM
  writes, and the write that starts each drain.
- `scalesim` read buffers: a request hits iff its word was put in the buffer since the last window
  change, and windows change every `50 * (words // 100)` first touches. Closed forms where the
  outcome of every request is provable: fewer distinct words than a window (no change ever);
  every request a first touch (each word read once per pass, or every re-read at least a window
  of requests after the last: WS/IS ifmaps, `ifmap_rereads_all_miss`, and filters); OS filter
  tiles smaller than a window (a tile re-read by each row fold misses only the prefix the window
  change of its first read dropped). A buffer whose window is smaller than an array side (two
  changes could fall in one cycle, where SCALE-Sim divides by zero) is replayed exactly.
  Otherwise (ifmap words re-read within a window, "buffer thrash") the reads depend on where
  the window changes fall: `thrash` approximates them, and the result names them.
- `default` memory: filter and ofmap DRAM traffic are closed forms in `default_memory`; the ifmap
  fetches of the LRU of fold tiles are counted exactly by `default_ifmap` from tile geometry.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from math import isqrt

import numpy as np

from accelsim.engine.systolic.counters import GemmCounters
from accelsim.engine.systolic.default_ifmap import default_ifmap_fetches
from accelsim.engine.systolic.default_memory import default_counters
from accelsim.engine.systolic.first_touch import ifmap_rereads_all_miss, sharing_pairs
from accelsim.engine.systolic.scalesim_memory import (
    PREFETCH_WORDS_PER_CYCLE,
    _Job,
    _read_buffer,
    check_scalesim_buffers,
    operand_lines,
)
from accelsim.engine.systolic.thrash import ifmap_thrash
from accelsim.hardware.systolic import SystolicArray
from dataflows.systolic import ConvGemm, SystolicMapping, sram_requests

SETS_ACTIVE = 50
"""Sets in the active half of a SCALE-Sim read buffer (a window holds 50 * (words // 100))."""

COUNTS = ("exact", "closed-form")
"""How the systolic model counts: replaying the demand stream, or by closed forms."""


@dataclass(frozen=True)
class ClosedFormGemm:
    """The counters of one GEMM and which of them are approximations (field names)."""

    counters: GemmCounters
    approximate: tuple[str, ...] = ()


# --- where the k-th request of an operand stream falls ----------------------------------------


def block_line(k: int, h: int, w: int) -> int:
    """Line (from the block's first) of request `k` (0-based) of a skewed `h` x `w` block.

    A skewed block's line i holds min(i + 1, h, w, h + w - 1 - i) requests: a ramp up, a plateau
    and a ramp down, each inverted in closed form.
    """
    a, b = min(h, w), max(h, w)
    ramp = a * (a - 1) // 2
    if k < ramp:
        return (isqrt(8 * k + 1) - 1) // 2
    if k < ramp + a * (b - a + 1):
        return a - 1 + (k - ramp) // a
    back = h * w - 1 - k
    return a + b - 2 - (isqrt(8 * back + 1) - 1) // 2


def _block(operand: str, m: SystolicMapping, ru: int, cu: int) -> tuple[bool, int, int, int]:
    """(skewed, first line in the fold, height, width) of an operand's block in a fold.

    Skewed blocks have `height` x `width` requests over height + width - 1 lines; unskewed ones
    (IS ifmap, WS filter) `height` lines of `width` requests.
    """
    ar, t, df = m.rows, m.t, m.dataflow
    if operand == "ofmap":
        if df == "os":
            return True, t - 1 + ar - ru, ru, cu
        return True, 2 * ar - 1, t, cu
    if (operand, df) in (("ifmap", "is"), ("filter", "ws")):
        return False, ar - ru, ru, cu
    width = cu if (operand, df) == ("filter", "os") else ru
    return True, 0 if df == "os" else ar, t, width


def _fold_requests(operand: str, m: SystolicMapping, ru: int, cu: int) -> int:
    _, _, h, w = _block(operand, m, ru, cu)
    return h * w


def request_fold(operand: str, m: SystolicMapping, q: int) -> tuple[int, int, int]:
    """(row fold, column fold, index in the fold) of request `q` (0-based) of an operand stream
    that skips nothing (folds run column fold by column fold, row fold inside)."""
    ar, ac = m.rows, m.cols
    last_ru = m.rows_used(m.row_folds - 1)
    per_column = (m.row_folds - 1) * _fold_requests(operand, m, ar, ac) + _fold_requests(
        operand, m, last_ru, ac
    )
    fc = min(q // per_column, m.col_folds - 1)
    q -= fc * per_column
    per_fold = _fold_requests(operand, m, ar, m.cols_used(fc))
    fr = min(q // per_fold, m.row_folds - 1)
    return fr, fc, q - fr * per_fold


def fold_request_line(operand: str, m: SystolicMapping, fr: int, fc: int, k: int) -> int:
    """Demand line (cycle, the array never stalls) of request `k` of fold (fr, fc)."""
    skewed, first, h, w = _block(operand, m, m.rows_used(fr), m.cols_used(fc))
    inside = block_line(k, h, w) if skewed else k // w
    return (fc * m.row_folds + fr) * m.lines_per_fold + first + inside


def request_line(operand: str, m: SystolicMapping, q: int) -> int:
    """Demand line of request `q` (0-based) of an operand stream that skips nothing."""
    return fold_request_line(operand, m, *request_fold(operand, m, q))


# --- the ofmap write buffer (scalesim) ---------------------------------------------------------


@dataclass(frozen=True)
class OfmapDrains:
    """What SCALE-Sim's ofmap write buffer does with `total` writes (see `ofmap_drains`).

    `first_trigger` and `last_trigger` are 1-based write indexes (0 if no drain starts during the
    writes); `final_lines` is how many lines the final drains empty after the last write.
    """

    triggers: int
    first_trigger: int
    last_trigger: int
    dram_writes: int
    final_lines: int
    lines_per_drain: int


def ofmap_drains(total: int, words: int, bw: int) -> OfmapDrains:
    """Drains of the write buffer for `total` writes into `words` words of `bw`-word lines.

    A drain starts at the write that brings the outstanding count (writes minus DRAM writes)
    to `half + 1` (half = words - ceil(words / 2)), and takes `L = ceil(half / bw)` lines; it
    flushes the partial line first, and only its last line has its empty slots subtracted. Every
    drain finds at least L stored lines, so the queue left after a drain is invariant: empty when
    bw does not divide half (each drain then writes exactly half + 1 words); one line when it
    does (then after the first drain every drain writes half words, except with L = 1, where
    drains alternate bw and 1 words).
    """
    half = words - (words + 1) // 2
    lines = -(-half // bw)
    head = 0  # fill of the line the regular drains leave queued (0: none)
    if half % bw:
        n = total // (half + 1)
        last = n * (half + 1)
        regular = last
    elif lines >= 2:
        n = (total - 1) // half
        last = n * half + 1 if n else 0
        regular = n * half
        head = 0 if n == 0 else 1 if n == 1 else bw
    else:  # half == bw: drains of one line, alternating bw and 1 words
        odd = total // (bw + 1)
        even = max(0, (total - bw) // (bw + 1))
        n = odd + even
        regular = odd * bw + even
        j, even_last = divmod(n - 1, 2) if n else (0, 0)
        last = 0 if n == 0 else (j + 1) * (bw + 1) + (bw if even_last else 0)
        head = 0 if n == 0 else 1 if n % 2 else bw
    rest = total - last
    full, part = divmod(rest, bw)
    final_lines = (1 if head else 0) + full + (1 if part else 0)

    def fill(index: int) -> int:
        if head:
            if index == 0:
                return head
            index -= 1
        return bw if index < full else part

    final = 0
    for start in range(0, final_lines, lines):
        end = min(start + lines, final_lines)
        final += (end - start) * bw - (bw - fill(end - 1))
    return OfmapDrains(n, half + 1 if n else 0, last, regular + final, final_lines, lines)


# --- read buffers (scalesim) ------------------------------------------------------------------


@dataclass(frozen=True)
class ReadBuffer:
    """A read buffer's outcome: DRAM reads, window changes, the line of the last one (-1), the
    first and last lines with a request, and whether the reads and last change are approximate."""

    dram_reads: int
    triggers: int
    last_trigger_line: int
    first_line: int
    last_line: int
    approximate: bool = False


def _all_new(operand: str, m: SystolicMapping, reads: int, window: int) -> tuple[int, int, int]:
    """(DRAM reads, triggers, last trigger line) when every request is a first touch."""
    triggers = reads // window
    line = request_line(operand, m, triggers * window - 1) if triggers else -1
    return reads, triggers, line


def _os_filter_tiles(gemm: ConvGemm, m: SystolicMapping, window: int) -> tuple[int, int]:
    """(DRAM reads, last trigger line) of OS filters, column fold by column fold.

    A column fold's tile (K x cols_used words, disjoint from the others) is read once per row
    fold, in the same order. A tile of at least a window misses on every request. A smaller one
    misses on its first read; if the window changes during that read (at the (window - r)-th
    word, r the fill at its start), its second read misses on exactly the words read before the
    change, which fits in the new window: later reads all hit.
    """
    new, last = 0, None
    for fc in range(m.col_folds):
        tile = gemm.k * m.cols_used(fc)
        if tile >= window:
            total = tile * m.row_folds
            changes = (new + total) // window
            if changes * window > new:
                q = changes * window - new - 1
                last = (q // tile, fc, q % tile)
            new += total
            continue
        fill = new % window
        new += tile
        if fill + tile >= window:
            last = (0, fc, window - fill - 1)
            if m.row_folds > 1:
                new += window - fill
    line = -1 if last is None else fold_request_line("filter", m, *last)
    return new, line


def _pixel_reach(gemm: ConvGemm, p: int) -> tuple[int, int]:
    """(last valid dy, last valid dx) of pixel p's window (negative: no tap inside the ifmap)."""
    ef = gemm.out_height * gemm.out_width
    e, f = divmod(p % ef, gemm.out_width)
    u = gemm.stride
    return (min(gemm.filter_height - 1, gemm.height - 1 - e * u),
            min(gemm.filter_width - 1, gemm.width - 1 - f * u))  # fmt: skip


def _last_tap_at_most(gemm: ConvGemm, dy_max: int, dx_max: int, j: int) -> int:
    """The largest tap <= j inside a window reaching (dy_max, dx_max) (taps are dy, dx, c)."""
    s, c = gemm.filter_width, gemm.channels
    dy, rest = divmod(j, s * c)
    dx = rest // c
    if dy > dy_max:
        return (dy_max * s + dx_max) * c + c - 1
    if dx > dx_max:
        return (dy * s + dx_max) * c + c - 1
    return j


def _first_tap_at_least(gemm: ConvGemm, dy_max: int, dx_max: int, j: int) -> int | None:
    """The smallest tap >= j inside a window reaching (dy_max, dx_max), or None."""
    s, c = gemm.filter_width, gemm.channels
    dy, rest = divmod(j, s * c)
    dx = rest // c
    if dy > dy_max:
        return None
    if dx <= dx_max:
        return j
    return (dy + 1) * s * c if dy + 1 <= dy_max else None


def _fold_last_ifmap_line(gemm: ConvGemm, m: SystolicMapping, fr: int, fc: int) -> int | None:
    """Line (in the fold) of the fold's last ifmap request inside the ifmap, or None.

    Only the pixels of the last output row and column overhang, so each scan stops at the first
    pixel whose window lies inside (no pixel before it can do better).
    """
    ar, k = m.rows, gemm.k
    ru, cu = m.rows_used(fr), m.cols_used(fc)
    row0, col0 = fr * ar, fc * m.cols
    inside = (gemm.filter_height - 1, gemm.filter_width - 1)
    best = None
    if m.dataflow == "os":  # pixel row0 + a asks for tap l - a at line l
        for a in range(ru - 1, -1, -1):
            reach = _pixel_reach(gemm, row0 + a)
            if min(reach) >= 0:
                line = a + _last_tap_at_most(gemm, *reach, k - 1)
                best = line if best is None else max(best, line)
            if reach == inside:
                break
        return best
    if m.dataflow == "ws":  # pixel p asks for tap row0 + a at line ar + p + a
        for p in range(gemm.m - 1, -1, -1):
            reach = _pixel_reach(gemm, p)
            if min(reach) >= 0:
                j = _last_tap_at_most(gemm, *reach, row0 + ru - 1)
                if j >= row0:
                    line = ar + p + j - row0
                    best = line if best is None else max(best, line)
            if reach == inside:
                break
        return best
    first = None  # IS: line ar - 1 - (j - row0) asks for tap j of every pixel of the fold
    for p in range(col0, col0 + cu):
        reach = _pixel_reach(gemm, p)
        if reach == inside:
            first = row0
            break
        if min(reach) >= 0:
            j = _first_tap_at_least(gemm, *reach, row0)
            if j is not None and j < row0 + ru:
                first = j if first is None else min(first, j)
    return None if first is None else ar - 1 - (first - row0)


def ifmap_request_span(gemm: ConvGemm, m: SystolicMapping) -> tuple[int, int]:
    """First and last demand line with an ifmap request (window taps outside the ifmap ask for
    nothing: with SCALE-Sim's overhanging windows the last lines may be empty)."""
    lo, _ = operand_lines("ifmap", m, 0, 0)
    if not gemm.has_overhang:
        _, hi = operand_lines("ifmap", m, m.row_folds - 1, m.col_folds - 1)
        return lo, (m.folds - 1) * m.lines_per_fold + hi
    for fold in range(m.folds - 1, -1, -1):
        fc, fr = divmod(fold, m.row_folds)
        line = _fold_last_ifmap_line(gemm, m, fr, fc)
        if line is not None:
            return lo, fold * m.lines_per_fold + line
    raise AssertionError("pixel 0's window lies inside the ifmap")


def _replayed(gemm: ConvGemm, m: SystolicMapping, words: tuple[int, int, int],
              operand: int) -> ReadBuffer:  # fmt: skip
    """The exact replay of one read buffer (the array never stalls, so no stall events)."""
    empty = np.zeros(1, dtype=np.int64)
    job = _Job(gemm, m, words, (empty, empty, 0), np.zeros(6, dtype=np.int64))
    new, triggers, last_cycle, first, last = _read_buffer(job, operand)
    if first < 0:
        name = ("ifmap", "filter")[operand]
        first = operand_lines(name, m, 0, 0)[0]
        last = (m.folds - 1) * m.lines_per_fold + operand_lines(
            name, m, m.row_folds - 1, m.col_folds - 1
        )[1]
    return ReadBuffer(new, triggers, last_cycle, first, last)


def scalesim_read_buffer(gemm: ConvGemm, m: SystolicMapping, words: tuple[int, int, int],
                         operand: int) -> ReadBuffer:  # fmt: skip
    """The read buffer of `operand` (0 = ifmap, 1 = filter) under SCALE-Sim's tumbling window."""
    name = ("ifmap", "filter")[operand]
    items = words[operand] // 100
    window = SETS_ACTIVE * items
    if max(m.rows, m.cols) > window:
        # a line may then hold two window changes (SCALE-Sim divides by zero): replay it
        return _replayed(gemm, m, words, operand)
    requests = sram_requests(gemm, m)
    if operand == 0:
        reads, distinct = requests.ifmap_reads, gemm.ifmap_words_used()
        first, last = ifmap_request_span(gemm, m)
    else:
        reads, distinct = requests.filter_reads, gemm.k * gemm.n
        first = operand_lines(name, m, 0, 0)[0]
        last = (m.folds - 1) * m.lines_per_fold + operand_lines(
            name, m, m.row_folds - 1, m.col_folds - 1
        )[1]
    if distinct < window:  # the window never changes: every word is fetched once
        return ReadBuffer(distinct, 0, -1, first, last)
    if operand == 1:
        small_tiles = gemm.k * m.cols_used(m.col_folds - 1) < window
        if m.dataflow == "os" and m.row_folds > 1 and small_tiles:
            new, line = _os_filter_tiles(gemm, m, window)
            return ReadBuffer(new, new // window, line, first, last)
        # WS: each word read once; IS, or OS tiles of a window: re-reads a window apart
        return ReadBuffer(*_all_new(name, m, reads, window), first, last)
    if not gemm.has_overhang and (reads == distinct or not sharing_pairs(gemm)):
        # each word read once per pass, passes at least `distinct` >= window requests apart
        return ReadBuffer(*_all_new(name, m, reads, window), first, last)
    if ifmap_rereads_all_miss(gemm, m, window):
        return ReadBuffer(*_all_new(name, m, reads, window), first, last)
    new, triggers, line = ifmap_thrash(gemm, m, window)
    return ReadBuffer(new, triggers, line, first, last, approximate=True)


def _prefetch_dates(buf: ReadBuffer, items: int) -> tuple[int, int]:
    """(DRAM start, DRAM stop) of a read buffer, dated as SCALE-Sim's CALC mode does."""
    if buf.triggers == 0:
        rows = math.ceil(math.ceil(buf.dram_reads / items) * items / PREFETCH_WORDS_PER_CYCLE)
        return -rows, -1
    nominal = math.ceil(SETS_ACTIVE * items / PREFETCH_WORDS_PER_CYCLE)
    return buf.first_line - nominal, buf.last_trigger_line + 1


def scalesim_closed_form(gemm: ConvGemm, array: SystolicArray,
                         sram_words: tuple[int, int, int] | None = None) -> ClosedFormGemm:  # fmt: skip
    """`scalesim_memory.simulate_gemm`'s counters, by closed forms (see the module docstring)."""
    m = SystolicMapping.of(gemm, array.rows, array.cols, array.dataflow)
    words = check_scalesim_buffers(array, sram_words)
    requests = sram_requests(gemm, m)
    lines = m.lines
    drains = ofmap_drains(requests.ofmap_writes, words[2], array.cols)
    final_start = lines - 1
    dram_ofmap_start = (request_line("ofmap", m, drains.first_trigger - 1) if drains.triggers
                        else final_start)  # fmt: skip
    ends = []
    if drains.triggers:
        ends.append(request_line("ofmap", m, drains.last_trigger - 1) + drains.lines_per_drain - 1)
    if drains.final_lines:
        ends.append(final_start + drains.final_lines - 1)
    dram_ofmap_stop = max(ends)
    lo, _ = operand_lines("ofmap", m, 0, 0)
    _, hi = operand_lines("ofmap", m, m.row_folds - 1, m.col_folds - 1)
    bufs = [scalesim_read_buffer(gemm, m, words, op) for op in (0, 1)]
    dates = [_prefetch_dates(b, words[op] // 100) for op, b in enumerate(bufs)]
    ofmap_sram_writes = requests.ofmap_writes
    if m.dataflow == "os":
        ofmap_sram_writes += m.folds * (m.rows + m.cols)
    efficiency, utilization = m.fold_averages()
    counters = GemmCounters(
        cycles=lines - 1,
        stall_cycles=0,
        cycles_incl_prefetch=dram_ofmap_stop - min(dates[0][0], dates[1][0]),
        macs=gemm.macs,
        mapping_efficiency=efficiency,
        compute_utilization=utilization,
        sram_ifmap_reads=requests.ifmap_reads,
        sram_filter_reads=requests.filter_reads,
        sram_ofmap_writes=ofmap_sram_writes,
        dram_ifmap_reads=bufs[0].dram_reads,
        dram_filter_reads=bufs[1].dram_reads,
        dram_ofmap_writes=drains.dram_writes,
        dram_ofmap_reads=0,
        sram_ifmap_start=bufs[0].first_line + 1,
        sram_ifmap_stop=bufs[0].last_line + 1,
        sram_filter_start=bufs[1].first_line + 1,
        sram_filter_stop=bufs[1].last_line + 1,
        sram_ofmap_start=lo,
        sram_ofmap_stop=(m.folds - 1) * m.lines_per_fold + hi,
        dram_ifmap_start=dates[0][0],
        dram_ifmap_stop=dates[0][1],
        dram_filter_start=dates[1][0],
        dram_filter_stop=dates[1][1],
        dram_ofmap_start=dram_ofmap_start,
        dram_ofmap_stop=dram_ofmap_stop,
    )
    approximate = ("dram_ifmap_reads", "dram_ifmap_stop") if bufs[0].approximate else ()
    return ClosedFormGemm(counters, approximate)


def default_closed_form(gemm: ConvGemm, array: SystolicArray) -> ClosedFormGemm:
    """`default_memory.simulate_gemm_default`'s counters, by closed forms (all exact)."""
    m = SystolicMapping.of(gemm, array.rows, array.cols, array.dataflow)
    fetched = default_ifmap_fetches(gemm, m, array.sram_words[0] // 2)
    return ClosedFormGemm(default_counters(gemm, m, array, fetched))

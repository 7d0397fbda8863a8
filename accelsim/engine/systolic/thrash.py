"""Approximate ifmap DRAM reads of SCALE-Sim's read buffer when its window changes over reused
words ("buffer thrash"), without replaying requests (numba).

SCALE-Sim's read buffer drops everything at a window change, and changes window when `window`
first touches have accumulated since the last change. So the request stream is cut greedily into
epochs, each ending at the request that brings the `window`-th distinct word since the epoch began;
DRAM reads = window x (complete epochs) + the distinct words of the last, open epoch. The only
question is where each epoch ends, and that needs the number of distinct words in a stretch of the
stream: a union of fold tiles (`wordsets`, exact) cut at lines inside the first and last fold.

What is approximate, and why:

- An epoch's end is found to a line (the distinct words can plateau, so no interpolation inside
  a bracket); the next epoch starts at the line of the window change if the change falls in
  its first half, else at the next line.
- Within a fold OS and WS skew their requests (OS: pixel a reads tap l - a at line l; WS: tap a
  reads pixel l - a), so a cut fold is a staircase. It is modelled by groups of pixels (taps),
  each cut at its middle member's line: one pixel per `SKEW_LINES_PER_PIXEL` lines of the last
  epoch, at most `SKEW_GROUP` pixels and `SKEW_GROUPS` groups; a whole fold is exact.
- Long streams are not walked epoch by epoch, using the stream's translation symmetries: OS and
  WS passes (column folds) read the same stream, and inside a pass (IS: the stream) the folds
  of a region repeat after a period (`_periods`: whole output rows, or for WS a filter row).
  The misses over whole periods, N(a + k P) - N(a), measured after `WARM_EPOCHS` epochs over
  at least `SAMPLE_EPOCHS` epochs, stand for every further period up to `TAIL_EPOCHS` before the
  region ends; skipping moves the open epoch with the periods, so the walk goes on from a
  translate of a real state. The misses of the passes after the first (walked until they hold
  `SAMPLE_EPOCHS` epochs) stand for every later pass, and the last window change is where the
  last walked pass had its own, moved to the last pass.

The measured error against the exact replay is in `docs/systolic.md`.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from accelsim.engine.systolic.wordsets import geometry, union_size
from dataflows.systolic import DATAFLOW_CODES, ConvGemm, SystolicMapping

SKEW_GROUP = 8
"""Pixels (OS) or taps (WS) of a cut fold given one cut line (the staircase's resolution)..."""

SKEW_GROUPS = 16
"""... in at most this many groups per cut fold..."""

SKEW_LINES_PER_PIXEL = 64
"""... and in groups of one pixel (tap) per this many lines of the previous epoch, so short
epochs see the staircase finely."""

WARM_EPOCHS = 2
SAMPLE_EPOCHS = 16
TAIL_EPOCHS = 3


@njit(cache=True)
def _blocks(df: int, ar: int, ac: int, sr: int, sc: int, t: int, row_folds: int,
            col_folds: int) -> tuple[np.ndarray, np.ndarray]:  # fmt: skip
    """Each fold's first model line (lines that carry ifmap requests, folds back to back) and
    (column fold, row fold, rows used, columns used)."""
    nb = row_folds * col_folds
    start = np.zeros(nb + 1, dtype=np.int64)
    info = np.zeros((nb, 5), dtype=np.int64)  # column 4: requests before the fold
    for fc in range(col_folds):
        cu = min(ac, sc - fc * ac)
        for fr in range(row_folds):
            ru = min(ar, sr - fr * ar)
            b = fc * row_folds + fr
            info[b, 0], info[b, 1], info[b, 2], info[b, 3] = fc, fr, ru, cu
            start[b + 1] = start[b] + (ru if df == 2 else t + ru - 1)
            if b + 1 < nb:
                info[b + 1, 4] = info[b, 4] + ru * (cu if df == 2 else t)
    return start, info


@njit(cache=True)
def _skew_prefix(i: int, h: int, w: int) -> int:
    """Requests on lines 0..i-1 of a skewed h x w block (line i holds min(i+1, h, w, h+w-1-i))."""
    a, b = min(h, w), max(h, w)
    if i <= 0:
        return 0
    if i >= a + b - 1:
        return h * w
    if i < a:
        return i * (i + 1) // 2
    if i <= b:
        return a * (a - 1) // 2 + (i - a + 1) * a  # the ramp, then plateau lines
    back = a + b - 1 - i
    return h * w - back * (back + 1) // 2


@njit(cache=True)
def _requests_before(df: int, line: int, start: np.ndarray, info: np.ndarray, t: int) -> int:
    """Requests on model lines before `line` (the clock epochs are measured in)."""
    nb = start.shape[0] - 1
    if line >= start[nb]:
        return info[nb - 1, 4] + info[nb - 1, 2] * (info[nb - 1, 3] if df == 2 else t)
    b = np.searchsorted(start, line, side="right") - 1
    inside = line - start[b]
    if df == 2:
        return info[b, 4] + inside * info[b, 3]
    return info[b, 4] + _skew_prefix(inside, t, info[b, 2])


@njit(cache=True)
def _line_at(df: int, q: int, start: np.ndarray, info: np.ndarray, t: int) -> int:
    """The first model line with at least q requests before it."""
    lo, hi = 0, start[start.shape[0] - 1]
    while lo < hi:
        mid = (lo + hi) // 2
        if _requests_before(df, mid, start, info, t) >= q:
            hi = mid
        else:
            lo = mid + 1
    return lo


@njit(cache=True)
def _add(items: np.ndarray, n: int, p0: int, p1: int, j0: int, j1: int) -> int:
    if p0 < p1 and j0 < j1:
        items[n, 0], items[n, 1], items[n, 2], items[n, 3] = p0, p1, j0, j1
        return n + 1
    return n


@njit(cache=True)
def _cut_fold(df: int, info: np.ndarray, b: int, l0: int, l1: int, ar: int, ac: int,
              pixels: int, taps: int, group: int, items: np.ndarray, n: int) -> int:  # fmt: skip
    """Append the word sets of lines [l0, l1) of fold b (OS, WS: in groups of `group` pixels or
    taps, at most SKEW_GROUPS)."""
    fc, fr, ru, cu = info[b, 0], info[b, 1], info[b, 2], info[b, 3]
    row0 = fr * ar
    if df == 2:  # IS: line l asks for tap row0 + ru - 1 - l of the column fold's pixels
        return _add(items, n, fc * ac, fc * ac + cu, row0 + ru - l1, row0 + ru - l0)
    groups = min(SKEW_GROUPS, (ru + group - 1) // group)
    for k in range(groups):
        a0 = k * ru // groups
        a1 = (k + 1) * ru // groups
        mid = (a0 + a1 - 1) // 2
        if df == 0:  # OS: pixel row0 + a asks for tap l - a
            n = _add(items, n, row0 + a0, row0 + a1, max(0, l0 - mid), min(taps, l1 - mid))
        else:  # WS: tap row0 + a asks for pixel l - a
            n = _add(items, n, max(0, l0 - mid), min(pixels, l1 - mid), row0 + a0, row0 + a1)
    return n


@njit(cache=True)
def _whole_folds(df: int, info: np.ndarray, f0: int, f1: int, ar: int, ac: int, pixels: int,
                 taps: int, row_folds: int, items: np.ndarray, n: int) -> int:  # fmt: skip
    """Append the word sets of the whole folds f0..f1."""
    if f0 > f1:
        return n
    if df == 2:
        fc0, fr0, cu0 = info[f0, 0], info[f0, 1], info[f0, 3]
        fc1, fr1, cu1 = info[f1, 0], info[f1, 1], info[f1, 3]
        j_hi = min(taps, fr1 * ar + ar)
        if fc0 == fc1:
            return _add(items, n, fc0 * ac, fc0 * ac + cu0, fr0 * ar, j_hi)
        n = _add(items, n, fc0 * ac, fc0 * ac + ac, fr0 * ar, taps)
        n = _add(items, n, fc0 * ac + ac, fc1 * ac, 0, taps)
        return _add(items, n, fc1 * ac, fc1 * ac + cu1, 0, j_hi)
    full = pixels if df == 0 else taps
    if f1 - f0 + 1 >= row_folds:
        return _add(items, n, 0, pixels, 0, taps)
    a, b = info[f0, 1], info[f1, 1]
    ranges = ((a * ar, min(full, b * ar + ar)), (0, 0)) if a <= b else (
        (a * ar, full), (0, min(full, b * ar + ar)))  # fmt: skip
    for lo, hi in ranges:
        n = _add(items, n, lo, hi, 0, taps) if df == 0 else _add(items, n, 0, pixels, lo, hi)
    return n


@njit(cache=True)
def _distinct(g: np.ndarray, ctx: np.ndarray, s: int, e: int, start: np.ndarray,
              info: np.ndarray, items: np.ndarray) -> int:  # fmt: skip
    """Distinct ifmap words requested on model lines [s, e)."""
    df, ar, ac, pixels, taps, row_folds = ctx[0], ctx[1], ctx[2], ctx[3], ctx[4], ctx[5]
    ctx[8] += 1  # evaluations (for profiling)
    group = ctx[9]
    if e <= s:
        return 0
    b0 = np.searchsorted(start, s, side="right") - 1
    b1 = np.searchsorted(start, e - 1, side="right") - 1
    if b0 == b1:
        n = _cut_fold(df, info, b0, s - start[b0], e - start[b0], ar, ac, pixels, taps, group,
                      items, 0)  # fmt: skip
        return union_size(g, items, n)
    whole0 = s == start[b0]
    whole1 = e == start[b1 + 1]
    n = 0
    if not whole0:
        n = _cut_fold(df, info, b0, s - start[b0], start[b0 + 1] - start[b0], ar, ac, pixels,
                      taps, group, items, n)  # fmt: skip
    n = _whole_folds(df, info, b0 if whole0 else b0 + 1, b1 if whole1 else b1 - 1, ar, ac,
                     pixels, taps, row_folds, items, n)  # fmt: skip
    if not whole1:
        n = _cut_fold(df, info, b1, 0, e - start[b1], ar, ac, pixels, taps, group, items, n)
    return union_size(g, items, n)


@njit(cache=True)
def _first_reaching(g: np.ndarray, ctx: np.ndarray, s: int, lo: int, d_lo: int, hi: int,
                    d_hi: int, start: np.ndarray, info: np.ndarray,
                    items: np.ndarray) -> tuple[int, int, int]:  # fmt: skip
    """Smallest line e in (lo, hi] with distinct(s, e) >= window, given distinct(s, lo) = d_lo <
    window <= distinct(s, hi) = d_hi; returns (e, d(e - 1), d(e)).

    Regula falsi with the Illinois rule (an end kept twice has its distance to the target
    halved), so a curved distinct count cannot pin one end."""
    window = ctx[7]
    f_lo, f_hi = float(d_lo - window), float(d_hi - window)  # f_lo < 0 <= f_hi
    side = 0
    while hi - lo > 1:
        mid = lo + int((hi - lo) * (-f_lo) / max(1e-9, f_hi - f_lo))
        mid = min(hi - 1, max(lo + 1, mid))
        d = _distinct(g, ctx, s, mid, start, info, items)
        if d >= window:
            hi, d_hi, f_hi = mid, d, float(d - window)
            if side == 1:
                f_lo *= 0.5
            side = 1
        else:
            lo, d_lo, f_lo = mid, d, float(d - window)
            if side == -1:
                f_hi *= 0.5
            side = -1
    return hi, d_lo, d_hi


@njit(cache=True)
def _epoch_end(g: np.ndarray, ctx: np.ndarray, s: int, end: int, guess: int, start: np.ndarray,
               info: np.ndarray, items: np.ndarray) -> tuple[int, int]:  # fmt: skip
    """(line of the window change, first line of the next epoch) of the epoch starting at s, or
    (-1, -1) if fewer than `window` distinct words remain before `end`.

    `guess` (the previous epoch's length in lines, or 0) brackets the end within a few percent
    when epochs are alike; otherwise the bracket grows by linear extrapolation."""
    window = ctx[7]
    # the staircase of a cut fold matters as much as its lines are a part of the epoch
    ctx[9] = max(1, min(SKEW_GROUP, guess // SKEW_LINES_PER_PIXEL))
    lo, d_lo = s, 0
    if guess > 0:
        probe = min(end, s + max(1, guess - guess // 16))
    else:
        b = np.searchsorted(start, s, side="right") - 1
        probe = min(end, start[b + 1])
    step = 0
    while True:
        d = _distinct(g, ctx, s, probe, start, info, items)
        if d >= window:
            hi, d_hi = probe, d
            break
        lo, d_lo = probe, d
        if probe == end:
            return -1, -1
        # extrapolate from the words so far, a little beyond, at least doubling the step
        # (distinct words can plateau)
        reach = (window - d_lo) * (lo - s) // max(1, d_lo)
        step = max(2 * step, reach + reach // 16 + 1, 1)
        probe = min(end, lo + step)
    e, d1, d2 = _first_reaching(g, ctx, s, lo, d_lo, hi, d_hi, start, info, items)
    # the change happens on line e - 1; the next epoch starts where most of its words fall
    half = 2 * (window - d1) < d2 - d1
    return e - 1, e - 1 if half else e


@njit(cache=True)
def _walk(g: np.ndarray, ctx: np.ndarray, state: np.ndarray, stop: int, end: int, period: int,
          start: np.ndarray, info: np.ndarray, items: np.ndarray) -> None:  # fmt: skip
    """Walk epochs until the open epoch contains line `stop` (or the stream ends at `end`).

    state: [open epoch start, its change line (-1 unknown), next start, complete epochs, misses
    added by skipped periods, last change line, stream ended, last epoch length].

    With `period` > 0 (the lines after which the stream repeats itself here), after WARM_EPOCHS
    the misses over whole periods, N(a + k * period) - N(a) with k * period spanning at least
    SAMPLE_EPOCHS epochs, are measured and whole periods up to TAIL_EPOCHS before `stop` are
    skipped at that rate: the open epoch moves with them (the stream is their translate)."""
    window = ctx[7]
    walked = 0
    a, n_a, k_lines = -1, 0, 0
    while state[6] == 0:
        s = state[0]
        if state[1] < 0:
            change, nxt = _epoch_end(g, ctx, s, end, state[7], start, info, items)
            if change < 0:
                state[6] = 1
                return
            state[1], state[2] = change, nxt
        if a >= 0 and state[1] >= a + k_lines:  # the open epoch holds b = a + k periods
            b = a + k_lines
            per = (window * (state[3] - n_a) + _distinct(g, ctx, s, b, start, info, items)
                   ) / (k_lines // period)  # fmt: skip
            tail = TAIL_EPOCHS * max(1, state[7])
            jumps = (stop - tail - b) // period
            if jumps > 0:
                shift = jumps * period
                state[0] += shift
                state[1] += shift
                state[2] += shift
                state[4] += int(jumps * per + 0.5)
                state[5] = state[1] - period
            a = -1
            continue
        if state[1] >= stop:
            return
        state[7] = state[2] - s
        state[5] = state[1]
        state[3] += 1
        state[0], state[1] = state[2], -1
        walked += 1
        if period > 0 and walked == WARM_EPOCHS and a < 0 and k_lines == 0:
            a, n_a = state[0], state[3]
            span = SAMPLE_EPOCHS * max(1, state[7])
            k_lines = max(1, -(-span // period)) * period
            if a + k_lines + TAIL_EPOCHS * state[7] + period > stop:
                a = -1  # nothing worth skipping here


@njit(cache=True)
def _periods(ctx: np.ndarray, g: np.ndarray, start: np.ndarray) -> np.ndarray:
    """Regions of the first pass (OS, WS) or of the stream (IS) as rows (first line, end line,
    period in lines or 0): the period after which the stream repeats itself inside the region.

    OS full row folds repeat after lcm(rows, F) pixels (the same pixels, whole output rows
    further); IS full column folds after lcm(cols, F) pixels; WS tap folds after lcm(S * C, rows)
    taps (a filter row later every window reads one input row lower) when a pass holds two such
    periods, else each WS fold is a region of its own, its pixel sweep repeating every output
    row."""
    df, ar, ac, row_folds = ctx[0], ctx[1], ctx[2], ctx[5]
    c, f = g[2], g[7]
    nb = start.shape[0] - 1
    out = np.zeros((row_folds + 2, 3), dtype=np.int64)
    if df == 1 and row_folds == 1:
        out[0, 0], out[0, 1], out[0, 2] = 0, start[1], f
        return out[:1]
    if df == 2:
        per_fc = start[row_folds]
        last_fc = start[nb - row_folds]
        fcs = _lcm(ac, f) // ac
        out[0, 0], out[0, 1], out[0, 2] = 0, last_fc, fcs * per_fc
        out[1, 0], out[1, 1], out[1, 2] = last_fc, start[nb], 0
        return out[:2]
    last = start[row_folds - 1]
    pass_end = start[row_folds]
    if df == 0:
        folds = _lcm(ar, f) // ar
        out[0, 0], out[0, 1], out[0, 2] = 0, last, folds * start[1]
        out[1, 0], out[1, 1], out[1, 2] = last, pass_end, 0
        return out[:2]
    folds = _lcm(g[4] * c, ar) // ar  # WS: a filter row's taps later, one input row lower
    if 2 * folds <= row_folds - 1:
        out[0, 0], out[0, 1], out[0, 2] = 0, last, folds * start[1]
        out[1, 0], out[1, 1], out[1, 2] = last, pass_end, f
        return out[:2]
    for b in range(row_folds):
        out[b, 0], out[b, 1], out[b, 2] = start[b], start[b + 1], f
    return out[:row_folds]


@njit(cache=True)
def _lcm(x: int, y: int) -> int:
    a, b = x, y
    while b:
        a, b = b, a % b
    return x // a * y


@njit(cache=True)
def _thrash(g: np.ndarray, ctx: np.ndarray, sr: int, sc: int,
            col_folds: int) -> tuple[int, int, int]:  # fmt: skip
    """(DRAM reads, window changes, model line of the last change)."""
    df, ar, ac, row_folds, t, window = ctx[0], ctx[1], ctx[2], ctx[5], ctx[6], ctx[7]
    start, info = _blocks(df, ar, ac, sr, sc, t, row_folds, col_folds)
    end = start[start.shape[0] - 1]
    items = np.empty((2 * SKEW_GROUPS + 8, 4), dtype=np.int64)
    passes = 1 if df == 2 else col_folds
    pass_lines = end // passes
    regions = _periods(ctx, g, start)
    state = np.zeros(8, dtype=np.int64)
    state[1], state[5] = -1, -1
    first_misses, first_epochs = 0, 0  # N and epochs at the end of the first pass
    k = 0
    while k < passes and state[6] == 0:
        base = k * pass_lines
        for r in range(regions.shape[0]):
            stop = base + regions[r, 1]
            if stop > end:
                stop = end
            _walk(g, ctx, state, stop, end, regions[r, 2], start, info, items)
            if state[6]:
                break
        k += 1
        if state[6]:
            continue
        misses = window * state[3] + state[4] + _distinct(g, ctx, state[0], k * pass_lines,
                                                          start, info, items)  # fmt: skip
        if k == 1:
            first_misses, first_epochs = misses, state[3]
            continue
        remaining = passes - k
        if remaining > 0 and state[3] - first_epochs >= SAMPLE_EPOCHS:
            # every later pass is a translate of the walked ones: count them at their mean,
            # their last window change where the walked pass had its own
            per_pass = (misses - first_misses) / (k - 1)
            total = misses + int(remaining * per_pass + 0.5)
            last = state[5] + remaining * pass_lines if state[5] >= 0 else -1
            return total, total // window, last
    misses = window * state[3] + state[4] + _distinct(g, ctx, state[0], end, start, info, items)
    return misses, misses // window, state[5]


def model_line_to_demand(m: SystolicMapping, line: int) -> int:
    """Demand line of model line `line` (model lines skip the lines without ifmap requests)."""
    start, info = _blocks(DATAFLOW_CODES[m.dataflow], m.rows, m.cols, m.sr, m.sc, m.t,
                          m.row_folds, m.col_folds)  # fmt: skip
    fold = int(np.searchsorted(start, line, side="right")) - 1
    first = {"os": 0, "ws": m.rows, "is": m.rows - int(info[fold, 2])}[m.dataflow]
    return fold * m.lines_per_fold + first + line - int(start[fold])


def ifmap_thrash(gemm: ConvGemm, m: SystolicMapping, window: int) -> tuple[int, int, int]:
    """(DRAM reads, window changes, demand line of the last change) of the ifmap buffer."""
    ctx = np.array(
        [
            DATAFLOW_CODES[m.dataflow],
            m.rows,
            m.cols,
            gemm.m,
            gemm.k,
            m.row_folds,
            m.t,
            window,
            0,
            SKEW_GROUP,
        ],
        dtype=np.int64,
    )
    reads, changes, line = _thrash(geometry(gemm), ctx, m.sr, m.sc, m.col_folds)
    demand = model_line_to_demand(m, int(line)) if changes else -1
    return int(reads), int(changes), demand

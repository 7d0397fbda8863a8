"""Ifmap words the `default` memory model fetches, from tile geometry instead of addresses.

The model (`default_memory`) keeps the most recent fold tiles in half the SRAM (whole tiles leave,
least recently used first) and fetches the words of each tile that are not resident. The resident
tiles are always a run of consecutive folds, so both the words a tile adds and the size left after
an eviction are sizes of unions of at most three "pixels x taps" word sets (`wordsets`), exact.

Why only two passes are walked (OS, WS): every column fold re-reads the same tiles in the same
order. After an eviction the run left is the shortest suffix that fits, which depends only on the
tiles, so from the moment the tiles of the previous pass are gone every pass repeats the second
one, and they are always gone before a pass ends (the whole operand does not fit).

Why steps are memoised: a union of tiles inside one image depends only on the column of its first
output pixel and the tiles' extent (moving them one output row down moves every window U rows), so
a step (one tile) inside an image repeats the outcome of an earlier step with the same column, the
same row fold (IS) and the same run of resident tiles behind it.
"""

from __future__ import annotations

import numpy as np
from numba import njit, types
from numba.typed import Dict

from accelsim.engine.systolic.wordsets import geometry, union_size
from dataflows.systolic import DATAFLOW_CODES, ConvGemm, SystolicMapping

_OUTCOME = types.UniTuple(types.int64, 3)  # (words fetched, resident run's distance back, size)


@njit(cache=True)
def _set_item(items: np.ndarray, i: int, p0: int, p1: int, j0: int, j1: int) -> None:
    items[i, 0], items[i, 1], items[i, 2], items[i, 3] = p0, p1, j0, j1


@njit(cache=True)
def _run_items(df: int, lo: int, hi: int, ar: int, ac: int, pixels: int, taps: int,
               per_pass: int, items: np.ndarray) -> int:  # fmt: skip
    """Word sets (pixels x taps) of the tiles of folds lo..hi (positions in fold order)."""
    if df != 2:  # OS: tile = row fold's pixels x all taps; WS: all pixels x row fold's taps
        if hi - lo + 1 >= per_pass:
            a, b, parts = 0, per_pass - 1, 1
        else:
            a, b = lo % per_pass, hi % per_pass
            parts = 1 if a <= b else 2
        n = 0
        for part in range(parts):
            r0 = a if part == 0 else 0
            r1 = (b if parts == 1 else per_pass - 1) if part == 0 else b
            lo_w, hi_w = r0 * ar, min(r1 * ar + ar, pixels if df == 0 else taps)
            if df == 0:
                _set_item(items, n, lo_w, hi_w, 0, taps)
            else:
                _set_item(items, n, 0, pixels, lo_w, hi_w)
            n += 1
        return n
    fc0, fr0 = lo // per_pass, lo % per_pass  # IS: column fold's pixels x row fold's taps
    fc1, fr1 = hi // per_pass, hi % per_pass
    j_hi = min(fr1 * ar + ar, taps)
    if fc0 == fc1:
        _set_item(items, 0, fc0 * ac, min(fc0 * ac + ac, pixels), fr0 * ar, j_hi)
        return 1
    _set_item(items, 0, fc0 * ac, fc0 * ac + ac, fr0 * ar, taps)
    n = 1
    if fc1 > fc0 + 1:
        _set_item(items, n, fc0 * ac + ac, fc1 * ac, 0, taps)
        n += 1
    _set_item(items, n, fc1 * ac, min(fc1 * ac + ac, pixels), 0, j_hi)
    return n + 1


@njit(cache=True)
def _run_size(g: np.ndarray, df: int, lo: int, hi: int, ar: int, ac: int, pixels: int,
              taps: int, per_pass: int, items: np.ndarray) -> int:  # fmt: skip
    n = _run_items(df, lo, hi, ar, ac, pixels, taps, per_pass, items)
    return union_size(g, items, n)


@njit(cache=True)
def _step(g: np.ndarray, df: int, s: int, lo: int, size: int, ar: int, ac: int, pixels: int,
          taps: int, per_pass: int, capacity: int,
          items: np.ndarray) -> tuple[int, int, int]:  # fmt: skip
    """One fold's tile through the LRU: (words fetched, first resident fold or -1, size)."""
    tile = _run_size(g, df, s, s, ar, ac, pixels, taps, per_pass, items)
    new = tile
    if lo >= 0:
        new = _run_size(g, df, lo, s, ar, ac, pixels, taps, per_pass, items) - size
    if tile > capacity:  # streamed: nothing stays resident
        return new, -1, 0
    if lo < 0:
        lo, size = s, tile
    else:
        size += new
    while size > capacity and s - lo >= 1:
        lo += 1
        size = _run_size(g, df, lo, s, ar, ac, pixels, taps, per_pass, items)
    return new, lo, size


@njit(cache=True)
def _lru_fetches(g: np.ndarray, df: int, ar: int, ac: int, row_folds: int, col_folds: int,
                 capacity: int) -> int:  # fmt: skip
    c, r, s_, e, f, b = g[2], g[3], g[4], g[6], g[7], g[8]
    ef = e * f
    pixels, taps = b * ef, r * s_ * c
    per_pass = row_folds
    items = np.empty((3, 4), dtype=np.int64)
    memo = Dict.empty(key_type=types.int64, value_type=_OUTCOME)
    if df != 2:
        passes = min(col_folds, 2)
        fetched = np.zeros(2, dtype=np.int64)
        lo, size = -1, 0
        for s in range(passes * per_pass):
            if per_pass == 1 and s > 0:  # the same tile again: what does not stay resident
                fetched[s] += max(0, _run_size(g, df, 0, 0, ar, ac, pixels, taps, per_pass,
                                               items) - capacity)  # fmt: skip
                continue
            key = -1
            fr = s % per_pass
            if df == 0 and fr < per_pass - 1 and (lo < 0 or lo // per_pass == s // per_pass):
                first = (lo if lo >= 0 else s) % per_pass * ar
                if first // ef == (fr * ar + ar - 1) // ef:  # one image, full tiles
                    key = (first % f) * (per_pass + 1) + (s - lo if lo >= 0 else 0)
            if key >= 0 and key in memo:
                new, back, size = memo[key]
                lo = -1 if back < 0 else s - back
            else:
                new, lo, size = _step(g, df, s, lo, size, ar, ac, pixels, taps, per_pass,
                                      capacity, items)  # fmt: skip
                if key >= 0:
                    memo[key] = (new, -1 if lo < 0 else s - lo, size)
            fetched[s // per_pass] += new
        return fetched[0] + (col_folds - 1) * (fetched[1] if passes > 1 else 0)
    total = 0
    lo, size = -1, 0
    positions = col_folds * per_pass
    for s in range(positions):  # IS: column fold fc's pixels x row fold fr's taps
        fc, fr = s // per_pass, s % per_pass
        key = -1
        if fc < col_folds - 1:
            first_fc = fc if lo < 0 else lo // per_pass
            if first_fc * ac // ef == (fc * ac + ac - 1) // ef:  # one image, full tiles
                run = 0 if lo < 0 else s - lo
                key = ((fc * ac % f) * per_pass + fr) * (positions + 1) + run
        if key >= 0 and key in memo:
            new, back, size = memo[key]
            lo = -1 if back < 0 else s - back
        else:
            new, lo, size = _step(g, df, s, lo, size, ar, ac, pixels, taps, per_pass, capacity,
                                  items)  # fmt: skip
            if key >= 0:
                memo[key] = (new, -1 if lo < 0 else s - lo, size)
        total += new
    return total


def default_ifmap_fetches(gemm: ConvGemm, m: SystolicMapping, capacity: int) -> int:
    """Ifmap words the default model fetches with `capacity` words of resident tiles."""
    if gemm.ifmap_words_used() <= capacity:
        return gemm.ifmap_words_used()
    return int(_lru_fetches(geometry(gemm), DATAFLOW_CODES[m.dataflow], m.rows, m.cols,
                            m.row_folds, m.col_folds, capacity))  # fmt: skip

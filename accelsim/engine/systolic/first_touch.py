"""Which read-buffer requests are provably first touches (misses) under SCALE-Sim's window.

A SCALE-Sim read buffer keeps a word iff it was put in since the last window change, and the
window changes every `window` = 50 * (words // 100) first touches. If at least `window` - 1
first touches lie between any two requests of a word, a change falls between them, so by
induction over time every request misses: DRAM reads = SRAM reads. Where these proofs hold, the
exact replay (`scalesim_memory`) counts per line instead of looking up every request, and the
closed forms (`closed_form`) need no replay at all.
"""

from __future__ import annotations

from dataflows.systolic import ConvGemm, SystolicMapping


def filter_rereads_all_miss(mapping: SystolicMapping, gemm: ConvGemm, window: int) -> bool:
    """True when every filter request is provably a miss (the window holds `window` words).

    Filter tiles of different folds are disjoint, and within a fold every filter word is requested
    once. In OS a tile (K x cols_used words) is re-read by each row fold of its column fold; in IS
    every filter word is re-read once per column fold, after all K x N others. If the words
    requested between two requests of a word are at least `window` - 1 first touches, a tumble
    drops the word before it comes back (tumbles fall every `window` first touches), so by
    induction over time every request is a first touch: DRAM reads = SRAM reads. (The kernel
    also applies the OS rule column fold by column fold, when only some tiles are that large.)
    """
    if mapping.dataflow == "os":
        return gemm.k * mapping.cols_used(mapping.col_folds - 1) >= window
    if mapping.dataflow == "is":
        return gemm.k * gemm.n >= window
    return False


def sharing_pairs(gemm: ConvGemm) -> list[tuple[int, int]]:
    """(tap difference d > 0, pixel difference) of the pixel pairs whose windows share words.

    Pixel p + de * F + df reads the word pixel p reads at tap j at tap j - d, d = U * C *
    (de * S + df), for every de, df with overlapping windows (de * U < R, |df| * U < S)."""
    u, c, s = gemm.stride, gemm.channels, gemm.filter_width
    lim = min((s - 1) // u, gemm.out_width - 1)
    pairs = []
    for de in range(min((gemm.filter_height - 1) // u, gemm.out_height - 1) + 1):
        for df in range(-lim, lim + 1):
            if de * s + df > 0:
                pairs.append((u * c * (de * s + df), de * gemm.out_width + df))
    return pairs


def ifmap_rereads_all_miss(gemm: ConvGemm, m: SystolicMapping, window: int) -> bool:
    """True when every WS or IS ifmap request is provably a first touch (no overhang).

    As in `filter_rereads_all_miss`: if at least window - 1 requests lie between any two
    requests of a word, by induction over time every request misses. Two requests of a word
    have taps d apart (`sharing_pairs`), so fold(j + d) >= fold(j) + d // rows, and the tap
    folds strictly between them, each a known number of requests, bound the gap: WS (all pixels
    per fold) within a pass and across the wrap to the next pass (and the same request comes
    back a whole pass later). Across the wrap the two partial folds add at least
    (M - 2 rows + 1) x rows_used requests: in a skewed fold pixel p asks for its taps on lines
    p .. p + rows_used - 1, so after the line of (p, a1) come all taps of pixels past p + a1,
    and before the line of (p + dp, a2) all taps of pixels up to p + dp + a2 - rows_used +
    1 (or M - rows_used), the sum at least M - 2 rows + 2 pixels' worth. IS within a column fold of pixels, or across column folds (the
    folds after the first tap in its column fold, those before the second in its own, and the
    whole column folds between).
    """
    if gemm.has_overhang or m.dataflow not in ("ws", "is"):
        return False
    ar, ac, k = m.rows, m.cols, gemm.k
    if m.dataflow == "ws" and m.col_folds > 1 and gemm.m * k < window:
        return False  # a request comes back a pass (M x K requests) later
    tap_folds = m.row_folds
    ru_min = min(ar, m.rows_used(tap_folds - 1))
    need = window - 1
    for d, dp in sharing_pairs(gemm):
        q = d // ar
        if m.dataflow == "ws":
            if (q - 1) * gemm.m * ar < need:
                return False
            whole = max(0, tap_folds - 2 - q) * gemm.m
            if m.col_folds > 1 and (whole + max(0, gemm.m - 2 * ar + 1)) * ru_min < need:
                return False
            continue
        cu_last = m.cols_used(m.col_folds - 1)
        if dp + 1 <= max(ac, cu_last):  # both pixels may share a column fold
            cu_both = ac if dp + 1 > cu_last else min(ac, cu_last)
            if (q - 1) * ar * cu_both < need:
                return False
        between = max(0, dp // ac - 1) * k * ac  # whole column folds between the two
        cu_min = min(ac, cu_last)
        last_f2 = (k - 1 - d) // ar  # the earlier-read tap j is in fold f2, j + d later
        worst = None
        for f2 in {0, last_f2, min(last_f2, max(0, tap_folds - 2 - q))}:
            after = max(0, tap_folds - 1 - min(tap_folds - 1, f2 + q + 1))
            gap = between + ru_min * ac * after + ar * cu_min * f2
            worst = gap if worst is None else min(worst, gap)
        if worst is not None and worst < need:
            return False
    return True

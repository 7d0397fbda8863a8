"""The `default` memory model: the same array schedule with sound double-buffered SRAMs.

Each SRAM is split in two halves: one serves the array while the other is filled (or drained), so
DRAM traffic overlaps compute and DRAM bandwidth is reported, not assumed (no stalls; `cycles` is
the schedule's length). What reaches DRAM:

- Read operands move in fold tiles (the slice of the operand one fold reads). Half the SRAM holds
  the most recent tiles (least recently used tiles leave first, whole tiles at a time); a fold
  fetches only the words of its tile that are not resident, each once. So no reuse is lost inside
  the buffer and no word is counted twice (SCALE-Sim's tumbling window loses reuse at every window
  boundary). Filter tiles of different folds are disjoint, so the filter count has a closed form;
  ifmap tiles overlap (sliding windows) and are tracked word by word. A tile larger than half the
  SRAM is streamed: it pins half the SRAM's worth of its words (a fold re-reading it fetches only
  the rest) and leaves nothing resident for the next tile.
- Outputs: OS writes each output once. WS and IS accumulate partial sums over row folds; if a
  column fold's partial sums fit in half the ofmap SRAM they stay on chip (outputs written once),
  otherwise every row fold writes them and every later row fold reads them back
  (`dram_ofmap_reads`).
- SRAM traffic is what the array requests, without SCALE-Sim's extra rows + cols ofmap writes per
  OS fold.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from accelsim.engine.systolic.counters import GemmCounters
from accelsim.engine.systolic.scalesim_memory import ifmap_tables, operand_lines
from accelsim.hardware.systolic import SystolicArray
from dataflows.systolic import DATAFLOW_CODES, ConvGemm, SystolicMapping, sram_requests


def simulate_gemm_default(gemm: ConvGemm, array: SystolicArray) -> GemmCounters:
    """Counters of one GEMM under the sound double-buffered model."""
    m = SystolicMapping.of(gemm, array.rows, array.cols, array.dataflow)
    half = array.sram_words[0] // 2
    ifmap_words = gemm.ifmap_words_used()
    fetched = ifmap_words if ifmap_words <= half else _ifmap_lru_fetches(gemm, m, half)
    return default_counters(gemm, m, array, fetched)


def _ifmap_lru_fetches(gemm: ConvGemm, m: SystolicMapping, capacity: int,
                       passes: int = 2) -> int:  # fmt: skip
    """Ifmap words fetched through the LRU of fold tiles (word by word, see `ifmap_lru_fetches`;
    `passes`: column folds walked before the OS/WS passes repeat, at least 2)."""
    pix, tap = ifmap_tables(gemm)
    space = gemm.batch * gemm.height * gemm.width * gemm.channels
    return int(ifmap_lru_fetches(DATAFLOW_CODES[m.dataflow], m.rows, m.cols, m.sr, m.sc,
                                 m.row_folds, m.col_folds, capacity, space, gemm.height,
                                 gemm.width, gemm.has_overhang, pix, tap, passes))  # fmt: skip


@njit(cache=True, nogil=True)
def ifmap_lru_fetches(df: int, ar: int, ac: int, sr: int, sc: int, row_folds: int,
                      col_folds: int, capacity: int, space: int, h: int, w: int,
                      overhang: bool, pix: np.ndarray, tap: np.ndarray,
                      passes: int) -> int:  # fmt: skip
    """Words fetched when the folds read their ifmap tiles in order through an LRU of tiles.

    A fold's tile is OS: its row fold's pixels x all taps; WS: all pixels x its row fold's taps;
    IS: its column fold's pixels x its row fold's taps (addresses pix[0, p] + tap[0, j], none
    where a window overhangs). The resident tiles are always the run of steps lo..s-1 (a step
    is a fold whose tile differs from the previous fold's), so a word is resident iff the last
    step that read it is >= lo: one int32 per word (`last`) and the number of words whose last
    step is each step (`latest`) replace the tiles themselves, and a step costs its tile's
    requests. A tile larger than `capacity` is streamed: it pins `capacity` of its words (a
    fold re-reading it fetches the rest) and leaves nothing resident for the next tile.

    OS and WS walk `passes` column folds (a pass: the row folds' tiles, the same in every
    column fold); every later pass fetches what the last one walked did. Proof: after step s
    the run starts at l*(s), the least l with |tiles l..s| <= capacity (s + 1 if tile s alone
    is larger), because eviction stops there and l* never decreases (adding a tile only grows
    a union). The caller runs this only when the whole ifmap, the union of one pass, exceeds
    the capacity, so a run is shorter than a pass and l* is periodic from the first pass's end:
    every pass after the first fetches the same words.
    """
    pix0, pix1, pix2 = pix[0], pix[1], pix[2]
    tap0, tap1, tap2 = tap[0], tap[1], tap[2]
    walked = col_folds if df == 2 else min(col_folds, max(passes, 2))
    last = np.full(space, -1, dtype=np.int32)
    latest = np.zeros(row_folds * walked, dtype=np.int64)
    lo = 0
    size = 0
    step = -1
    previous = -1
    previous_words = 0
    fetched = 0
    for fc in range(walked):
        pass_fetched = 0
        for fr in range(row_folds):
            key = fr if df != 2 else fc * row_folds + fr
            if key == previous:  # the same tile again: what does not stay resident
                pass_fetched += max(0, previous_words - capacity)
                continue
            previous = key
            step += 1
            j0, j1 = 0, tap0.shape[0]
            p0, p1 = 0, pix0.shape[0]
            if df == 0:
                p0, p1 = fr * ar, min(fr * ar + ar, sr)
            elif df == 1:
                j0, j1 = fr * ar, min(fr * ar + ar, sr)
            else:
                p0, p1 = fc * ac, min(fc * ac + ac, sc)
                j0, j1 = fr * ar, min(fr * ar + ar, sr)
            new = 0
            words = 0
            for p in range(p0, p1):
                base, y, x = pix0[p], pix1[p], pix2[p]
                for j in range(j0, j1):
                    if overhang and (y + tap1[j] >= h or x + tap2[j] >= w):
                        continue
                    addr = base + tap0[j]
                    seen = last[addr]
                    if seen != step:
                        words += 1
                        if seen >= lo:
                            latest[seen] -= 1
                        else:
                            new += 1
                        last[addr] = step
            latest[step] = words
            pass_fetched += new
            previous_words = words
            if words > capacity:  # streamed
                lo, size = step + 1, 0
                continue
            size += new
            while size > capacity and lo < step:
                size -= latest[lo]
                lo += 1
        fetched += pass_fetched
        if fc == walked - 1 and walked < col_folds:
            fetched += (col_folds - walked) * pass_fetched
    return fetched


def default_counters(gemm: ConvGemm, m: SystolicMapping, array: SystolicArray,
                     ifmap_fetches: int) -> GemmCounters:  # fmt: skip
    """The model's counters given the ifmap words fetched (every other count is a closed form)."""
    requests = sram_requests(gemm, m)
    half = tuple(words // 2 for words in array.sram_words)
    ac = m.cols
    dram = {"ifmap": ifmap_fetches}
    filter_words = gemm.k * gemm.n
    if m.dataflow == "os":  # a column fold's tile, re-read by every row fold
        dram["filter"] = sum(
            gemm.k * m.cols_used(fc) + (m.row_folds - 1) * max(0, gemm.k * m.cols_used(fc) - half[1])
            for fc in range(m.col_folds))  # fmt: skip
    elif m.dataflow == "is":  # all K x N words, re-read by every column fold
        dram["filter"] = filter_words + (m.col_folds - 1) * max(0, filter_words - half[1])
    else:  # WS: every filter word belongs to exactly one fold
        dram["filter"] = filter_words
    outputs = gemm.m * gemm.n
    ofmap_writes, ofmap_reads = outputs, 0
    if m.dataflow != "os" and m.row_folds > 1:
        psum_tile = gemm.m * min(ac, m.sc) if m.dataflow == "ws" else min(ac, m.sc) * gemm.n
        if psum_tile > half[2]:
            ofmap_writes = outputs * m.row_folds
            ofmap_reads = outputs * (m.row_folds - 1)
    lpf = m.lines_per_fold
    last = (m.folds - 1) * lpf
    spans = {}
    efficiency, utilization = m.fold_averages()
    for name in ("ifmap", "filter", "ofmap"):
        lo, _ = operand_lines(name, m, 0, 0)
        _, hi = operand_lines(name, m, m.row_folds - 1, m.col_folds - 1)
        spans[name] = (lo, last + hi)
    return GemmCounters(
        cycles=m.lines,
        stall_cycles=0,
        cycles_incl_prefetch=None,
        macs=gemm.macs,
        mapping_efficiency=efficiency,
        compute_utilization=utilization,
        sram_ifmap_reads=requests.ifmap_reads,
        sram_filter_reads=requests.filter_reads,
        sram_ofmap_writes=requests.ofmap_writes,
        dram_ifmap_reads=dram["ifmap"],
        dram_filter_reads=dram["filter"],
        dram_ofmap_writes=ofmap_writes,
        dram_ofmap_reads=ofmap_reads,
        sram_ifmap_start=spans["ifmap"][0],
        sram_ifmap_stop=spans["ifmap"][1],
        sram_filter_start=spans["filter"][0],
        sram_filter_stop=spans["filter"][1],
        sram_ofmap_start=spans["ofmap"][0],
        sram_ofmap_stop=spans["ofmap"][1],
        dram_ifmap_start=None,
        dram_ifmap_stop=None,
        dram_filter_start=None,
        dram_filter_stop=None,
        dram_ofmap_start=None,
        dram_ofmap_stop=None,
    )

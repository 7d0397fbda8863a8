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

from collections import deque

import numpy as np

from accelsim.engine.systolic.counters import GemmCounters
from accelsim.engine.systolic.scalesim_memory import ifmap_tables, operand_lines
from accelsim.hardware.systolic import SystolicArray
from dataflows.systolic import ConvGemm, SystolicMapping, sram_requests


def _ifmap_tile(gemm: ConvGemm, pix: np.ndarray, tap: np.ndarray, pixels: slice,
                taps: slice) -> np.ndarray:  # fmt: skip
    """Distinct ifmap addresses of the operand tile rows `pixels` x columns `taps`."""
    addrs = pix[0, pixels][:, None] + tap[0, taps][None, :]
    if gemm.has_overhang:
        inside = (pix[1, pixels][:, None] + tap[1, taps][None, :] < gemm.height) & (
            pix[2, pixels][:, None] + tap[2, taps][None, :] < gemm.width
        )
        addrs = addrs[inside]
    lo = int(addrs.min())
    mark = np.zeros(int(addrs.max()) - lo + 1, dtype=bool)  # a bitmap: O(size + span), no sort
    mark[addrs - lo] = True
    return np.flatnonzero(mark) + lo


def _lru_tile_fetches(tiles: dict, keys: list, capacity: int, space: int) -> int:
    """Words fetched when folds read `tiles[key]` in order through an LRU buffer of whole tiles.

    A tile larger than `capacity` is streamed: it pins `capacity` of its words (a fold re-reading
    it fetches the rest) and leaves nothing else resident for the next tile.
    """
    counts = np.zeros(space, dtype=np.int32)
    resident: deque = deque()
    size = 0
    fetched = 0
    previous = None
    for key in keys:
        addrs = tiles[key]
        if key == previous:
            fetched += max(0, addrs.size - capacity)
            continue
        previous = key
        new = int(np.count_nonzero(counts[addrs] == 0))
        fetched += new
        if addrs.size > capacity:
            while resident:
                counts[resident.popleft()] -= 1
            size = 0
            continue
        size += new
        counts[addrs] += 1
        resident.append(addrs)
        while size > capacity and len(resident) > 1:
            old = resident.popleft()
            counts[old] -= 1
            size -= int(np.count_nonzero(counts[old] == 0))
    return fetched


def _tile_keys(mapping: SystolicMapping, operand: str) -> list[tuple[int, int]]:
    """For each fold in execution order, the (fc, fr) of the tile it reads (-1 = any)."""
    keys = []
    for fc in range(mapping.col_folds):
        for fr in range(mapping.row_folds):
            df = mapping.dataflow
            if operand == "ifmap":
                keys.append((-1, fr) if df in ("os", "ws") else (fc, fr))
            else:
                keys.append((fc, -1) if df == "os" else (fc, fr) if df == "ws" else (-1, fr))
    return keys


def simulate_gemm_default(gemm: ConvGemm, array: SystolicArray) -> GemmCounters:
    """Counters of one GEMM under the sound double-buffered model."""
    m = SystolicMapping.of(gemm, array.rows, array.cols, array.dataflow)
    half = array.sram_words[0] // 2
    ifmap_words = gemm.ifmap_words_used()
    fetched = ifmap_words if ifmap_words <= half else _ifmap_lru_fetches(gemm, m, half)
    return default_counters(gemm, m, array, fetched)


def _ifmap_lru_fetches(gemm: ConvGemm, m: SystolicMapping, capacity: int) -> int:
    """Ifmap words fetched through the LRU of fold tiles (word by word, see the module)."""
    ar, ac = m.rows, m.cols

    def span(fold: int, used: int, block: int, whole: int) -> slice:
        return slice(fold * block, fold * block + used) if fold >= 0 else slice(0, whole)

    pix, tap = ifmap_tables(gemm)
    keys = _tile_keys(m, "ifmap")
    tiles = {}
    for fc, fr in dict.fromkeys(keys):
        taps_or_pixels = span(fr, m.rows_used(fr) if fr >= 0 else 0, ar, m.sr)
        if m.dataflow == "os":
            tiles[(fc, fr)] = _ifmap_tile(gemm, pix, tap, taps_or_pixels, slice(0, gemm.k))
        elif m.dataflow == "ws":
            tiles[(fc, fr)] = _ifmap_tile(gemm, pix, tap, slice(0, gemm.m), taps_or_pixels)
        else:
            pixels = span(fc, m.cols_used(fc), ac, m.sc)
            tiles[(fc, fr)] = _ifmap_tile(gemm, pix, tap, pixels, taps_or_pixels)
    space = gemm.batch * gemm.height * gemm.width * gemm.channels
    return _lru_tile_fetches(tiles, keys, capacity, space)


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

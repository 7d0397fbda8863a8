"""SCALE-Sim 3.0.0 compatibility: its default `InterfaceBandwidth: CALC` memory model, exactly.

What SCALE-Sim does (learnt from its source; reimplemented here, see `docs/systolic.md`):

- Read buffers (ifmap, filter) never stall in CALC mode. Each keeps a tumbling window: first-touch
  addresses are grouped in sets of `size // 100` words; a request hits only if its address is in
  the set being filled or in a completed set of the current group of 50 sets (half the SRAM). When
  50 sets are complete the whole group is dropped and prefetched from DRAM, so reuse across the
  group boundary is lost. DRAM reads = first touches. The prefetch of group j is dated between the
  cycles of triggers j-2 and j-1; the first group is dated before cycle 0.
- The ofmap write buffer accepts `cols` words a cycle into lines; once more than half the SRAM is
  in use it drains `ceil(half / cols)` lines, one a cycle. Forced drains flush a partial line, but
  only the last line of a drain has its empty slots subtracted (DRAM ofmap writes over-count).
  A write while draining with no free space stalls the array until the drain ends.
- OS counts `rows + cols` extra ofmap SRAM writes per fold.
"""

from __future__ import annotations

import math

import numpy as np

from accelsim.engine.systolic import kernels
from accelsim.engine.systolic.counters import GemmCounters
from accelsim.errors import AccelsimError
from accelsim.hardware.systolic import SystolicArray
from dataflows.systolic import DATAFLOW_CODES, ConvGemm, SystolicMapping, sram_requests

PREFETCH_WORDS_PER_CYCLE = 10  # CALC mode's nominal bandwidth for dating the first prefetch


def operand_lines(operand: str, mapping: SystolicMapping, fr: int, fc: int) -> tuple[int, int]:
    """First and last demand line (within a fold) that carry requests for an operand."""
    ar, t = mapping.rows, mapping.t
    ru, cu = mapping.rows_used(fr), mapping.cols_used(fc)
    df = mapping.dataflow
    if operand == "ofmap":
        if df == "os":
            return t - 1 + ar - ru, t - 1 + ar - 1 + cu - 1
        return 2 * ar - 1, 2 * ar - 1 + t - 1 + cu - 1
    flipped = (operand, df) in (("filter", "ws"), ("ifmap", "is"))
    if flipped:
        return ar - ru, ar - 1
    width = cu if (operand, df) == ("filter", "os") else ru
    offset = 0 if df == "os" else ar
    return offset, offset + t - 1 + width - 1


def _geometry(gemm: ConvGemm) -> np.ndarray:
    ef = gemm.out_height * gemm.out_width
    return np.array(
        [
            ef,
            gemm.out_width,
            gemm.height * gemm.width * gemm.channels,
            gemm.width,
            gemm.channels,
            gemm.filter_width * gemm.channels,
            gemm.stride,
            gemm.k,
            gemm.height,
        ],
        dtype=np.int64,
    )


def _read_buffer(
    operand: int,
    gemm: ConvGemm,
    mapping: SystolicMapping,
    words: int,
    events: tuple[np.ndarray, np.ndarray, int],
    reads: int,
    distinct: int,
) -> tuple[int, int, int, int, int]:
    """(DRAM reads, triggers, cycle of the last trigger, first and last request line or -1)."""
    items = words // 100
    if items < 1:
        raise AccelsimError("SRAM too small: SCALE-Sim needs at least 100 words per buffer")
    overhang = operand == 0 and gemm.has_overhang  # some requests are empty (-1)
    if distinct < kernels.SETS_ACTIVE * items and not overhang:
        return distinct, 0, -1, -1, -1  # the window never tumbles: all reuse kept
    all_new = reads == distinct and not overhang  # each address read once: all first touches
    space = distinct if operand == 1 else gemm.batch * gemm.height * gemm.width * gemm.channels
    out = kernels.read_buffer_stream(
        operand,
        DATAFLOW_CODES[mapping.dataflow],
        mapping.rows,
        mapping.cols,
        mapping.sr,
        mapping.sc,
        mapping.t,
        mapping.row_folds,
        mapping.col_folds,
        mapping.lines_per_fold,
        items,
        all_new,
        space,
        _geometry(gemm),
        events[0],
        events[1],
        events[2],
    )
    if out[3]:
        raise AccelsimError(
            f"layer '{gemm.name}': two prefetch triggers fall in one cycle; SCALE-Sim 3.0.0 "
            "divides by zero here (buffer too small for the array): enlarge the SRAM"
        )
    return int(out[0]), int(out[1]), int(out[2]), int(out[4]), int(out[5])


def simulate_gemm(gemm: ConvGemm, array: SystolicArray) -> GemmCounters:
    """SCALE-Sim 3.0.0's counters for one GEMM (one topology row), without running its loops."""
    mapping = SystolicMapping.of(gemm, array.rows, array.cols, array.dataflow)
    if array.word_bytes != 1:
        raise AccelsimError(
            "memory 'scalesim' models SCALE-Sim's 1-byte words: word_bytes must be 1"
        )
    ifmap_words, filter_words, ofmap_words = array.sram_words
    df = DATAFLOW_CODES[mapping.dataflow]
    ev_line, ev_amt, n_ev, info = kernels.ofmap_write_buffer(
        df,
        mapping.rows,
        mapping.cols,
        mapping.sr,
        mapping.sc,
        mapping.t,
        mapping.row_folds,
        mapping.col_folds,
        mapping.lines_per_fold,
        ofmap_words,
    )
    events = (ev_line, ev_amt, int(n_ev))
    stalls = int(info[0])

    def cycle_of(line: int) -> int:
        return line + int(kernels.stalls_before(ev_line, ev_amt, n_ev, line))

    lpf = mapping.lines_per_fold
    last_fold = (mapping.folds - 1) * lpf
    fr_last, fc_last = mapping.row_folds - 1, mapping.col_folds - 1
    requests = sram_requests(gemm, mapping)
    ofmap_sram_writes = requests.ofmap_writes
    if mapping.dataflow == "os":
        ofmap_sram_writes += mapping.folds * (mapping.rows + mapping.cols)

    starts = {}
    for name in ("ifmap", "filter"):
        lo, _ = operand_lines(name, mapping, 0, 0)
        _, hi = operand_lines(name, mapping, fr_last, fc_last)
        starts[name] = (cycle_of(lo), cycle_of(last_fold + hi))

    dram = {}
    for operand, name, words, reads, distinct in (
        (0, "ifmap", ifmap_words, requests.ifmap_reads, gemm.ifmap_words_used()),
        (1, "filter", filter_words, requests.filter_reads, gemm.k * gemm.n),
    ):
        new, triggers, last_cycle, first, last = _read_buffer(
            operand, gemm, mapping, words, events, reads, distinct
        )
        if first >= 0:
            starts[name] = (cycle_of(first), cycle_of(last))
        items = words // 100
        first_request = starts[name][0]
        if triggers == 0:
            c0 = math.ceil(math.ceil(new / items) * items / PREFETCH_WORDS_PER_CYCLE)
            dram[name] = (new, -c0, -1)
        else:
            c50 = math.ceil(kernels.SETS_ACTIVE * items / PREFETCH_WORDS_PER_CYCLE)
            dram[name] = (new, first_request - c50, last_cycle + 1)
    dram_ifmap_start = dram["ifmap"][1]
    dram_filter_start = dram["filter"][1]
    ofmap_dram_stop = int(info[3])
    return GemmCounters(
        cycles=mapping.lines - 1 + stalls,
        stall_cycles=stalls,
        cycles_incl_prefetch=ofmap_dram_stop - min(dram_ifmap_start, dram_filter_start),
        macs=gemm.macs,
        mapping_efficiency=mapping.mapping_efficiency(),
        compute_utilization=mapping.compute_utilization(),
        sram_ifmap_reads=requests.ifmap_reads,
        sram_filter_reads=requests.filter_reads,
        sram_ofmap_writes=ofmap_sram_writes,
        dram_ifmap_reads=dram["ifmap"][0],
        dram_filter_reads=dram["filter"][0],
        dram_ofmap_writes=int(info[1]),
        dram_ofmap_reads=0,
        sram_ifmap_start=starts["ifmap"][0] + 1,
        sram_ifmap_stop=starts["ifmap"][1] + 1,
        sram_filter_start=starts["filter"][0] + 1,
        sram_filter_stop=starts["filter"][1] + 1,
        sram_ofmap_start=int(info[4]),
        sram_ofmap_stop=int(info[5]),
        dram_ifmap_start=dram_ifmap_start,
        dram_ifmap_stop=dram["ifmap"][2],
        dram_filter_start=dram_filter_start,
        dram_filter_stop=dram["filter"][2],
        dram_ofmap_start=int(info[2]),
        dram_ofmap_stop=ofmap_dram_stop,
    )

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
import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

import numpy as np

from accelsim.engine.systolic import kernels
from accelsim.engine.systolic.counters import GemmCounters
from accelsim.engine.systolic.first_touch import filter_rereads_all_miss, ifmap_rereads_all_miss
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
    return np.array([gemm.k, gemm.height, gemm.width, int(gemm.has_overhang)], dtype=np.int64)


def ifmap_tables(gemm: ConvGemm) -> tuple[np.ndarray, np.ndarray]:
    """Per-pixel and per-tap tables whose sums give ifmap addresses (see `read_buffer_stream`).

    Addresses follow SCALE-Sim's layout: image, row, column, channel (channel fastest).
    """
    e, f, u = gemm.out_height, gemm.out_width, gemm.stride
    w, c = gemm.width, gemm.channels
    p = np.arange(gemm.m, dtype=np.int64)
    image, pixel = np.divmod(p, e * f)
    y0, x0 = (pixel // f) * u, (pixel % f) * u
    pix = np.stack([image * gemm.height * w * c + (y0 * w + x0) * c, y0, x0])
    j = np.arange(gemm.k, dtype=np.int64)
    dy, rest = np.divmod(j, gemm.filter_width * c)
    dx, ch = np.divmod(rest, c)
    tap = np.stack([(dy * w + dx) * c + ch, dy, dx])
    return pix, tap


@dataclass
class _Job:
    """A GEMM between its write-buffer replay and its two read-buffer replays."""

    gemm: ConvGemm
    mapping: SystolicMapping
    words: tuple[int, int, int]
    events: tuple[np.ndarray, np.ndarray, int]
    info: np.ndarray
    streams: list = field(default_factory=list)


def _read_buffer(job: _Job, operand: int) -> tuple[int, int, int, int, int]:
    """(DRAM reads, triggers, cycle of the last trigger, first and last request line or -1)."""
    gemm, mapping = job.gemm, job.mapping
    words = job.words[operand]
    requests = sram_requests(gemm, mapping)
    reads = requests.ifmap_reads if operand == 0 else requests.filter_reads
    distinct = gemm.ifmap_words_used() if operand == 0 else gemm.k * gemm.n
    items = words // 100
    overhang = operand == 0 and gemm.has_overhang  # some requests are empty (-1)
    if distinct < kernels.SETS_ACTIVE * items and not overhang:
        return distinct, 0, -1, -1, -1  # the window never tumbles: all reuse kept
    window = kernels.SETS_ACTIVE * items
    all_new = not overhang and (
        reads == distinct  # each address read once: every request is a first touch
        or (operand == 1 and filter_rereads_all_miss(mapping, gemm, window))
        or (operand == 0 and ifmap_rereads_all_miss(gemm, mapping, window))
    )
    space = distinct if operand == 1 else gemm.batch * gemm.height * gemm.width * gemm.channels
    if operand == 0 and not all_new:
        pix, tap = ifmap_tables(gemm)
    else:
        pix = tap = np.zeros((3, 1), dtype=np.int64)
    m = mapping
    out = kernels.read_buffer_stream(
        operand, DATAFLOW_CODES[m.dataflow], m.rows, m.cols, m.sr, m.sc, m.t, m.row_folds,
        m.col_folds, m.lines_per_fold, items, all_new, space, _geometry(gemm), pix, tap,
        job.events[0], job.events[1], job.events[2])  # fmt: skip
    if out[3]:
        raise AccelsimError(
            f"layer '{gemm.name}': two prefetch triggers fall in one cycle; SCALE-Sim 3.0.0 "
            "divides by zero here (buffer too small for the array): enlarge the SRAM"
        )
    return int(out[0]), int(out[1]), int(out[2]), int(out[4]), int(out[5])


def check_scalesim_buffers(
    array: SystolicArray, words: tuple[int, int, int] | None
) -> tuple[int, int, int]:
    """The SRAM sizes in words (`words` overrides the array's), refused if SCALE-Sim cannot run."""
    if array.word_bytes != 1:
        raise AccelsimError(
            f"memory 'scalesim' models SCALE-Sim's 1-byte words: the array is {array.bits}-bit "
            "(use an 8-bit systolic accelerator, or --memory default)"
        )
    words = array.sram_words if words is None else words
    if min(words[0], words[1]) < 100:
        raise AccelsimError("SRAM too small: SCALE-Sim needs at least 100 words per read buffer")
    if words[2] < 2:
        raise AccelsimError("SRAM too small: the ofmap buffer needs at least 2 words")
    return words


def _prepare(gemm: ConvGemm, array: SystolicArray, words: tuple[int, int, int] | None) -> _Job:
    """Map the GEMM and replay its ofmap write buffer (the stalls every cycle number needs)."""
    m = SystolicMapping.of(gemm, array.rows, array.cols, array.dataflow)
    words = check_scalesim_buffers(array, words)
    ev_line, ev_amt, n_ev, info = ofmap_write_buffer(m, words[2])
    return _Job(gemm, m, words, (ev_line, ev_amt, n_ev), info)


def ofmap_write_buffer(m: SystolicMapping, words: int,
                       room: int = 1024) -> tuple[np.ndarray, np.ndarray, int, np.ndarray]:  # fmt: skip
    """The write-buffer replay (`kernels.ofmap_write_buffer`): stall lines and amounts, their
    number, info. Its arrays start with `room` entries and grow eightfold when a replay runs
    out of room."""
    events = partials = room
    while True:
        ev_line, ev_amt = np.empty(events, dtype=np.int64), np.empty(events, dtype=np.int64)
        part = np.empty(partials, dtype=np.int64), np.empty(partials, dtype=np.int64)
        n_ev, info = kernels.ofmap_write_buffer(
            DATAFLOW_CODES[m.dataflow], m.rows, m.cols, m.sr, m.sc, m.t, m.row_folds,
            m.col_folds, m.lines_per_fold, words, ev_line, ev_amt, *part)  # fmt: skip
        if info[6] == 0:
            return ev_line, ev_amt, int(n_ev), info
        if info[6] == 1:
            events *= 8
        else:
            partials *= 8


def _assemble(job: _Job, streams: list[tuple[int, int, int, int, int]]) -> GemmCounters:
    gemm, mapping, info = job.gemm, job.mapping, job.info
    ev_line, ev_amt, n_ev = job.events
    stalls = int(info[0])

    def cycle_of(line: int) -> int:  # events are sorted by line: the stalls before it
        return line + int(ev_amt[:n_ev][ev_line[:n_ev] < line].sum())

    last_fold = (mapping.folds - 1) * mapping.lines_per_fold
    fr_last, fc_last = mapping.row_folds - 1, mapping.col_folds - 1
    requests = sram_requests(gemm, mapping)
    ofmap_sram_writes = requests.ofmap_writes
    if mapping.dataflow == "os":
        ofmap_sram_writes += mapping.folds * (mapping.rows + mapping.cols)

    starts = {}
    dram = {}
    for operand, name in ((0, "ifmap"), (1, "filter")):
        new, triggers, last_cycle, first, last = streams[operand]
        if first >= 0:
            starts[name] = (cycle_of(first), cycle_of(last))
        else:
            lo, _ = operand_lines(name, mapping, 0, 0)
            _, hi = operand_lines(name, mapping, fr_last, fc_last)
            starts[name] = (cycle_of(lo), cycle_of(last_fold + hi))
        items = job.words[operand] // 100
        if triggers == 0:
            c0 = math.ceil(math.ceil(new / items) * items / PREFETCH_WORDS_PER_CYCLE)
            dram[name] = (new, -c0, -1)
        else:
            c50 = math.ceil(kernels.SETS_ACTIVE * items / PREFETCH_WORDS_PER_CYCLE)
            dram[name] = (new, starts[name][0] - c50, last_cycle + 1)
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


def simulate_gemm(
    gemm: ConvGemm, array: SystolicArray, sram_words: tuple[int, int, int] | None = None
) -> GemmCounters:
    """SCALE-Sim 3.0.0's counters for one GEMM (one topology row), without running its loops.

    `sram_words` overrides the array's SRAM sizes in words (tests use buffers below 1 kB).
    """
    job = _prepare(gemm, array, sram_words)
    return _assemble(job, [_read_buffer(job, 0), _read_buffer(job, 1)])


def simulate_gemms(
    gemms: list[ConvGemm], array: SystolicArray, workers: int | None = None
) -> list[GemmCounters]:
    """`simulate_gemm` over many GEMMs; the read-buffer replays (numba, GIL released) run on
    `workers` threads (default: the machine's cores)."""
    jobs = [_prepare(g, array, None) for g in gemms]
    workers = workers or os.cpu_count() or 1
    tasks = [(job, op) for job in jobs for op in (0, 1)]
    if workers == 1 or len(tasks) <= 1:
        results = [_read_buffer(job, op) for job, op in tasks]
    else:
        with ThreadPoolExecutor(max_workers=workers) as pool:
            results = list(pool.map(lambda task: _read_buffer(*task), tasks))
    return [_assemble(job, results[2 * i : 2 * i + 2]) for i, job in enumerate(jobs)]

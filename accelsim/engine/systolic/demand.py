"""Cycle-by-cycle path: SCALE-Sim-style demand matrices, replayed line by line (opt-in, slow).

This path materialises what the array asks for at every cycle and port (one row per cycle, -1
for an idle port), exactly like SCALE-Sim's traces, then runs plain-Python models of the read
and write buffers over it one request at a time. It exists to check the fast path (`kernels`),
which never builds these matrices: tests assert both give the same counters on small layers.
Use it only on small layers (memory grows with cycles x array width).
"""

from __future__ import annotations

import math

import numpy as np

from accelsim.engine.systolic.counters import GemmCounters
from accelsim.errors import AccelsimError
from accelsim.hardware.systolic import SystolicArray
from dataflows.systolic import ConvGemm, SystolicMapping, sram_requests

MAX_DEMAND_CELLS = 50_000_000
"""Most demand-matrix cells (cycles x ports) the cycle-by-cycle path builds for one layer: 8-byte
cells, 400 MB each for three matrices at the limit (small layers only, by design)."""


def check_demand_budget(gemm: ConvGemm, mapping: SystolicMapping) -> None:
    """Refuse a layer too large for the cycle-by-cycle path, before building anything."""
    cells = mapping.lines * (2 * max(mapping.rows, mapping.cols) + mapping.cols)
    cells = max(cells, gemm.m * gemm.k)  # the ifmap operand matrix
    if cells > MAX_DEMAND_CELLS:
        raise AccelsimError(f"layer '{gemm.name}': too large for the cycle-by-cycle path "
                            f"({mapping.lines} cycles, {cells} demand cells, more than "
                            f"{MAX_DEMAND_CELLS}); use the fast path")  # fmt: skip


def operand_matrices(gemm: ConvGemm) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Address matrices: ifmap (M x K, -1 where a window overhangs), filter (K x N), ofmap."""
    e, f, u = gemm.out_height, gemm.out_width, gemm.stride
    h, w, c = gemm.height, gemm.width, gemm.channels
    p = np.arange(gemm.m)[:, None]
    j = np.arange(gemm.k)[None, :]
    image, pixel = p // (e * f), p % (e * f)
    y = (pixel // f) * u + j // (gemm.filter_width * c)
    x = (pixel % f) * u + (j % (gemm.filter_width * c)) // c
    ifmap = np.where((y < h) & (x < w), image * h * w * c + (y * w + x) * c + j % c, -1)
    filt = np.arange(gemm.n)[None, :] * gemm.k + np.arange(gemm.k)[:, None]
    ofmap = np.arange(gemm.m)[:, None] * gemm.n + np.arange(gemm.n)[None, :]
    return ifmap.astype(np.int64), filt.astype(np.int64), ofmap.astype(np.int64)


def _skew(block: np.ndarray) -> np.ndarray:
    rows, cols = block.shape
    out = np.full((rows + cols - 1, cols), -1, dtype=np.int64)
    for col in range(cols):
        out[col : col + rows, col] = block[:, col]
    return out


def _padded(tile: np.ndarray, rows: int, cols: int, top: int = 0) -> np.ndarray:
    out = np.full((rows, cols), -1, dtype=np.int64)
    out[top : top + tile.shape[0], : tile.shape[1]] = tile
    return out


def demand_matrices(
    gemm: ConvGemm, mapping: SystolicMapping
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per-cycle requests of the ifmap, filter and ofmap ports over the whole layer."""
    ifm, fil, ofm = operand_matrices(gemm)
    ar, ac, t = mapping.rows, mapping.cols, mapping.t
    parts: tuple[list, list, list] = ([], [], [])
    for fc in range(mapping.col_folds):
        for fr in range(mapping.row_folds):
            r0, c0 = fr * ar, fc * ac
            ru, cu = mapping.rows_used(fr), mapping.cols_used(fc)
            if mapping.dataflow == "os":
                a = _skew(_padded(ifm[r0 : r0 + ru, :].T, t + ac - 1, ar))
                b = _skew(_padded(fil[:, c0 : c0 + cu], t + ar - 1, ac))
                tile = ofm[r0 : r0 + ru, c0 : c0 + cu][::-1]
                o = _skew(_padded(tile, t - 1 + ar, ac, top=t - 1 + ar - ru))
            elif mapping.dataflow == "ws":
                a = _skew(_padded(ifm[:, r0 : r0 + ru], ar + t + ac - 1, ar, top=ar))
                b = _padded(fil[r0 : r0 + ru, c0 : c0 + cu][::-1], 2 * ar + ac + t - 2, ac,
                            top=ar - ru)  # fmt: skip
                o = _skew(_padded(ofm[:, c0 : c0 + cu], 2 * ar - 1 + t, ac, top=2 * ar - 1))
            else:
                tile = ifm[c0 : c0 + cu, r0 : r0 + ru].T[::-1]
                a = _padded(tile, 2 * ar + ac + t - 2, ac, top=ar - ru)
                b = _skew(_padded(fil[r0 : r0 + ru, :].T, ar + t + ac - 1, ar, top=ar))
                o = _skew(_padded(ofm[c0 : c0 + cu, :].T, 2 * ar - 1 + t, ac, top=2 * ar - 1))
            for store, part in zip(parts, (a, b, o), strict=True):
                store.append(part)
    return tuple(np.concatenate(p) for p in parts)  # type: ignore[return-value]


class ReadWindow:
    """A read buffer as a tumbling window of sets (SCALE-Sim's CALC-mode read buffer)."""

    def __init__(self, words: int) -> None:
        self.items = words // 100
        self.active_sets = 50
        self.sets: list[set[int]] = []
        self.window_first = 0  # index of the first set of the current window
        self.current: set[int] = set()
        self.dram_reads = 0
        self.triggers: list[int] = []  # cycle of each window change
        self.first_cycle: int | None = None

    def request(self, addr: int, cycle: int) -> None:
        if self.first_cycle is None:
            self.first_cycle = cycle
        if addr in self.current:
            return
        if any(addr in s for s in self.sets[self.window_first :]):
            return
        self.current.add(addr)
        self.dram_reads += 1
        if len(self.current) == self.items:
            self.sets.append(self.current)
            self.current = set()
            if len(self.sets) - self.window_first == self.active_sets:
                self.window_first = len(self.sets)
                self.triggers.append(cycle)

    def prefetch_rows(self) -> list[tuple[int, int]]:
        """Cycle ranges of the DRAM prefetches, in the order SCALE-Sim issues them."""
        nominal = math.ceil(self.active_sets * self.items / 10)
        if not self.triggers:
            count = len(self.sets) + (1 if self.current else 0)
            rows = math.ceil(count * self.items / 10)
            return [(-2 - rows + 1, -2)]
        assert self.first_cycle is not None
        # the first window's prefetch is dated before the first request; window j covers the
        # cycles from just after trigger j-1 to trigger j and is issued at trigger j+1 (or at the
        # end for the last one)
        ranges = [(self.first_cycle - 2 - nominal + 1, self.first_cycle - 2)]
        start = self.first_cycle - 1
        for cycle in self.triggers:
            ranges.append((start, cycle))
            start = cycle + 1
        return ranges

    def clash(self) -> bool:
        return any(a == b for a, b in zip(self.triggers, self.triggers[1:], strict=False))


class WriteBuffer:
    """SCALE-Sim's ofmap write buffer, one request at a time, with an explicit list of lines."""

    def __init__(self, words: int, width: int) -> None:
        self.total = words
        self.active = math.ceil(words * 0.5)
        self.drain_size = words - self.active
        self.width = width
        self.free = words
        self.lines: list[int] = []  # words in each stored line
        self.fill = 0
        self.next_drain = 0
        self.drain_end = 0
        self.writes = 0
        self.cycles: list[int] = []

    def _flush(self) -> None:
        if self.fill:
            self.lines.append(self.fill)
            self.fill = 0

    def _drain(self, start: int) -> int:
        per_drain = math.ceil(self.drain_size / self.width)
        chunk = self.lines[self.next_drain : self.next_drain + per_drain]
        data = len(chunk) * self.width - (self.width - chunk[-1])
        self.writes += data
        self.cycles.extend(range(start, start + len(chunk)))
        self.free += data
        self.next_drain += len(chunk)
        return start + len(chunk) - 1

    def write_line(self, requests: int, cycle: int) -> int:
        """Accept one cycle's writes; return the cycle at which the line is done."""
        current = cycle
        for _ in range(requests):
            self.fill += 1
            self.free -= 1
            if self.fill == self.width:
                self._flush()
            if current < self.drain_end:
                if self.free <= 0:
                    current = self.drain_end
            elif self.free < self.active:
                self._flush()
                self.drain_end = self._drain(current)
        return current

    def finish(self, cycle: int) -> None:
        self._flush()
        while self.next_drain < len(self.lines):
            cycle = self._drain(cycle) + 1


def simulate_gemm_demand(
    gemm: ConvGemm, array: SystolicArray, sram_words: tuple[int, int, int] | None = None
) -> GemmCounters:
    """The counters of `scalesim_memory.simulate_gemm`, by replaying every cycle."""
    mapping = SystolicMapping.of(gemm, array.rows, array.cols, array.dataflow)
    check_demand_budget(gemm, mapping)
    words = array.sram_words if sram_words is None else sram_words
    ifmap_d, filter_d, ofmap_d = demand_matrices(gemm, mapping)
    reads = (ReadWindow(words[0]), ReadWindow(words[1]))
    wbuf = WriteBuffer(words[2], array.cols)
    stalls = 0
    served: dict[str, list[int]] = {"ifmap": [], "filter": [], "ofmap": []}
    for i in range(ifmap_d.shape[0]):
        cycle = i + stalls
        for buf, row, name in ((reads[0], ifmap_d[i], "ifmap"), (reads[1], filter_d[i], "filter")):
            valid = row[row != -1]
            for addr in valid:
                buf.request(int(addr), cycle)
            if valid.size:
                served[name].append(cycle + 1)
        n_writes = int(np.count_nonzero(ofmap_d[i] != -1))
        out = wbuf.write_line(n_writes, cycle)
        if n_writes:
            served["ofmap"].append(out)
        stalls += out - cycle
    wbuf.finish(ifmap_d.shape[0] - 1 + stalls)
    dram = []
    for buf in reads:
        if buf.clash():
            raise AccelsimError(f"layer '{gemm.name}': two prefetch triggers fall in one cycle")
        rows = buf.prefetch_rows()
        dram.append((buf.dram_reads, rows[0][0] + 1, rows[-1][1] + 1))
    requests = sram_requests(gemm, mapping)
    ofmap_writes = requests.ofmap_writes
    if mapping.dataflow == "os":
        ofmap_writes += mapping.folds * (mapping.rows + mapping.cols)
    return GemmCounters(
        cycles=ifmap_d.shape[0] - 1 + stalls,
        stall_cycles=stalls,
        cycles_incl_prefetch=max(wbuf.cycles) - min(dram[0][1], dram[1][1]),
        macs=gemm.macs,
        mapping_efficiency=mapping.mapping_efficiency(),
        compute_utilization=mapping.compute_utilization(),
        sram_ifmap_reads=requests.ifmap_reads,
        sram_filter_reads=requests.filter_reads,
        sram_ofmap_writes=ofmap_writes,
        dram_ifmap_reads=dram[0][0],
        dram_filter_reads=dram[1][0],
        dram_ofmap_writes=wbuf.writes,
        dram_ofmap_reads=0,
        sram_ifmap_start=served["ifmap"][0],
        sram_ifmap_stop=served["ifmap"][-1],
        sram_filter_start=served["filter"][0],
        sram_filter_stop=served["filter"][-1],
        sram_ofmap_start=served["ofmap"][0],
        sram_ofmap_stop=served["ofmap"][-1],
        dram_ifmap_start=dram[0][1],
        dram_ifmap_stop=dram[0][2],
        dram_filter_start=dram[1][1],
        dram_filter_stop=dram[1][2],
        dram_ofmap_start=min(wbuf.cycles),
        dram_ofmap_stop=max(wbuf.cycles),
    )

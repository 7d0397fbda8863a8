"""Systolic-array mapping: a layer as a GEMM, and OS/WS/IS placement of that GEMM on the array.

A convolution is the product of an ifmap operand matrix (M x K: one row per output pixel and image,
one column per filter tap r, s, c) and a filter operand matrix (K x N), giving the ofmap (M x N):
M = batch x E x F, N = filters, K = R x S x C. A grouped layer is `groups` independent GEMMs of the
same shape (SCALE-Sim has no groups: it would be a layer per group).

Each dataflow puts two of M, N, K on the array's rows and columns and streams the third in time:

| dataflow | rows (Sr) | columns (Sc) | streamed (T) |
|----------|-----------|--------------|--------------|
| os       | M         | N            | K            |
| ws       | K         | N            | M            |
| is       | K         | M            | N            |

When Sr or Sc exceeds the array, the work is split into folds (`ceil(Sr / rows)` x
`ceil(Sc / cols)`), run column fold by column fold, row fold inside. Every fold pays the systolic
fill and drain skew; its demand schedule lasts `lines_per_fold` cycles:
OS: T + rows + cols - 2; WS and IS: T + 2 rows + cols - 2 (the stationary operand is loaded first).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from accelsim.errors import AccelsimError
from accelsim.hardware.systolic import DATAFLOWS
from accelsim.workload.layer import ConvLayer

DATAFLOW_CODES = {"os": 0, "ws": 1, "is": 2}


@dataclass(frozen=True)
class ConvGemm:
    """One GEMM of a layer with its convolution geometry (needed for the ifmap addresses).

    `height` and `width` are the ifmap size the array sees (padding included); `channels` and
    `filters` are per group.
    """

    name: str
    height: int
    width: int
    filter_height: int
    filter_width: int
    channels: int
    filters: int
    stride: int = 1
    batch: int = 1
    ceil_outputs: bool = False

    def __post_init__(self) -> None:
        for field in (
            "height",
            "width",
            "filter_height",
            "filter_width",
            "channels",
            "filters",
            "stride",
            "batch",
        ):
            value = getattr(self, field)
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise AccelsimError(
                    f"layer '{self.name}': {field} must be a positive integer, got {value!r}"
                )
        if self.filter_height > self.height or self.filter_width > self.width:
            raise AccelsimError(
                f"layer '{self.name}': filter {self.filter_height} x "
                f"{self.filter_width} exceeds the ifmap {self.height} x "
                f"{self.width}"
            )

    @classmethod
    def from_mnk(cls, name: str, m: int, n: int, k: int) -> ConvGemm:
        """A plain GEMM (M x K) x (K x N), as SCALE-Sim reads GEMM topology rows."""
        return cls(name, height=m, width=k, filter_height=1, filter_width=k, channels=1, filters=n)

    def _outputs(self, size: int, window: int) -> int:
        steps = size - window
        if self.ceil_outputs:
            return -(-steps // self.stride) + 1
        return steps // self.stride + 1

    @property
    def out_height(self) -> int:
        """Output rows; with `ceil_outputs` (SCALE-Sim's rule) a last window may overhang."""
        return self._outputs(self.height, self.filter_height)

    @property
    def out_width(self) -> int:
        return self._outputs(self.width, self.filter_width)

    @property
    def has_overhang(self) -> bool:
        """True when some window reaches past the ifmap (its outside taps read nothing)."""
        return (self.out_height - 1) * self.stride + self.filter_height > self.height or (
            self.out_width - 1
        ) * self.stride + self.filter_width > self.width

    @property
    def m(self) -> int:
        """Output pixels of all images: rows of the ifmap operand matrix."""
        return self.batch * self.out_height * self.out_width

    @property
    def n(self) -> int:
        return self.filters

    @property
    def k(self) -> int:
        """Filter taps: columns of the ifmap operand matrix."""
        return self.filter_height * self.filter_width * self.channels

    @property
    def macs(self) -> int:
        return self.m * self.n * self.k

    def ifmap_words_used(self) -> int:
        """Distinct ifmap words some window reads (a stride above the filter skips pixels)."""
        rows = _covered(self.height, self.filter_height, self.stride, self.out_height)
        cols = _covered(self.width, self.filter_width, self.stride, self.out_width)
        return self.batch * rows * cols * self.channels


def _covered(size: int, window: int, stride: int, outputs: int) -> int:
    """Positions in 0..size-1 that at least one of `outputs` windows covers."""
    if window >= stride:
        return min(size, (outputs - 1) * stride + window)
    full = min(outputs, max(0, (size - window) // stride + 1))  # windows inside the ifmap
    rest = sum(max(0, min(window, size - i * stride)) for i in range(full, outputs))
    return full * window + rest


@dataclass(frozen=True)
class LayerGemms:
    """A layer's GEMM and how many identical copies (groups) it runs."""

    gemm: ConvGemm
    repeats: int = 1


def layer_gemms(layer: ConvLayer, batch: int = 1, ceil_outputs: bool = False) -> LayerGemms:
    """The GEMM of one group of a conv/FC layer; padding is part of the ifmap the array sees.

    `ceil_outputs` applies SCALE-Sim's output-size rule, ceil((H - R) / U) + 1, which adds an
    overhanging window when the stride does not divide H - R (the true layer has floor).
    """
    from accelsim.engine.limits import check_batch

    check_batch(batch)
    gemm = ConvGemm(
        layer.name,
        height=layer.padded_height,
        width=layer.padded_width,
        filter_height=layer.filter_height,
        filter_width=layer.filter_width,
        channels=layer.channels_per_group,
        filters=layer.out_channels // layer.groups,
        stride=layer.stride,
        batch=batch,
        ceil_outputs=ceil_outputs,
    )
    return LayerGemms(gemm, layer.groups)


@dataclass(frozen=True)
class SystolicMapping:
    """Placement of a GEMM on a rows x cols array under one dataflow."""

    dataflow: str
    rows: int
    cols: int
    sr: int
    sc: int
    t: int

    @classmethod
    def of(cls, gemm: ConvGemm, rows: int, cols: int, dataflow: str) -> SystolicMapping:
        if dataflow not in DATAFLOWS:
            raise AccelsimError(f"dataflow must be one of {', '.join(DATAFLOWS)}, got {dataflow!r}")
        m, n, k = gemm.m, gemm.n, gemm.k
        sr, sc, t = {"os": (m, n, k), "ws": (k, n, m), "is": (k, m, n)}[dataflow]
        return cls(dataflow, rows, cols, sr, sc, t)

    @property
    def row_folds(self) -> int:
        return math.ceil(self.sr / self.rows)

    @property
    def col_folds(self) -> int:
        return math.ceil(self.sc / self.cols)

    @property
    def folds(self) -> int:
        return self.row_folds * self.col_folds

    @property
    def lines_per_fold(self) -> int:
        """Cycles of one fold's demand schedule, fill and drain skew included."""
        if self.dataflow == "os":
            return self.t + self.rows + self.cols - 2
        return self.t + 2 * self.rows + self.cols - 2

    @property
    def lines(self) -> int:
        return self.folds * self.lines_per_fold

    def rows_used(self, row_fold: int) -> int:
        return min(self.rows, self.sr - row_fold * self.rows)

    def cols_used(self, col_fold: int) -> int:
        return min(self.cols, self.sc - col_fold * self.cols)

    def used_pes_total(self) -> int:
        """Sum over folds of the PEs a fold uses: Sr x Sc."""
        return self.sr * self.sc

    def _fold_cycles(self) -> int:
        """A fold's cycles in SCALE-Sim's utilization formula (its demand block + skew)."""
        if self.dataflow == "os":
            return (self.t - 1 + self.rows) + self.cols - 1
        return (self.rows + self.rows + self.cols + self.t - 2) + self.cols - 1

    def fold_averages(self) -> tuple[float, float]:
        """(mapping efficiency, compute utilization) in one pass over the folds."""
        return _fold_means(self.sr, self.sc, self.rows, self.cols, self.t, self._fold_cycles())

    def mapping_efficiency(self) -> float:
        """Mean over folds of used / available PEs, as SCALE-Sim averages it (a fraction)."""
        return _fold_means(self.sr, self.sc, self.rows, self.cols, self.t, self._fold_cycles())[0]

    def compute_utilization(self) -> float:
        """Mean over folds of MACs / (PEs x the fold's cycles), as SCALE-Sim averages it."""
        return _fold_means(self.sr, self.sc, self.rows, self.cols, self.t, self._fold_cycles())[1]


def _fold_means(sr: int, sc: int, rows: int, cols: int, t: int,
                fold_cycles: int) -> tuple[float, float]:  # fmt: skip
    """Per-fold means summed left to right in fold order, like SCALE-Sim's `sum(list) / n`
    (`np.cumsum` adds sequentially, so its last element is that sum, bit for bit)."""
    cells = rows * cols
    row_folds = (sr + rows - 1) // rows
    col_folds = (sc + cols - 1) // cols
    cu = np.minimum(cols, sc - np.arange(col_folds, dtype=np.int64) * cols)
    ru = np.minimum(rows, sr - np.arange(row_folds, dtype=np.int64) * rows)
    used = (cu[:, None] * ru[None, :]).ravel()  # fold order: column folds outer
    mapping = float(np.cumsum(used / cells)[-1])
    compute = float(np.cumsum((used * t) / (cells * fold_cycles))[-1])
    folds = row_folds * col_folds
    return mapping / folds, compute / folds


@dataclass(frozen=True)
class SramRequests:
    """Words the array requests from each SRAM over a layer (what the array reads and writes)."""

    ifmap_reads: int
    filter_reads: int
    ofmap_writes: int


def sram_requests(gemm: ConvGemm, mapping: SystolicMapping) -> SramRequests:
    """Exact SRAM traffic: each fold reads its slices of both operands and writes its outputs.

    OS writes each output once; WS and IS write a partial sum per row fold.
    """
    m, n, k = gemm.m, gemm.n, gemm.k
    if mapping.dataflow == "os":
        return SramRequests(m * k * mapping.col_folds, k * n * mapping.row_folds, m * n)
    if mapping.dataflow == "ws":
        return SramRequests(m * k * mapping.col_folds, k * n, m * n * mapping.row_folds)
    return SramRequests(k * m, n * k * mapping.col_folds, n * m * mapping.row_folds)

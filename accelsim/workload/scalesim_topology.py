"""SCALE-Sim topology CSV files as accelsim layer lists (conv rows and GEMM rows).

- Conv topology: header `Layer name, IFMAP Height, IFMAP Width, Filter Height, Filter Width,
  Channels, Num Filter, Strides`. SCALE-Sim does not pad: the ifmap sizes are the sizes the array
  sees, so a layer's padding is zero. Its output is floor((H - R) / stride) + 1 here; SCALE-Sim
  itself uses ceil, which the `scalesim` memory model of the systolic engine reproduces.
- GEMM topology: header `Layer, M, N, K` (SCALE-Sim's `-i gemm` input): an (M x K) x (K x N)
  product, read as a 1 x K filter over an M x K single-channel ifmap (SCALE-Sim's own mapping),
  whose output is M x 1 x N.

A conv row whose name contains `DP` is depthwise as in SCALE-Sim (one single-channel layer of
`Num Filter` filters per channel): a layer with `groups = Channels`. Every line may end with a
trailing comma or not; an optional sparsity column (`N:M`) is ignored
only if it is 1:1 (dense), since accelsim models dense layers.
"""

from __future__ import annotations

import csv
import io
import os
from pathlib import Path

from accelsim.errors import AccelsimError
from accelsim.files.reading import read_text, short_repr
from accelsim.workload.cells import integer_cell
from accelsim.workload.layer import (
    MAX_CHANNELS,
    MAX_EXTENT,
    MAX_NAME_CHARS,
    MAX_OUT_EXTENT,
    ConvLayer,
)
from accelsim.workload.network import INPUT, Network

CONV_COLUMNS = ("layer name", "ifmap height", "ifmap width", "filter height", "filter width",
                "channels", "num filter", "strides")  # fmt: skip
GEMM_COLUMNS = ("layer", "m", "n", "k")
DISPLAY = {"ifmap height": "IFMAP Height", "ifmap width": "IFMAP Width",
           "filter height": "Filter Height", "filter width": "Filter Width",
           "channels": "Channels", "num filter": "Num Filter", "strides": "Strides", "m": "M",
           "n": "N", "k": "K"}  # fmt: skip


def topology_kind(header_line: str) -> str | None:
    """'conv' or 'gemm' when a header line is a SCALE-Sim topology header, else None."""
    cells = [c.strip().lower() for c in header_line.strip().split(",")]
    cells = [c for c in cells if c]
    if tuple(cells[: len(CONV_COLUMNS)]) == CONV_COLUMNS:
        return "conv"
    if tuple(cells[: len(GEMM_COLUMNS)]) in (GEMM_COLUMNS, ("layer name", "m", "n", "k")):
        return "gemm"
    return None


BOUNDS = {"ifmap height": MAX_EXTENT, "ifmap width": MAX_EXTENT,
          "filter height": MAX_OUT_EXTENT, "filter width": MAX_OUT_EXTENT,
          "channels": MAX_CHANNELS, "num filter": MAX_CHANNELS, "strides": MAX_EXTENT,
          "m": MAX_EXTENT, "n": MAX_CHANNELS, "k": MAX_EXTENT}  # fmt: skip
"""The largest value of each column (GEMM: M and K are ifmap extents, N the filters)."""


def _integers(origin: str, name: str, columns: tuple[str, ...], cells: list[str]) -> list[int]:
    where = f"{origin}: layer '{name}'"
    return [integer_cell(where, DISPLAY[column], text, 1, BOUNDS[column])
            for column, text in zip(columns, cells, strict=True)]  # fmt: skip


def _check_sparsity(origin: str, name: str, extra: list[str]) -> None:
    if extra and extra[0] and extra[0].replace(" ", "") != "1:1":
        raise AccelsimError(f"{origin}: layer '{name}': sparsity {short_repr(extra[0])} is not modelled "
                            "(accelsim simulates dense layers)")  # fmt: skip


def read_scalesim_topology(path: str | os.PathLike[str]) -> Network:
    """A layer list from a SCALE-Sim conv or GEMM topology file."""
    origin = f"topology file '{path}'"
    text = read_text(path, "topology file")
    try:
        rows = [[cell.strip() for cell in row] for row in csv.reader(io.StringIO(text, newline=""))]
    except csv.Error as exc:
        raise AccelsimError(f"{origin}: cannot parse: {exc}") from None
    rows = [row[:-1] if row and row[-1] == "" else row for row in rows]
    rows = [row for row in rows if any(row)]
    if not rows:
        raise AccelsimError(f"{origin}: is empty")
    kind = topology_kind(",".join(rows[0]))
    if kind is None:
        raise AccelsimError(f"{origin}: header must start with {', '.join(CONV_COLUMNS)} "
                            f"(conv) or {', '.join(GEMM_COLUMNS)} (GEMM)")  # fmt: skip
    columns = CONV_COLUMNS if kind == "conv" else GEMM_COLUMNS
    layers = []
    for line, row in enumerate(rows[1:], start=2):
        if len(row) < len(columns):
            raise AccelsimError(f"{origin}: line {line} has {len(row)} fields, expected "
                                f"{len(columns)}")  # fmt: skip
        name = row[0]
        if not name:
            raise AccelsimError(f"{origin}: line {line} has an empty layer name")
        if len(name) > MAX_NAME_CHARS or not name.isprintable():
            raise AccelsimError(f"{origin}: line {line}: layer name must be printable and at "
                                f"most {MAX_NAME_CHARS} characters, got {short_repr(name)}")  # fmt: skip
        values = _integers(origin, name, columns[1:], row[1 : len(columns)])
        _check_sparsity(origin, name, row[len(columns) :])
        try:
            layers.append(_layer(kind, name, values))
        except AccelsimError as exc:
            raise AccelsimError(f"{origin}: {exc}") from None
    if not layers:
        raise AccelsimError(f"{origin}: has no layers")
    try:
        return Network(Path(path).stem, None, tuple(layers))
    except AccelsimError as exc:
        raise AccelsimError(f"{origin}: {exc}") from None


def _layer(kind: str, name: str, values: list[int]) -> ConvLayer:
    """One conv row, or one GEMM row as a 1 x K filter over an M x K single-channel ifmap."""
    if kind == "conv":
        h, w, r, s, c, m, u = values
        # SCALE-Sim runs a layer whose name contains "DP" as one single-channel layer per
        # channel (depthwise): here a grouped layer, one group per channel
        groups = c if "DP" in name else 1
        return ConvLayer(name=name, in_channels=c, in_height=h, in_width=w,
                         out_channels=m * groups, filter_height=r, filter_width=s, stride=u,
                         groups=groups, inputs=(INPUT,))  # fmt: skip
    m_rows, n_cols, k = values
    return ConvLayer(name=name, in_channels=1, in_height=m_rows, in_width=k,
                     out_channels=n_cols, filter_height=1, filter_width=k,
                     inputs=(INPUT,))  # fmt: skip

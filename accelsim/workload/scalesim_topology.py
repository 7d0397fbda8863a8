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
import os
from pathlib import Path

from accelsim.errors import AccelsimError
from accelsim.workload.layer import ConvLayer
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


def _integers(origin: str, name: str, columns: tuple[str, ...], cells: list[str]) -> list[int]:
    values = []
    for column, text in zip(columns, cells, strict=True):
        try:
            value = int(text)
        except ValueError:
            raise AccelsimError(f"{origin}: layer '{name}': {DISPLAY[column]} must be an integer, "
                                f"got '{text}'") from None  # fmt: skip
        if value < 1:
            raise AccelsimError(f"{origin}: layer '{name}': {DISPLAY[column]} must be positive, "
                                f"got {value}")  # fmt: skip
        values.append(value)
    return values


def _check_sparsity(origin: str, name: str, extra: list[str]) -> None:
    if extra and extra[0] and extra[0].replace(" ", "") != "1:1":
        raise AccelsimError(f"{origin}: layer '{name}': sparsity '{extra[0]}' is not modelled "
                            "(accelsim simulates dense layers)")  # fmt: skip


def read_scalesim_topology(path: str | os.PathLike[str]) -> Network:
    """A layer list from a SCALE-Sim conv or GEMM topology file."""
    origin = f"topology file '{path}'"
    try:
        with open(path, newline="") as handle:
            rows = [[cell.strip() for cell in row] for row in csv.reader(handle)]
    except OSError as exc:
        raise AccelsimError(f"{origin}: cannot read: {exc.strerror}") from None
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
        values = _integers(origin, name, columns[1:], row[1 : len(columns)])
        _check_sparsity(origin, name, row[len(columns) :])
        if kind == "conv":
            h, w, r, s, c, m, u = values
            # SCALE-Sim runs a layer whose name contains "DP" as one single-channel layer per
            # channel (depthwise): here a grouped layer, one group per channel
            groups = c if "DP" in name else 1
            layer = ConvLayer(name=name, in_channels=c, in_height=h, in_width=w,
                              out_channels=m * groups, filter_height=r, filter_width=s, stride=u,
                              groups=groups, inputs=(INPUT,))  # fmt: skip
        else:
            m_rows, n_cols, k = values
            layer = ConvLayer(name=name, in_channels=1, in_height=m_rows, in_width=k,
                              out_channels=n_cols, filter_height=1, filter_width=k,
                              inputs=(INPUT,))  # fmt: skip
        layers.append(layer)
    if not layers:
        raise AccelsimError(f"{origin}: has no layers")
    return Network(Path(path).stem, None, tuple(layers))

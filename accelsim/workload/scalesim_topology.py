"""SCALE-Sim topology CSV files as accelsim layer lists.

Header: `Layer name, IFMAP Height, IFMAP Width, Filter Height, Filter Width, Channels, Num Filter,
Strides` with or without a trailing comma. SCALE-Sim does not pad: the ifmap sizes are the sizes the
array sees, so a layer's padding is zero and its output is floor((H - R) / stride) + 1.
"""

from __future__ import annotations

import csv
import os
from pathlib import Path

from accelsim.errors import AccelsimError
from accelsim.workload.layer import ConvLayer
from accelsim.workload.network import INPUT, Network

CONV_COLUMNS = ("layer name", "ifmap height", "ifmap width", "filter height", "filter width",
                "channels", "num filter", "strides")


def read_scalesim_topology(path: str | os.PathLike[str]) -> Network:
    origin = f"topology file '{path}'"
    with open(path, newline="") as handle:
        rows = [[cell.strip() for cell in row] for row in csv.reader(handle)]
    rows = [row[:-1] if row and row[-1] == "" else row for row in rows if any(rows and row)]
    if not rows:
        raise AccelsimError(f"{origin}: is empty")
    header = [c.lower() for c in rows[0]]
    if tuple(header[: len(CONV_COLUMNS)]) != CONV_COLUMNS:
        raise AccelsimError(f"{origin}: header must start with {', '.join(CONV_COLUMNS)}")
    layers = []
    for line, row in enumerate(rows[1:], start=2):
        if len(row) < len(CONV_COLUMNS):
            raise AccelsimError(f"{origin}: line {line} has {len(row)} fields, expected "
                                f"{len(CONV_COLUMNS)}")
        name = row[0]
        values = []
        for column, text in zip(CONV_COLUMNS[1:], row[1:len(CONV_COLUMNS)], strict=True):
            try:
                values.append(int(text))
            except ValueError:
                raise AccelsimError(f"{origin}: layer '{name}': {column} must be an integer, "
                                    f"got '{text}'") from None
        h, w, r, s, c, m, u = values
        layers.append(ConvLayer(name=name, in_channels=c, in_height=h, in_width=w, out_channels=m,
                                filter_height=r, filter_width=s, stride=u, inputs=(INPUT,)))
    if not layers:
        raise AccelsimError(f"{origin}: has no layers")
    return Network(Path(path).stem, None, tuple(layers))

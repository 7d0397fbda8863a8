"""The per-layer CSV format (the built-in data files): one conv/FC layer per row, each with its own
input, so the rows need not chain (a layer list). See `accelsim.workload.loaders` for the columns.

The file is read by `accelsim.files.reading.read_csv` (a spreadsheet's BOM dropped, cells
stripped); every cell is parsed strictly and bounded by the layer module's limits, and every error
names the file, the layer (by name, else by row) and the column.
"""

from __future__ import annotations

import csv
import io
import math
import os
from pathlib import Path

from accelsim.errors import AccelsimError
from accelsim.files.reading import read_csv, read_text, short_repr
from accelsim.workload.cells import decimal_cell, integer_cell
from accelsim.workload.layer import (
    MAX_BATCH_N,
    MAX_CHANNELS,
    MAX_EXTENT,
    MAX_NAME_CHARS,
    MAX_OUT_EXTENT,
    MAX_PAD,
    ConvLayer,
)
from accelsim.workload.network import INPUT, Network

REQUIRED = ("name", "input_size", "in_channels", "filter_size", "filters", "stride")
OPTIONAL = (
    "kind",
    "pad",
    "groups",
    "output_size",
    "input_height",
    "input_width",
    "filter_height",
    "filter_width",
    "ifmap_sparsity_padded",
    "ifmap_sparsity",
    "ofmap_sparsity",
    "batch_n",
    "group",
    "padded_size",
    "dilation",
)
INTEGER_BOUNDS = {
    "input_size": MAX_EXTENT,
    "input_height": MAX_EXTENT,
    "input_width": MAX_EXTENT,
    "in_channels": MAX_CHANNELS,
    "filter_size": MAX_OUT_EXTENT,
    "filter_height": MAX_OUT_EXTENT,
    "filter_width": MAX_OUT_EXTENT,
    "filters": MAX_CHANNELS,
    "stride": MAX_EXTENT,
    "groups": MAX_CHANNELS,
    "output_size": MAX_OUT_EXTENT,
    "batch_n": MAX_BATCH_N,
}
"""The largest value of each integer column (the smallest is 1)."""


def check_header(origin: str, text: str) -> None:
    """Every required column present, none unknown, none twice."""
    try:
        header = next(csv.reader(io.StringIO(text, newline="")), [])
    except csv.Error as exc:
        raise AccelsimError(f"{origin}: cannot parse the header: {exc}") from None
    columns = [cell.strip() for cell in header]
    seen: set[str] = set()
    for column in columns:
        if column and column in seen:
            raise AccelsimError(f"{origin}: column {short_repr(column)} appears twice")
        seen.add(column)
    missing = [c for c in REQUIRED if c not in seen]
    if missing:
        raise AccelsimError(f"{origin}: missing column '{missing[0]}'")
    unknown = [c for c in columns if c and c not in REQUIRED + OPTIONAL]
    if unknown:
        raise AccelsimError(f"{origin}: unknown column {short_repr(unknown[0])}")


def read_layer_csv(path: str | os.PathLike[str]) -> Network:
    """A layer list from the per-layer CSV format."""
    origin = f"network file '{path}'"
    check_header(origin, read_text(path, "network file"))
    rows = [row for row in read_csv(path, "network file") if any(row.values())]
    if not rows:
        raise AccelsimError(f"{origin}: has no layers")
    layers = tuple(layer_from_row(row, origin, index=i) for i, row in enumerate(rows, start=1))
    try:
        return Network(Path(path).stem, None, layers)
    except AccelsimError as exc:
        raise AccelsimError(f"{origin}: {exc}") from None


def _padding(where: str, text: str) -> tuple[int, int]:
    pad = decimal_cell(where, "pad", text, 0, MAX_PAD)
    if not (2 * pad).is_integer():
        raise AccelsimError(f"{where}: pad must be a non-negative integer or x.5, got {text}")
    return math.floor(pad), math.ceil(pad)


def layer_from_row(
    row: dict[str, str], origin: str, inputs: tuple[str, ...] = (INPUT,), index: int | None = None
) -> ConvLayer:
    """One conv/FC layer from a layer-CSV row (strings), validated."""
    name = (row.get("name") or "").strip()
    at = f"row {index}" if index is not None else "a row"
    if not name:
        raise AccelsimError(f"{origin}: {at} has an empty name")
    if len(name) > MAX_NAME_CHARS or not name.isprintable():
        raise AccelsimError(
            f"{origin}: {at}: name must be printable and at most {MAX_NAME_CHARS} characters, "
            f"got {short_repr(name)}"
        )
    where = f"{origin}: layer '{name}'"
    if row.get(""):
        raise AccelsimError(f"{where}: a cell under no column header: {short_repr(row[''])}")

    cells = {key: (value or "").strip() for key, value in row.items()}

    def cell(column: str) -> str:
        return cells.get(column, "")

    def integer(column: str, default: int | None = None) -> int | None:
        text = cells.get(column, "")
        if text == "" and column not in REQUIRED:
            return default
        return integer_cell(where, column, text, 1, INTEGER_BOUNDS[column])

    def fraction(column: str) -> float | None:
        text = cells.get(column, "")
        return None if text == "" else decimal_cell(where, column, text, 0, 1)

    if cell("dilation") not in ("", "1"):
        raise AccelsimError(
            f"{where}: dilation {short_repr(cell('dilation'))} is not supported (dilated "
            "convolutions are not modelled; only 1 is accepted)"
        )
    kind = cell("kind").lower() or "conv"
    if kind not in ("conv", "fc"):
        raise AccelsimError(f"{where}: kind must be conv or fc, got {short_repr(cell('kind'))}")
    groups = integer("groups", 1)
    channels = integer("in_channels")
    size = integer("input_size")
    filter_size = integer("filter_size")
    before, after = _padding(where, cell("pad")) if cell("pad") else (0, 0)
    output = integer("output_size")
    ofmap = fraction("ofmap_sparsity")
    group = cell("group")
    if len(group) > MAX_NAME_CHARS:
        raise AccelsimError(f"{where}: group has more than {MAX_NAME_CHARS} characters")
    try:
        layer = ConvLayer(
            name=name,
            in_channels=channels * groups,  # type: ignore[operator]
            in_height=integer("input_height", size),  # type: ignore[arg-type]
            in_width=integer("input_width", size),  # type: ignore[arg-type]
            out_channels=integer("filters"),  # type: ignore[arg-type]
            filter_height=integer("filter_height", filter_size),  # type: ignore[arg-type]
            filter_width=integer("filter_width", filter_size),  # type: ignore[arg-type]
            stride=integer("stride"),  # type: ignore[arg-type]
            pad=(before, after, before, after),
            groups=groups,  # type: ignore[arg-type]
            kind=kind,  # type: ignore[arg-type]
            out_height=output,
            out_width=output,
            ifmap_zero=fraction("ifmap_sparsity_padded"),
            ifmap_zero_unpadded=fraction("ifmap_sparsity"),
            ofmap_zero=0.0 if ofmap is None else ofmap,
            batch_n=integer("batch_n"),
            inputs=inputs,
            group_label=group,
        )
    except AccelsimError as exc:
        raise AccelsimError(f"{origin}: {exc}") from None
    if cell("padded_size"):
        padded = decimal_cell(where, "padded_size", cell("padded_size"), 1, MAX_OUT_EXTENT)
        if padded != layer.padded_height:
            raise AccelsimError(
                f"{where}: padded_size {padded:g} does not equal input_size + 2 * pad = "
                f"{layer.padded_height}"
            )
    return layer

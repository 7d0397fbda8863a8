"""`Columns` as an aligned text table, CSV or JSON rows: what pandas' `to_string(index=False)`,
`to_csv(index=False)` and `to_dict("records")` give for the same frame, byte for byte.

So that `simulate` and `energy` print their tables without importing pandas (a second of
start-up). The CSV goes through the standard library's `csv` writer, as pandas' does; the table
follows pandas' layout: each column right-aligned to its widest cell or header, one space
between columns, numeric headers preceded by a space, tabs and newlines shown escaped.
"""

from __future__ import annotations

import csv
import io
import math
from typing import Any

from accelsim.report.columns import Columns, is_float, is_missing

ESCAPES = (("\t", r"\t"), ("\r", r"\r"), ("\n", r"\n"))
"""Characters a table cell shows escaped, so that a cell stays on its line."""

OBJECT_FLOAT_DIGITS = 6
"""Decimals of a float in a column of mixed values (pandas' `display.precision`)."""


def _escaped(value: Any) -> str:
    text = str(value)
    for char, shown in ESCAPES:
        text = text.replace(char, shown)
    return text


def _object_cell(value: Any) -> str:
    """A cell of a mixed column, as pandas' generic formatter writes it."""
    if value is None:
        return "None"
    if is_missing(value):
        return "NaN"
    if is_float(value):
        text = f"{value: .{OBJECT_FLOAT_DIGITS}f}".rstrip("0")
        return text + "0" if text.endswith(".") else text
    return _escaped(value)


def _cells(columns: Columns, name: str, float_format: str) -> list[str]:
    kind = columns.kinds[name]
    values = columns[name]
    if kind == "float":
        return [_escaped(float_format.format(v)) for v in values]
    if kind == "int":
        return [f"{v:d}" for v in values]
    if kind == "bool":
        return [str(v) for v in values]
    if kind == "str":
        return ["NaN" if is_missing(v) else _escaped(v) for v in values]
    return [_object_cell(v) for v in values]


def text_table(columns: Columns, float_format: str = "{:.6g}") -> str:
    """The aligned table, floats through `float_format` (a `str.format` pattern)."""
    if len(columns) == 0:
        return f"Empty DataFrame\nColumns: [{', '.join(columns.names)}]\nIndex: []\n"
    blocks = []
    for name in columns.names:
        header = " " + name if columns.kinds[name] in ("int", "bool") else name
        cells = _cells(columns, name, float_format)
        width = max(len(header), *(len(c) for c in cells))
        blocks.append([header.rjust(width), *(c.rjust(width) for c in cells)])
    return "\n".join(" ".join(line) for line in zip(*blocks, strict=True)) + "\n"


def _csv_value(value: Any, kind: str) -> Any:
    if kind == "float":
        return "" if math.isnan(value) else f"{value:.17g}"
    return "" if is_missing(value) else value


def csv_text(columns: Columns) -> str:
    """CSV with a header line, floats at full precision (`%.17g`), missing values empty."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(columns.names)
    kinds = [columns.kinds[n] for n in columns.names]
    for values in columns.rows():
        writer.writerow([_csv_value(v, k) for v, k in zip(values, kinds, strict=True)])
    return out.getvalue()


def json_value(value: Any) -> Any:
    """A value JSON can hold: numpy scalars as Python ones, NaN and infinities as None."""
    if hasattr(value, "item"):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def json_rows(columns: Columns) -> list[dict[str, Any]]:
    """One dict per row (column order kept), ready for `json.dumps`."""
    names = columns.names
    return [
        {n: json_value(v) for n, v in zip(names, values, strict=True)} for values in columns.rows()
    ]

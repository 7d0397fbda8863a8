"""Rows of results as plain Python columns, typed as pandas would type them, without pandas.

The command line's text, CSV and JSON outputs of `simulate` and `energy` need no DataFrame, and
importing pandas costs a command about a second. `Columns` holds one list per column and the
kind pandas would give it (`DataFrame(rows)` infers `int64`, `float64`, `bool`, `str` or
`object`), so that `accelsim.report.text_render` prints exactly what pandas prints.
`tests/report/test_columns.py` checks the kinds and outputs against pandas itself.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:
    import pandas as pd

Kind = Literal["int", "float", "bool", "str", "object"]

MISSING = math.nan
"""The value of a column a row does not have (pandas: NaN)."""


def _is_numpy(value: Any) -> bool:
    return type(value).__module__ == "numpy"


def _is_bool(value: Any) -> bool:
    """A Python or numpy bool."""
    return isinstance(value, bool) or (
        _is_numpy(value) and type(value).__name__ in ("bool", "bool_")
    )


def _is_int(value: Any) -> bool:
    """A Python or numpy integer, not a bool."""
    return isinstance(value, numbers.Integral) and not _is_bool(value)


def is_float(value: Any) -> bool:
    """A Python or numpy floating-point number."""
    return isinstance(value, float) or (
        _is_numpy(value)
        and isinstance(value, numbers.Real)
        and not isinstance(value, numbers.Integral)
    )


def is_missing(value: Any) -> bool:
    """None or NaN: what pandas counts as missing."""
    return value is None or (is_float(value) and math.isnan(value))


def infer_kind(values: Sequence[Any]) -> Kind:
    """The kind pandas gives a column of these values in `DataFrame(list_of_dicts)`: int if all
    are integers, bool if all bools, float if all are numbers or missing (a missing integer makes
    the column float), str if all are strings or missing, else object."""
    if values and all(_is_bool(v) for v in values):
        return "bool"
    if values and all(_is_int(v) for v in values):
        return "int"
    if any(_is_int(v) or is_float(v) for v in values) and all(
        _is_int(v) or is_float(v) or v is None for v in values
    ):
        return "float"
    if any(isinstance(v, str) for v in values) and all(
        isinstance(v, str) or is_missing(v) for v in values
    ):
        return "str"
    return "object"


def _as_kind(values: Iterable[Any], kind: Kind) -> list[Any]:
    """The values as pandas holds them in a column of `kind` (missing str values are NaN)."""
    if kind == "int":
        return [int(v) for v in values]
    if kind == "float":
        return [MISSING if v is None else float(v) for v in values]
    if kind == "bool":
        return [bool(v) for v in values]
    if kind == "str":
        return [MISSING if is_missing(v) else v for v in values]
    return list(values)


@dataclass(frozen=True)
class Columns:
    """Named columns of equal length, each with its pandas kind; `raw` keeps the values as
    given, so `to_frame` builds the very DataFrame `pd.DataFrame(rows)` would."""

    names: tuple[str, ...]
    data: Mapping[str, list[Any]]
    kinds: Mapping[str, Kind]
    raw: Mapping[str, list[Any]] | None = None

    @classmethod
    def from_rows(cls, rows: Sequence[Mapping[str, Any]], names: Sequence[str]) -> Columns:
        """Columns of `rows` (dicts), as `pd.DataFrame(rows, columns=names)` has them."""
        raw = {name: [row.get(name, MISSING) for row in rows] for name in names}
        return cls.of(raw, raw=raw)

    @classmethod
    def of(cls, values: Mapping[str, Sequence[Any]], raw: Mapping[str, list[Any]] | None = None):
        """Columns of the given values, each column's kind inferred."""
        kinds = {name: infer_kind(column) for name, column in values.items()}
        data = {name: _as_kind(column, kinds[name]) for name, column in values.items()}
        return cls(tuple(values), data, kinds, raw)

    @classmethod
    def from_frame(cls, frame: pd.DataFrame) -> Columns:
        """The columns of a DataFrame, their kinds from its dtypes."""
        kinds: dict[str, Kind] = {}
        for name, dtype in frame.dtypes.items():
            code = getattr(dtype, "kind", "O")
            kinds[name] = {"i": "int", "u": "int", "f": "float", "b": "bool"}.get(code, "object")
            if kinds[name] == "object" and str(dtype) == "str":
                kinds[name] = "str"
        data = {name: _as_kind(frame[name].tolist(), kinds[name]) for name in frame.columns}
        return cls(tuple(frame.columns), data, kinds)

    def __len__(self) -> int:
        return len(self.data[self.names[0]]) if self.names else 0

    def __getitem__(self, name: str) -> list[Any]:
        return self.data[name]

    def __contains__(self, name: object) -> bool:
        return name in self.data

    def rows(self) -> Iterator[tuple[Any, ...]]:
        """The values row by row, in column order."""
        return zip(*(self.data[n] for n in self.names), strict=True)

    def select(self, names: Iterable[str]) -> Columns:
        """The named columns, in that order."""
        chosen = tuple(names)
        return Columns(
            chosen, {n: self.data[n] for n in chosen}, {n: self.kinds[n] for n in chosen}
        )

    def to_frame(self) -> pd.DataFrame:
        """The DataFrame of these columns (for Parquet output and plots)."""
        import pandas as pd

        if self.raw is not None:
            raw = zip(*self.raw.values(), strict=True)
            rows = [dict(zip(self.names, values, strict=True)) for values in raw]
            return pd.DataFrame(rows, columns=list(self.names))
        dtypes = {"int": "int64", "float": "float64", "bool": "bool"}
        return pd.DataFrame(
            {n: pd.Series(self.data[n], dtype=dtypes.get(self.kinds[n])) for n in self.names},
            columns=list(self.names),
        )


def column_sum(values: Sequence[Any], kind: Kind, min_count: int = 0) -> float | int:
    """A column's sum as pandas' `Series.sum(min_count=...)` computes it: missing values skipped
    (NaN when fewer than `min_count` are left), floats summed by numpy (pairwise summation, so
    the last bits match pandas)."""
    if kind == "int":
        return sum(values) if len(values) >= min_count else MISSING
    present = [v for v in values if not math.isnan(v)]
    if len(present) < min_count:
        return MISSING
    import numpy as np

    array = np.asarray(values, dtype=np.float64)
    return float(np.where(np.isnan(array), 0.0, array).sum())

"""Numbers from CSV cells, parsed strictly: plain decimal notation only (no `inf`, `nan`, `1_000`,
hex or non-ASCII digits), integers without a fractional part, every value within its bound."""

from __future__ import annotations

import math
import re

from accelsim.errors import AccelsimError
from accelsim.files.reading import short_repr
from accelsim.workload.layer import BOUND_NAMES

_INTEGER = re.compile(r"[+-]?[0-9]+(\.0*)?")
_DECIMAL = re.compile(r"[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?")
MAX_CELL_CHARS = 40
"""Longest number cell read: a double needs at most 25 characters; longer is no number."""


def integer_cell(where: str, column: str, text: str, low: int, high: int) -> int:
    """The integer in a cell (`224` or `224.0`), in [low, high]; else a one-line error."""
    if text.isdigit() and text.isascii() and len(text) <= 18:  # the common case, fast
        value = int(text)
        if low <= value <= high:
            return value
    if text == "":
        raise AccelsimError(f"{where}: {column} is empty (an integer is needed)")
    if len(text) > MAX_CELL_CHARS or not _INTEGER.fullmatch(text):
        raise AccelsimError(f"{where}: {column} must be an integer, got {short_repr(text)}")
    value = int(text.split(".")[0])
    if value < low:
        least = "positive" if low == 1 else f">= {low}"
        raise AccelsimError(f"{where}: {column} must be {least}, got {text}")
    if value > high:
        name = BOUND_NAMES.get(high)
        raise AccelsimError(
            f"{where}: {column} {text} exceeds {high}" + (f" ({name})" if name else "")
        )
    return value


def decimal_cell(where: str, column: str, text: str, low: float, high: float) -> float:
    """The finite number in a cell, in [low, high]; else a one-line error."""
    if text == "":
        raise AccelsimError(f"{where}: {column} is empty (a number is needed)")
    if len(text) > MAX_CELL_CHARS or not _DECIMAL.fullmatch(text):
        raise AccelsimError(f"{where}: {column} must be a number, got {short_repr(text)}")
    value = float(text)
    if not math.isfinite(value) or not low <= value <= high:
        raise AccelsimError(f"{where}: {column} must be in [{low:g}, {high:g}], got {text}")
    return value

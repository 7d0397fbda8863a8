"""The physically sensible range of every accelerator number, and the checks that enforce them.

Each bound admits every real design (Eyeriss, TPU v1's 256 x 256 array and 24 MiB buffer, HBM
stacks, wafer-scale power) and refuses absurd ones (1e300 Hz clocks, 100000-row arrays), which
otherwise overflow to zero latencies, allocate without limit or run for hours. The same bounds
serve the file schema (`accelsim.hardware.schema`) and the dataclasses (Python API, overrides).
"""

from __future__ import annotations

import math

from accelsim.errors import AccelsimError
from accelsim.files.reading import short_repr

WORD_BITS = (8, 16)
"""Data widths accelsim models (Eyeriss' 16 bit and SCALE-Sim's one-byte words)."""

MAX_ARRAY_DIM = 4096
"""Most rows or columns of a systolic array: 16x TPU v1's 256; larger arrays are not built."""

MAX_SPATIAL_DIM = 1024
"""Most PE rows or columns of a spatial (row-stationary) array: 85x Eyeriss' 12 x 14, far beyond
any row-stationary chip; the mapper's search grows with the array (VGG-16 on 1024 x 1024 takes
~13 s, AlexNet on 4096 x 4096 over a minute)."""

MAX_SPAD_WORDS = 65536
"""Most words of one PE scratchpad: 292x Eyeriss' 224-word filter spad; a PE-local register file
of 64 Ki words is already a buffer, not a scratchpad."""

MAX_BUFFER_KB = 1024 * 1024
"""Largest on-chip buffer (1 GiB): 40x TPU v1's 24 MiB Unified Buffer, beyond any single chip's
SRAM apart from wafer-scale parts, which accelsim does not model."""

MIN_CLOCK_HZ = 1e3
"""Slowest clock (1 kHz): below any accelerator's; slower clocks give latencies of days."""

MAX_CLOCK_HZ = 1e10
"""Fastest clock (10 GHz): above any CMOS logic or DRAM interface clock."""

MAX_BUS_BITS = 65536
"""Widest bus (64 Ki bits): 8x eight HBM3 stacks of 1024 bits; an infinite bus is zero latency."""

MIN_ACCESS_PJ = 1e-6
"""Smallest energy of one access (1 aJ): below any circuit's, yet above the ~3e-9 pJ Landauer
limit per bit at room temperature; zero would make that level free."""

MAX_ACCESS_PJ = 1e6
"""Largest energy of one access (1 uJ): 3000x Eyeriss' 339 pJ DRAM word."""

MAX_CLOCK_POWER_W = 1e5
"""Largest clock power (100 kW): above a wafer-scale system's total power."""

MAX_CONTROL_FRACTION = 0.99
"""Largest control share of on-chip energy: at 0.99 control costs 99x the datapath; a share of 1
would make control energy infinite."""

MIN_TECHNOLOGY_NM = 2
"""Smallest technology node (2 nm): the node name of the newest logic processes (a node name is
a label, not a feature size)."""

MAX_TECHNOLOGY_NM = 250
"""Largest technology node (250 nm): older than the 180 and 130 nm processes still used for
low-cost test chips. The area model covers a narrower range (`accelsim.area`)."""

MAX_NAME_CHARS = 200
"""Longest accelerator or energy table name (printed in every report row)."""


def check_int(owner: str, field: str, value: object, low: int, high: int) -> int:
    """`value` as an int in [low, high] (no bool, no float); else a one-line error."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise AccelsimError(f"{owner}: {field} must be an integer, got {short_repr(value)}")
    if not low <= value <= high:
        raise AccelsimError(f"{owner}: {field} must be in [{low}, {high}], got {short_repr(value)}")
    return value


def check_number(
    owner: str, field: str, value: object, low: float, high: float, low_open: bool = False
) -> float:
    """`value` as a finite float in [low, high] ((low, high] if `low_open`); no bool, no text."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise AccelsimError(f"{owner}: {field} must be a number, got {short_repr(value)}")
    number = float(value) if not isinstance(value, int) or abs(value) < 2**1000 else math.inf
    bracket = "(" if low_open else "["
    if not math.isfinite(number) or number < low or number > high or (low_open and number == low):
        raise AccelsimError(
            f"{owner}: {field} must be a finite number in {bracket}{low:g}, {high:g}], "
            f"got {short_repr(value)}"
        )
    return number


def check_name(owner: str, field: str, value: object) -> str:
    """A non-empty printable name of at most MAX_NAME_CHARS characters."""
    if not isinstance(value, str) or not value.strip():
        raise AccelsimError(f"{owner}: {field} must be a non-empty string, got {short_repr(value)}")
    if len(value) > MAX_NAME_CHARS or not value.isprintable():
        raise AccelsimError(
            f"{owner}: {field} must be printable and at most {MAX_NAME_CHARS} characters, "
            f"got {short_repr(value)}"
        )
    return value

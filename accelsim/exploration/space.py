"""A design space: base accelerators and the axes swept around them, checked on construction.

Every axis is a tuple of values; an empty axis keeps the base design's value. An axis applies to
the array kind it describes (the GLB and scratchpads to spatial arrays, the SRAMs to systolic
ones, the mapper to the row-stationary simulator, the memory model to the systolic one), so a
sweep over both kinds has no duplicate points. `expand` (in `accelsim.exploration.points`) turns a
space into design points.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, fields
from typing import Any

from accelsim.errors import AccelsimError
from accelsim.files.reading import short_repr
from accelsim.hardware.accelerator import DATAFLOW_KIND, Accelerator
from accelsim.hardware.limits import (
    MAX_ARRAY_DIM,
    MAX_BUFFER_KB,
    MAX_SPAD_WORDS,
    MAX_SPATIAL_DIM,
    WORD_BITS,
)

MAX_AXIS_VALUES = 10_000
"""Most values one axis may list (a range such as 1:100000 is refused, not expanded)."""

DEFAULT_MODELS = ("simulated",)

INT_AXES = {
    "rows": (1, max(MAX_ARRAY_DIM, MAX_SPATIAL_DIM)),
    "cols": (1, max(MAX_ARRAY_DIM, MAX_SPATIAL_DIM)),
    "spad_ifmap_words": (1, MAX_SPAD_WORDS),
    "spad_filter_words": (1, MAX_SPAD_WORDS),
    "spad_psum_words": (1, MAX_SPAD_WORDS),
    "batch": (1, 1_000_000),
}
"""Integer axes and their bounds (the hardware checks each design again, by its own kind)."""


@dataclass(frozen=True)
class Space:
    """What a sweep varies. Sizes: `glb_kb` is a spatial array's whole GLB in kB (its filter
    part is kept, the rest holds ifmaps and psums); `sram_kb` a systolic array's ifmap, filter
    and ofmap SRAMs in kB; `arrays` are (rows, cols) pairs, or `rows` x `cols` their product.
    `models` are model names (`simulated` is each kind's simulator); `options` go to every model
    that takes them (e.g. `engine`)."""

    accelerators: tuple[Accelerator | str, ...] = ()
    dataflows: tuple[str, ...] = ()
    arrays: tuple[tuple[int, int], ...] = ()
    rows: tuple[int, ...] = ()
    cols: tuple[int, ...] = ()
    glb_kb: tuple[float, ...] = ()
    sram_kb: tuple[tuple[int, int, int], ...] = ()
    spad_ifmap_words: tuple[int, ...] = ()
    spad_filter_words: tuple[int, ...] = ()
    spad_psum_words: tuple[int, ...] = ()
    bits: tuple[int, ...] = ()
    batch: tuple[int, ...] = ()
    mappers: tuple[str, ...] = ()
    memory: tuple[str, ...] = ()
    counts: tuple[str, ...] = ()
    models: tuple[str, ...] = DEFAULT_MODELS
    control: bool = True
    options: Mapping[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for f in fields(self):
            if f.name in ("control", "options"):
                continue
            value = getattr(self, f.name)
            if isinstance(value, str) or not isinstance(value, Sequence):
                raise AccelsimError(f"space: {f.name} must be a list, got {short_repr(value)}")
            if len(value) > MAX_AXIS_VALUES:
                raise AccelsimError(
                    f"space: {f.name} lists {len(value)} values; the limit is {MAX_AXIS_VALUES}"
                )
            object.__setattr__(self, f.name, tuple(dict.fromkeys(_hashable(v) for v in value)))
        if not isinstance(self.control, bool):
            raise AccelsimError(f"space: control must be true or false, got {self.control!r}")
        if not isinstance(self.options, Mapping):
            raise AccelsimError(f"space: options must be a table, got {short_repr(self.options)}")
        object.__setattr__(self, "options", dict(self.options))
        self._check_values()

    def _check_values(self) -> None:
        for name, (low, high) in INT_AXES.items():
            for value in getattr(self, name):
                _check_int(name, value, low, high)
        for rows, cols in self.arrays:
            _check_int("arrays", rows, *INT_AXES["rows"])
            _check_int("arrays", cols, *INT_AXES["cols"])
        if self.arrays and (self.rows or self.cols):
            raise AccelsimError("space: give arrays or rows/cols, not both")
        for kb in self.glb_kb:
            if isinstance(kb, bool) or not isinstance(kb, int | float) or not math.isfinite(kb):
                raise AccelsimError(f"space: glb_kb must be numbers, got {short_repr(kb)}")
            if not 0 < kb <= MAX_BUFFER_KB:
                raise AccelsimError(f"space: glb_kb {kb:g} is outside (0, {MAX_BUFFER_KB}] kB")
        for triple in self.sram_kb:
            for kb in triple:
                _check_int("sram_kb", kb, 1, MAX_BUFFER_KB)
        for bits in self.bits:
            if bits not in WORD_BITS or isinstance(bits, bool):
                raise AccelsimError(f"space: bits must be 8 or 16, got {short_repr(bits)}")
        for dataflow in self.dataflows:
            if not isinstance(dataflow, str) or dataflow not in DATAFLOW_KIND:
                raise AccelsimError(
                    f"space: dataflow must be one of {', '.join(DATAFLOW_KIND)}, got "
                    f"{short_repr(dataflow)}"
                )
        for axis in ("mappers", "memory", "counts", "models"):
            for value in getattr(self, axis):
                if not isinstance(value, str) or not value:
                    raise AccelsimError(f"space: {axis} must be names, got {short_repr(value)}")
        if not self.models:
            raise AccelsimError("space: no model given")
        for spec in self.accelerators:
            if not isinstance(spec, str | Accelerator):
                raise AccelsimError(
                    f"space: accelerators must be preset names, files or Accelerators, got "
                    f"{short_repr(spec)}"
                )

    @property
    def array_sizes(self) -> tuple[tuple[int | None, int | None], ...]:
        """The (rows, cols) the sweep takes, None for a side kept from the base design: the
        `arrays`, else the product of `rows` and `cols`, else the base's own array."""
        if self.arrays:
            return self.arrays
        rows: tuple[int | None, ...] = self.rows or (None,)
        cols: tuple[int | None, ...] = self.cols or (None,)
        return tuple((r, c) for r in rows for c in cols)


def _hashable(value: Any) -> Any:
    """Lists in a value (an array pair, an SRAM triple) as tuples, so that values dedupe."""
    if isinstance(value, list | tuple):
        return tuple(_hashable(v) for v in value)
    return value


def _check_int(name: str, value: Any, low: int, high: int) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise AccelsimError(
            f"space: {name} must be whole numbers from {low} to {high}, got {short_repr(value)}"
        )


RANGE = re.compile(r"\s*([0-9]{1,9})\s*:\s*([0-9]{1,9})\s*(?::\s*([0-9]{1,9})\s*)?", re.ASCII)
"""START:STOP[:STEP], inclusive of STOP when the steps land on it."""


def parse_int_axis(text: str, what: str) -> tuple[int, ...]:
    """`8,16,32` or `8:64:8` (start, stop inclusive, step; default step 1) as integers."""
    values: list[int] = []
    for part in text.split(","):
        part = part.strip()
        match = RANGE.fullmatch(part)
        if match:
            start, stop = int(match.group(1)), int(match.group(2))
            step = int(match.group(3) or 1)
            if step < 1 or stop < start:
                raise AccelsimError(f"{what}: range {part!r} needs START <= STOP and STEP >= 1")
            count = (stop - start) // step + 1
            if len(values) + count > MAX_AXIS_VALUES:
                raise AccelsimError(
                    f"{what}: {part!r} gives {count} values; the limit is {MAX_AXIS_VALUES}"
                )
            values.extend(range(start, stop + 1, step))
        elif re.fullmatch(r"[0-9]{1,9}", part, re.ASCII):
            values.append(int(part))
        else:
            raise AccelsimError(
                f"{what}: expected integers or START:STOP[:STEP], got {short_repr(part, 40)}"
            )
        if len(values) > MAX_AXIS_VALUES:
            raise AccelsimError(f"{what}: more than {MAX_AXIS_VALUES} values")
    return tuple(values)


def parse_number_axis(text: str, what: str) -> tuple[float, ...]:
    """`54,108,216` as positive finite numbers."""
    values: list[float] = []
    for part in text.split(","):
        part = part.strip()
        if not re.fullmatch(r"[0-9]{1,9}(\.[0-9]{1,9})?", part, re.ASCII):
            raise AccelsimError(f"{what}: expected positive numbers, got {short_repr(part, 40)}")
        values.append(float(part))
        if len(values) > MAX_AXIS_VALUES:
            raise AccelsimError(f"{what}: more than {MAX_AXIS_VALUES} values")
    return tuple(values)


def parse_sram_axis(text: str, what: str) -> tuple[tuple[int, int, int], ...]:
    """`32,64,128` (each size for all three SRAMs) or `64/32/64` triples (ifmap/filter/ofmap)."""
    values: list[tuple[int, int, int]] = []
    for part in text.split(","):
        pieces = [p.strip() for p in part.split("/")]
        if len(pieces) not in (1, 3) or not all(
            re.fullmatch(r"[0-9]{1,9}", p, re.ASCII) for p in pieces
        ):
            raise AccelsimError(
                f"{what}: expected kB sizes, each one number or IFMAP/FILTER/OFMAP, got "
                f"{short_repr(part.strip(), 40)}"
            )
        sizes = [int(p) for p in pieces] * (3 if len(pieces) == 1 else 1)
        values.append((sizes[0], sizes[1], sizes[2]))
        if len(values) > MAX_AXIS_VALUES:
            raise AccelsimError(f"{what}: more than {MAX_AXIS_VALUES} values")
    return tuple(values)


def parse_names(text: str, what: str) -> tuple[str, ...]:
    """`rs,os` as names (empty parts are an error)."""
    names = tuple(part.strip() for part in text.split(","))
    if not all(names):
        raise AccelsimError(f"{what}: empty name in {short_repr(text, 40)}")
    return names

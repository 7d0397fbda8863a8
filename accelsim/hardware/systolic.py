"""A TPU-like systolic array: rows x columns of MAC units fed by three SRAM buffers.

SRAM sizes are in kB of 1024 bytes; a buffer of `k` kB holds `1024 * k / word_bytes` words of
`bits`. At 8 bit that is SCALE-Sim's convention (one word per byte), which its memory model needs.
The dataflow says what stays in the array: `os` (outputs), `ws` (weights) or `is` (inputs).
`clock_hz` turns cycles into seconds (SCALE-Sim itself counts cycles only).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import ClassVar

from accelsim.errors import AccelsimError

DATAFLOWS = ("os", "ws", "is")


def _positive_int(field: str, value: object) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise AccelsimError(f"systolic array: {field} must be a positive integer, got {value!r}")


@dataclass(frozen=True)
class SystolicArray:
    """An array of `rows` x `cols` MACs with ifmap, filter and ofmap SRAMs of the given kB."""

    kind: ClassVar[str] = "systolic"
    dataflows: ClassVar[tuple[str, ...]] = DATAFLOWS

    rows: int = 32
    cols: int = 32
    dataflow: str = "os"
    ifmap_sram_kb: int = 64
    filter_sram_kb: int = 64
    ofmap_sram_kb: int = 64
    bits: int = 8
    clock_hz: float = 200e6
    name: str = "systolic"

    def __post_init__(self) -> None:
        for field in (
            "rows",
            "cols",
            "ifmap_sram_kb",
            "filter_sram_kb",
            "ofmap_sram_kb",
        ):
            _positive_int(field, getattr(self, field))
        if self.bits not in (8, 16):
            raise AccelsimError(f"systolic array: bits must be 8 or 16, got {self.bits!r}")
        if self.dataflow not in DATAFLOWS:
            raise AccelsimError(
                f"systolic array: dataflow must be one of "
                f"{', '.join(DATAFLOWS)}, got {self.dataflow!r}"
            )
        clock = self.clock_hz
        if (
            isinstance(clock, bool)
            or not isinstance(clock, int | float)
            or not 0 < clock < float("inf")
        ):
            raise AccelsimError(
                f"systolic array: clock_hz must be a positive number, got {clock!r}"
            )
        object.__setattr__(self, "clock_hz", float(clock))

    @property
    def word_bytes(self) -> int:
        return self.bits // 8

    @property
    def shape(self) -> tuple[int, int]:
        """Rows x columns of the array."""
        return (self.rows, self.cols)

    @property
    def num_pes(self) -> int:
        return self.rows * self.cols

    @property
    def num_macs(self) -> int:
        return self.rows * self.cols

    @property
    def sram_words(self) -> tuple[int, int, int]:
        """Words each SRAM (ifmap, filter, ofmap) holds."""
        return tuple(
            kb * 1024 // self.word_bytes
            for kb in (self.ifmap_sram_kb, self.filter_sram_kb, self.ofmap_sram_kb)  # type: ignore[return-value]
        )


def parse_array(text: str) -> tuple[int, int]:
    """`"32x32"` -> (32, 32); one-line error otherwise."""
    match = re.fullmatch(r"\s*(\d+)\s*[xX]\s*(\d+)\s*", text)
    if not match:
        raise AccelsimError(f"--array must be ROWSxCOLS (e.g. 32x32), got '{text}'")
    rows, cols = int(match.group(1)), int(match.group(2))
    if rows < 1 or cols < 1:
        raise AccelsimError(f"--array: rows and columns must be positive, got '{text}'")
    return rows, cols


def parse_sram_kb(text: str) -> tuple[int, int, int]:
    """`"64,64,64"` (ifmap, filter, ofmap kB) -> (64, 64, 64); one value applies to all three."""
    parts = [p.strip() for p in text.split(",")]
    if len(parts) == 1:
        parts = parts * 3
    if len(parts) != 3 or not all(p.isdigit() and int(p) > 0 for p in parts):
        raise AccelsimError(
            f"--sram-kb must be three positive integers IFMAP,FILTER,OFMAP (kB), got '{text}'"
        )
    return int(parts[0]), int(parts[1]), int(parts[2])

"""A TPU-like systolic array: rows x columns of MAC units fed by three SRAM buffers.

SRAM sizes are in kB of 1024 bytes; a buffer of `k` kB holds `1024 * k / word_bytes` words of
`bits`. At 8 bit that is SCALE-Sim's convention (one word per byte), which its memory model needs.
The dataflow says what stays in the array: `os` (outputs), `ws` (weights) or `is` (inputs).
`clock_hz` turns cycles into seconds (SCALE-Sim itself counts cycles only). `technology_nm` is the
process node in nm, the area model's input; SCALE-Sim states none, so the default is the 65 nm of
the energy table the systolic presets borrow (CNNergy's, a stand-in).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import ClassVar

from accelsim.errors import AccelsimError
from accelsim.files.reading import short_repr
from accelsim.hardware.limits import (
    MAX_ARRAY_DIM,
    MAX_BUFFER_KB,
    MAX_CLOCK_HZ,
    MAX_TECHNOLOGY_NM,
    MIN_CLOCK_HZ,
    MIN_TECHNOLOGY_NM,
    WORD_BITS,
    check_int,
    check_name,
    check_number,
)

DATAFLOWS = ("os", "ws", "is")


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
    technology_nm: int = 65

    def __post_init__(self) -> None:
        check_name("systolic array", "name", self.name)
        owner = f"systolic array {short_repr(self.name)}"
        check_int(owner, "technology_nm", self.technology_nm, MIN_TECHNOLOGY_NM, MAX_TECHNOLOGY_NM)
        for field in ("rows", "cols"):
            check_int(owner, field, getattr(self, field), 1, MAX_ARRAY_DIM)
        check_int(owner, "bits", self.bits, min(WORD_BITS), max(WORD_BITS))
        if self.bits not in WORD_BITS:
            raise AccelsimError(f"{owner}: bits must be 8 or 16, got {self.bits}")
        for field in ("ifmap_sram_kb", "filter_sram_kb", "ofmap_sram_kb"):
            check_int(owner, field, getattr(self, field), 1, MAX_BUFFER_KB)
        if not isinstance(self.dataflow, str) or self.dataflow not in DATAFLOWS:
            raise AccelsimError(
                f"{owner}: dataflow must be one of {', '.join(DATAFLOWS)}, "
                f"got {short_repr(self.dataflow)}"
            )
        clock = check_number(owner, "clock_hz", self.clock_hz, MIN_CLOCK_HZ, MAX_CLOCK_HZ)
        object.__setattr__(self, "clock_hz", clock)

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


ARRAY_PATTERN = re.compile(r"\s*([0-9]{1,9})\s*[xX]\s*([0-9]{1,9})\s*", re.ASCII)
"""ROWSxCOLS in ASCII digits (at most 9 each: a longer number is refused, not parsed)."""


def parse_array(text: str) -> tuple[int, int]:
    """`"32x32"` -> (32, 32); one-line error otherwise (sizes are checked by the array)."""
    match = ARRAY_PATTERN.fullmatch(text)
    if not match:
        raise AccelsimError(f"--array must be ROWSxCOLS (e.g. 32x32), got {short_repr(text)}")
    rows, cols = int(match.group(1)), int(match.group(2))
    if rows < 1 or cols < 1:
        raise AccelsimError(f"--array: rows and columns must be positive, got {short_repr(text)}")
    return rows, cols


def parse_sram_kb(text: str) -> tuple[int, int, int]:
    """`"64,64,64"` (ifmap, filter, ofmap kB) -> (64, 64, 64); one value applies to all three."""
    parts = [p.strip() for p in text.split(",")]
    if len(parts) == 1:
        parts = parts * 3
    if len(parts) != 3 or not all(
        re.fullmatch("[0-9]{1,9}", p, re.ASCII) and int(p) > 0 for p in parts
    ):
        raise AccelsimError(
            "--sram-kb must be three positive integers IFMAP,FILTER,OFMAP (kB), "
            f"got {short_repr(text)}"
        )
    return int(parts[0]), int(parts[1]), int(parts[2])

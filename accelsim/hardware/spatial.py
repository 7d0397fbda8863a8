"""A spatial PE array (Eyeriss-like): PE grid, per-PE scratchpads, global buffer, buses, clocks."""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from functools import lru_cache
from typing import ClassVar

from accelsim.errors import AccelsimError
from accelsim.files.reading import short_repr
from accelsim.hardware.limits import (
    MAX_BUFFER_KB,
    MAX_BUS_BITS,
    MAX_CLOCK_HZ,
    MAX_SPAD_WORDS,
    MAX_SPATIAL_DIM,
    MAX_TECHNOLOGY_NM,
    MIN_CLOCK_HZ,
    MIN_TECHNOLOGY_NM,
    WORD_BITS,
    check_int,
    check_name,
    check_number,
)

BUS_FIELDS = (
    "dram_bus_bits",
    "noc_filter_bits",
    "noc_ifmap_bits",
    "noc_psum_bits",
    "local_link_bits",
)
"""Bus widths in bits; each carries whole words, so each is a multiple of the word width."""


@dataclass(frozen=True)
class SpatialArray:
    """A spatial PE array with per-PE scratchpads and a global buffer (GLB).

    Scratchpad sizes are in words of `bits`; buffer sizes in kB of 1024 bytes. Defaults are
    Eyeriss (Chen et al., JSSC 2017): 12 x 14 PEs, 12/224/24-word ifmap/filter/psum spads, a 108 kB
    GLB of which 100 kB hold ifmaps and psums, 200 MHz core clock, a 64-bit DRAM link at 60 MHz,
    TSMC 65 nm (`technology_nm`: the process node in nm, the area model's input). Its dataflow is
    row-stationary (`dataflows.row_stationary`).
    """

    kind: ClassVar[str] = "spatial"
    dataflows: ClassVar[tuple[str, ...]] = ("rs",)

    name: str = "eyeriss"
    pe_rows: int = 12
    pe_cols: int = 14
    bits: int = 16
    spad_ifmap_words: int = 12
    spad_filter_words: int = 224
    spad_psum_words: int = 24
    glb_kb: float = 108.0
    glb_ifmap_psum_kb: float = 100.0
    glb_filter_kb: float = 8.0
    clock_hz: float = 200e6
    dram_bus_bits: int = 64
    dram_clock_hz: float = 60e6
    noc_filter_bits: int = 64
    noc_ifmap_bits: int = 16
    noc_psum_bits: int = 64
    local_link_bits: int = 64
    technology_nm: int = 65

    def __post_init__(self) -> None:
        owner = f"spatial array {short_repr(self.name)}"
        check_name("spatial array", "name", self.name)
        check_int(owner, "technology_nm", self.technology_nm, MIN_TECHNOLOGY_NM, MAX_TECHNOLOGY_NM)
        check_int(owner, "bits", self.bits, min(WORD_BITS), max(WORD_BITS))
        if self.bits not in WORD_BITS:
            raise AccelsimError(f"{owner}: bits must be 8 or 16, got {self.bits}")
        for field in ("pe_rows", "pe_cols"):
            check_int(owner, field, getattr(self, field), 1, MAX_SPATIAL_DIM)
        for field in ("spad_ifmap_words", "spad_filter_words", "spad_psum_words"):
            check_int(owner, field, getattr(self, field), 1, MAX_SPAD_WORDS)
        for field in BUS_FIELDS:
            check_int(owner, field, getattr(self, field), 1, MAX_BUS_BITS)
            if getattr(self, field) % self.bits:
                raise AccelsimError(
                    f"{owner}: {field} {getattr(self, field)} "
                    f"is not a multiple of the word width {self.bits}"
                )
        word_kb = self.bits / 8 / 1024
        for field in ("glb_kb", "glb_ifmap_psum_kb", "glb_filter_kb"):
            value = check_number(owner, field, getattr(self, field), 0, MAX_BUFFER_KB, True)
            if value < word_kb:
                raise AccelsimError(
                    f"{owner}: {field} {value:g} kB cannot hold one {self.bits}-bit word"
                )
            object.__setattr__(self, field, value)
        for field in ("clock_hz", "dram_clock_hz"):
            value = check_number(owner, field, getattr(self, field), MIN_CLOCK_HZ, MAX_CLOCK_HZ)
            object.__setattr__(self, field, value)
        if self.glb_ifmap_psum_kb + self.glb_filter_kb > self.glb_kb * (1 + 1e-12):
            raise AccelsimError(
                f"{owner}: glb_ifmap_psum_kb + glb_filter_kb "
                f"({self.glb_ifmap_psum_kb:g} + {self.glb_filter_kb:g}) exceeds glb_kb "
                f"{self.glb_kb:g}"
            )

    @property
    def dataflow(self) -> str:
        return "rs"

    @property
    def shape(self) -> tuple[int, int]:
        """Rows x columns of the array."""
        return (self.pe_rows, self.pe_cols)

    @property
    def num_pes(self) -> int:
        return self.pe_rows * self.pe_cols

    @property
    def word_bytes(self) -> int:
        return self.bits // 8

    @property
    def glb_ifmap_psum_words(self) -> int:
        """Words of ifmap + psum storage in the GLB."""
        return int(self.glb_ifmap_psum_kb * 1024 * 8) // self.bits

    @property
    def glb_filter_words(self) -> int:
        return int(self.glb_filter_kb * 1024 * 8) // self.bits

    @property
    def peak_macs_per_s(self) -> float:
        return self.num_pes * self.clock_hz

    @property
    def dram_clock_ratio(self) -> tuple[int, int]:
        """Core cycles per DRAM link cycle as a fraction (num, den): 200 MHz / 60 MHz = (10, 3)."""
        return _clock_ratio(self.clock_hz, self.dram_clock_hz)


@lru_cache(maxsize=256)
def _clock_ratio(clock_hz: float, dram_clock_hz: float) -> tuple[int, int]:
    frac = Fraction(clock_hz / dram_clock_hz).limit_denominator(10_000)
    return frac.numerator, frac.denominator

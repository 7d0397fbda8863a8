"""Size of an RLC-coded tensor from its zero fraction (the formula; exact for spread-out zeros).

Eyeriss codes feature maps in DRAM as pairs (run of up to 31 zeros in 5 bits, one 16-bit value),
three pairs and a last-word bit per 64-bit word. At 8 bit the same 64-bit word holds five pairs
(4-bit runs of up to 15 zeros, 8-bit values, a last-word bit: 5 x 12 + 1 = 61 bits). The formula
counts one pair per non-zero value; it is exact when no run of zeros is longer than the run field
allows (spread-out zeros). Longer runs need extra pairs: code the real tensor with `accelsim.coding.rlc`
to get those sizes exactly.

`RlcFormat` is the one description of the format: an accelerator carries one (`Accelerator.rlc`),
and every model and the partitioner read it from there; `chip_rlc_format` gives the chip's.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from accelsim.errors import AccelsimError
from accelsim.files.reading import short_repr

MAX_VALUE_BITS = 64
"""Widest coded value: a 64-bit word holds at most one 64-bit pattern (accelsim's are 8 or 16)."""

MAX_RUN_BITS = 32
"""Widest run field: runs of up to 4 Gi zeros, longer than any feature map's."""

MAX_RLC_WORD_BITS = 4096
"""Widest coded word: 64x the chip's 64-bit word."""

MAX_PAIRS_PER_WORD = MAX_RLC_WORD_BITS // 2
"""Most pairs per word: each pair takes at least two bits (a 1-bit run and a 1-bit value)."""

RLC_FIELD_MAX = {
    "value_bits": MAX_VALUE_BITS,
    "run_bits": MAX_RUN_BITS,
    "pairs_per_word": MAX_PAIRS_PER_WORD,
    "word_bits": MAX_RLC_WORD_BITS,
}
"""Each field's upper bound (each is at least 1); the fields must also fit the word together."""


@dataclass(frozen=True)
class RlcFormat:
    """One coded word: `pairs_per_word` (run, value) pairs of `run_bits` + `value_bits`, plus a
    last-word bit, in `word_bits`."""

    value_bits: int
    run_bits: int
    pairs_per_word: int
    word_bits: int = 64

    def __post_init__(self) -> None:
        for name, high in RLC_FIELD_MAX.items():
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= high:
                raise AccelsimError(
                    f"RLC format: {name} must be an integer in [1, {high}], got {short_repr(value)}"
                )
        used = self.pairs_per_word * (self.run_bits + self.value_bits) + 1
        if used > self.word_bits:
            raise AccelsimError(
                f"RLC format: {self.pairs_per_word} pairs of {self.run_bits} + {self.value_bits} "
                f"bits and a last-word bit need {used} bits, more than word_bits {self.word_bits}"
            )
        if self.word_bits % self.value_bits:
            raise AccelsimError(
                f"RLC format: word_bits {self.word_bits} is not a multiple of the "
                f"{self.value_bits}-bit data word"
            )

    @property
    def max_run(self) -> int:
        return (1 << self.run_bits) - 1


def chip_rlc_format(bits: int) -> RlcFormat:
    """The chip's format at 16 bit (3 pairs of 5 + 16 bits) and its 8-bit variant (5 of 4 + 8)."""
    if bits == 16:
        return RlcFormat(value_bits=16, run_bits=5, pairs_per_word=3)
    if bits == 8:
        return RlcFormat(value_bits=8, run_bits=4, pairs_per_word=5)
    raise AccelsimError(f"bits must be 8 or 16, got {bits}")


def expected_nonzeros(values: int, zero_fraction: float) -> int:
    """Non-zero values among `values` at a zero fraction, rounded to the nearest integer."""
    if values < 0:
        raise AccelsimError(f"values must be non-negative, got {values}")
    if not 0.0 <= zero_fraction <= 1.0:
        raise AccelsimError(f"zero fraction must be in [0, 1], got {zero_fraction}")
    return round(values * (1.0 - zero_fraction))


def as_format(fmt: RlcFormat | int) -> RlcFormat:
    """A format, or the chip's format at a bit width."""
    return fmt if isinstance(fmt, RlcFormat) else chip_rlc_format(fmt)


def rlc_words(values: int, zero_fraction: float, fmt: RlcFormat | int) -> int:
    """Coded size in data words (RLC words x word_bits / value_bits), formula for spread zeros.

    `fmt` is a format or a bit width (the chip's format at that width). A tensor with no
    non-zero value still takes one coded word (its last-word bit).
    """
    fmt = as_format(fmt)
    pairs = max(expected_nonzeros(values, zero_fraction), 1 if values else 0)
    return math.ceil(pairs / fmt.pairs_per_word) * (fmt.word_bits // fmt.value_bits)


def rlc_words_unrounded(values: float, zero_fraction: float, fmt: RlcFormat) -> float:
    """CNNergy's coded size in data words: non-zeros / pairs per word x words per RLC word,
    left unrounded as the reference does."""
    return values * (1.0 - zero_fraction) / fmt.pairs_per_word * (fmt.word_bits / fmt.value_bits)

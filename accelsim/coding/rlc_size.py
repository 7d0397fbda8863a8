"""Size of an RLC-coded tensor from its zero fraction (the formula; exact for spread-out zeros).

Eyeriss codes feature maps in DRAM as pairs (run of up to 31 zeros in 5 bits, one 16-bit value),
three pairs and a last-word bit per 64-bit word. At 8 bit the same 64-bit word holds five pairs
(4-bit runs of up to 15 zeros, 8-bit values, a last-word bit: 5 x 12 + 1 = 61 bits). The formula
counts one pair per non-zero value; it is exact when no run of zeros is longer than the run field
allows (spread-out zeros). Longer runs need extra pairs: code the real tensor with `accelsim.coding.rlc`
to get those sizes exactly.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from accelsim.errors import AccelsimError


@dataclass(frozen=True)
class RlcFormat:
    """One coded word: `pairs_per_word` (run, value) pairs of `run_bits` + `value_bits`."""

    value_bits: int
    run_bits: int
    pairs_per_word: int
    word_bits: int = 64

    @property
    def max_run(self) -> int:
        return (1 << self.run_bits) - 1


def rlc_format(bits: int) -> RlcFormat:
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


def rlc_words(values: int, zero_fraction: float, bits: int) -> int:
    """Coded size in data words of `bits` (64-bit RLC words x 64 / bits), formula for spread zeros.

    A tensor with no non-zero value still takes one coded word (its last-word bit).
    """
    fmt = rlc_format(bits)
    pairs = max(expected_nonzeros(values, zero_fraction), 1 if values else 0)
    return math.ceil(pairs / fmt.pairs_per_word) * (fmt.word_bits // bits)

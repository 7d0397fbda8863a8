"""Bit-exact run-length coder (RLC) for activation tensors in the Eyeriss DRAM format.

Format (`accelsim.coding.rlc_size.RlcFormat`; the chip's is `chip_rlc_format`): a stream of 64-bit words, each holding
`pairs_per_word` (run, value) pairs and a last-word bit.

- 16 bit: 3 pairs of a 5-bit run (0-31 zeros) and a 16-bit value; bits 0-62 hold the pairs, bit 63
  is the last-word bit.
- 8 bit: 5 pairs of a 4-bit run (0-15 zeros) and an 8-bit value; bits 0-59 hold the pairs, bits
  60-62 are zero, bit 63 is the last-word bit.

Pair k of a word occupies bits [k*w, (k+1)*w) with w = run_bits + value_bits: the run in the low
`run_bits`, the value (its two's-complement bit pattern, `value_bits` wide) above it. A pair means
"`run` zeros, then `value`".

Coding rules (they fix the size exactly):
- Scan order: the array flattened in C order (for a C x H x W feature map: channel by channel, row by
  row, left to right).
- Every non-zero value ends one pair whose run counts the zeros since the previous pair.
- A run longer than the run field: when `max_run` zeros are pending and another zero arrives, that
  zero is emitted as a literal value, pair (max_run, 0), covering max_run + 1 zeros. A run of L zeros
  before a non-zero value therefore costs floor(L / (max_run + 1)) extra pairs.
- Trailing zeros (after the last non-zero value) are not coded: the receiver knows the tensor's size
  (it is the layer's shape), and the decoder fills the rest with zeros.
- A partially filled last word leaves its unused pair slots all-zero; they decode as zeros, which is
  harmless because only trailing zeros can follow. The last word has the last-word bit set; no other
  word does. A tensor without a non-zero value is one word holding only the last-word bit.

So the coded size is 64 * max(1, ceil(pairs / pairs_per_word)) bits, with pairs = non-zeros + extra
pairs for long runs. The size formula of `rlc_size` counts one pair per non-zero value: it equals the
real code exactly when no run of zeros before a non-zero value is longer than `max_run` (31 at 16 bit,
15 at 8 bit) and the zero fraction reproduces the non-zero count; real ReLU maps with long zero runs
(e.g. dead channels) code larger than the formula.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numba import njit

from accelsim.coding.activation_files import load_activations
from accelsim.coding.rlc_size import RlcFormat, as_format
from accelsim.errors import AccelsimError

WORD_BITS = 64
LAST_WORD_BIT = 63


@dataclass(frozen=True)
class RlcStream:
    """A coded tensor: the 64-bit words plus what the receiver knows (shape, width, data type)."""

    words: np.ndarray
    shape: tuple[int, ...]
    bits: int
    dtype: str
    format: RlcFormat | None = None
    """The format coded in (None: the chip's format at `bits`)."""

    @property
    def coded_bits(self) -> int:
        return int(self.words.size) * WORD_BITS

    @property
    def count(self) -> int:
        return int(np.prod(self.shape, dtype=np.int64))


# Hot loops ---------------------------------------------------------------------------------------
@njit(cache=True)
def _count_pairs(is_zero: np.ndarray, max_run: int) -> int:
    """Pairs the coder emits for a flat zero mask (same rules as `_encode`; trailing zeros free)."""
    end = is_zero.size
    while end > 0 and is_zero[end - 1]:
        end -= 1
    pairs = 0
    run = 0
    for i in range(end):
        if is_zero[i]:
            if run == max_run:
                pairs += 1
                run = 0
            else:
                run += 1
        else:
            pairs += 1
            run = 0
    return pairs


@njit(cache=True)
def _encode(raw: np.ndarray, run_bits: int, value_bits: int, pairs_per_word: int) -> np.ndarray:
    """Code flat raw bit patterns (uint64, zero means zero) into 64-bit RLC words.

    Only values up to the last non-zero one are coded; the trailing zeros are implied.
    """
    max_run = (1 << run_bits) - 1
    pair_bits = run_bits + value_bits
    end = raw.size
    while end > 0 and raw[end - 1] == 0:
        end -= 1
    n_pairs = 0
    run = 0
    for i in range(end):
        if raw[i] == 0:
            if run == max_run:
                n_pairs += 1
                run = 0
            else:
                run += 1
        else:
            n_pairs += 1
            run = 0
    n_words = max(1, (n_pairs + pairs_per_word - 1) // pairs_per_word)
    words = np.zeros(n_words, dtype=np.uint64)
    pair = 0
    run = 0
    for i in range(end):
        value = raw[i]
        emit = False
        if value == 0:
            if run == max_run:
                emit = True
            else:
                run += 1
        else:
            emit = True
        if emit:
            slot = pair % pairs_per_word
            field = np.uint64(run) | (np.uint64(value) << np.uint64(run_bits))
            words[pair // pairs_per_word] |= field << np.uint64(slot * pair_bits)
            pair += 1
            run = 0
    words[n_words - 1] |= np.uint64(1) << np.uint64(LAST_WORD_BIT)
    return words


@njit(cache=True)
def _decode(
    words: np.ndarray,
    count: int,
    run_bits: int,
    value_bits: int,
    pairs_per_word: int,
    out: np.ndarray,
) -> int:
    """Decode into `out` (uint64 raw patterns, zeroed, length `count`).

    Returns 0 on success, 1 if the last-word bit is misplaced, 2 if the stream codes a non-zero value
    beyond `count` values, 3 if bits outside the pair fields are set.
    """
    pair_bits = run_bits + value_bits
    run_mask = np.uint64((1 << run_bits) - 1)
    value_mask = np.uint64((1 << value_bits) - 1)
    pair_mask = np.uint64((1 << pair_bits) - 1)
    used_bits = pair_bits * pairs_per_word
    last = np.uint64(1) << np.uint64(LAST_WORD_BIT)
    spare = np.uint64(0)
    for b in range(used_bits, LAST_WORD_BIT):
        spare |= np.uint64(1) << np.uint64(b)
    n = words.size
    pos = 0
    for w in range(n):
        word = words[w]
        is_last = (word & last) != 0
        if is_last != (w == n - 1):
            return 1
        if (word & spare) != 0:
            return 3
        for slot in range(pairs_per_word):
            field = (word >> np.uint64(slot * pair_bits)) & pair_mask
            run = int(field & run_mask)
            value = (field >> np.uint64(run_bits)) & value_mask
            pos += run
            if pos >= count:
                if value != 0:
                    return 2
                pos += 1
                continue
            out[pos] = value
            pos += 1
    return 0


# Public API --------------------------------------------------------------------------------------
def _check_array(array: np.ndarray, name: str) -> np.ndarray:
    a = np.asarray(array)
    if a.dtype == np.bool_:
        return a.astype(np.uint8)
    if not (np.issubdtype(a.dtype, np.integer) or np.issubdtype(a.dtype, np.floating)):
        raise AccelsimError(f"{name}: activations must be numeric, got dtype {a.dtype}")
    return a


def _raw_patterns(array: np.ndarray, fmt: RlcFormat, name: str) -> tuple[np.ndarray, str]:
    """Flat uint64 bit patterns `value_bits` wide, and the dtype to decode back to."""
    a = _check_array(array, name)
    bits = fmt.value_bits
    if a.dtype == np.float16 and bits == 16:
        flat = np.where(a == 0, np.float16(0), a).reshape(-1).view(np.uint16)
        return flat.astype(np.uint64), "float16"
    if np.issubdtype(a.dtype, np.floating):
        raise AccelsimError(
            f"{name}: the coder stores {bits}-bit integers (or float16 at 16 bit); quantise "
            f"{a.dtype} activations first (coded_bits() sizes any dtype)"
        )
    flat = a.reshape(-1).astype(np.int64)
    signed = np.issubdtype(a.dtype, np.signedinteger)
    low, high = (-(1 << (bits - 1)), (1 << (bits - 1)) - 1) if signed else (0, (1 << bits) - 1)
    if flat.size and (flat.min() < low or flat.max() > high):
        kind = "signed" if signed else "unsigned"
        raise AccelsimError(
            f"{name}: values outside the {kind} {bits}-bit range [{low}, {high}] "
            f"(min {flat.min()}, max {flat.max()})"
        )
    return (flat & ((1 << bits) - 1)).astype(np.uint64), str(a.dtype)


def _codec_format(fmt: RlcFormat | int) -> RlcFormat:
    """The format to code in; the codec writes 64-bit words (last-word bit 63)."""
    fmt = as_format(fmt)
    if fmt.word_bits != WORD_BITS:
        raise AccelsimError(
            f"RLC codec: words of {WORD_BITS} bits only, the format has {fmt.word_bits}"
        )
    return fmt


def encode(array: np.ndarray, bits: RlcFormat | int = 16, name: str = "activations") -> RlcStream:
    """Code an integer (or float16 at 16 bit) array bit-exactly in the chip's RLC format."""
    fmt = _codec_format(bits)
    raw, dtype = _raw_patterns(array, fmt, name)
    words = _encode(raw, fmt.run_bits, fmt.value_bits, fmt.pairs_per_word)
    return RlcStream(words, tuple(np.shape(array)), fmt.value_bits, dtype, fmt)


def decode_words(words: np.ndarray, count: int, bits: RlcFormat | int = 16) -> np.ndarray:
    """Raw `bits`-wide patterns (uint64) of `count` values from coded words; errors if malformed."""
    fmt = _codec_format(bits)
    w = np.ascontiguousarray(words, dtype=np.uint64).reshape(-1)
    if w.size == 0:
        raise AccelsimError("RLC stream: no words (even an all-zero tensor codes one word)")
    if count < 0:
        raise AccelsimError(f"RLC stream: count must be non-negative, got {count}")
    out = np.zeros(count, dtype=np.uint64)
    status = _decode(w, count, fmt.run_bits, fmt.value_bits, fmt.pairs_per_word, out)
    if status == 1:
        raise AccelsimError("RLC stream: the last-word bit must be set on the final word only")
    if status == 2:
        raise AccelsimError(
            f"RLC stream: codes a non-zero value beyond the {count} values expected"
        )
    if status == 3:
        raise AccelsimError("RLC stream: bits outside the pair fields are set")
    return out


def decode(stream: RlcStream) -> np.ndarray:
    """The original array (values, shape and dtype) from a coded stream."""
    raw = decode_words(stream.words, stream.count, stream.format or stream.bits)
    bits = stream.bits
    if stream.dtype == "float16":
        return raw.astype(np.uint16).view(np.float16).reshape(stream.shape)
    dtype = np.dtype(stream.dtype)
    values = raw.astype(np.int64)
    if np.issubdtype(dtype, np.signedinteger):
        values = np.where(values >= (1 << (bits - 1)), values - (1 << bits), values)
    return values.astype(dtype).reshape(stream.shape)


def coded_pairs(array: np.ndarray, bits: RlcFormat | int = 16) -> int:
    """(run, value) pairs the coder emits for `array`; only its zero pattern matters."""
    fmt = _codec_format(bits)
    a = _check_array(array, "activations")
    return int(_count_pairs(np.ascontiguousarray(a == 0).reshape(-1), fmt.max_run))


def coded_bits(array: np.ndarray, bits: RlcFormat | int = 16) -> int:
    """Exact size in bits of `array` coded in a format (a bit width: the chip's format at it)."""
    fmt = _codec_format(bits)
    pairs = coded_pairs(array, bits)
    words = max(1, -(-pairs // fmt.pairs_per_word))
    return words * fmt.word_bits


__all__ = [
    "RlcStream",
    "coded_bits",
    "coded_pairs",
    "decode",
    "decode_words",
    "encode",
    "load_activations",
]

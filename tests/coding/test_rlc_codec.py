"""Round trip, exact sizes and the formula's range of validity for the RLC codec."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from accelsim.coding.rlc import (
    RlcStream,
    coded_bits,
    coded_pairs,
    decode,
    decode_words,
    encode,
    load_activations,
)
from accelsim.coding.rlc_size import chip_rlc_format, rlc_words
from accelsim.errors import AccelsimError

DTYPES = {16: (np.int16, np.uint16), 8: (np.int8, np.uint8)}


def sparse_arrays(bits: int, max_size: int = 400):
    """Integer arrays of the width, mostly zeros, with long zero runs possible."""
    signed, unsigned = DTYPES[bits]

    @st.composite
    def build(draw):
        dtype = draw(st.sampled_from([signed, unsigned]))
        info = np.iinfo(dtype)
        n = draw(st.integers(0, max_size))
        density = draw(st.floats(0.0, 1.0))
        rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
        values = rng.integers(int(info.min), int(info.max) + 1, size=n, dtype=np.int64)
        keep = rng.random(n) < density
        return np.where(keep, values, 0).astype(dtype)

    return build()


def reference_pairs(flat: np.ndarray, max_run: int) -> int:
    """Pairs by counting runs: one per non-zero, plus floor(L / (max_run + 1)) per coded run."""
    pairs, run = 0, 0
    for value in flat:
        if value == 0:
            run += 1
        else:
            pairs += 1 + run // (max_run + 1)
            run = 0
    return pairs


@pytest.mark.parametrize("bits", [16, 8])
@settings(max_examples=150, deadline=None)
@given(data=st.data())
def test_round_trip_is_bit_exact(bits, data):
    array = data.draw(sparse_arrays(bits))
    stream = encode(array, bits)
    back = decode(stream)
    assert back.dtype == array.dtype
    assert back.shape == array.shape
    assert np.array_equal(back, array)
    assert stream.coded_bits == coded_bits(array, bits)


@pytest.mark.parametrize("bits", [16, 8])
@settings(max_examples=150, deadline=None)
@given(data=st.data())
def test_pair_count_matches_run_arithmetic(bits, data):
    array = data.draw(sparse_arrays(bits))
    fmt = chip_rlc_format(bits)
    expected = reference_pairs(array.reshape(-1), fmt.max_run)
    assert coded_pairs(array, bits) == expected
    words = max(1, -(-expected // fmt.pairs_per_word))
    assert coded_bits(array, bits) == 64 * words


@pytest.mark.parametrize("bits", [16, 8])
@settings(max_examples=150, deadline=None)
@given(data=st.data())
def test_formula_is_exact_when_zeros_are_spread_out(bits, data):
    """No run of zeros before a non-zero value longer than the run field: formula == real code."""
    fmt = chip_rlc_format(bits)
    n_nonzero = data.draw(st.integers(1, 300))
    runs = data.draw(st.lists(st.integers(0, fmt.max_run), min_size=n_nonzero, max_size=n_nonzero))
    trailing = data.draw(st.integers(0, 200))
    flat = []
    for run in runs:
        flat.extend([0] * run)
        flat.append(data.draw(st.integers(1, 100)))
    flat.extend([0] * trailing)
    array = np.array(flat, dtype=np.int16 if bits == 16 else np.int8)
    zero_fraction = float(np.mean(array == 0))
    formula_bits = rlc_words(array.size, zero_fraction, bits) * bits
    assert coded_bits(array, bits) == formula_bits


def test_long_runs_cost_more_than_the_formula():
    """One value after 100 zeros at 16 bit: (31,0) x 3 + (7,v) = 4 pairs, two words, not one."""
    array = np.zeros(101, dtype=np.int16)
    array[-1] = 9
    assert coded_pairs(array, 16) == 4
    assert coded_bits(array, 16) == 128
    assert rlc_words(101, 100 / 101, 16) * 16 == 64


def test_word_layout_16bit():
    """Pair k at bits 21k..21k+20: run in the low 5 bits, value above; bit 63 marks the last word."""
    array = np.array([0, 0, 5, 7, 0, -1], dtype=np.int16)
    words = encode(array, 16).words
    assert words.size == 1
    expected = (2 | 5 << 5) | (0 | 7 << 5) << 21 | (1 | 0xFFFF << 5) << 42 | 1 << 63
    assert int(words[0]) == expected


def test_word_layout_8bit():
    array = np.array([3, 0, 4, 0, 0, 0, 250, 1, 2, 9], dtype=np.uint8)
    words = encode(array, 8).words
    assert words.size == 2
    first = 0
    for slot, (run, value) in enumerate([(0, 3), (1, 4), (3, 250), (0, 1), (0, 2)]):
        first |= (run | value << 4) << (12 * slot)
    assert int(words[0]) == first
    assert int(words[1]) == (0 | 9 << 4) | 1 << 63


def test_all_zero_tensor_is_one_word():
    stream = encode(np.zeros((4, 5, 6), dtype=np.uint16), 16)
    assert stream.words.tolist() == [1 << 63]
    assert np.array_equal(decode(stream), np.zeros((4, 5, 6), dtype=np.uint16))


def test_float16_round_trip_and_float_sizes():
    rng = np.random.default_rng(3)
    array = np.maximum(rng.standard_normal((8, 7, 7)), 0).astype(np.float16)
    assert np.array_equal(decode(encode(array, 16)), array)
    as_float32 = array.astype(np.float32)
    assert coded_bits(as_float32, 16) == coded_bits(array, 16)
    with pytest.raises(AccelsimError, match="quantise"):
        encode(as_float32, 16)


def test_out_of_range_values_are_rejected():
    with pytest.raises(AccelsimError, match="signed 8-bit range"):
        encode(np.array([0, 200], dtype=np.int16), 8)
    with pytest.raises(AccelsimError, match="bits must be 8 or 16"):
        encode(np.array([1], dtype=np.int16), 12)


def test_malformed_streams_are_rejected():
    good = encode(np.array([1, 2, 3, 4], dtype=np.int16), 16)
    with pytest.raises(AccelsimError, match="last-word bit"):
        decode_words(good.words & np.uint64((1 << 63) - 1), 4, 16)
    with pytest.raises(AccelsimError, match="beyond"):
        decode_words(good.words, 2, 16)
    with pytest.raises(AccelsimError, match="no words"):
        decode_words(np.zeros(0, dtype=np.uint64), 1, 16)
    spare = np.array([(1 << 63) | (1 << 61)], dtype=np.uint64)
    with pytest.raises(AccelsimError, match="outside the pair fields"):
        decode_words(spare, 4, 8)


def test_load_activations(tmp_path):
    a = np.arange(6, dtype=np.int16).reshape(2, 3)
    np.save(tmp_path / "pool2.npy", a)
    np.savez(tmp_path / "acts.npz", conv1=a, pool2=a * 0)
    assert set(load_activations(tmp_path / "pool2.npy")) == {"pool2"}
    loaded = load_activations(tmp_path / "acts.npz")
    assert set(loaded) == {"conv1", "pool2"}
    assert np.array_equal(loaded["conv1"], a)
    with pytest.raises(AccelsimError, match="does not exist"):
        load_activations(tmp_path / "missing.npz")
    (tmp_path / "x.txt").write_text("1")
    with pytest.raises(AccelsimError, match=".npy or .npz"):
        load_activations(tmp_path / "x.txt")


def test_stream_properties():
    stream = encode(np.ones((2, 3), dtype=np.int8), 8)
    assert isinstance(stream, RlcStream)
    assert stream.count == 6
    assert stream.coded_bits == 128

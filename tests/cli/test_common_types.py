"""The argparse `type=` functions of numeric flags: a value in range, or one short line."""

import argparse
import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from accelsim.cli.common import (
    MAX_BATCH,
    array_sizes,
    batch_size,
    bounded_float,
    bounded_int,
    mapping_pins,
    sram_sizes,
)
from accelsim.errors import AccelsimError

TEXTS = st.one_of(
    st.text(max_size=40),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.integers(min_value=-(10**40), max_value=10**40).map(str),
    st.text(alphabet="0123456789xX,. -+e_", max_size=30),
)


@settings(max_examples=200)
@given(text=TEXTS)
def test_numbers_in_range_or_one_short_line(text):
    parsers = {
        "int": (bounded_int(1, 100), lambda v: type(v) is int and 1 <= v <= 100),
        "float": (bounded_float(1e-6, 100.0), lambda v: math.isfinite(v) and 1e-6 <= v <= 100),
        "open": (bounded_float(0.0, 1.0, low_open=True), lambda v: 0 < v <= 1),
        "batch": (batch_size, lambda v: 1 <= v <= MAX_BATCH),
        "array": (array_sizes, lambda v: v == text),
        "sram": (sram_sizes, lambda v: v == text),
    }
    for parse, ok in parsers.values():
        try:
            value = parse(text)
        except argparse.ArgumentTypeError as exc:
            message = str(exc)
            assert "\n" not in message and len(message) < 200
        else:
            assert ok(value), (text, value)


@pytest.mark.parametrize("text", ["1.0", "True", "1e3", "", "0", "101", "nan"])
def test_no_float_or_bool_as_int(text):
    with pytest.raises(argparse.ArgumentTypeError):
        bounded_int(1, 100)(text)


def test_mapping_pins():
    assert mapping_pins(["a:m=1", "b:m=2", "m=3"]) == {"a": "m=1", "b": "m=2", "*": "m=3"}
    for specs in (["m=1", "m=2"], ["a:m=1", "a:m=2"], [":m=1"]):
        with pytest.raises(AccelsimError):
            mapping_pins(specs)

"""Axes of a design space: lists and ranges parsed exactly, bad values refused in one line."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from accelsim.errors import AccelsimError
from accelsim.exploration.space import (
    MAX_AXIS_VALUES,
    Space,
    parse_int_axis,
    parse_names,
    parse_number_axis,
    parse_sram_axis,
)


def test_int_axis_lists_and_inclusive_ranges():
    assert parse_int_axis("8,16,32", "--rows") == (8, 16, 32)
    assert parse_int_axis("8:64:8", "--rows") == (8, 16, 24, 32, 40, 48, 56, 64)
    assert parse_int_axis("3:5", "--rows") == (3, 4, 5)
    assert parse_int_axis("8:20:8, 2", "--rows") == (8, 16, 2)


@pytest.mark.parametrize("text", ["", "8,", "a", "8:4", "8:16:0", "1.5", "-3", "1:100000"])
def test_int_axis_refuses(text):
    with pytest.raises(AccelsimError, match="--rows"):
        parse_int_axis(text, "--rows")


def test_sram_axis_single_sizes_and_triples():
    assert parse_sram_axis("32,64/32/128", "--sram-kb") == ((32, 32, 32), (64, 32, 128))
    with pytest.raises(AccelsimError, match="IFMAP/FILTER/OFMAP"):
        parse_sram_axis("64/32", "--sram-kb")


def test_number_axis():
    assert parse_number_axis("54,108.5", "--glb-kb") == (54.0, 108.5)
    with pytest.raises(AccelsimError, match="--glb-kb"):
        parse_number_axis("1e3", "--glb-kb")


@given(st.text(max_size=30))
def test_parsers_refuse_with_one_error_type(text):
    for parse in (parse_int_axis, parse_number_axis, parse_sram_axis, parse_names):
        try:
            values = parse(text, "--axis")
        except AccelsimError as exc:
            assert "\n" not in str(exc)
        else:
            assert 0 < len(values) <= MAX_AXIS_VALUES


def test_space_dedupes_and_checks_values():
    space = Space(arrays=[(8, 8), [8, 8], (16, 16)], bits=(8, 8))
    assert space.arrays == ((8, 8), (16, 16)) and space.bits == (8,)
    assert Space(rows=(8, 16), cols=(4,)).array_sizes == ((8, 4), (16, 4))
    assert Space(rows=(8,)).array_sizes == ((8, None),)


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"arrays": ((8, 8),), "rows": (4,)}, "arrays or rows/cols"),
        ({"rows": (0,)}, "rows must be whole numbers"),
        ({"rows": (True,)}, "rows must be whole numbers"),
        ({"bits": (12,)}, "bits must be 8 or 16"),
        ({"glb_kb": (float("nan"),)}, "glb_kb must be numbers"),
        ({"glb_kb": (-1,)}, "outside"),
        ({"dataflows": ("xs",)}, "dataflow must be one of"),
        ({"models": ()}, "no model"),
        ({"batch": "12"}, "batch must be a list"),
        ({"rows": tuple(range(1, MAX_AXIS_VALUES + 2))}, "the limit is"),
        ({"control": 1}, "control must be true or false"),
    ],
)
def test_space_refuses(fields, message):
    with pytest.raises(AccelsimError, match=message):
        Space(**fields)

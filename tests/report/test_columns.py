"""`Columns` and `text_render` print what pandas prints: for random rows of every kind of value a
result row holds (integers, floats with NaN and infinities, bools, strings with tabs, newlines,
commas and quotes, missing values, mixed columns, numpy scalars), the kinds, the text table, the
CSV, the JSON rows, the sums and the DataFrame are those of `pd.DataFrame(rows)`."""

import json
import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from accelsim.report.columns import Columns, column_sum
from accelsim.report.output import render

MISSING = object()
"""A row without the column."""

floats = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from([0.0, -0.0, 1.0, 0.1, 1e-7, 123456789.0, 1e22, math.nan]),
    st.floats(min_value=-1e6, max_value=1e6).map(np.float64),
)
ints = st.one_of(st.integers(-(2**62), 2**62), st.integers(-5, 5).map(np.int64))
texts = st.one_of(
    st.text(max_size=8),
    st.sampled_from(["conv1", "a,b", 'say "x"', "tab\there", "two\nlines", "cr\r", "", " "]),
)
FLAVOURS = {
    "int": ints,
    "float": floats,
    "int_or_float": st.one_of(ints, floats),
    "int_or_missing": st.one_of(ints, st.just(MISSING)),
    "float_or_none": st.one_of(floats, st.none()),
    "bool": st.one_of(st.booleans(), st.booleans().map(np.bool_)),
    "str": texts,
    "str_or_missing": st.one_of(texts, st.just(MISSING), st.just(math.nan)),
    "mixed": st.one_of(ints, floats, texts, st.booleans(), st.none()),
}


@st.composite
def row_sets(draw):
    flavours = draw(st.lists(st.sampled_from(sorted(FLAVOURS)), min_size=1, max_size=5))
    names = [f"c{i}_{f}" for i, f in enumerate(flavours)]
    n = draw(st.integers(0, 10))
    rows = []
    for _ in range(n):
        row = {}
        for name, flavour in zip(names, flavours, strict=True):
            value = draw(FLAVOURS[flavour])
            if value is not MISSING:
                row[name] = value
        rows.append(row)
    return rows, names


KINDS = {"int64": "int", "float64": "float", "bool": "bool", "str": "str", "object": "object"}


@settings(max_examples=400, deadline=None)
@given(row_sets(), st.sampled_from(["{:.6g}", "{:.4g}", "{:.3g}"]))
def test_every_format_prints_what_pandas_prints(data, float_format):
    rows, names = data
    frame = pd.DataFrame(rows, columns=names)
    table = Columns.from_rows(rows, names)
    assert {n: KINDS[str(d)] for n, d in frame.dtypes.items()} == dict(table.kinds)
    for fmt in ("table", "csv", "json"):
        expected = render(frame, fmt, extra={"run": 1}, float_format=float_format)
        assert render(table, fmt, extra={"run": 1}, float_format=float_format) == expected, fmt
        assert render(Columns.from_frame(frame), fmt, float_format=float_format) == render(
            frame, fmt, float_format=float_format
        ), fmt
    pd.testing.assert_frame_equal(table.to_frame(), frame)


@settings(max_examples=200, deadline=None)
@given(row_sets())
def test_sums_are_pandas_sums(data):
    rows, names = data
    frame = pd.DataFrame(rows, columns=names)
    table = Columns.from_rows(rows, names)
    for name in names:
        if table.kinds[name] in ("int", "float"):
            for min_count in (0, 1):
                expected = frame[name].sum(min_count=min_count)
                got = column_sum(table[name], table.kinds[name], min_count)
                assert got == expected or (math.isnan(got) and math.isnan(expected))


@settings(max_examples=200, deadline=None)
@given(st.lists(st.one_of(st.floats(-1e9, 1e9), st.just(math.nan)), max_size=300))
def test_long_float_sums_match_to_the_last_bit(values):
    """numpy's pairwise summation differs from a running sum from 8 values on."""
    expected = pd.Series(values, dtype="float64").sum(min_count=1)
    got = column_sum(values, "float", min_count=1)
    assert json.dumps(got) == json.dumps(float(expected))


def test_a_results_frame_and_its_columns_print_alike():
    from accelsim.api import evaluate
    from accelsim.models.result import results_columns, results_frame

    results = evaluate("googlenet", "eyeriss", non_mac="costed")
    frame, table = results_frame(results), results_columns(results)
    for fmt in ("table", "csv", "json"):
        assert render(table, fmt) == render(frame, fmt)
    pd.testing.assert_frame_equal(table.to_frame(), frame)


@pytest.mark.parametrize("fmt", ["table", "csv", "json"])
def test_no_rows(fmt):
    frame = pd.DataFrame([], columns=["layer", "macs"])
    assert render(Columns.from_rows([], ["layer", "macs"]), fmt) == render(frame, fmt)

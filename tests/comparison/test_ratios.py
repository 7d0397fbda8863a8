"""Ratio rules and the per-network statistics of a comparison."""

import math

from hypothesis import given
from hypothesis import strategies as st

from accelsim.comparison.ratios import ratio, ratio_stats

positive = st.floats(min_value=1e-12, max_value=1e12, allow_nan=False, allow_infinity=False)


def test_ratio_edge_cases():
    assert ratio(0.0, 0.0) == 1.0
    assert ratio(0.0, 2.0) == math.inf
    assert ratio(2.0, 0.0) == 0.0
    assert math.isnan(ratio(math.nan, 1.0)) and math.isnan(ratio(1.0, math.nan))
    assert ratio(4.0, 6.0) == 1.5


@given(positive, positive)
def test_ratio_is_b_over_a(a, b):
    assert math.isclose(ratio(a, b) * a, b, rel_tol=1e-12)


@given(st.lists(positive, min_size=1, max_size=20))
def test_geomean_of_reciprocal_pairs_is_one(values):
    stats = ratio_stats([*values, *(1.0 / v for v in values)])
    assert math.isclose(stats["geomean"], 1.0, rel_tol=1e-9)
    assert stats["min"] <= 1.0 <= stats["max"]


@given(st.lists(positive, min_size=1, max_size=20))
def test_stats_bounds(values):
    stats = ratio_stats(values)
    assert stats["min"] * (1 - 1e-12) <= stats["geomean"] <= stats["max"] * (1 + 1e-12)
    assert 0.0 <= stats["within_10pct"] <= 1.0


def test_within_band_and_unknowns():
    stats = ratio_stats([0.9, 1.1, 1.0, 1.2, math.nan, math.inf])
    assert stats["within_10pct"] == 3 / 5  # NaN is not a layer compared
    assert stats["max"] == math.inf and stats["min"] == 0.9
    assert math.isclose(stats["geomean"], (0.9 * 1.1 * 1.0 * 1.2) ** 0.25)
    empty = ratio_stats([math.nan])
    assert all(math.isnan(v) for v in empty.values())

"""Ratios of two models' values, and their summary over the layers of a network."""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Any

WITHIN = 0.10
"""The agreement band of `within_10pct`: a ratio in [1 - WITHIN, 1 + WITHIN]."""


def as_number(value: Any) -> float:
    """A result value as a float; NaN for one a model left empty or not numeric (a user CSV)."""
    try:
        return float(value)
    except (TypeError, ValueError):
        return math.nan


def ratio(a: float, b: float) -> float:
    """b / a: 1 when the two are equal (both zero included), inf when only a is zero, NaN when
    either is unknown."""
    if math.isnan(a) or math.isnan(b):
        return math.nan
    if a == b:
        return 1.0
    if a == 0.0:
        return math.inf
    return b / a


def ratio_stats(ratios: Iterable[float]) -> dict[str, float]:
    """Geometric mean, min and max of the known ratios, and the share within ±10 %.

    The geometric mean is over the positive finite ratios (a log-scale average, so 2x and 0.5x
    cancel); min and max include 0 and inf, which say that one model has none of the quantity."""
    known = [r for r in ratios if not math.isnan(r)]
    positive = [r for r in known if 0.0 < r < math.inf]
    if not known:
        return {"geomean": math.nan, "min": math.nan, "max": math.nan, "within_10pct": math.nan}
    geomean = math.exp(sum(math.log(r) for r in positive) / len(positive)) if positive else math.nan
    within = sum(1 for r in known if abs(r - 1.0) <= WITHIN + 1e-12) / len(known)
    return {"geomean": geomean, "min": min(known), "max": max(known), "within_10pct": within}

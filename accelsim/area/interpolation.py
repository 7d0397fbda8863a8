"""Piecewise-linear interpolation in log-log space: power laws between tabulated points.

Area tables are sampled at a few sizes and nodes; between two samples the area follows the power
law through both (a straight line on log-log axes), which keeps it positive and monotone wherever
the samples are.
"""

from __future__ import annotations

import math
from bisect import bisect_left
from collections.abc import Sequence


def loglog(x: float, points: Sequence[tuple[float, float]]) -> float:
    """y at `x` on the log-log polyline through `points` (sorted by x, x within their range)."""
    xs = [p[0] for p in points]
    if not xs[0] <= x <= xs[-1]:
        raise ValueError(f"{x} is outside [{xs[0]}, {xs[-1]}]")
    i = bisect_left(xs, x)
    if xs[i] == x:
        return points[i][1]
    (x0, y0), (x1, y1) = points[i - 1], points[i]
    slope = math.log(y1 / y0) / math.log(x1 / x0)
    return y0 * (x / x0) ** slope

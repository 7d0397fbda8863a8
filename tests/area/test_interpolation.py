"""Log-log interpolation: exact at the points, a power law between them, nothing outside."""

from __future__ import annotations

import pytest

from accelsim.area.interpolation import loglog

POINTS = ((1.0, 2.0), (4.0, 8.0), (16.0, 8.0 * 16))


def test_exact_at_points_and_power_law_between():
    for x, y in POINTS:
        assert loglog(x, POINTS) == y
    assert loglog(2.0, POINTS) == pytest.approx(4.0)  # slope 1 between (1, 2) and (4, 8)
    assert loglog(8.0, POINTS) == pytest.approx(8.0 * 2**2)  # slope 2 between (4, 8), (16, 128)


@pytest.mark.parametrize("x", [0.5, 17.0])
def test_outside_the_points_is_refused(x):
    with pytest.raises(ValueError, match="outside"):
        loglog(x, POINTS)

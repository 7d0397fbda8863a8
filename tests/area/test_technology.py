"""Nodes: the covered range is the CACTI runs'; logic scales by Stillmaker-Baas, monotone."""

from __future__ import annotations

import pytest

from accelsim.area.tables import logic_scaling
from accelsim.area.technology import check_node, covered_nodes, logic_area_scale
from accelsim.errors import AccelsimError


def test_covered_range_is_the_cacti_runs():
    assert covered_nodes() == (22, 65)
    assert check_node(22) == 22 and check_node(65) == 65
    with pytest.raises(AccelsimError, match="area of x: technology_nm 14 is outside"):
        check_node(14, "area of x")


def test_tabulated_factors_are_reproduced():
    for node, factor in logic_scaling():
        assert logic_area_scale(65, node) == pytest.approx(factor, rel=1e-12)
    assert logic_area_scale(45, 45) == 1.0
    assert logic_area_scale(40, 28) * logic_area_scale(28, 40) == pytest.approx(1.0)


def test_logic_area_falls_with_every_smaller_node():
    factors = [logic_area_scale(65, nm) for nm in range(7, 131)]
    assert all(a < b for a, b in zip(factors, factors[1:], strict=False))
    assert logic_area_scale(40, 65) == pytest.approx(1.967, abs=5e-4)

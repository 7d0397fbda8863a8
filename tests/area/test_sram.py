"""SRAM area: CACTI's own numbers at its runs, power laws between them, constant density beyond."""

from __future__ import annotations

import math

import pytest

from accelsim.area.sram import sram_mm2
from accelsim.area.tables import sram_areas
from accelsim.area.technology import SRAM_CELL
from accelsim.errors import AccelsimError


def test_tabulated_runs_are_exact():
    for node, points in sram_areas(SRAM_CELL).items():
        for kb, mm2 in points:
            assert sram_mm2(kb, node) == mm2
    assert sram_mm2(108, 65) == 0.77511  # the Eyeriss GLB size is one of the runs


def test_between_runs_is_the_power_law_through_both():
    (kb0, a0), (kb1, a1) = sram_areas(SRAM_CELL)[65][-2:]
    middle = math.sqrt(kb0 * kb1)
    assert sram_mm2(middle, 65) == pytest.approx(math.sqrt(a0 * a1), rel=1e-12)
    at_32, at_22 = sram_mm2(64, 32), sram_mm2(64, 22)
    slope = math.log(at_32 / at_22) / math.log(32 / 22)
    assert sram_mm2(64, 28) == pytest.approx(at_22 * (28 / 22) ** slope, rel=1e-12)


def test_beyond_the_runs_density_is_constant():
    points = sram_areas(SRAM_CELL)[28 if 28 in sram_areas(SRAM_CELL) else 32]
    (small_kb, small_mm2), (large_kb, large_mm2) = points[0], points[-1]
    assert sram_mm2(24 * 1024, 32) == pytest.approx(24 * large_mm2 * 1024 / large_kb)
    assert sram_mm2(small_kb / 4, 32) == pytest.approx(small_mm2 / 4)
    assert sram_mm2(24 * 1024, 28) == pytest.approx(24 * sram_mm2(1024, 28))


def test_monotone_in_size_and_node():
    sizes = [2.0**k for k in range(-12, 21)] + [0.4375, 108, 24576]
    sizes.sort()
    previous = None
    for node in range(22, 66):
        areas = [sram_mm2(kb, node) for kb in sizes]
        assert all(a < b for a, b in zip(areas, areas[1:], strict=False))
        if previous is not None:
            assert all(a < b for a, b in zip(previous, areas, strict=True))
        previous = areas


@pytest.mark.parametrize("node", [7, 20, 21, 66, 130])
def test_uncovered_nodes_are_refused(node):
    with pytest.raises(AccelsimError, match="outside the 22-65 nm"):
        sram_mm2(64, node)

"""Logic cells: Aladdin's areas at its own width and node; Accelergy's width rules."""

from __future__ import annotations

import pytest

from accelsim.area.logic import adder_um2, mac_um2, multiplier_um2, register_um2
from accelsim.area.tables import logic_area


def test_aladdin_cells_at_their_own_width_and_node():
    assert logic_area("multiplier") == (32, 6350.0, 40)
    assert multiplier_um2(32, 32, 40) == pytest.approx(6350)
    assert adder_um2(32, 40) == pytest.approx(278)
    assert register_um2(1, 40) == pytest.approx(5.98)


def test_width_rules():
    assert multiplier_um2(8, 8, 40) == pytest.approx(6350 / 16)
    assert multiplier_um2(8, 16, 28) == pytest.approx(2 * multiplier_um2(8, 8, 28))
    assert multiplier_um2(16, 16, 65) == pytest.approx(4 * multiplier_um2(8, 8, 65))
    assert adder_um2(16, 65) == pytest.approx(2 * adder_um2(8, 65))
    assert register_um2(576, 65) == pytest.approx(576 * register_um2(1, 65))
    assert mac_um2(16, 40) == pytest.approx(6350 / 4 + 278 / 2)

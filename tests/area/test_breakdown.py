"""AreaBreakdown: the kind's components, the total, and columns that add up both ways."""

from __future__ import annotations

import pytest

from accelsim.area import AreaBreakdown, area_of
from accelsim.errors import AccelsimError
from accelsim.hardware import PRESETS, preset


@pytest.mark.parametrize("name", list(PRESETS))
def test_columns_add_up_by_circuit_and_by_place(name):
    area = area_of(preset(name))
    col = area.columns()
    assert list(col) == [
        "area_mm2",
        "area_sram_mm2",
        "area_register_mm2",
        "area_mac_mm2",
        "area_buffer_mm2",
        "area_pe_mm2",
        "area_overhead_mm2",
    ]
    by_circuit = col["area_sram_mm2"] + col["area_register_mm2"] + col["area_mac_mm2"]
    by_place = col["area_buffer_mm2"] + col["area_pe_mm2"]
    for parts in (by_circuit, by_place):
        assert parts + col["area_overhead_mm2"] == pytest.approx(col["area_mm2"], rel=1e-12)
    assert col["area_mm2"] == area.total_mm2
    assert area.total_mm2 == pytest.approx(area.components_mm2 + area.overhead_mm2)
    assert sum(area.parts().values()) == area.components_mm2


def test_parts_are_the_kind_s():
    assert list(area_of(preset("eyeriss")).parts()) == [
        "glb",
        "filter_spad",
        "spad_register",
        "mac",
    ]
    tpu = area_of(preset("tpu-v1"))
    assert list(tpu.parts()) == [
        "ifmap_sram",
        "filter_sram",
        "ofmap_sram",
        "pipeline_register",
        "mac",
    ]
    assert tpu.glb_mm2 == tpu.filter_spad_mm2 == tpu.spad_register_mm2 == 0.0


def test_frozen_and_checked():
    area = area_of(preset("eyeriss"))
    with pytest.raises(AttributeError):
        area.glb_mm2 = 0.0  # type: ignore[misc]
    with pytest.raises(AccelsimError, match="kind must be spatial or systolic"):
        AreaBreakdown("vector", 65)
    with pytest.raises(AccelsimError, match="a spatial array has no"):
        AreaBreakdown("spatial", 65, ifmap_sram_mm2=1.0)

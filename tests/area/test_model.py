"""area_of: the fit reproduces the Eyeriss core, TPU v1 stays within its published die, and area
never shrinks with more PEs, bigger buffers, wider words or an older node."""

from __future__ import annotations

from dataclasses import replace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from accelsim.area import CORE_OVERHEAD, AreaBreakdown, area_of
from accelsim.area.tables import published
from accelsim.errors import AccelsimError
from accelsim.hardware import PRESETS, SpatialArray, SystolicArray, preset
from accelsim.hardware import limits as L

NODES = st.integers(min_value=22, max_value=65)


def test_eyeriss_is_its_core_by_construction():
    area = area_of(preset("eyeriss"))
    assert area.total_mm2 == pytest.approx(published("eyeriss", "core_area"), rel=1e-12)
    assert area.total_mm2 == pytest.approx(12.25, rel=1e-12)
    assert area.technology_nm == 65 and area.kind == "spatial"


def test_tpu_v1_within_its_published_die():
    area = area_of(preset("tpu-v1"))
    assert area.technology_nm == 28 and area.kind == "systolic"
    assert area.total_mm2 <= published("tpu-v1", "die_area_max") == 331


@pytest.mark.parametrize("name", list(PRESETS))
def test_every_preset_has_an_area(name):
    area = area_of(preset(name))
    assert isinstance(area, AreaBreakdown) and area.total_mm2 > 0
    assert area.overhead_mm2 == pytest.approx((CORE_OVERHEAD - 1) * area.components_mm2)


def _spatial(bits: int = 16, **changes) -> object:
    base = preset("eyeriss", bits)
    glb = changes.pop("glb_kb", base.hardware.glb_kb)
    hw = replace(
        base.hardware, glb_kb=glb, glb_ifmap_psum_kb=glb / 2, glb_filter_kb=glb / 4, **changes
    )
    return replace(base, hardware=hw)


def _systolic(bits: int = 8, **changes) -> object:
    base = preset("scalesim-32x32", bits)
    return replace(base, hardware=replace(base.hardware, **changes))


SPATIAL_SIZES = dict(
    {
        "pe_rows": st.integers(1, L.MAX_SPATIAL_DIM),
        "pe_cols": st.integers(1, L.MAX_SPATIAL_DIM),
        "spad_ifmap_words": st.integers(1, L.MAX_SPAD_WORDS),
        "spad_filter_words": st.integers(1, L.MAX_SPAD_WORDS),
        "spad_psum_words": st.integers(1, L.MAX_SPAD_WORDS),
        "glb_kb": st.floats(0.01, L.MAX_BUFFER_KB),
        "technology_nm": NODES,
    }
)
SYSTOLIC_SIZES = dict(
    {
        "rows": st.integers(1, L.MAX_ARRAY_DIM),
        "cols": st.integers(1, L.MAX_ARRAY_DIM),
        "ifmap_sram_kb": st.integers(1, L.MAX_BUFFER_KB),
        "filter_sram_kb": st.integers(1, L.MAX_BUFFER_KB),
        "ofmap_sram_kb": st.integers(1, L.MAX_BUFFER_KB),
        "technology_nm": NODES,
    }
)


def _total(acc) -> float:
    return area_of(acc).total_mm2


@settings(max_examples=150, deadline=None)
@given(
    design=st.fixed_dictionaries(SPATIAL_SIZES),
    field=st.sampled_from(sorted(SPATIAL_SIZES)),
    data=st.data(),
)
def test_spatial_area_grows_with_every_size(design, field, data):
    if field == "technology_nm":
        bigger = data.draw(st.integers(design[field], 65))
    elif field == "glb_kb":
        bigger = data.draw(st.floats(design[field], L.MAX_BUFFER_KB))
    else:
        limit = L.MAX_SPATIAL_DIM if field.startswith("pe_") else L.MAX_SPAD_WORDS
        bigger = data.draw(st.integers(design[field], limit))
    small = _total(_spatial(**design))
    assert _total(_spatial(**{**design, field: bigger})) >= small
    assert _total(_spatial(16, **design)) > _total(_spatial(8, **design))


@settings(max_examples=150, deadline=None)
@given(
    design=st.fixed_dictionaries(SYSTOLIC_SIZES),
    field=st.sampled_from(sorted(SYSTOLIC_SIZES)),
    data=st.data(),
)
def test_systolic_area_grows_with_every_size(design, field, data):
    if field == "technology_nm":
        limit = 65
    elif field in ("rows", "cols"):
        limit = L.MAX_ARRAY_DIM
    else:
        limit = L.MAX_BUFFER_KB
    bigger = data.draw(st.integers(design[field], limit))
    small = _total(_systolic(**design))
    assert _total(_systolic(**{**design, field: bigger})) >= small
    assert _total(_systolic(16, **design)) > _total(_systolic(8, **design))


@pytest.mark.parametrize("name", list(PRESETS))
def test_area_rises_with_every_node(name):
    acc = preset(name)
    areas = [
        _total(replace(acc, hardware=replace(acc.hardware, technology_nm=nm)))
        for nm in range(22, 66)
    ]
    assert all(a < b for a, b in zip(areas, areas[1:], strict=False))


def test_refusals_are_one_line():
    acc = preset("eyeriss")
    for nm in (16, 21, 66, 90):
        node = replace(acc, hardware=replace(acc.hardware, technology_nm=nm))
        with pytest.raises(AccelsimError, match=f"technology_nm {nm} is outside the 22-65 nm"):
            area_of(node)
    with pytest.raises(AccelsimError, match="area_of takes an Accelerator"):
        area_of(SpatialArray())
    with pytest.raises(AccelsimError, match="area_of takes an Accelerator"):
        area_of(SystolicArray())

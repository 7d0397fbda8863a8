"""Design points: each axis applies to the array kind it describes, hardware that cannot be
built is a refused point, and the sweep's size is bounded."""

import math

import pytest

from accelsim.errors import AccelsimError
from accelsim.exploration.points import DESIGN_COLUMNS, expand
from accelsim.exploration.space import Space


def test_dataflows_take_the_default_preset_of_their_kind():
    points = expand(Space(dataflows=("rs", "os", "ws"), arrays=((8, 8), (16, 16))))
    assert [p.label for p in points] == [
        "eyeriss rs 8x8",
        "eyeriss rs 16x16",
        "scalesim-32x32 os 8x8",
        "scalesim-32x32 os 16x16",
        "scalesim-32x32 ws 8x8",
        "scalesim-32x32 ws 16x16",
    ]
    assert [p.model for p in points] == ["rs"] * 2 + ["systolic"] * 4
    for point in points:
        assert tuple(point.column_dict) == DESIGN_COLUMNS
        assert point.accelerator.hardware.shape == (point.column_dict["rows"],) * 2


def test_axes_apply_to_their_kind_only():
    space = Space(
        dataflows=("rs", "os"),
        glb_kb=(54, 108),
        sram_kb=((32, 32, 32), (64, 64, 64), (128, 128, 128)),
        mappers=("chip", "energy"),
        memory=("scalesim",),
    )
    points = expand(space)
    spatial = [p for p in points if p.accelerator.kind == "spatial"]
    systolic = [p for p in points if p.accelerator.kind == "systolic"]
    assert len(spatial) == 2 * 2 and len(systolic) == 3
    assert {p.accelerator.hardware.glb_kb for p in spatial} == {54.0, 108.0}
    assert all(p.accelerator.hardware.glb_filter_kb == 8.0 for p in spatial)
    assert {p.accelerator.hardware.glb_ifmap_psum_kb for p in spatial} == {46.0, 100.0}
    assert {p.option_dict["mapper"] for p in spatial} == {"chip", "energy"}
    assert all(p.option_dict == {"memory": "scalesim"} for p in systolic)
    assert all(math.isnan(p.column_dict["glb_kb"]) for p in systolic)


def test_models_side_by_side_on_the_kinds_they_evaluate():
    points = expand(Space(dataflows=("rs", "os"), models=("analytical", "simulated")))
    assert [(p.label, p.model, p.column_dict["estimate"]) for p in points] == [
        ("eyeriss rs 12x14 analytical", "analytical", "analytical"),
        ("eyeriss rs 12x14 rs", "rs", "simulated"),
        ("scalesim-32x32 os 32x32 systolic", "systolic", "simulated"),
    ]


def test_unbuildable_hardware_is_a_refused_point():
    points = expand(Space(glb_kb=(4, 108), spad_filter_words=(0 + 1,)))
    small, fine = points
    assert small.accelerator is None and "leaves no room for ifmaps" in small.refusal
    assert fine.accelerator is not None and fine.refusal == ""
    assert small.column_dict["glb_kb"] == 4


def test_bits_pick_each_presets_variant():
    points = expand(Space(bits=(8, 16)))
    assert [(p.accelerator.name, p.accelerator.bits) for p in points] == [
        ("eyeriss-8bit", 8),
        ("eyeriss", 16),
    ]


@pytest.mark.parametrize(
    ("space", "message"),
    [
        (Space(accelerators=("eyeriss",), dataflows=("os",)), "none of the accelerators"),
        (Space(dataflows=("os",), models=("analytical",)), "evaluates systolic arrays"),
        (Space(models=("nope",)), "unknown model 'nope'"),
        (Space(sram_kb=((8, 8, 8),)), "no design is a systolic array"),
        (Space(dataflows=("os",), mappers=("chip",)), "no model swept takes"),
        (Space(mappers=("fastest",)), "option 'mapper' must be one of"),
        (Space(options={"memory": "default"}), "applies to none of the models"),
        (Space(accelerators=("no-such-chip",)), "unknown accelerator"),
        (Space(rows=tuple(range(1, 1001)), cols=tuple(range(1, 1001))), "1000000 design points"),
    ],
)
def test_bad_spaces_are_one_line_errors(space, message):
    with pytest.raises(AccelsimError, match=message):
        expand(space)

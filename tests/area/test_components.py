"""Components of each kind of array, from the hardware description."""

from __future__ import annotations

import pytest

from accelsim.area.components import PIPELINE_WORDS, parts, spatial_parts, systolic_parts
from accelsim.area.logic import mac_um2, register_um2
from accelsim.area.sram import sram_mm2
from accelsim.hardware import preset


def test_eyeriss_components():
    hw = preset("eyeriss").hardware
    got = spatial_parts(hw)
    assert list(got) == ["glb", "filter_spad", "spad_register", "mac"]
    assert got["glb"] == sram_mm2(108, 65)
    assert got["filter_spad"] == pytest.approx(168 * sram_mm2(448 / 1024, 65))
    assert got["spad_register"] == pytest.approx(168 * register_um2((12 + 24) * 16, 65) / 1e6)
    assert got["mac"] == pytest.approx(168 * mac_um2(16, 65) / 1e6)
    assert parts(hw) == got


def test_eight_bit_eyeriss_has_the_same_storage():
    """The 8-bit preset holds twice the words in the same bytes: only its MACs shrink."""
    sixteen = spatial_parts(preset("eyeriss").hardware)
    eight = spatial_parts(preset("eyeriss-8bit").hardware)
    for part in ("glb", "filter_spad", "spad_register"):
        assert eight[part] == pytest.approx(sixteen[part])
    assert eight["mac"] == pytest.approx(
        168 * (6350 / 16 + 278 / 4) / 1e6 * mac_um2(8, 65) / mac_um2(8, 40)
    )


def test_tpu_v1_components():
    hw = preset("tpu-v1").hardware
    got = systolic_parts(hw)
    assert list(got) == ["ifmap_sram", "filter_sram", "ofmap_sram", "pipeline_register", "mac"]
    assert got["ifmap_sram"] == pytest.approx(24 * sram_mm2(1024, 28))
    assert got["pipeline_register"] == pytest.approx(
        65536 * register_um2(PIPELINE_WORDS * 8, 28) / 1e6
    )
    assert got["mac"] == pytest.approx(65536 * mac_um2(8, 28) / 1e6)
    assert parts(hw) == got

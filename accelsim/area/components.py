"""Bottom-up area of each component of an array, before the fitted overhead, in mm2.

Spatial (Eyeriss-like): the GLB and each PE's filter scratchpad are SRAM macros (CACTI 7), the
ifmap and psum scratchpads registers (Aladdin), each PE one MAC. Systolic (TPU-like): the ifmap,
filter and ofmap SRAMs, and per PE one MAC and `PIPELINE_WORDS` pipeline registers. Networks on
chip, control, clock tree and wiring are not modelled part by part: the fitted overhead
(`accelsim.area.overhead`) carries them.
"""

from __future__ import annotations

from accelsim.area.logic import mac_um2, register_um2
from accelsim.area.sram import sram_mm2
from accelsim.hardware.spatial import SpatialArray
from accelsim.hardware.systolic import SystolicArray

UM2_PER_MM2 = 1e6
BYTES_PER_KB = 1024

PIPELINE_WORDS = 3
"""Registers of one systolic PE, in words of the array's width: one each for the ifmap value, the
weight and the psum, each passed on to the neighbouring PE or held there. The dataflows (OS, WS,
IS) differ in which value is held, not in how many registers a PE has; a weight double buffer
(TPU v1's) is not in the hardware description and not counted."""


def spatial_parts(hw: SpatialArray) -> dict[str, float]:
    """Area in mm2 of a spatial array's GLB, filter spads, ifmap+psum spads and MACs."""
    node = hw.technology_nm
    filter_spad_kb = hw.spad_filter_words * hw.word_bytes / BYTES_PER_KB
    register_bits = (hw.spad_ifmap_words + hw.spad_psum_words) * hw.bits
    return {
        "glb": sram_mm2(hw.glb_kb, node),
        "filter_spad": hw.num_pes * sram_mm2(filter_spad_kb, node),
        "spad_register": hw.num_pes * register_um2(register_bits, node) / UM2_PER_MM2,
        "mac": hw.num_pes * mac_um2(hw.bits, node) / UM2_PER_MM2,
    }


def systolic_parts(hw: SystolicArray) -> dict[str, float]:
    """Area in mm2 of a systolic array's three SRAMs, pipeline registers and MACs."""
    node = hw.technology_nm
    registers_um2 = register_um2(PIPELINE_WORDS * hw.bits, node)
    return {
        "ifmap_sram": sram_mm2(hw.ifmap_sram_kb, node),
        "filter_sram": sram_mm2(hw.filter_sram_kb, node),
        "ofmap_sram": sram_mm2(hw.ofmap_sram_kb, node),
        "pipeline_register": hw.num_macs * registers_um2 / UM2_PER_MM2,
        "mac": hw.num_macs * mac_um2(hw.bits, node) / UM2_PER_MM2,
    }


def parts(hw: SpatialArray | SystolicArray) -> dict[str, float]:
    """The bottom-up components of either kind of array, in mm2."""
    return spatial_parts(hw) if isinstance(hw, SpatialArray) else systolic_parts(hw)

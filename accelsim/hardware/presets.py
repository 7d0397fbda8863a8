"""Built-in accelerators, each from its source.

- `eyeriss`, `eyeriss-8bit`: the Eyeriss chip (Chen et al., IEEE JSSC 52(1) 2017; TSMC 65 nm) with
  CNNergy's energy table (NeuPart, TVLSI 2020) and the chip's RLC format.
- `scalesim-32x32`: SCALE-Sim's example configuration (`configs/scale.cfg`: a 32 x 32
  output-stationary array with 64 kB ifmap, filter and ofmap SRAMs) in SCALE-Sim 3.0.0's default
  `InterfaceBandwidth: CALC` mode. SCALE-Sim counts one word per byte, so the preset is 8 bit.
  SCALE-Sim has no clock and no energy model: the clock is accelsim's default 200 MHz and the
  energy table CNNergy's 8-bit 65 nm table (a stand-in that prices systolic and row-stationary
  designs alike, not a measurement of any systolic chip). SCALE-Sim states no technology node
  either: the preset's 65 nm is that of the stand-in energy table.
- `tpu-v1`: a TPU-v1-like array (Jouppi et al., ISCA 2017, `docs/presets.md`): 256 x 256 8-bit
  MACs, weight-stationary, 700 MHz, 28 nm; the 24 MiB Unified Buffer as the ifmap SRAM, the 4 MiB of
  32-bit accumulators (1 Mi values) as the ofmap SRAM, and a double-buffered pair of 64 KiB weight
  tiles as the filter SRAM. Energy: the same 65 nm 8-bit stand-in table, with no clock power (the
  paper gives none apart from total power).

Every preset has an 8- and a 16-bit variant where the source allows one (`preset(name, bits)`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from accelsim.coding.rlc_size import chip_rlc_format
from accelsim.errors import AccelsimError
from accelsim.files.reading import short_repr
from accelsim.hardware.accelerator import Accelerator
from accelsim.hardware.energy import eyeriss_energy
from accelsim.hardware.spatial import SpatialArray
from accelsim.hardware.systolic import SystolicArray


def _check_bits(name: str, bits: int, allowed: tuple[int, ...]) -> None:
    if type(bits) is not int or bits not in allowed:
        raise AccelsimError(
            f"accelerator '{name}': bits must be {' or '.join(map(str, allowed))}, "
            f"got {short_repr(bits)}"
        )


EYERISS_TECHNOLOGY_NM = 65
"""TSMC 65 nm LP (JSSC 2017, Table IV)."""


def eyeriss(bits: int = 16) -> Accelerator:
    """Eyeriss at 16 or 8 bit; at 8 bit each scratchpad holds twice as many words."""
    _check_bits("eyeriss", bits, (8, 16))
    if bits == 16:
        hw = SpatialArray(name="eyeriss", technology_nm=EYERISS_TECHNOLOGY_NM)
    else:
        hw = SpatialArray(
            name="eyeriss-8bit",
            technology_nm=EYERISS_TECHNOLOGY_NM,
            bits=8,
            spad_ifmap_words=24,
            spad_filter_words=448,
            spad_psum_words=48,
            noc_ifmap_bits=16,
        )
    return Accelerator(hw.name, hw, eyeriss_energy(bits), chip_rlc_format(bits))


SCALESIM_TECHNOLOGY_NM = 65
"""SCALE-Sim states no node: the 65 nm of the stand-in energy table (CNNergy's)."""


def scalesim_32x32(bits: int = 8) -> Accelerator:
    """SCALE-Sim's example 32 x 32 OS array with 64 kB SRAMs (8 bit: SCALE-Sim's one-byte words)."""
    _check_bits("scalesim-32x32", bits, (8, 16))
    name = "scalesim-32x32" if bits == 8 else "scalesim-32x32-16bit"
    hw = SystolicArray(
        name=name,
        rows=32,
        cols=32,
        dataflow="os",
        bits=bits,
        technology_nm=SCALESIM_TECHNOLOGY_NM,
    )
    return Accelerator(name, hw, eyeriss_energy(bits), chip_rlc_format(bits))


TPU_V1_CLOCK_HZ = 700e6
TPU_V1_UNIFIED_BUFFER_KB = 24 * 1024
TPU_V1_ACCUMULATOR_VALUES = 4096 * 256
TPU_V1_WEIGHT_TILE_KB = 64
TPU_V1_TECHNOLOGY_NM = 28
"""28 nm (ISCA 2017, Table 2)."""


def tpu_v1(bits: int = 8) -> Accelerator:
    """A TPU-v1-like 256 x 256 weight-stationary array at 8 bit (ISCA 2017)."""
    _check_bits("tpu-v1", bits, (8,))
    hw = SystolicArray(
        name="tpu-v1",
        rows=256,
        cols=256,
        dataflow="ws",
        ifmap_sram_kb=TPU_V1_UNIFIED_BUFFER_KB,
        filter_sram_kb=2 * TPU_V1_WEIGHT_TILE_KB,
        ofmap_sram_kb=TPU_V1_ACCUMULATOR_VALUES // 1024,
        bits=8,
        clock_hz=TPU_V1_CLOCK_HZ,
        technology_nm=TPU_V1_TECHNOLOGY_NM,
    )
    energy = replace(eyeriss_energy(8), name="tpu-v1 (65 nm stand-in)", clock_power_w=0.0)
    return Accelerator("tpu-v1", hw, energy, chip_rlc_format(8))


PRESETS: dict[str, Callable[[], Accelerator]] = {
    "eyeriss": lambda: eyeriss(16),
    "eyeriss-8bit": lambda: eyeriss(8),
    "scalesim-32x32": lambda: scalesim_32x32(8),
    "tpu-v1": lambda: tpu_v1(8),
}
"""Preset names and their default variant."""

FAMILIES: dict[str, Callable[[int], Accelerator]] = {
    "eyeriss": eyeriss,
    "eyeriss-8bit": eyeriss,
    "scalesim-32x32": scalesim_32x32,
    "tpu-v1": tpu_v1,
}
"""The function that gives each preset at another bit width."""

DEFAULT_FOR_KIND = {"spatial": "eyeriss", "systolic": "scalesim-32x32"}
"""The preset a command uses when only the kind of array (through `--dataflow`) is given."""


def preset(name: str, bits: int | None = None) -> Accelerator:
    """A preset by name, at its own width or at `bits`."""
    if not isinstance(name, str) or name not in PRESETS:
        raise AccelsimError(
            f"unknown accelerator preset {short_repr(name)} (presets: {', '.join(PRESETS)})"
        )
    accelerator = PRESETS[name]()
    if bits is not None and bits != accelerator.bits:
        accelerator = FAMILIES[name](bits)
    return accelerator

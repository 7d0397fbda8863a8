"""What the RS model runs with once a calibration is applied: the array as the mapper and the
engines see it, and the energy table they price with.

The calibration changes no hardware fact. Its GLB convention sets the capacity the mapper fills
(glb_ifmap_psum_kb read in kB of `glb_kb_bytes`); its DRAM link efficiency slows the link to the
rate the transfers sustain (the link clock x efficiency); its static power is added to the clock
power (power over the latency). With the default calibration both are the accelerator's own.
"""

from __future__ import annotations

from dataclasses import replace
from functools import lru_cache

from accelsim.hardware.accelerator import Accelerator
from accelsim.hardware.energy import EnergyTable
from accelsim.hardware.spatial import SpatialArray


@lru_cache(maxsize=256)
def rs_hardware(config: Accelerator) -> SpatialArray:
    """The spatial array the RS mapper and engines see under the accelerator's calibration."""
    hw = config.hardware
    cal = config.calibration
    changes: dict[str, float] = {}
    if cal.glb_kb_bytes != 1000:
        scale = cal.glb_kb_bytes / 1000
        changes.update(
            glb_kb=hw.glb_kb * scale,
            glb_ifmap_psum_kb=hw.glb_ifmap_psum_kb * scale,
            glb_filter_kb=hw.glb_filter_kb * scale,
        )
    if cal.dram_link_efficiency != 1.0:
        changes["dram_clock_hz"] = hw.dram_clock_hz * cal.dram_link_efficiency
    return replace(hw, **changes) if changes else hw


@lru_cache(maxsize=256)
def rs_energy(config: Accelerator) -> EnergyTable:
    """The energy table the RS model prices with: the accelerator's, plus the static power."""
    table = config.energy
    static = config.calibration.static_power_w
    if static == 0.0:
        return table
    return replace(table, clock_power_w=table.clock_power_w + static)


@lru_cache(maxsize=256)
def applied(config: Accelerator) -> Accelerator:
    """The accelerator with its calibration's mechanisms built into the array and the energy
    table (`rs_hardware`, `rs_energy`), and only its mapping policy left in `calibration`.
    Idempotent: the RS engine's entry points apply it, whichever of them is called first."""
    cal = config.calibration
    rest = replace(cal, glb_kb_bytes=1000, dram_link_efficiency=1.0, static_power_w=0.0)
    if rest == cal or config.kind != "spatial":
        return config
    return replace(config, hardware=rs_hardware(config), energy=rs_energy(config), calibration=rest)

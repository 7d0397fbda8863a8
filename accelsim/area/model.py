"""`area_of`: the area of an accelerator, cited components times the fitted core overhead."""

from __future__ import annotations

from accelsim.area.breakdown import AreaBreakdown
from accelsim.area.components import parts
from accelsim.area.overhead import CORE_OVERHEAD
from accelsim.area.technology import check_node
from accelsim.errors import AccelsimError
from accelsim.files.reading import short_repr
from accelsim.hardware.accelerator import Accelerator


def area_of(accelerator: Accelerator) -> AreaBreakdown:
    """The modelled core area of `accelerator` by component (`docs/area.md`).

    Each component comes from a cited model (CACTI 7 SRAM, Aladdin logic, Stillmaker-Baas
    scaling) at the array's `technology_nm`; their sum times `CORE_OVERHEAD` (fitted on the
    Eyeriss core) is the total. Nodes outside 22-65 nm are refused.
    """
    if not isinstance(accelerator, Accelerator):
        raise AccelsimError(f"area_of takes an Accelerator, got {short_repr(accelerator)}")
    hw = accelerator.hardware
    check_node(hw.technology_nm, f"area of accelerator '{accelerator.name}'")
    components = parts(hw)
    overhead = (CORE_OVERHEAD - 1) * sum(components.values())
    return AreaBreakdown(
        kind=accelerator.kind,
        technology_nm=hw.technology_nm,
        overhead_mm2=overhead,
        **{f"{part}_mm2": mm2 for part, mm2 in components.items()},
    )

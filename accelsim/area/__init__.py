"""Silicon area of an accelerator: cited component models (CACTI 7 SRAM, Aladdin logic,
Stillmaker-Baas node scaling) summed, times one overhead factor fitted on the Eyeriss core and
checked against TPU v1 (`docs/area.md`)."""

from accelsim.area.breakdown import AreaBreakdown
from accelsim.area.model import area_of
from accelsim.area.overhead import CORE_OVERHEAD, FIT_SET

__all__ = ["CORE_OVERHEAD", "FIT_SET", "AreaBreakdown", "area_of"]

"""The one fitted constant of the area model: the core overhead factor.

Summed component models (CACTI SRAM, Aladdin logic) fall well below real silicon: they leave out
networks on chip, control, clock tree, wiring, power grid and placement white space. The model
multiplies its component sum by one factor, fitted on one chip and checked on another
(`docs/area.md`): fitted on the Eyeriss core, checked against TPU v1's die.
"""

from __future__ import annotations

from accelsim.area.components import spatial_parts
from accelsim.area.tables import published
from accelsim.hardware.presets import eyeriss

FIT_SET = (
    f"Eyeriss core area {published('eyeriss', 'core_area'):g} mm2 "
    "(3.5 mm x 3.5 mm, TSMC 65 nm; Chen et al., JSSC 2017 Table IV)"
)
"""The fit set of `CORE_OVERHEAD`: one chip, one number."""


def fit_core_overhead() -> float:
    """Published Eyeriss core area / the component sum of the `eyeriss` preset (16 bit, 65 nm)."""
    core_mm2 = published("eyeriss", "core_area")
    return core_mm2 / sum(spatial_parts(eyeriss(16).hardware).values())


CORE_OVERHEAD: float = fit_core_overhead()
"""Core area / summed component area, fitted on exactly one chip: the Eyeriss core, 12.25 mm2
(JSSC 2017 Table IV), against the `eyeriss` preset's components. The same factor prices every
design, node and kind; TPU v1 is its check (never its fit)."""

"""Technology nodes the area model covers, and logic area scaling between nodes.

SRAM area comes from CACTI 7 runs at 65, 45, 32 and 22 nm (`accelsim.area.sram`), so the model
covers 22-65 nm and refuses other nodes rather than extrapolate SRAM density. Logic (multipliers,
adders, registers) scales by Stillmaker and Baas' factors relative to 65 nm, interpolated log-log
between their nodes (130, 90, 65, 45, 32, 20, ... nm), e.g. Aladdin's 40 nm cells to 65 or 28 nm.
"""

from __future__ import annotations

from accelsim.area.interpolation import loglog
from accelsim.area.tables import logic_scaling, sram_areas
from accelsim.errors import AccelsimError
from accelsim.files.reading import short_repr

SRAM_CELL = "itrs-lop"
"""The CACTI 7 cell type every SRAM is priced in: ITRS low operating power, the cell type closest
to the fit chip's TSMC 65 nm LP process (Eyeriss). One cell type for every node and design; its
area per kB is within -1 % to +40 % of `itrs-hp`'s in the same runs (`docs/area.md`)."""


def covered_nodes() -> tuple[int, int]:
    """The smallest and largest node (nm) the area model covers: those of the CACTI table."""
    nodes = sorted(sram_areas(SRAM_CELL))
    return nodes[0], nodes[-1]


def check_node(technology_nm: int, owner: str = "area model") -> int:
    """`technology_nm` if the area model covers it; else a one-line error naming the range."""
    low, high = covered_nodes()
    if not low <= technology_nm <= high:
        runs = ", ".join(str(node) for node in sorted(sram_areas(SRAM_CELL)))
        raise AccelsimError(
            f"{owner}: technology_nm {short_repr(technology_nm)} is outside the {low}-{high} nm "
            f"the area model covers (its CACTI 7 SRAM runs are at {runs} nm)"
        )
    return technology_nm


def logic_area_scale(from_nm: float, to_nm: float) -> float:
    """Factor turning a logic cell's area at `from_nm` into its area at `to_nm` (Stillmaker-Baas,
    relative to 65 nm, log-log between tabulated nodes)."""
    table = logic_scaling()
    return loglog(to_nm, table) / loglog(from_nm, table)

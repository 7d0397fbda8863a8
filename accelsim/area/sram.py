"""Area of one SRAM macro from CACTI 7 (64-bit port, one bank, `technology.SRAM_CELL` cells).

Between tabulated sizes (0.5-1024 kB) and nodes (22, 32, 45, 65 nm) the area is interpolated
log-log. Outside the sizes the density of the nearest end holds: a buffer above 1024 kB is banked
from 1024 kB macros (area proportional to size), one below 0.5 kB has the 0.5 kB macro's area per
kB (CACTI's smallest run; smaller macros are likely less dense still, so this is a lower bound).
Nodes outside 22-65 nm are refused (`technology.check_node`).
"""

from __future__ import annotations

from accelsim.area.interpolation import loglog
from accelsim.area.tables import sram_areas
from accelsim.area.technology import SRAM_CELL, check_node


def _at_node(size_kb: float, points: tuple[tuple[float, float], ...]) -> float:
    """Area (mm2) of `size_kb` at one tabulated node, density held constant beyond the table."""
    (small_kb, small_mm2), (large_kb, large_mm2) = points[0], points[-1]
    if size_kb <= small_kb:
        return small_mm2 * size_kb / small_kb
    if size_kb >= large_kb:
        return large_mm2 * size_kb / large_kb
    return loglog(size_kb, points)


def sram_mm2(size_kb: float, technology_nm: int) -> float:
    """Area in mm2 of an SRAM of `size_kb` kB (1024 bytes) at `technology_nm`."""
    check_node(technology_nm)
    table = sram_areas(SRAM_CELL)
    if technology_nm in table:
        return _at_node(size_kb, table[technology_nm])
    nodes = sorted(table)
    above = min(n for n in nodes if n > technology_nm)
    below = max(n for n in nodes if n < technology_nm)
    at_nodes = [(below, _at_node(size_kb, table[below])), (above, _at_node(size_kb, table[above]))]
    return loglog(technology_nm, at_nodes)

"""The cited tables the area model reads (`accelsim/data/area/`, each row naming its source).

Read once with the `csv` module (no numerical library), skipping the `#` provenance lines.
"""

from __future__ import annotations

import csv
from fractions import Fraction
from functools import cache
from importlib import resources

SRAM_TABLE = "cacti7_sram_area_energy_sweep.csv"
LOGIC_TABLE = "logic_areas.csv"
SCALING_TABLE = "logic_area_scaling.csv"
PUBLISHED_TABLE = "published_areas.csv"


def rows(name: str) -> list[dict[str, str]]:
    """The rows of one table in `accelsim/data/area/`, its `#` provenance lines skipped."""
    text = (resources.files("accelsim") / "data" / "area" / name).read_text(encoding="utf-8")
    lines = [line for line in text.splitlines() if line.strip() and not line.startswith("#")]
    return list(csv.DictReader(lines))


@cache
def sram_areas(cell_type: str) -> dict[int, tuple[tuple[float, float], ...]]:
    """CACTI 7 SRAM area of one cell type: node (nm) -> ((size kB, area mm2), ...) by size."""
    table: dict[int, list[tuple[float, float]]] = {}
    for row in rows(SRAM_TABLE):
        if row["cell_type"] == cell_type:
            table.setdefault(int(row["tech_nm"]), []).append(
                (float(row["size_kB"]), float(row["area_mm2"]))
            )
    return {node: tuple(sorted(points)) for node, points in sorted(table.items())}


@cache
def logic_area(component: str) -> tuple[int, float, int]:
    """Aladdin's (width in bits, area in um2, node in nm) of a multiplier, adder or register."""
    for row in rows(LOGIC_TABLE):
        if row["component"] == component:
            return int(row["width_bits"]), float(row["area_um2"]), int(row["technology_nm"])
    raise KeyError(component)


@cache
def logic_scaling() -> tuple[tuple[int, float], ...]:
    """Stillmaker-Baas logic area relative to 65 nm: ((node nm, factor), ...) by node."""
    return tuple(
        sorted(
            (int(row["technology_nm"]), float(row["area_relative_to_65nm"]))
            for row in rows(SCALING_TABLE)
        )
    )


@cache
def published(chip: str, item: str) -> float:
    """A published figure (`published_areas.csv`): an area in mm2 or a share as a fraction."""
    for row in rows(PUBLISHED_TABLE):
        if (row["chip"], row["item"]) == (chip, item):
            return float(Fraction(row["value"]))
    raise KeyError((chip, item))

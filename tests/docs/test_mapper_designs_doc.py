"""docs/rs-simulator.md's table of AlexNet on other arrays and GLB sizes is what the mappers give
today (`python tests/docs/test_mapper_designs_doc.py` prints the rows)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

import accelsim
from accelsim.hardware import Accelerator, resolve_accelerator

DOC = Path(__file__).resolve().parents[2] / "docs" / "rs-simulator.md"
DESIGNS = ((12, 14, 100.0), (12, 14, 200.0), (32, 32, 100.0), (32, 32, 200.0))
MAPPERS = ("energy", "chip")


def design(rows: int, cols: int, glb_kb: float) -> Accelerator:
    """Eyeriss (16 bit) with a rows x cols array and `glb_kb` kB of ifmap/psum GLB."""
    base = resolve_accelerator("eyeriss", 16)
    hw = base.hardware
    return replace(
        base,
        hardware=replace(hw, pe_rows=rows, pe_cols=cols, glb_ifmap_psum_kb=glb_kb,
                         glb_kb=glb_kb + hw.glb_filter_kb),
    )  # fmt: skip


def row(rows: int, cols: int, glb_kb: float, mapper: str) -> str:
    """One table row: AlexNet per image at the layers' own batch."""
    results = accelsim.evaluate("alexnet", design(rows, cols, glb_kb), model="rs", mapper=mapper)
    conv = [r for r in results if r.layer.startswith("conv")]
    energy = sum(r.energy_j for r in results) * 1e3
    latency = sum(r.latency_s for r in results) * 1e3
    util = [100 * r.utilization for r in conv]
    pes = [int(r.active_pes) for r in conv]
    return (
        f"| {rows} x {cols} | {glb_kb:g} | {mapper} | {energy:.2f} | {latency:.1f} | "
        f"{min(util):.0f}-{max(util):.0f} | {min(pes)}-{max(pes)} of {rows * cols} |"
    )


@pytest.mark.parametrize(("rows", "cols", "glb_kb"), DESIGNS)
@pytest.mark.parametrize("mapper", MAPPERS)
def test_doc_row_is_todays_figure(rows, cols, glb_kb, mapper):
    assert row(rows, cols, glb_kb, mapper) in DOC.read_text()


def test_readme_quotes_the_table():
    def mj(rows, cols, glb_kb, mapper):
        results = accelsim.evaluate(
            "alexnet", design(rows, cols, glb_kb), model="rs", mapper=mapper
        )
        return f"{sum(r.energy_j for r in results) * 1e3:.2f}"

    designs = ((12, 14, 100.0), (12, 14, 200.0), (32, 32, 100.0))
    energy = [mj(*d, "energy") for d in designs]
    chip = [mj(*d, "chip") for d in designs]
    text = (
        f"{energy[0]} mJ per image on the chip's 100 kB GLB, {energy[1]} mJ on 200 kB and "
        f"{energy[2]} mJ on a 32 x 32 array (the `chip` policy: {', '.join(chip[:2])} and "
        f"{chip[2]} mJ)"
    )
    readme = DOC.parents[1] / "README.md"
    assert text in " ".join(readme.read_text().split())


def test_doc_memory_share_on_32x32():
    results = accelsim.evaluate("alexnet", design(32, 32, 100.0), model="rs", mapper="energy")
    share = [
        (r.extra["cycles_dram"] + r.extra["cycles_filter_load"]) / r.extra["cycles"]
        for r in results
        if r.layer.startswith("conv")
    ]
    text = f"take {100 * min(share):.0f}-{100 * max(share):.0f} % of the CONV cycles at 100 kB"
    assert text in " ".join(DOC.read_text().split())


if __name__ == "__main__":
    for mapper in MAPPERS:
        for d in DESIGNS:
            print(row(*d, mapper))

"""docs/area.md stays true: every number the model produces there is recomputed here, and every
cited constant it quotes is the packaged table's. `python tests/area/test_docs_area.py` prints the
generated parts of the page."""

from __future__ import annotations

import math
from pathlib import Path

from accelsim.area import CORE_OVERHEAD, area_of
from accelsim.area.components import PIPELINE_WORDS
from accelsim.area.tables import logic_area, logic_scaling, published, sram_areas
from accelsim.area.technology import SRAM_CELL, covered_nodes, logic_area_scale
from accelsim.hardware import limits as L
from accelsim.hardware import preset

PAGE = Path(__file__).resolve().parents[2] / "docs" / "area.md"


def _pct(value: float) -> str:
    return f"{100 * value:.1f} %"


def factor_line() -> str:
    """The fitted factor as the page states it."""
    components = area_of(preset("eyeriss")).components_mm2
    core = published("eyeriss", "core_area")
    return f"`CORE_OVERHEAD` = {core:g} / {components:.3f} = {CORE_OVERHEAD:.3f}"


def scaling_line() -> str:
    """The logic scale factors the page quotes (Aladdin's node to each preset's node)."""
    node = logic_area("multiplier")[2]
    return (
        f"x {logic_area_scale(node, 65):.3f} from {node} to 65 nm and "
        f"x {logic_area_scale(node, 28):.3f} from {node} to 28 nm"
    )


def eyeriss_table() -> str:
    """The Eyeriss breakdown beside the JSSC 2017 shares."""
    acc = preset("eyeriss")
    hw, area = acc.hardware, area_of(acc)
    core = published("eyeriss", "core_area")
    spad_share = published("eyeriss", "spad_share")
    ratio = published("eyeriss", "spad_over_glb")
    spads = area.filter_spad_mm2 + area.spad_register_mm2
    spad_bytes = hw.spad_filter_words * hw.word_bytes
    register_bits = (hw.spad_ifmap_words + hw.spad_psum_words) * hw.bits
    rows = [
        (
            f"GLB, {hw.glb_kb:g} kB SRAM",
            area.glb_mm2,
            f"spads / {ratio:g} (~{_pct(spad_share / ratio)})",
        ),
        (f"filter spads, {hw.num_pes} x {spad_bytes} B SRAM", area.filter_spad_mm2, ""),
        (
            f"ifmap + psum spads, {hw.num_pes} x {register_bits} register bits",
            area.spad_register_mm2,
            "",
        ),
        ("all spads", spads, "'nearly half'"),
        (
            f"MACs, {hw.num_pes} x ({hw.bits} x {hw.bits}-bit multiplier + {hw.bits}-bit adder)",
            area.mac_mm2,
            _pct(published("eyeriss", "mac_share")),
        ),
        ("core", area.components_mm2, f"{core:g} mm2"),
    ]
    lines = [
        "| component | bottom-up mm2 | x CORE_OVERHEAD, mm2 | share of the core | JSSC 2017 |",
        "|---|---|---|---|---|",
    ]
    for name, mm2, source in rows:
        share = mm2 / area.components_mm2
        lines.append(
            f"| {name} | {mm2:.3f} | {mm2 * CORE_OVERHEAD:.3f} | {_pct(share)} | {source} |"
        )
    lines.append(f"| spads / GLB | {spads / area.glb_mm2:.2f} | | | {ratio:g} |")
    return "\n".join(lines)


def tpu_table() -> str:
    """The TPU v1 breakdown beside the ISCA 2017 bounds."""
    acc = preset("tpu-v1")
    hw, area = acc.hardware, area_of(acc)
    die = published("tpu-v1", "die_area_max")
    mxu_bound = die * published("tpu-v1", "mxu_share")
    ub_bound = die * published("tpu-v1", "unified_buffer_share")
    mxu = area.mac_mm2 + area.pipeline_register_mm2
    rows = [
        (
            f"Unified Buffer (ifmap SRAM, {hw.ifmap_sram_kb} kB)",
            area.ifmap_sram_mm2,
            f"<= {ub_bound:.1f} mm2 ('almost a third')",
        ),
        (
            f"matrix unit: {hw.num_macs} MACs + pipeline registers",
            mxu,
            f"<= {mxu_bound:.1f} mm2 ('a quarter')",
        ),
        (f"- of which {hw.bits}-bit MACs", area.mac_mm2, ""),
        (
            f"- of which registers, {PIPELINE_WORDS * hw.bits} bits per MAC",
            area.pipeline_register_mm2,
            "",
        ),
        (f"accumulators (ofmap SRAM, {hw.ofmap_sram_kb} kB)", area.ofmap_sram_mm2, ""),
        (f"weight tiles (filter SRAM, {hw.filter_sram_kb} kB)", area.filter_sram_mm2, ""),
        ("die", area.components_mm2, f"<= {die:g} mm2"),
    ]
    lines = [
        "| component | bottom-up mm2 | x CORE_OVERHEAD, mm2 | share of the model | ISCA 2017 |",
        "|---|---|---|---|---|",
    ]
    for name, mm2, source in rows:
        share = mm2 / area.components_mm2
        lines.append(
            f"| {name} | {mm2:.2f} | {mm2 * CORE_OVERHEAD:.1f} | {_pct(share)} | {source} |"
        )
    return "\n".join(lines)


def generated() -> list[str]:
    return [factor_line(), scaling_line(), eyeriss_table(), tpu_table()]


def test_generated_parts_are_on_the_page():
    text = PAGE.read_text()
    for part in generated():
        assert part in text, f"docs/area.md lacks (or has an old version of):\n{part}"


def test_cited_constants_are_the_tables():
    text = " ".join(PAGE.read_text().split())
    for component in ("multiplier", "adder", "register"):
        width, um2, node = logic_area(component)
        assert f"{um2:g} um2" in text and f"{node} nm" in text
    row = ", ".join(f"{node}: {factor:g}" for node, factor in logic_scaling() if node >= 20)
    assert row in text
    assert f"`{SRAM_CELL}`" in text
    low, high = covered_nodes()
    assert f"{low}-{high} nm" in text
    assert f"{published('eyeriss', 'core_area'):g} mm2" in text
    assert f"<= {published('tpu-v1', 'die_area_max'):g} mm2" in text


def test_stated_comparisons_hold():
    """The page's words about the results: TPU v1's total and matrix unit within their bounds, its
    Unified Buffer over; the JSSC shares leave 22.6 % of the Eyeriss core to the rest."""
    text = " ".join(PAGE.read_text().split())
    tpu = area_of(preset("tpu-v1"))
    die = published("tpu-v1", "die_area_max")
    assert tpu.total_mm2 <= die
    assert (tpu.mac_mm2 + tpu.pipeline_register_mm2) * CORE_OVERHEAD <= die * published(
        "tpu-v1", "mxu_share"
    )
    assert tpu.ifmap_sram_mm2 * CORE_OVERHEAD > die * published("tpu-v1", "unified_buffer_share")
    assert (
        "The total and the matrix unit are within their bounds; the Unified Buffer exceeds" in text
    )
    spads = published("eyeriss", "spad_share")
    rest = (
        1
        - spads
        - spads / published("eyeriss", "spad_over_glb")
        - published("eyeriss", "mac_share")
    )
    assert f"the remaining {_pct(rest)} of the core" in text


def test_other_figures_on_the_page():
    """Figures the page derives outside the model: the cell types' spread, MAESTRO's arbiter."""
    text = " ".join(PAGE.read_text().split())
    lop, hp = sram_areas("itrs-lop"), sram_areas("itrs-hp")
    ratios = [area / dict(hp[node])[kb] for node in lop for kb, area in lop[node]]
    assert f"up to {100 * (1 - 1 / max(ratios)):.0f} % smaller" in text
    assert f"never larger by more than {math.ceil(100 * (1 / min(ratios) - 1))} %" in text
    pes = preset("eyeriss").hardware.num_pes
    arbiter_mm2 = 395.473 * (1.2886 * pes**2 + 5.5814 * pes - 23.711) / 1e6
    assert "395.473 um2 x (1.2886 N^2 + 5.5814 N - 23.711)" in text
    assert f"{arbiter_mm2:.1f} mm2 for Eyeriss' {pes}" in text
    assert arbiter_mm2 > published("eyeriss", "core_area")
    assert f"{L.MIN_TECHNOLOGY_NM}-{L.MAX_TECHNOLOGY_NM} nm" in text


if __name__ == "__main__":
    print("\n\n".join(generated()))

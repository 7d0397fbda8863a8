"""docs/rs-simulator.md's per-layer comparison with the chip is what the calibrated file
(`docs/examples/eyeriss-cal.toml`) gives today (`python tests/docs/test_rs_silicon_doc.py` prints
the rows)."""

from __future__ import annotations

from pathlib import Path

import pytest

from accelsim.hardware import load_accelerator
from validation.compare import compare_all

ROOT = Path(__file__).resolve().parents[2]
DOC = ROOT / "docs" / "rs-simulator.md"
CALIBRATED = ROOT / "docs" / "examples" / "eyeriss-cal.toml"


def _pct(x: float) -> str:
    return f"{100 * x:+.0f}%"


def doc_rows(table=None) -> list[str]:
    table = compare_all(load_accelerator(CALIBRATED)) if table is None else table
    rows = []
    for r in table.itertuples():
        mapping = ",".join(item.split("=")[1] for item in r.mapping.split(",")[:7])
        rows.append(
            f"| {r.network} | {r.layer} | {mapping} | {r.active_pes}/{r.active_pes_chip} | "
            f"{r.latency_ms:.1f} / {r.latency_ms_chip:.1f} ({_pct(r.latency_err)}) | "
            f"{r.latency_ms_analytical:.1f} ({_pct(r.latency_err_analytical)}) | "
            f"{r.glb_mb:.1f} / {r.glb_mb_chip:.1f} ({_pct(r.glb_err)}) | "
            f"{r.dram_mb:.1f} / {r.dram_mb_chip:.1f} ({_pct(r.dram_err)}) | "
            f"{r.energy_mj:.2f} / {r.energy_mj_chip:.2f} ({_pct(r.energy_err)}; "
            f"{_pct(r.energy_err_analytical)}) |"
        )
    return rows


@pytest.fixture(scope="module")
def table():
    return compare_all(load_accelerator(CALIBRATED))


def test_doc_rows_are_the_calibrated_files(table):
    text = DOC.read_text()
    missing = [row for row in doc_rows(table) if row not in text]
    assert not missing, missing


def test_doc_summary_is_the_tables(table):
    def mean(key: str) -> str:
        return f"{100 * table[key].abs().mean():.1f}"

    proc = table.set_index(["network", "layer"])["processing_latency_err"]
    quoted = [
        f"every layer within 16 % (mean |error| {mean('latency_err')} %, worst AlexNet CONV5 "
        f"{100 * table['latency_err'].abs().max():+.1f} %); CNNergy: mean "
        f"{mean('latency_err_analytical')} %",
        f"every layer within 15 % (worst VGG CONV4-2 {100 * proc[('vgg16', 'conv4_2')]:+.1f} %, "
        f"AlexNet CONV5 {100 * proc[('alexnet', 'conv5')]:+.1f} %;",
        f"DRAM accesses: mean |error| {mean('dram_err')} %. GLB accesses: mean {mean('glb_err')} %",
        f"Energy without DRAM: mean |error| {mean('energy_err')} % (CNNergy "
        f"{mean('energy_err_analytical')} %)",
    ]
    text = " ".join(DOC.read_text().split())
    assert proc.abs().max() < 0.15 and table["latency_err"].abs().max() < 0.16
    for q in quoted:
        assert q in text, q


if __name__ == "__main__":
    print("\n".join(doc_rows()))

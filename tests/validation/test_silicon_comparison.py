"""The RS simulator with the calibrated file (`docs/examples/eyeriss-cal.toml`: the `chip` mapper
fitted on AlexNet) against the Eyeriss chip (JSSC 2017): latency within 25 % on every CONV layer,
and the README's per-layer table."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from accelsim.cli.main import main
from accelsim.hardware import load_accelerator
from accelsim.models.silicon import chip_mapping_frame, silicon_batch, silicon_frame
from validation.compare import compare_all, silicon_network

ROOT = Path(__file__).resolve().parents[2]
CALIBRATED = ROOT / "docs" / "examples" / "eyeriss-cal.toml"


@pytest.fixture(scope="module")
def table():
    return compare_all(load_accelerator(CALIBRATED))


def _ms(x: float) -> str:
    """Three significant digits, trailing zeros kept (51.0, 945)."""
    return f"{x:.0f}" if x >= 100 else f"{x:.1f}" if x >= 10 else f"{x:.2f}"


def readme_rows(table) -> list[str]:
    """The README's per-layer latency table, as the calibrated file gives it."""
    names = {"alexnet": "AlexNet", "vgg16": "VGG-16"}
    return [
        f"| {names[r.network]} {r.layer} | {r.active_pes} / {r.active_pes_chip} | "
        f"{_ms(r.latency_ms)} / {_ms(r.latency_ms_chip)} | {100 * r.latency_err:+.1f} % | "
        f"{100 * r.latency_err_analytical:+.1f} % |"
        for r in table.itertuples()
    ]


def test_readme_latency_table_is_the_calibrated_files(table):
    readme = (ROOT / "README.md").read_text()
    missing = [row for row in readme_rows(table) if row not in readme]
    assert not missing, missing


def test_readme_summary_of_the_table(table):
    vgg = table.set_index(["network", "layer"]).loc[("vgg16", "conv1_2")]
    psum_wait = vgg["cycles_psum_in_noc"] / (vgg["latency_ms"] * 1e-3 * 200e6)
    text = (
        f"Every layer is within 16 % (mean |error| {100 * table['latency_err'].abs().mean():.1f} %)"
        f"; CNNergy's fixed 23.1 GMAC/s misses the early VGG layers by up to "
        f"{100 * table['latency_err_analytical'].abs().max():.0f} %. VGG conv1_2 spends "
        f"{100 * psum_wait:.0f} % of its cycles waiting for psums"
    )
    mean = {k: f"{100 * table[k].abs().mean():.1f}" for k in
            ("dram_err", "glb_err", "energy_err", "energy_err_analytical")}  # fmt: skip
    text2 = (
        f"DRAM accesses are within {mean['dram_err']} % on average (worst VGG conv1_2, "
        f"{100 * vgg['dram_err']:+.0f} %), GLB accesses within {mean['glb_err']} % on average"
    )
    text3 = (
        f"chip energy without DRAM within {mean['energy_err']} % on average (CNNergy "
        f"{mean['energy_err_analytical']} %)"
    )
    readme = " ".join((ROOT / "README.md").read_text().split())
    assert table["latency_err"].abs().max() < 0.16
    for quoted in (text, text2, text3):
        assert quoted in readme, quoted


def test_every_conv_layer_latency_within_25_percent(table):
    assert len(table) == 5 + 13
    worst = table.loc[table["latency_err"].abs().idxmax()]
    assert abs(worst["latency_err"]) < 0.25, f"{worst['network']} {worst['layer']}"


def test_processing_latency_without_dram_waits_within_25_percent(table):
    assert table["processing_latency_err"].abs().max() < 0.25


def test_the_simulator_beats_the_analytical_model_where_passes_dominate(table):
    vgg = table[table["network"] == "vgg16"].set_index("layer")
    # CNNergy's fixed 23.1 GMAC/s misses VGG-16 CONV1-2 by ~4x; the simulator does not.
    assert vgg.loc["conv1_2", "latency_err_analytical"] < -0.6
    assert abs(vgg.loc["conv1_2", "latency_err"]) < 0.1


def test_active_pes_match_except_vgg_conv5_1(table):
    wrong = table[table["active_pes"] != table["active_pes_chip"]]
    assert list(wrong["layer"]) == ["conv5_1"]


def test_dram_accesses_close_to_measured(table):
    # Not a target of the issue; recorded so that a regression shows. VGG CONV1-1/1-2 are the
    # outliers (+17 %, +57 %): the model refetches overlapping ifmap rows per strip and block.
    assert table["dram_err"].abs().median() < 0.06
    assert table["dram_err"].abs().max() < 0.6


def test_silicon_data_is_shipped_and_consistent():
    assert silicon_batch("alexnet") == 4 and silicon_batch("vgg16") == 3
    alex = silicon_frame("alexnet")
    assert list(alex["layer"]) == ["conv1", "conv2", "conv3", "conv4", "conv5"]
    assert list(chip_mapping_frame()["layer"]) == list(alex["layer"])
    net = silicon_network("vgg16")
    assert net.layer("conv1_2").ifmap_zero == pytest.approx(0.477)


def test_validate_silicon_cli(capsys, tmp_path):
    out = tmp_path / "val.json"
    plot = tmp_path / "val.png"
    assert (
        main(
            [
                "validate",
                "silicon",
                "--network",
                "alexnet",
                "--format",
                "json",
                "--out",
                str(out),
                "--plot",
                str(plot),
            ]
        )
        == 0
    )
    data = json.loads(out.read_text())
    assert [row["layer"] for row in data["layers"]] == ["conv1", "conv2", "conv3", "conv4", "conv5"]
    assert "JSSC" in data["reference"]
    assert plot.stat().st_size > 10_000

"""The RS simulator against the Eyeriss chip (JSSC 2017): latency within 25 % on every CONV layer."""

from __future__ import annotations

import json

import pytest

from accelsim.cli.main import main
from accelsim.models.silicon import chip_mapping_frame, silicon_batch, silicon_frame
from validation.compare import compare_all, silicon_network


@pytest.fixture(scope="module")
def table():
    return compare_all()


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

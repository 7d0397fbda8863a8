"""`accelsim accelerator` and `--accelerator` on every command: presets of both kinds, files that
round-trip, SCALE-Sim configs converted, systolic models driven from a file."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from accelsim.cli.main import main
from accelsim.hardware import PRESETS

GOLDEN = Path(__file__).resolve().parents[2] / "validation" / "data" / "scalesim_golden"


def run_cli(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.mark.parametrize("preset", list(PRESETS))
@pytest.mark.parametrize("fmt", ["toml", "yaml"])
def test_a_printed_accelerator_round_trips(capsys, tmp_path, preset, fmt):
    path = tmp_path / f"acc.{fmt}"
    code, _, err = run_cli(capsys, "accelerator", preset, "--format", fmt, "--out", str(path))
    assert code == 0, err
    code, again, err = run_cli(capsys, "accelerator", str(path), "--format", fmt)
    assert code == 0, err
    assert again == path.read_text()


def test_a_scalesim_config_converts(capsys, tmp_path):
    cfg = GOLDEN / "conv_16x4_2-4-1_ws" / "scale.cfg"
    code, text, err = run_cli(capsys, "accelerator", str(cfg))
    assert code == 0, err
    assert 'kind = "systolic"' in text and "rows = 16" in text and 'dataflow = "ws"' in text


@pytest.mark.parametrize("preset", ["scalesim-32x32", "tpu-v1"])
def test_simulate_on_systolic_presets(capsys, preset):
    code, out, err = run_cli(capsys, "simulate", "alexnet", "--accelerator", preset,
                             "--format", "json")  # fmt: skip
    assert code == 0, err
    data = json.loads(out)
    assert data["kind"] == "systolic" and data["model"] == "systolic"
    assert len(data["layers"]) == 8 and all(row["energy_j"] > 0 for row in data["layers"])


def test_energy_and_partition_from_a_systolic_file(capsys, tmp_path):
    path = tmp_path / "mine.toml"
    path.write_text('name = "mine"\nkind = "systolic"\n[hardware]\nrows = 16\ncols = 16\n')
    code, out, err = run_cli(capsys, "energy", "alexnet", "--model", "systolic",
                             "--accelerator", str(path), "--format", "json")  # fmt: skip
    assert code == 0, err
    data = json.loads(out)
    assert (data["accelerator"], data["array"], data["model"]) == ("mine", "16x16", "systolic")
    code, out, err = run_cli(capsys, "partition", "alexnet", "--energy", "systolic",
                             "--accelerator", str(path), "--format", "json")  # fmt: skip
    assert code == 0, err
    assert json.loads(out)["energy_source"] == "systolic"
    code, out, err = run_cli(capsys, "partition", "alexnet", "--energy", "systolic")
    assert code == 0, err


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["energy", "alexnet", "--accelerator", "tpu-v1"], "model 'analytical' evaluates spatial"),
        (["simulate", "alexnet", "--accelerator", "tpu-v1", "--bits", "16"], "bits must be 8"),
        (["simulate", "alexnet", "--accelerator", "nope"], "unknown accelerator 'nope'"),
        (["accelerator", "eyeriss", "--accelerator", "tpu-v1"], "give the accelerator once"),
        (["validate", "silicon", "--accelerator", "tpu-v1"], "16-bit spatial array"),
    ],
)
def test_bad_accelerators_are_one_line_errors(capsys, argv, message):
    code, out, err = run_cli(capsys, *argv)
    assert code == 2 and out == "" and message in err and err.count("\n") == 1

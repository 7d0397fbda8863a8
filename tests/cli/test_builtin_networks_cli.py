"""ResNet-18/50 and MobileNet v1/v2 run through every command (simulate on the row-stationary and
a systolic array, energy, explore, compare), and --zeros reaches simulate, energy and partition."""

from __future__ import annotations

import io
import json

import pandas as pd
import pytest

from accelsim.cli.main import main
from accelsim.workload.builtin import builtin_network

NEW = ["resnet18", "resnet50", "mobilenet_v1", "mobilenet_v2"]


def run_cli(capsys, *argv):
    try:
        code = main(list(argv))
    except SystemExit as exc:
        code = exc.code
    out, err = capsys.readouterr()
    return code, out, err


def frame(out: str) -> pd.DataFrame:
    return pd.read_csv(io.StringIO(out), comment="#")


@pytest.mark.parametrize("name", NEW)
def test_simulate_and_energy_evaluate_every_conv_fc_layer(capsys, name):
    net = builtin_network(name)
    layers = [layer.name for layer in net.compute_layers]
    for argv in (
        ["simulate", name],
        ["simulate", name, "--accelerator", "scalesim-32x32"],
        ["energy", name],
    ):
        code, out, err = run_cli(capsys, *argv, "--format", "csv")
        assert code == 0, err
        rows = frame(out)
        rows = rows[rows["layer"] != "TOTAL"]
        assert list(rows["layer"]) == layers
        assert int(rows["macs"].sum()) == net.macs
        assert (rows["energy_j"] > 0).all()


def test_explore_and_compare_take_the_new_networks(capsys):
    code, out, err = run_cli(
        capsys, "explore", *NEW, "--dataflow", "rs,os", "--no-store", "--quiet", "--format", "csv"
    )
    assert code == 0, err
    rows = frame(out)
    assert set(rows["network"]) == set(NEW) and (rows["status"] == "ok").all()
    code, out, err = run_cli(capsys, "compare", *NEW, "--summary", "--format", "csv")
    assert code == 0, err
    assert set(frame(out)["network"]) == set(NEW)


def test_zeros_change_energy_and_reach_partition(capsys, tmp_path):
    zeros = tmp_path / "zeros.csv"
    zeros.write_text("layer,ofmap_zero\nlayer4.1.relu,0.9\n")
    code, base, err = run_cli(capsys, "energy", "resnet18", "--format", "csv")
    assert code == 0, err
    code, given, err = run_cli(
        capsys, "energy", "resnet18", "--zeros", str(zeros), "--format", "csv"
    )
    assert code == 0, err
    base_rows, given_rows = frame(base).set_index("layer"), frame(given).set_index("layer")
    assert given_rows.loc["fc", "energy_j"] == base_rows.loc["fc", "energy_j"]  # fc reads avgpool
    zeros.write_text("layer,ofmap_zero\navgpool,0.9\nlayer1.0.relu,0.9\n")
    code, given, err = run_cli(
        capsys, "energy", "resnet18", "--zeros", str(zeros), "--format", "csv"
    )
    assert code == 0, err
    given_rows = frame(given).set_index("layer")
    for layer in ("fc", "layer1.1.conv1"):  # their inputs are now 90 % zeros
        assert given_rows.loc[layer, "energy_j"] < base_rows.loc[layer, "energy_j"]
    assert given_rows.loc["conv1", "energy_j"] == base_rows.loc["conv1", "energy_j"]
    code, out, err = run_cli(
        capsys, "simulate", "resnet18", "--zeros", str(zeros), "--format", "json"
    )
    assert code == 0, err
    assert json.loads(out)
    code, out, err = run_cli(capsys, "partition", "resnet18", "--zeros", str(zeros))
    assert code == 0, err
    assert "best cut" in out


@pytest.mark.parametrize("command", ["energy", "simulate", "partition"])
def test_a_bad_zeros_file_is_one_line_exit_2(capsys, tmp_path, command):
    zeros = tmp_path / "zeros.csv"
    zeros.write_text("layer,ofmap_zero\nconv1,0.5\nconv9,0.5\n")
    code, out, err = run_cli(capsys, command, "resnet18", "--zeros", str(zeros))
    assert code == 2 and out == "" and err.count("\n") == 1 and "Traceback" not in err
    assert f"zeros file '{zeros}': line 3: layer 'conv9' is not a layer of network" in err

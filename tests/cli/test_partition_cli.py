"""`accelsim partition` end to end: outputs, plots, sweeps and the error contract."""

from __future__ import annotations

import json
from io import StringIO

import pandas as pd
import pytest

from accelsim.cli.main import main


def run_cli(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize(
    "rate, ptx, cloud, local", [("80e6", "0.78", 0.524, 0.273), ("60e6", "0.5", 0.474, 0.313)]
)
def test_paper_points_json(capsys, rate, ptx, cloud, local):
    code, out, err = run_cli(
        capsys,
        "partition",
        "alexnet",
        "--bitrate",
        rate,
        "--ptx",
        ptx,
        "--bits",
        "8",
        "--format",
        "json",
    )
    assert code == 0 and err == ""
    data = json.loads(out)
    assert data["best_cut"] == "pool2"
    assert abs(data["saving_vs_cloud"] - cloud) < 0.01
    assert abs(data["saving_vs_local"] - local) < 0.01
    assert data["client_energy_j"] == pytest.approx(data["compute_j"] + data["transmit_j"])
    cuts = [p["cut"] for p in data["points"]]
    assert cuts[0] == "input" and cuts[-1] == "fc8" and "pool2" in cuts
    for point in data["points"]:
        assert {"cut", "compute_j", "transmit_j", "bits"} <= set(point)
    assert sum(p["best"] for p in data["points"]) == 1


def test_table_and_csv(capsys):
    code, out, _ = run_cli(capsys, "partition", "squeezenet", "--bits", "8")
    assert code == 0
    assert "best cut:" in out and "saving vs fully cloud" in out
    code, out, _ = run_cli(capsys, "partition", "googlenet", "--format", "csv", "--cuts", "single")
    assert code == 0
    frame = pd.read_csv(StringIO(out))
    assert frame["best"].sum() == 1
    assert not frame["cut"].str.contains(r"inception_.*/(?!output)").any()
    assert (frame["tensors"] == 1).all()
    code, out, _ = run_cli(capsys, "partition", "googlenet", "--format", "csv")
    every = pd.read_csv(StringIO(out))
    assert len(every) == 82 and every["best"].sum() == 1
    inside = every[every["tensors"] > 1]
    assert len(inside) > 0
    assert (inside["cut"].str.count(r"\+") + 1 == inside["tensors"]).all()
    assert set(frame["cut"]) <= set(every["cut"])


def test_energy_sources_and_inputs(capsys, tmp_path):
    code, out, _ = run_cli(
        capsys, "partition", "alexnet", "--bits", "8", "--energy", "silicon", "--format", "json"
    )
    assert code == 0
    data = json.loads(out)
    assert data["energy_source"] == "silicon"
    assert any("fc6" in note for note in data["notes"])
    image = tmp_path / "img.jpg"
    image.write_bytes(b"\xff\xd8" + bytes(20_000))
    code, out, _ = run_cli(
        capsys, "partition", "alexnet", "--input-image", str(image), "--format", "json"
    )
    assert code == 0 and json.loads(out)["input_bits"] == 8 * 20_002
    code, out, _ = run_cli(
        capsys, "partition", "alexnet", "--input-bytes", "1000", "--format", "json"
    )
    assert json.loads(out)["input_bits"] == 8000
    energy = tmp_path / "e.csv"
    energy.write_text(
        "layer,energy_j\n"
        + "".join(
            f"{n},1e-3\n"
            for n in ("conv1", "conv2", "conv3", "conv4", "conv5", "fc6", "fc7", "fc8")
        )
    )
    code, out, _ = run_cli(
        capsys, "partition", "alexnet", "--energy", str(energy), "--format", "json"
    )
    assert code == 0 and json.loads(out)["local_energy_j"] == pytest.approx(8e-3)


def test_plot_and_sweep(capsys, tmp_path):
    plot = tmp_path / "cuts.png"
    code, _, _ = run_cli(
        capsys, "partition", "alexnet", "--plot", str(plot), "--latency-bound", "0.02"
    )
    assert code == 0 and plot.stat().st_size > 10_000
    sweep_plot = tmp_path / "sweep.png"
    out_csv = tmp_path / "sweep.csv"
    code, out, _ = run_cli(
        capsys,
        "partition",
        "squeezenet",
        "--sweep",
        "--bitrate-range",
        "1e6",
        "1e9",
        "13",
        "--ptx-range",
        "0.1",
        "1.0",
        "4",
        "--format",
        "csv",
        "--out",
        str(out_csv),
        "--plot",
        str(sweep_plot),
    )
    assert code == 0 and out == ""
    frame = pd.read_csv(out_csv)
    assert len(frame) == 52
    assert {"bitrate_bps", "ptx_w", "best_cut", "saving_vs_cloud", "saving_vs_local"} <= set(
        frame.columns
    )
    assert sweep_plot.stat().st_size > 10_000
    code, out, _ = run_cli(
        capsys,
        "partition",
        "alexnet",
        "--sweep",
        "--format",
        "json",
        "--bitrate-range",
        "1e7",
        "1e8",
        "2",
        "--ptx-range",
        "0.5",
        "0.5",
        "1",
    )
    assert code == 0 and len(json.loads(out)["sweep"]) == 2


@pytest.mark.parametrize(
    "argv, message",
    [
        (["--energy", "silicon"], "no silicon measurements"),
        (["--energy", "nope"], "unknown model 'nope'"),
        (["--input-image", "/no/such.jpg"], "does not exist"),
        (["--latency-bound", "1e-6"], "no cut meets the latency bound"),
        (["--sweep", "--bitrate-range", "1e6", "1e9", "2.5"], "positive integer"),
        (["--activations", "/no/acts.npz"], "does not exist"),
    ],
)
def test_errors_are_one_line_exit_2(capsys, argv, message):
    code, out, err = run_cli(capsys, "partition", "squeezenet", *argv)
    assert code == 2 and out == ""
    assert message in err and err.count("\n") == 1


def test_usage_errors_exit_2(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["partition", "alexnet", "--bitrate", "-5"])
    assert exc.value.code == 2
    with pytest.raises(SystemExit) as exc:
        main(["partition", "alexnet", "--input-bits", "5", "--input-bytes", "1"])
    assert exc.value.code == 2
    for flag in ("--cuts", "--outputs"):
        with pytest.raises(SystemExit) as exc:
            main(["partition", "alexnet", flag, "nope"])
        assert exc.value.code == 2


def test_cli_choices_are_the_library_s():
    from accelsim.cli.main import build_parser
    from accelsim.partition import CUT_CHOICES, OUTPUT_CHOICES

    sub = build_parser()._subparsers._group_actions[0].choices["partition"]
    choices = {a.dest: tuple(a.choices) for a in sub._actions if a.choices}
    assert choices["cuts"] == CUT_CHOICES and choices["outputs"] == OUTPUT_CHOICES


def test_user_dag_network(capsys, tmp_path):
    """A declarative network with a two-branch module: only the module's join is a cut inside."""
    path = tmp_path / "tiny.yaml"
    path.write_text(
        "name: tiny\n"
        "input: {channels: 3, size: 32}\n"
        "layers:\n"
        "  - {type: conv, name: stem, filters: 16, size: 3, pad: 1, ofmap_zero: 0.5}\n"
        "  - {type: pool, name: pool, size: 2, ofmap_zero: 0.4}\n"
        "  - {type: conv, name: left, filters: 8, size: 1, inputs: [pool], ofmap_zero: 0.6}\n"
        "  - {type: conv, name: right_a, filters: 8, size: 1, inputs: [pool]}\n"
        "  - {type: conv, name: right_b, filters: 8, size: 3, pad: 1, ofmap_zero: 0.7}\n"
        "  - {type: concat, name: join, inputs: [left, right_b]}\n"
        "  - {type: pool, name: shrink, size: 2}\n"
        "  - {type: fc, name: head, outputs: 10}\n"
    )
    code, out, err = run_cli(
        capsys, "partition", str(path), "--bits", "8", "--format", "json", "--input-bits", "2e5"
    )
    assert code == 0, err
    data = json.loads(out)
    assert [p["cut"] for p in data["points"]] == [
        "input",
        "stem",
        "pool",
        "pool+left",
        "left+right_a",
        "left+right_b",
        "join",
        "shrink",
        "head",
    ]
    assert [p["tensors"] for p in data["points"]] == [1, 1, 1, 2, 2, 2, 1, 1, 1]
    assert data["input_bits"] == 2e5
    assert data["free_layers"] == ["pool", "join", "shrink"]
    code, out, err = run_cli(
        capsys,
        "partition",
        str(path),
        "--format",
        "json",
        "--input-bits",
        "2e5",
        "--cuts",
        "single",
    )
    assert code == 0, err
    data = json.loads(out)
    assert [p["cut"] for p in data["points"]] == ["input", "stem", "pool", "join", "shrink", "head"]


def test_several_outputs_are_all_sent(capsys, tmp_path):
    """A network with a side output: the in-situ cut sends both outputs, as results or tensors."""
    path = tmp_path / "heads.yaml"
    path.write_text(
        "name: heads\n"
        "input: {channels: 3, size: 8}\n"
        "layers:\n"
        "  - {type: conv, name: stem, filters: 8, size: 3, pad: 1, ofmap_zero: 0.5}\n"
        "  - {type: fc, name: aux, outputs: 10, inputs: [stem]}\n"
        "  - {type: conv, name: body, filters: 8, size: 3, pad: 1, inputs: [stem]}\n"
        "  - {type: fc, name: head, outputs: 10}\n"
    )
    code, out, err = run_cli(
        capsys, "partition", str(path), "--format", "json", "--result-bits", "64"
    )
    assert code == 0, err
    data = json.loads(out)
    last = data["points"][-1]
    assert last["cut"] == "aux+head" and last["tensors"] == 2 and last["bits"] == 128
    code, out, err = run_cli(
        capsys, "partition", str(path), "--outputs", "tensors", "--bitrate", "1"
    )
    assert code == 0, err
    assert "best cut: aux+head" in out and "best cut sends 2 tensors" in out


@pytest.mark.parametrize(
    "flags",
    [[], ["--mapper", "energy"], ["--accelerator", "scalesim-32x32"], ["--dataflow", "ws"]],
)
def test_simulated_energy_source(capsys, flags):
    """Any simulator, with its options, drives the partitioner."""
    code, out, err = run_cli(
        capsys,
        "partition",
        "alexnet",
        "--bitrate",
        "80e6",
        "--ptx",
        "0.78",
        "--bits",
        "8",
        "--energy",
        "simulated",
        "--format",
        "json",
        *flags,
    )
    assert code == 0, err
    data = json.loads(out)
    assert data["energy_source"] == "simulated"
    assert data["best_cut"] in [p["cut"] for p in data["points"]]
    assert 0 < data["client_energy_j"] <= data["local_energy_j"]

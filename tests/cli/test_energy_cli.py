"""`accelsim energy` and `accelsim networks` end to end, and the CLI's error contract."""

import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from accelsim.cli.main import main

REFERENCE = Path(__file__).resolve().parents[1] / "analytical" / "data"


def run_cli(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_energy_csv_matches_reference(capsys):
    code, out, err = run_cli(capsys, "energy", "alexnet", "--format", "csv")
    assert code == 0 and err == ""
    from io import StringIO

    frame = pd.read_csv(StringIO(out))
    for column in (
        "layer",
        "macs",
        "energy_j",
        "rf_accesses",
        "glb_accesses",
        "dram_accesses",
        "mac_j",
        "rf_j",
        "inter_pe_j",
        "glb_j",
        "dram_j",
        "clock_j",
        "control_j",
    ):
        assert column in frame.columns
    reference = pd.read_csv(REFERENCE / "cnnergy_alexnet_16bit.csv")
    rel = (frame["energy_j"] - reference["final_energy_per_ifmap"]).abs() / reference[
        "final_energy_per_ifmap"
    ]
    assert rel.max() < 1e-12


def test_energy_json_and_files(capsys, tmp_path):
    out_file = tmp_path / "e.json"
    plot = tmp_path / "e.png"
    code, out, _ = run_cli(
        capsys,
        "energy",
        "squeezenet",
        "--bits",
        "8",
        "--no-control",
        "--format",
        "json",
        "--out",
        str(out_file),
        "--plot",
        str(plot),
    )
    assert code == 0 and out == ""
    payload = json.loads(out_file.read_text())
    assert payload["bits"] == 8 and payload["control"] is False
    assert len(payload["layers"]) == 26
    assert all(row["clock_j"] == 0 for row in payload["layers"])
    assert (
        abs(payload["totals"]["energy_j"] - sum(r["energy_j"] for r in payload["layers"])) < 1e-12
    )
    assert plot.stat().st_size > 10_000
    assert not list(tmp_path.glob(".*"))  # no temporary files left behind


def test_energy_table_by_group(capsys):
    code, out, _ = run_cli(capsys, "energy", "googlenet", "--by-group")
    assert code == 0
    assert "IC3a" in out and "TOTAL" in out and "inception_3a/1x1" not in out


def test_networks_listing(capsys):
    code, out, _ = run_cli(capsys, "networks", "--format", "csv")
    assert code == 0
    assert out.splitlines()[0].startswith("network,")
    assert {"alexnet", "vgg16", "googlenet", "squeezenet"} <= {
        line.split(",")[0] for line in out.splitlines()[1:]
    }


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["energy", "resnet"], "unknown network 'resnet'"),
        (["energy", "alexnet", "--accelerator", "tpu"], "unknown accelerator 'tpu'"),
        (["energy", "alexnet", "--bits", "12"], "invalid choice"),
        (["energy", "alexnet", "--format", "xml"], "invalid choice"),
        (["energy", "/nonexistent/net.csv"], "does not exist"),
        (["energy", "alexnet", "--out", "/nonexistent/dir/x.csv"], "does not exist"),
        (["energy"], "required"),
    ],
)
def test_errors_are_one_line_exit_2(capsys, argv, message):
    with pytest.raises(SystemExit) as info:
        code = main(argv)
        raise SystemExit(code)
    assert info.value.code == 2
    _, err = capsys.readouterr()
    assert message in err and err.count("\n") == 1 and "Traceback" not in err


def test_bad_network_file_one_line(capsys, tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text("name,input_size,in_channels,filter_size,filters,stride\nc1,8,3,11,4,1\n")
    code, _, err = run_cli(capsys, "energy", str(path))
    assert code == 2
    assert err == (
        f"accelsim: error: network file '{path}': layer 'c1': filter_height 11 exceeds the "
        "padded input height 8\n"
    )


def test_console_script_subprocess():
    result = subprocess.run(
        [sys.executable, "-m", "accelsim.cli.main", "energy", "alexnet", "--format", "csv"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("layer,group,model,batch,mapping,macs")
    bad = subprocess.run(
        [sys.executable, "-m", "accelsim.cli.main", "energy", "nope"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert bad.returncode == 2 and bad.stderr.count("\n") == 1


def test_no_control_changes_energy_only(capsys):
    from io import StringIO

    frames = []
    for extra in ([], ["--no-control"]):
        assert main(["simulate", "alexnet", "--format", "csv", *extra]) == 0
        frames.append(pd.read_csv(StringIO(capsys.readouterr().out)))
    on, off = frames
    assert (on["mapping"] == off["mapping"]).all() and (on["cycles"] == off["cycles"]).all()
    assert (off["clock_j"] == 0).all() and (off["control_j"] == 0).all()
    assert (off["energy_j"] < on["energy_j"]).all()


def test_unknown_plot_type_fails_before_any_output(capsys, tmp_path):
    code, out, err = run_cli(capsys, "energy", "alexnet", "--plot", str(tmp_path / "e.txt"))
    assert code == 2 and out == "" and "unknown image type '.txt'" in err


def test_output_file_keeps_its_mode(capsys, tmp_path):
    import os
    import stat

    path = tmp_path / "e.csv"
    path.write_text("old")
    os.chmod(path, 0o640)
    assert run_cli(capsys, "energy", "alexnet", "--format", "csv", "--out", str(path))[0] == 0
    assert stat.S_IMODE(path.stat().st_mode) == 0o640
    assert path.read_text().startswith("layer,")
    fresh = tmp_path / "f.csv"
    assert run_cli(capsys, "energy", "alexnet", "--out", str(fresh))[0] == 0
    umask = os.umask(0)
    os.umask(umask)
    assert stat.S_IMODE(fresh.stat().st_mode) == 0o666 & ~umask


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--sram-kb", "4"], "--sram-kb sets a systolic array's SRAMs"),
        (["--scalesim-reports", "r"], "--scalesim-reports applies to model systolic, not to "
         "model 'rs'"),
        (["--dataflow", "os", "--mapper", "energy"], "--mapper applies to model rs, not to model "
         "'systolic'"),
        (["--dataflow", "is", "--engine", "trace"], "--engine applies to model rs"),
        (["--accelerator", "tpu-v1", "--trace-plot", "t.png"], "--trace-plot applies to model rs"),
        (["--accelerator", "eyeriss", "--dataflow", "ws"], "--dataflow ws runs on a systolic"),
    ],
)  # fmt: skip
def test_simulate_rejects_options_of_the_other_model(capsys, argv, message):
    code, out, err = run_cli(capsys, "simulate", "alexnet", *argv)
    assert code == 2 and out == "" and message in err


def test_network_without_compute_layers(capsys, tmp_path):
    path = tmp_path / "pool.json"
    path.write_text(
        '{"input": {"channels": 3, "size": 8}, "layers": [{"name": "p", "type": "pool", "size": 2}]}'
    )
    for command in ("energy", "simulate", "partition"):
        code, _, err = run_cli(capsys, command, str(path))
        assert code == 2 and "has no conv or fc layer" in err


def test_energy_parquet_equals_csv_and_keeps_the_header(capsys, tmp_path):
    pytest.importorskip("pyarrow")
    from io import StringIO

    import pyarrow.parquet as pq

    path = tmp_path / "alexnet.parquet"
    code, out, err = run_cli(capsys, "energy", "alexnet", "--format", "parquet", "--out", str(path))
    assert code == 0 and out == "" and err == ""
    code, text, _ = run_cli(capsys, "energy", "alexnet", "--format", "csv")
    stored, csv = pd.read_parquet(path), pd.read_csv(StringIO(text))
    assert list(stored.columns) == list(csv.columns)
    numbers = stored.select_dtypes("number").columns  # CSV reads the empty `mapping` as NaN
    pd.testing.assert_frame_equal(stored[numbers], csv[numbers], check_dtype=False)
    assert (stored["layer"] == csv["layer"]).all() and (stored["mapping"] == "").all()
    header = json.loads(pq.read_schema(path).metadata[b"accelsim"])
    assert header["network"] == "alexnet" and header["model"] == "analytical"
    code, out, err = run_cli(capsys, "energy", "alexnet", "--format", "parquet")
    assert code == 2 and "give --out" in err


def test_non_mac_layers_are_listed_as_free_or_costed(capsys, tmp_path):
    net = tmp_path / "res.yaml"
    net.write_text(
        "input: {channels: 4, size: 8}\n"
        "layers:\n"
        "  - {name: a, type: conv, filters: 4, size: 3, pad: 1}\n"
        "  - {name: sum, type: add, inputs: [input, a]}\n"
        "  - {name: pool, type: pool, size: 2}\n"
        "  - {name: fc, type: fc, outputs: 3}\n"
    )
    code, out, _ = run_cli(capsys, "energy", str(net))
    assert code == 0
    assert "# 2 layers without MACs treated as free (1 eltwise, 1 pool: sum, pool)" in out
    code, out, _ = run_cli(capsys, "energy", str(net), "--format", "json")
    doc = json.loads(out)
    assert doc["non_mac"] == "free"
    assert [row["layer"] for row in doc["free_layers"]] == ["sum", "pool"]
    assert [row["layer"] for row in doc["layers"]] == ["a", "fc"]
    code, out, _ = run_cli(capsys, "simulate", str(net), "--non-mac", "costed", "--format", "json")
    doc = json.loads(out)
    assert doc["free_layers"] == []
    assert [row["layer"] for row in doc["layers"]] == ["a", "sum", "pool", "fc"]
    assert all(row["energy_j"] > 0 for row in doc["layers"])

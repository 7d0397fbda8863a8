"""`accelsim explore` end to end: the CSV the issue asks for, equal to `accelsim simulate`
design by design; the text table; a sweep file; plots; a killed sweep resumed; bad input."""

import json
import math
import os
import signal
import sqlite3
import subprocess
import sys
import time
from io import StringIO

import pandas as pd
import pytest

from accelsim.cli.main import MAX_MESSAGE_CHARS, main

DONE_WHEN = [
    "explore", "alexnet", "--dataflow", "rs,os,ws,is", "--array", "8x8,12x14,16x16,32x32",
    "--format", "csv",
]  # fmt: skip


def run_cli(capsys, *argv):
    try:
        code = main(list(argv))
    except SystemExit as exc:
        code = exc.code
    out, err = capsys.readouterr()
    return code, out, err


def read_csv(text):
    return pd.read_csv(StringIO(text), keep_default_na=False, na_values=[""])


@pytest.fixture(scope="module")
def done_when_csv(tmp_path_factory):
    """The issue's command, run once for the module (its own store)."""
    os.environ["ACCELSIM_CACHE_DIR"] = str(tmp_path_factory.mktemp("cache"))
    out = tmp_path_factory.mktemp("out") / "sweep.csv"
    assert main([*DONE_WHEN, "--out", str(out)]) == 0
    return read_csv(out.read_text())


def test_one_row_per_design_point_equal_to_simulate(done_when_csv, capsys):
    frame = done_when_csv
    for column in ("network", "dataflow", "rows", "cols", "energy_j", "latency_s", "area_mm2"):
        assert column in frame.columns
    assert len(frame) == 16 and set(frame.dataflow) == {"rs", "os", "ws", "is"}
    refused = frame[frame.status == "refused"]
    assert refused.design.tolist() == ["eyeriss rs 8x8"]
    assert "filter_height 11 exceeds the 8 PE rows" in refused.reason.iloc[0]
    assert not refused.pareto.any()
    for _, row in frame[frame.status == "ok"].iterrows():
        argv = ["simulate", "alexnet", "--dataflow", row.dataflow]
        code, out, err = run_cli(
            capsys, *argv, "--array", f"{row.rows}x{row.cols}", "--format", "csv"
        )
        assert code == 0, err
        layers = read_csv(out)
        assert row.energy_j == math.fsum(layers.energy_j), row.design
        assert row.latency_s == math.fsum(layers.latency_s), row.design


def test_pareto_column_is_the_non_dominated_set(done_when_csv):
    ok = done_when_csv[done_when_csv.status == "ok"]
    objectives = ok[["energy_j", "latency_s", "area_mm2"]].to_numpy()
    for (_, row), values in zip(ok.iterrows(), objectives, strict=True):
        dominated = any((other <= values).all() and (other < values).any() for other in objectives)
        assert row.pareto == (not dominated), row.design


def test_table_marks_the_front_and_lists_refusals(capsys):
    code, out, err = run_cli(capsys, "explore", "alexnet", "--array", "8x8,12x14", "--quiet")
    assert code == 0 and err == ""
    assert out.startswith("alexnet: 2 design points, 1 evaluated, 1 on the Pareto front")
    assert "energy mJ" in out and "area mm2" in out
    assert "*  eyeriss 12x14" in out
    assert "refused:\n  eyeriss 8x8: layer 'conv1': filter_height 11" in out


def test_sweep_file_and_flags_replacing_its_keys(capsys, tmp_path):
    spec = tmp_path / "sweep.toml"
    spec.write_text(
        'networks = ["alexnet"]\nrows = "12:16:4"\ncols = [14]\nmodels = ["analytical"]\n'
        "glb_kb = [54, 108]\n"
    )
    code, out, err = run_cli(capsys, "explore", "--spec", str(spec), "--format", "json")
    assert code == 0, err
    rows = json.loads(out)
    assert [(r["rows"], r["cols"], r["glb_kb"]) for r in rows] == [
        (12, 14, 54.0), (12, 14, 108.0), (16, 14, 54.0), (16, 14, 108.0),
    ]  # fmt: skip
    code, out, err = run_cli(
        capsys, "explore", "--spec", str(spec), "--array", "12x12", "--format", "json"
    )
    assert code == 0, err
    assert [(r["rows"], r["cols"]) for r in json.loads(out)] == [(12, 12), (12, 12)]


def test_layers_table_and_top(capsys):
    code, out, err = run_cli(
        capsys, "explore", "alexnet", "--model", "analytical", "--layers", "--format", "csv"
    )
    assert code == 0, err
    assert read_csv(out).layer.tolist() == [
        "conv1", "conv2", "conv3", "conv4", "conv5", "fc6", "fc7", "fc8",
    ]  # fmt: skip
    code, out, err = run_cli(
        capsys, "explore", "alexnet", "--model", "analytical", "--rows", "12:20:2",
        "--top", "2", "--rank", "energy_j", "--format", "csv",
    )  # fmt: skip
    assert code == 0, err
    best = read_csv(out)
    assert len(best) == 2 and best.energy_j.is_monotonic_increasing


def test_plots(capsys, tmp_path):
    pareto, heat = tmp_path / "pareto.png", tmp_path / "heat.png"
    code, out, err = run_cli(
        capsys, "explore", "alexnet", "--model", "analytical", "--rows", "12,16",
        "--cols", "12,14,16", "--plot", str(pareto), "--heatmap", str(heat),
        "--heatmap-metric", "edp_js", "--quiet",
    )  # fmt: skip
    assert code == 0, err
    for path in (pareto, heat):
        assert path.read_bytes().startswith(b"\x89PNG")


def assert_one_line_error(code, out, err, *fragments):
    assert code == 2, err
    assert out == ""
    assert err.count("\n") == 1 and "Traceback" not in err and len(err) <= MAX_MESSAGE_CHARS + 1
    for fragment in fragments:
        assert fragment in err, err


@pytest.mark.parametrize(
    ("argv", "fragments"),
    [
        (["explore"], ["give a NETWORK"]),
        (["explore", "alexnet", "--rows", "8:4"], ["--rows", "START <= STOP"]),
        (["explore", "alexnet", "--array", "8x"], ["--array must be ROWSxCOLS"]),
        (["explore", "alexnet", "--dataflow", "rs,xs"], ["dataflow must be one of"]),
        (["explore", "alexnet", "--sram-kb", "64"], ["no design is a systolic array"]),
        (["explore", "alexnet", "--mapper", "best"], ["option 'mapper' must be one of"]),
        (["explore", "alexnet", "--model", "magic"], ["unknown model 'magic'"]),
        (["explore", "alexnet", "--glb-kb", "1e9"], ["--glb-kb: expected positive numbers"]),
        (["explore", "alexnet", "--layers"], ["--layers is for csv"]),
        (["explore", "alexnet", "--layers", "--top", "2", "--format", "csv"], ["--top selects"]),
        (["explore", "alexnet", "--store", "x.sqlite", "--no-store"], ["not both"]),
        (["explore", "alexnet", "--rank", "energy_j"], ["--rank orders", "--top K"]),
        (["explore", "alexnet", "--jobs", "0"], ["--jobs"]),
        (["explore", "alexnet", "--dask", "tcp://127.0.0.1:9", "--jobs", "2"], ["--jobs sizes"]),
        (["explore", "nosuchnet"], ["nosuchnet"]),
        (["explore", "alexnet", "--rows", "1:1000", "--cols", "1:1000"], ["design points"]),
    ],
)
def test_bad_input_is_one_line(capsys, argv, fragments):
    assert_one_line_error(*run_cli(capsys, *argv), *fragments)


@pytest.mark.parametrize(
    ("text", "fragments"),
    [
        ("rows = [8.5]\n", ["sweep file", "rows"]),
        ("speed = 3\n", ["unknown key 'speed'"]),
        ('arrays = ["8y8"]\n', ["sweep file", "ROWSxCOLS"]),
        ("bits = [12]\n", ["sweep file", "bits must be 8 or 16"]),
        ("rows = [\n", ["sweep file", "cannot parse"]),
    ],
)
def test_bad_sweep_file_is_one_line(capsys, tmp_path, text, fragments):
    spec = tmp_path / "bad.toml"
    spec.write_text(text)
    assert_one_line_error(*run_cli(capsys, "explore", "alexnet", "--spec", str(spec)), *fragments)


def test_bad_store_file_is_one_line(capsys, tmp_path):
    bad = tmp_path / "bad.sqlite"
    bad.write_bytes(b"not sqlite" * 200)
    assert_one_line_error(
        *run_cli(capsys, "explore", "alexnet", "--store", str(bad)), "not a result store"
    )


def _stored(path):
    try:
        with sqlite3.connect(path, timeout=30) as db:
            return db.execute("SELECT COUNT(*) FROM outcomes").fetchone()[0]
    except sqlite3.OperationalError:
        return 0


def test_a_killed_sweep_resumes_to_the_same_table(tmp_path):
    """SIGKILL the client mid-sweep (no clean-up at all), run the same command again: the table
    equals an uninterrupted sweep's, and the finished evaluations were not repeated."""
    store = tmp_path / "store.sqlite"
    argv = [
        sys.executable, "-m", "accelsim.cli.main", "explore", "alexnet", "--model", "analytical",
        "--rows", "4:30", "--cols", "4:30", "--format", "csv",
    ]  # fmt: skip
    env = {**os.environ, "PYTHONHASHSEED": "0"}
    proc = subprocess.Popen([*argv, "--store", str(store)], stdout=subprocess.DEVNULL, env=env)
    deadline = time.monotonic() + 120
    while _stored(store) < 64 and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    killed_at = _stored(store)
    total = 27 * 27 * 8
    assert 0 < killed_at < total, "the sweep was not killed in the middle"
    resumed = subprocess.run(
        [*argv, "--store", str(store)], capture_output=True, text=True, env=env, check=True
    )
    assert _stored(store) == total
    fresh = subprocess.run(
        [*argv, "--no-store"], capture_output=True, text=True, env=env, check=True
    )
    assert resumed.stdout == fresh.stdout


def test_dask_local_and_a_process_pool_equal_one_job(capsys):
    """`--dask local` (a real LocalCluster, two workers) and `--jobs 2` give `--jobs 1`'s table."""
    pytest.importorskip("distributed")
    base = ["explore", "alexnet", "squeezenet", "--model", "analytical", "--rows", "12:16:2",
            "--format", "csv", "--no-store", "--quiet"]  # fmt: skip
    outputs = []
    for extra in (["--jobs", "1"], ["--jobs", "2"], ["--dask", "local", "--jobs", "2"]):
        code, out, err = run_cli(capsys, *base, *extra)
        assert code == 0, err
        outputs.append(out)
    assert outputs[0] == outputs[1] == outputs[2]
    assert len(read_csv(outputs[0])) == 6


def test_dask_missing_is_a_clear_error(capsys, monkeypatch):
    monkeypatch.setitem(sys.modules, "dask.distributed", None)  # import fails as if not installed
    assert_one_line_error(
        *run_cli(capsys, "explore", "alexnet", "--dask", "local"), "pip install 'accelsim[dask]'"
    )


def test_unreachable_scheduler_is_a_clear_error(capsys, monkeypatch):
    pytest.importorskip("distributed")
    monkeypatch.setattr("accelsim.exploration.executors.CONNECT_TIMEOUT_S", 2)
    code, out, err = run_cli(capsys, "explore", "alexnet", "--dask", "tcp://127.0.0.1:9")
    assert_one_line_error(code, out, err, "cannot reach the scheduler")

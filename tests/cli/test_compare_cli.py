"""`accelsim compare` end to end: the table, one CSV row per layer and quantity equal to
`accelsim energy --model` for each model, JSON, Parquet, and one-line errors."""

import json
from io import StringIO

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accelsim.cli.main import main


def run_cli(capsys, *argv):
    try:
        code = main(list(argv))
    except SystemExit as exc:  # a usage error found by argparse
        code = exc.code
    out, err = capsys.readouterr()
    return code, out, err


def test_table_summary(capsys):
    code, out, err = run_cli(capsys, "compare", "alexnet", "--models", "analytical,rs")
    assert code == 0 and err == ""
    assert out.startswith("# rs vs analytical: ratio = rs / analytical")
    assert "## alexnet on eyeriss: rs / analytical" in out
    assert "why (energy): clock:" in out and "analytical: 23.1 GMAC/s fixed" in out
    assert "layers furthest apart in energy" in out


def test_csv_rows_equal_energy_of_each_model(capsys, tmp_path):
    code, out, err = run_cli(capsys, "compare", "alexnet", "--format", "csv")
    assert code == 0 and err == ""
    frame = pd.read_csv(StringIO(out), keep_default_na=False, na_values=[""])
    layers = frame[frame.layer != "TOTAL"]
    assert len(layers) == 8 * layers.column.nunique()
    assert not layers.duplicated(["layer", "column"]).any()
    for model, side in (("analytical", "a"), ("rs", "b")):
        code, out, err = run_cli(capsys, "energy", "alexnet", "--model", model, "--format", "csv")
        own = pd.read_csv(StringIO(out)).set_index("layer")
        for column in ("energy_j", "latency_s", "glb_accesses", "dram_accesses", "clock_j"):
            got = layers[layers.column == column].set_index("layer")[side]
            assert (got == own.loc[got.index, column]).all(), (model, column)


def test_json_and_summary(capsys):
    code, out, _ = run_cli(capsys, "compare", "alexnet", "--format", "json", "--columns",
                           "energy_j,latency_s")  # fmt: skip
    payload = json.loads(out)
    assert code == 0 and payload["ratio"] == "rs / analytical"
    assert {row["column"] for row in payload["layers"]} == {"energy_j", "latency_s"}
    assert {row["column"] for row in payload["summary"]} == {"energy_j", "latency_s"}
    code, out, _ = run_cli(capsys, "compare", "alexnet", "--format", "csv", "--summary")
    summary = pd.read_csv(StringIO(out))
    assert code == 0 and list(summary.network.unique()) == ["alexnet"]
    assert "geomean" in summary.columns and "within_10pct" in summary.columns


def test_parquet_round_trip(capsys, tmp_path):
    pytest.importorskip("pyarrow")
    import pyarrow.parquet as pq

    path = tmp_path / "cmp.parquet"
    code, out, err = run_cli(
        capsys, "compare", "alexnet", "--format", "parquet", "--out", str(path)
    )
    assert code == 0 and out == "" and err == ""
    frame = pd.read_parquet(path)
    code, text, _ = run_cli(capsys, "compare", "alexnet", "--format", "csv")
    csv = pd.read_csv(StringIO(text), keep_default_na=False, na_values=[""])
    pd.testing.assert_series_equal(frame["b"], csv["b"])
    header = json.loads(pq.read_schema(path).metadata[b"accelsim"])
    assert header["model_b"] == "rs"


def test_several_designs(capsys):
    code, out, err = run_cli(capsys, "compare", "alexnet", "--array", "8x8,12x14", "--top", "0")
    assert code == 0 and err == ""
    assert "## alexnet on eyeriss 8x8" in out and "## alexnet on eyeriss 12x14" in out
    assert "not compared on eyeriss 8x8: alexnet conv1: refused by analytical" in out


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--models", "analytical"], "expected two models"),
        (["--models", "analytical,nonsense"], "unknown model 'nonsense'"),
        (["--columns", "energy"], "--columns: 'energy' is not a compared column"),
        (["--summary"], "--summary"),
        (["--memory", "default"], "memory"),
        (["--array", "8x8,8x8"], "given twice"),
        (["--format", "parquet"], "give --out"),
        (["--scalesim-reports", "x"], "--scalesim-reports"),
        (["--top", "-1"], "--top"),
        (["--heatmap", "x.nope"], "unknown image type"),
        (["--columns", "utilization", "--heatmap", "never.png"], "--heatmap colours network"),
        (["--models", "silicon,rs", "--no-control"], "includes clock and control"),
    ],
)
def test_errors_are_one_line(capsys, argv, message):
    code, out, err = run_cli(capsys, "compare", "alexnet", *argv)
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and message in err, err


def test_a_batch_difference_is_said(capsys):
    code, out, _ = run_cli(capsys, "compare", "alexnet", "--models", "silicon,rs:batch=1",
                           "--columns", "energy_j", "--top", "0")  # fmt: skip
    assert code == 0 and "note: the models ran at different batches" in out
    code, out, _ = run_cli(capsys, "compare", "alexnet", "--models", "silicon,rs", "--top", "0")
    assert code == 0 and "different batches" not in out


def test_plot_and_heatmap_follow_columns(capsys, tmp_path):
    plot, heat = tmp_path / "ratios.png", tmp_path / "heat.png"
    code, _, err = run_cli(capsys, "compare", "alexnet", "--columns", "latency_s,dram_accesses",
                           "--plot", str(plot), "--heatmap", str(heat))  # fmt: skip
    assert code == 0 and err == ""
    assert plot.read_bytes()[:4] == heat.read_bytes()[:4] == b"\x89PNG"


settings_cli = settings(max_examples=40, deadline=None,
                        suppress_health_check=[HealthCheck.function_scoped_fixture])  # fmt: skip


@settings_cli
@given(
    flag=st.sampled_from(["--models", "--array", "--columns", "--top", "--accelerator", "--bits"]),
    value=st.text(alphabet="abcrsx:=,.0123456789-_ ", min_size=0, max_size=12),
)
def test_bad_flag_values_end_in_one_line(capsys, flag, value):
    """Whatever a flag's value, the command either runs or ends with one line and exit 2."""
    code, out, err = run_cli(capsys, "compare", "alexnet", flag, value, "--columns", "energy_j",
                             "--top", "0") if flag != "--columns" else run_cli(
        capsys, "compare", "alexnet", flag, value, "--top", "0")  # fmt: skip
    assert code in (0, 2)
    if code == 2:
        assert out == "" and err.count("\n") == 1 and "Traceback" not in err

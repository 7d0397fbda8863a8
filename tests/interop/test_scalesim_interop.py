"""SCALE-Sim interop: .cfg files, topology files (conv and GEMM rows), reports, and the CLI."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from accelsim.cli.main import main
from accelsim.errors import AccelsimError
from accelsim.interop.scalesim import read_scalesim_config
from accelsim.workload.loaders import load_network
from accelsim.workload.scalesim_topology import read_scalesim_topology

GOLDEN = Path(__file__).resolve().parents[2] / "validation" / "data" / "scalesim_golden"


def run_cli(capsys, *argv):
    try:
        code = main(list(argv))
    except SystemExit as exc:  # a usage error found by argparse (e.g. --array at parse time)
        code = exc.code
    out, err = capsys.readouterr()
    return code, out, err


def test_read_config():
    cfg = read_scalesim_config(GOLDEN / "conv_4x16_2-4-1_ws" / "scale.cfg")
    a = cfg.array
    assert (a.rows, a.cols, a.dataflow) == (4, 16, "ws")
    assert (a.ifmap_sram_kb, a.filter_sram_kb, a.ofmap_sram_kb) == (2, 4, 1)
    assert cfg.bandwidth_mode == "CALC" and cfg.run_name == "conv_4x16_2-4-1_ws"


@pytest.mark.parametrize("edit, message", [
    (("Dataflow: ws", "Dataflow: rs"), "Dataflow"),
    (("InterfaceBandwidth: CALC", "InterfaceBandwidth: USER"), "CALC"),
    (("ArrayHeight: 4", "ArrayHeight: 0"), "ArrayHeight"),
    (("ArrayWidth: 16\n", ""), "ArrayWidth"),
    (("IfmapSramSzkB: 2", "IfmapSramSzkB: two"), "IfmapSramSzkB"),
])  # fmt: skip
def test_bad_config(tmp_path, edit, message):
    text = (GOLDEN / "conv_4x16_2-4-1_ws" / "scale.cfg").read_text()
    assert edit[0] in text
    path = tmp_path / "bad.cfg"
    path.write_text(text.replace(edit[0], edit[1]))
    with pytest.raises(AccelsimError, match=message) as info:
        read_scalesim_config(path)
    assert "\n" not in str(info.value)
    with pytest.raises(AccelsimError, match="does not exist"):
        read_scalesim_config(tmp_path / "missing.cfg")


@pytest.mark.parametrize("comma", [",", ""])
def test_topologies_with_or_without_trailing_comma(tmp_path, comma):
    conv = tmp_path / "conv.csv"
    conv.write_text(f"Layer name, IFMAP Height, IFMAP Width, Filter Height, Filter Width, "
                    f"Channels, Num Filter, Strides{comma}\nc1, 9, 13, 2, 4, 3, 11, 1{comma}\n\n")  # fmt: skip
    gemm = tmp_path / "gemm.csv"
    gemm.write_text(f"Layer, M, N, K{comma}\ng1, 37, 19, 23{comma}\ng2, 5, 64, 130{comma}\n")
    c = load_network(str(conv)).layers[0]
    assert (c.in_height, c.in_width, c.filter_height, c.filter_width) == (9, 13, 2, 4)
    g1, g2 = load_network(str(gemm)).layers
    assert (g1.out_height * g1.out_width, g1.out_channels, g1.filter_height * g1.filter_width
            * g1.channels_per_group) == (37, 19, 23)  # fmt: skip
    assert g2.macs == 5 * 64 * 130


@pytest.mark.parametrize("text, message", [
    ("Layer, M, N, K,\ng, 3, x, 4,\n", "N must be an integer"),
    ("Layer, M, N, K,\ng, 3, 4,\n", "expected 4"),
    ("Layer, M, N, K,\ng, 3, 0, 4,\n", "N must be positive"),
    ("Layer, M, N, K,\ng, 3, 3, 4, 2:4,\n", "sparsity"),
    ("Layer, A, B,\ng, 3, 3,\n", "header"),
    ("Layer, M, N, K,\n", "no layers"),
])  # fmt: skip
def test_bad_topologies(tmp_path, text, message):
    path = tmp_path / "t.csv"
    path.write_text(text)
    with pytest.raises(AccelsimError, match=message) as info:
        read_scalesim_topology(path)
    assert "\n" not in str(info.value)


@pytest.mark.parametrize("case", ["conv_8x8_1-1-1_os", "conv_16x4_2-4-1_is", "gemm_8x8_1-1-1_ws"])
def test_cli_reproduces_scalesim_reports(tmp_path, capsys, case):
    src = GOLDEN / case
    topo = tmp_path / "topology.csv"
    shutil.copy(src / "topology.csv", topo)
    out = tmp_path / "reports"
    df = case.rsplit("_", 1)[1]
    code, stdout, err = run_cli(capsys, "simulate", str(topo), "--dataflow", df,
                                "--scalesim-config", str(src / "scale.cfg"),
                                "--scalesim-reports", str(out), "--format", "json")  # fmt: skip
    assert code == 0, err
    for name in ("COMPUTE_REPORT.csv", "BANDWIDTH_REPORT.csv", "DETAILED_ACCESS_REPORT.csv"):
        assert (out / name).read_text() == (src / name).read_text()
    payload = json.loads(stdout)
    compute = (src / "COMPUTE_REPORT.csv").read_text().splitlines()[1:]
    assert [row["cycles"] for row in payload["layers"]] == [int(r.split(",")[2]) for r in compute]
    assert [row["cycles_incl_prefetch"] for row in payload["layers"]] == [
        int(r.split(",")[1]) for r in compute
    ]


def test_cli_cycle_by_cycle_reproduces_scalesim(tmp_path, capsys):
    src = GOLDEN / "conv_4x16_1-1-1_is"
    out = tmp_path / "reports"
    code, _, err = run_cli(capsys, "simulate", str(src / "topology.csv"), "--dataflow", "is",
                           "--scalesim-config", str(src / "scale.cfg"), "--cycle-by-cycle",
                           "--scalesim-reports", str(out), "--format", "csv")  # fmt: skip
    assert code == 0, err
    for name in ("COMPUTE_REPORT.csv", "DETAILED_ACCESS_REPORT.csv"):
        assert (out / name).read_text() == (src / name).read_text()
    code, _, err = run_cli(capsys, "simulate", "alexnet", "--dataflow", "os", "--memory",
                           "default", "--cycle-by-cycle")  # fmt: skip
    assert code == 2 and "memory 'scalesim'" in err


def test_cli_table_plot_and_default_memory(tmp_path, capsys):
    plot = tmp_path / "p.png"
    code, out, err = run_cli(capsys, "simulate", "squeezenet", "--dataflow", "is", "--array",
                             "16x16", "--sram-kb", "32,32,16", "--memory", "default", "--plot",
                             str(plot), "--batch", "2")  # fmt: skip
    assert code == 0, err
    assert "fire2" in out or "fire2/squeeze1x1" in out
    assert plot.stat().st_size > 1000


@pytest.mark.parametrize("argv, message", [
    (["--array", "0x32"], "--array"),
    (["--sram-kb", "1,2"], "--sram-kb"),
    (["--memory", "default", "--scalesim-reports", "x"], "need memory 'scalesim'"),
    (["--scalesim-config", "nope.cfg"], "does not exist"),
])  # fmt: skip
def test_cli_errors_are_one_line(capsys, argv, message):
    code, out, err = run_cli(capsys, "simulate", "alexnet", "--dataflow", "os", *argv)
    assert code == 2
    assert message in err and err.count("\n") == 1


def test_cli_dataflow_overrides_the_config(capsys):
    cfg = GOLDEN / "conv_8x8_1-1-1_ws" / "scale.cfg"
    code, out, err = run_cli(capsys, "simulate", "alexnet", "--dataflow", "os",
                             "--scalesim-config", str(cfg), "--format", "json")  # fmt: skip
    assert code == 0, err
    header = json.loads(out)
    assert (header["dataflow"], header["array"], header["model"]) == ("os", "8x8", "systolic")
    code, _, err = run_cli(capsys, "simulate", "alexnet", "--accelerator", "tpu-v1",
                           "--scalesim-config", str(cfg))  # fmt: skip
    assert code == 2 and "not both" in err

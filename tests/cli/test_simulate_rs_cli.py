"""`accelsim simulate --dataflow rs`: output formats, pinned mappings, trace plot, errors."""

from __future__ import annotations

import json

import pytest

from accelsim.cli.main import main

SMALL_CSV = """name,input_size,pad,in_channels,filter_size,filters,stride,ifmap_sparsity_padded,ofmap_sparsity
c1,12,1,3,3,8,1,0.0,0.4
c2,12,1,8,3,8,1,0.4,0.5
"""


@pytest.fixture()
def small_net(tmp_path):
    path = tmp_path / "small.csv"
    path.write_text(SMALL_CSV)
    return str(path)


def test_table_has_the_issue_columns(capsys):
    assert main(["simulate", "alexnet", "--batch", "4"]) == 0
    out = capsys.readouterr().out
    lines = out.splitlines()
    assert lines[0].startswith("# alexnet on eyeriss") and "per image" in lines[0]
    for col in (
        "layer",
        "cycles",
        "latency_s",
        "active_pes",
        "macs",
        "glb_reads",
        "glb_writes",
        "dram_reads",
        "dram_writes",
        "energy_j",
    ):
        assert col in lines[1]
    assert "m=96,n=1,e=7,p=16,q=1,r=1,t=2" in out


def test_json_and_engines_agree(capsys, small_net):
    results = {}
    for engine in ("fast", "trace"):
        assert (
            main(["simulate", small_net, "--engine", engine, "--batch", "2", "--format", "json"])
            == 0
        )
        data = json.loads(capsys.readouterr().out)
        assert data["options"] == {"engine": engine, "batch": 2} and data["model"] == "rs"
        results[engine] = [(r["cycles"], r["glb_reads"], r["dram_writes"]) for r in data["layers"]]
    assert results["fast"] == results["trace"]


def test_pinned_mapping_and_plots(capsys, small_net, tmp_path):
    plot, trace = tmp_path / "layers.png", tmp_path / "trace.png"
    assert (
        main(
            [
                "simulate",
                small_net,
                "--mapping",
                "c2:m=8,n=1,e=6,p=4,q=2,r=1,t=2",
                "--format",
                "csv",
                "--plot",
                str(plot),
                "--trace-plot",
                str(trace),
                "--trace-layer",
                "c2",
            ]
        )
        == 0
    )
    out = capsys.readouterr().out
    assert '"m=8,n=1,e=6,p=4,q=2,r=1,t=2"' in out
    assert plot.stat().st_size > 10_000 and trace.stat().st_size > 10_000


def test_energy_mapper_option(capsys, small_net):
    assert main(["simulate", small_net, "--mapper", "energy", "--format", "csv"]) == 0
    assert "c1" in capsys.readouterr().out


@pytest.mark.parametrize(
    "argv,word",
    [
        (["--mapping", "m=8,n=1"], "missing"),
        (["--mapping", "nosuch:m=8,n=1,e=6,p=4,q=2,r=1,t=2"], "nosuch"),
        (["--mapping", "m=8,n=1,e=6,p=4,q=20,r=1,t=2"], "scratchpad"),
        (["--trace-plot", "x.png", "--trace-layer", "nosuch"], "nosuch"),
    ],
)
def test_errors_are_one_line_exit_2(capsys, small_net, tmp_path, argv, word):
    argv = [a.replace("x.png", str(tmp_path / "x.png")) for a in argv]
    assert main(["simulate", small_net, *argv]) == 2
    err = capsys.readouterr().err
    assert word in err and err.count("\n") == 1


def test_energy_command_uses_the_simulator(capsys):
    assert main(["energy", "alexnet", "--model", "simulated", "--format", "json"]) == 0
    out = capsys.readouterr().out
    data = json.loads(out)
    rows = data["layers"] if isinstance(data, dict) else data
    assert [r["layer"] for r in rows][:2] == ["conv1", "conv2"]
    assert all(r["energy_j"] > 0 for r in rows)

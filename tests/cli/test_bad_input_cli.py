"""Bad command-line input ends in one stderr line and exit 2, before any output: output paths,
numeric flag ranges, options of another mode or model; and a fuzz of random argument vectors for
every subcommand (valid flags mixed with malformed values)."""

from __future__ import annotations

import os

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accelsim.cli.main import MAX_MESSAGE_CHARS, main
from accelsim.partition.sweep import MAX_SWEEP_POINTS
from accelsim.report.output import TMP_MARKER

SMALL_CSV = """name,input_size,pad,in_channels,filter_size,filters,stride,ifmap_sparsity_padded,ofmap_sparsity
c1,12,1,3,3,8,1,0.0,0.4
c2,12,1,8,3,8,1,0.4,0.5
"""


def run_cli(capsys, *argv):
    try:
        code = main(list(argv))
    except SystemExit as exc:  # a usage error found by argparse
        code = exc.code
    out, err = capsys.readouterr()
    return code, out, err


def assert_one_line_error(code, out, err, *fragments):
    assert code == 2, err
    assert out == "", "an error must come before any output"
    assert err.count("\n") == 1 and err.endswith("\n"), err
    assert "Traceback" not in err and len(err) <= MAX_MESSAGE_CHARS + 1
    for fragment in fragments:
        assert fragment in err, err


@pytest.fixture()
def small_net(tmp_path):
    path = tmp_path / "small.csv"
    path.write_text(SMALL_CSV)
    return str(path)


@pytest.mark.parametrize(
    ("option", "value", "message"),
    [
        ("--plot", "{missing}/chart.png", "does not exist"),
        ("--plot", "{tmp}/chart.nope", "unknown image type"),
        ("--plot", "{tmp}", "is a directory"),
        ("--out", "{missing}/out.txt", "does not exist"),
        ("--out", "{tmp}", "is a directory"),
        ("--out", "{tmp}/read-only.txt", "read-only"),
    ],
)
def test_output_paths_checked_before_any_output(capsys, tmp_path, option, value, message):
    (tmp_path / "read-only.txt").write_text("keep")
    (tmp_path / "read-only.txt").chmod(0o444)
    path = value.format(tmp=tmp_path, missing=tmp_path / "missing")
    code, out, err = run_cli(capsys, "energy", "alexnet", option, path)
    assert_one_line_error(code, out, err, option, message)
    assert (tmp_path / "read-only.txt").read_text() == "keep"
    assert not [p for p in tmp_path.iterdir() if TMP_MARKER in p.name]


def test_out_follows_symlinks_and_writes_devices(capsys, tmp_path):
    real = tmp_path / "real.csv"
    real.write_text("old")
    link = tmp_path / "link.csv"
    link.symlink_to(real)
    code, out, err = run_cli(capsys, "energy", "alexnet", "--format", "csv", "--out", str(link))
    assert code == 0 and out == "" and err == ""
    assert link.is_symlink() and real.read_text().startswith("layer,")
    code, out, err = run_cli(capsys, "energy", "alexnet", "--out", os.devnull)
    assert code == 0 and err == "" and os.path.exists(os.devnull)


def test_one_file_named_by_two_options(capsys, tmp_path):
    same = str(tmp_path / "x.png")
    code, out, err = run_cli(capsys, "energy", "alexnet", "--out", same, "--plot", same)
    assert_one_line_error(code, out, err, "name the same file")


def test_scalesim_reports_directory_checked_first(capsys, tmp_path):
    (tmp_path / "file").write_text("")
    code, out, err = run_cli(capsys, "simulate", "alexnet", "--dataflow", "os",
                             "--scalesim-reports", str(tmp_path / "file"))  # fmt: skip
    assert_one_line_error(code, out, err, "--scalesim-reports", "not a directory")


@pytest.mark.parametrize(
    ("argv", "fragments"),
    [
        (["--ptx", "0"], ["--ptx", "from 1e-06"]),
        (["--ptx", "-1"], ["--ptx"]),
        (["--ptx", "inf"], ["--ptx"]),
        (["--bitrate", "5e-324"], ["--bitrate"]),
        (["--bitrate", "nan"], ["--bitrate"]),
        (["--bitrate", "1e13"], ["--bitrate"]),
        (["--input-bits", "1e300"], ["--input-bits"]),
        (["--input-bytes", "0"], ["--input-bytes"]),
        (["--result-bits", "-1"], ["--result-bits"]),
        (["--latency-bound", "0"], ["--latency-bound"]),
        (["--batch", "1.5"], ["--batch"]),
        (["--batch", "True"], ["--batch"]),
        (["--batch", "99999999999999999999999"], ["--batch"]),
        (["--sweep", "--bitrate-range", "1e6", "1e9", "1e9"], ["--bitrate-range"]),
        (["--sweep", "--bitrate-range", "1e6", "1e9", "2.5"], ["--bitrate-range"]),
        (["--sweep", "--bitrate-range", "1e9", "1e6", "3"], ["--bitrate-range", "above"]),
        (["--sweep", "--bitrate-range", "0", "1e6", "3"], ["--bitrate-range"]),
        (["--sweep", "--ptx-range", "0", "1", "3"], ["--ptx-range"]),
        (
            ["--sweep", "--bitrate-range", "1e6", "1e9", "1001", "--ptx-range", "1", "2", "1000"],
            ["sweep", str(MAX_SWEEP_POINTS)],
        ),
    ],
)
def test_partition_numbers_out_of_range(capsys, argv, fragments):
    code, out, err = run_cli(capsys, "partition", "alexnet", *argv)
    assert_one_line_error(code, out, err, *fragments)


@pytest.mark.parametrize(
    ("argv", "fragments"),
    [
        (
            ["partition", "alexnet", "--bitrate-range", "1e6", "1e9", "3"],
            ["--bitrate-range", "--sweep"],
        ),
        (["partition", "alexnet", "--ptx-range", "1", "2", "3"], ["--ptx-range", "--sweep"]),
        (["partition", "alexnet", "--sweep", "--bitrate", "1e6"], ["--bitrate"]),
        (["partition", "alexnet", "--sweep", "--ptx", "1"], ["--ptx", "--plot"]),
        (
            ["energy", "alexnet", "--model", "rs", "--mapping", "m=1", "--mapping", "m=2"],
            ["--mapping", "twice without a layer"],
        ),
        (
            [
                "energy",
                "alexnet",
                "--model",
                "rs",
                "--mapping",
                "conv1:m=1",
                "--mapping",
                "conv1:m=2",
            ],
            ["--mapping", "twice for layer 'conv1'"],
        ),
        (["simulate", "alexnet", "--compute-n"], ["--compute-n", "not to model 'rs'"]),
        (["simulate", "alexnet", "--trace-layer", "conv1"], ["--trace-layer", "--trace-plot"]),
        (["simulate", "alexnet", "--dataflow", "os", "--trace-plot", "t.png"], ["--trace-plot"]),
        (["compare", "alexnet", "--format", "csv", "--top", "2"], ["--top"]),
        (["accelerator", "eyeriss", "--scalesim-config", "x.cfg"], ["once"]),
        (["energy", "alexnet", "--format", "parquet"], ["--out"]),
        (["simulate", "alexnet", "--array", "100000x100000"], ["--array", "at most 1024"]),
        (["compare", "alexnet", "--array", "8x8,2000x8"], ["--array", "2000x8"]),
        (
            ["simulate", "alexnet", "--dataflow", "os", "--sram-kb", "999999999999,1,1"],
            ["--sram-kb"],
        ),
        (["simulate", "alexnet", "--batch", "65"], ["--batch", "1 to 64"]),
        (["energy", "alexnet", "--format", "no\nsuch"], ["--format"]),
    ],
)
def test_options_that_do_not_apply(capsys, argv, fragments):
    code, out, err = run_cli(capsys, *argv)
    assert_one_line_error(code, out, err, *fragments)


def test_trace_plot_of_a_long_layer_names_the_limit(capsys, tmp_path, monkeypatch):
    import accelsim.engine.rs.trace as trace

    monkeypatch.setattr(trace, "TRACE_MAX_CYCLES", 10)
    code, out, err = run_cli(capsys, "simulate", "alexnet", "--trace-plot",
                             str(tmp_path / "t.png"))  # fmt: skip
    assert_one_line_error(code, out, err, "--trace-plot", "--trace-layer")
    assert "fast engine" not in err


NUMBERS = st.one_of(
    st.sampled_from(
        [
            "0",
            "-1",
            "1",
            "2",
            "3",
            "8",
            "16",
            "1e300",
            "5e-324",
            "nan",
            "inf",
            "-inf",
            "1.5",
            "True",
            "",
            " ",
            "1e6",
            "0.5",
            "1_0",
            "0x10",
        ]
    ),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
)
WORDS = st.one_of(
    st.sampled_from(
        [
            "alexnet",
            "eyeriss",
            "conv1",
            "rs",
            "analytical",
            "fast",
            "trace",
            "chip",
            "energy",
            "scalesim",
            "default",
            "m=1,n=1,e=1,p=1,q=1,r=1,t=1",
            "8x8",
            "0x0",
            "64,64,64",
            "a\nb",
            "x" * 300,
        ]
    ),
    st.text(max_size=12),
)

COMMON_FLAGS = {
    "--format": st.sampled_from(["table", "csv", "json", "parquet", "toml", "nope"]),
    "--bits": NUMBERS,
    "--dataflow": st.sampled_from(["rs", "os", "ws", "is", "xx"]),
    "--array": WORDS,
    "--sram-kb": WORDS,
    "--no-control": None,
}
MODEL_FLAGS = {
    "--batch": NUMBERS,
    "--engine": WORDS,
    "--mapper": WORDS,
    "--mapping": WORDS,
    "--memory": WORDS,
    "--compute-n": None,
}
SUBCOMMANDS = {
    "energy": (
        ["alexnet"],
        {
            **COMMON_FLAGS,
            **MODEL_FLAGS,
            "--by-group": None,
            "--model": st.sampled_from(["analytical", "silicon", "nope"]),
            "--non-mac": st.sampled_from(["free", "costed", "x"]),
            "--zeros": WORDS,
        },
    ),
    "partition": (
        ["alexnet"],
        {
            **COMMON_FLAGS,
            **MODEL_FLAGS,
            "--bitrate": NUMBERS,
            "--ptx": NUMBERS,
            "--input-bits": NUMBERS,
            "--input-bytes": NUMBERS,
            "--result-bits": NUMBERS,
            "--latency-bound": NUMBERS,
            "--sweep": None,
            "--zeros": WORDS,
            "--bitrate-range": st.tuples(NUMBERS, NUMBERS, NUMBERS),
            "--ptx-range": st.tuples(NUMBERS, NUMBERS, NUMBERS),
        },
    ),
    "compare": (
        ["alexnet"],
        {
            **COMMON_FLAGS,
            "--models": st.sampled_from(
                ["analytical,silicon", "analytical", "a,b,c", "silicon,analytical"]
            ),
            "--top": NUMBERS,
            "--summary": None,
            "--compute-n": None,
            "--columns": st.sampled_from(["energy_j", "nope", ""]),
        },
    ),
    "simulate": (
        ["{small}"],
        {
            **COMMON_FLAGS,
            **MODEL_FLAGS,
            "--trace-layer": WORDS,
            "--cycle-by-cycle": None,
            "--non-mac": st.sampled_from(["free", "costed", "paid", ""]),
            "--input-shape": WORDS,
            "--allow-unknown": None,
        },
    ),
    "explore": (
        ["{small}", "--model", "analytical", "--no-store", "--quiet"],
        {
            "--format": COMMON_FLAGS["--format"],
            "--bits": st.sampled_from(["8", "16", "8,16", "12", "", "8,,16"]),
            "--dataflow": st.sampled_from(["rs", "rs,os", "xx", ""]),
            "--array": st.sampled_from(["12x14,16x16", "8x8,2000x8", "0x1", "x"]) | WORDS,
            "--rows": st.sampled_from(["8:32:8", "4:2", "1:0:0", "12", "a:b"]) | WORDS,
            "--cols": st.sampled_from(["14", "8:16", "-1", "1e3"]) | NUMBERS,
            "--glb-kb": st.sampled_from(["54,108", "8", "0", "1.5", "inf"]) | NUMBERS,
            "--sram-kb": st.sampled_from(["32", "64/32/64", "1/2"]) | WORDS,
            "--spad-ifmap": st.sampled_from(["12,24", "0"]) | NUMBERS,
            "--top": NUMBERS,
            "--rank": st.sampled_from(["energy_j", "nope"]),
            "--max-area-mm2": NUMBERS,
            "--layers": None,
            "--jobs": st.sampled_from(["1", "0", "-2", "x"]),
        },
    ),
    "accelerator": ([], {**COMMON_FLAGS, "--accelerator": WORDS}),
    "networks": ([], {"--format": st.sampled_from(["table", "csv", "json", "parquet"])}),
    "validate": (
        ["silicon"],
        {
            "--network": st.sampled_from(["alexnet", "nope"]),
            "--accelerator": WORDS,
            "--format": st.sampled_from(["table", "csv", "json", "nope"]),
        },
    ),
}
"""Per subcommand: its positional arguments and the flags fuzzed (None: a switch); the analytical
and silicon models keep each run fast."""


@st.composite
def argument_vectors(draw):
    command = draw(st.sampled_from(sorted(SUBCOMMANDS)))
    positional, flags = SUBCOMMANDS[command]
    argv = [*command.split(), *positional]
    for flag in draw(st.lists(st.sampled_from(sorted(flags)), max_size=4, unique=True)):
        value = flags[flag]
        argv.append(flag)
        if value is not None:
            drawn = draw(value)
            argv.extend(drawn if isinstance(drawn, tuple) else [drawn])
    return argv


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])  # fmt: skip
@given(argv=argument_vectors())
def test_random_argument_vectors_run_or_fail_in_one_line(capsys, small_net, argv):
    """Whatever the flags and values: exit 0, or exit 2 with one stderr line and no output."""
    argv = [small_net if arg == "{small}" else arg for arg in argv]
    code, out, err = run_cli(capsys, *argv)
    assert code in (0, 2), (argv, err)
    if code == 2:
        assert_one_line_error(code, out, err)


def tiny_onnx(path, op="Relu", input_dims=("N", 3, 8, 8)):
    """conv -> OP, written to `path`."""
    import numpy as np
    from onnx import TensorProto, helper, numpy_helper

    w = numpy_helper.from_array(np.ones((4, 3, 3, 3), dtype=np.float32), "w")
    graph = helper.make_graph(
        [helper.make_node("Conv", ["x", "w"], ["c"], name="conv", pads=[1, 1, 1, 1]),
         helper.make_node(op, ["c"], ["y"], name="act")],
        "tiny",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, list(input_dims))],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, None)],
        [w],
    )  # fmt: skip
    path.write_bytes(helper.make_model(graph).SerializeToString())
    return str(path)


@pytest.mark.parametrize(
    ("make", "argv", "fragments"),
    [
        (lambda p: p.write_bytes(b"not onnx") and str(p), [], ["is not an ONNX model"]),
        (lambda p: p.write_bytes(b"") or str(p), [], ["is empty"]),
        (lambda p: tiny_onnx(p, "Foo"), [], ["node 'act' (Foo)", "--allow-unknown"]),
        (lambda p: tiny_onnx(p, input_dims=(1, 3, "H", 8)), [], ["symbolic height 'H'"]),
        (lambda p: tiny_onnx(p), ["--input-shape", "3x0x8"], ["--input-shape", "height 0"]),
        (lambda p: tiny_onnx(p), ["--input-shape", "5x8x8"], ["node 'conv' (Conv)"]),
        (lambda p: tiny_onnx(p), ["--input-shape", "3x8"], ["--input-shape", "CxHxW"]),
        (lambda p: "alexnet", ["--input-shape", "3x8x8"], ["--input-shape applies to ONNX"]),
        (lambda p: "alexnet", ["--allow-unknown"], ["--allow-unknown applies to ONNX"]),
    ],
)
@pytest.mark.parametrize("command", ["energy", "simulate", "partition"])
def test_bad_onnx_files_and_options(capsys, tmp_path, command, make, argv, fragments):
    network = make(tmp_path / "m.onnx")
    code, out, err = run_cli(capsys, command, network, *argv)
    assert_one_line_error(code, out, err, *fragments)


def test_nodes_passed_through_are_one_warning_line(capsys, tmp_path):
    network = tiny_onnx(tmp_path / "m.onnx", "Foo")
    code, out, err = run_cli(capsys, "energy", network, "--allow-unknown", "--format", "csv")
    assert code == 0 and "\nconv," in out, out
    assert (
        err == "accelsim: warning: --allow-unknown passed 1 node(s) of unknown operators "
        "through as free reshapes: act (Foo)\n"
    )


def test_a_closed_stdout_ends_quietly(capsys, monkeypatch):
    """`accelsim ... | head`: the reader went away; no error line, the shell's SIGPIPE code."""
    import accelsim.cli.networks as networks
    from accelsim.cli.main import EXIT_BROKEN_PIPE, main

    def closed(args):
        raise BrokenPipeError(32, "Broken pipe")

    monkeypatch.setattr(networks, "run", closed)
    assert main(["networks"]) == EXIT_BROKEN_PIPE
    assert capsys.readouterr().err == ""

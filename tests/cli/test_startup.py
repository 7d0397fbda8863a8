"""Start-up: the command line pays only for what a command uses.

Each test runs one command in a fresh interpreter and lists the heavy modules it left loaded:
parsing arguments and `--help` load none; pydantic (the file schemas) only when a file is read;
numba only for a simulator's compiled kernels (a small RS run interprets them without it,
`accelsim.kernel_tier`) or the partitioner's compiled decision; matplotlib only with a plot;
pandas only for commands that compute on tables (`simulate` and `energy` print theirs as text,
CSV or JSON without it); onnx only when an .onnx file is loaded; scipy (`accelsim calibrate`
only, an optional extra) never by accelsim itself. `benchmarks/startup.py` measures what each costs.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

HEAVY = (
    "numba",
    "pandas",
    "numpy",
    "matplotlib",
    "scipy",
    "pydantic",
    "yaml",
    "tomli_w",
    "tqdm",
    "importlib.metadata",
    "onnx",
    "google.protobuf",
)
"""Modules whose import costs a command tens to hundreds of ms (importlib.metadata: tens)."""

NEVER_WITHOUT_A_PLOT = ("matplotlib", "tqdm")
"""Not for any command below: no plot is asked for, stderr is no terminal. scipy (used by
`accelsim calibrate` only) is checked in `loaded_by`: numba imports it to check its version
whenever it is installed, so it may come with numba, never without it."""


def loaded_after(code: str) -> list[str]:
    probe = f"{code}\nimport sys\nprint(','.join(m for m in {HEAVY!r} if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    last = out.stdout.rstrip("\n").split("\n")[-1]
    return [m for m in last.split(",") if m]


def loaded_by(*argv: str, setup: str = "") -> set[str]:
    """The heavy modules a fresh process holds after `accelsim ARGV` (output discarded), run
    after `setup`."""
    code = setup + (
        "import contextlib, io\nfrom accelsim.cli.main import main\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        f"    try:\n        code = main({list(argv)!r})\n    except SystemExit as exc:\n"
        "        code = exc.code\n"
        "assert code == 0, code\n"
    )
    loaded = set(loaded_after(code))
    assert "scipy" not in loaded or "numba" in loaded, argv
    return loaded


def test_parsing_arguments_imports_no_heavy_module():
    code = (
        "from accelsim.cli.main import build_parser\n"
        "parser = build_parser()\n"
        "for argv in (['energy', 'alexnet'], ['simulate', 'vgg16', '--accelerator', 'tpu-v1'],\n"
        "             ['partition', 'alexnet', '--sweep'], ['validate', 'silicon'],\n"
        "             ['explore', 'alexnet', '--array', '8x8,16x16'],\n"
        "             ['energy', 'm.onnx', '--input-shape', '3x32x32', '--allow-unknown']):\n"
        "    parser.parse_args(argv)\n"
    )
    assert loaded_after(code) == []


def test_help_imports_no_heavy_module():
    assert loaded_by("--help") == set()
    assert loaded_by("energy", "--help") == set()


def test_version_reads_the_metadata_only_when_asked():
    assert loaded_by("--version") == {"importlib.metadata"}


def test_networks_needs_only_pandas():
    assert loaded_by("networks") == {"pandas", "numpy"}


def test_printing_a_preset_needs_only_its_writer():
    assert loaded_by("accelerator", "eyeriss") == {"tomli_w"}
    assert loaded_by("accelerator", "eyeriss", "--format", "yaml") == {"yaml"}


def test_analytical_energy_loads_no_numba_and_no_file_schema():
    assert loaded_by("energy", "alexnet") == {"numpy"}


TEXT_OUTPUTS = (("--format", "table"), ("--format", "csv"), ("--format", "json"))


def test_simulate_and_energy_print_text_csv_and_json_without_pandas():
    for fmt in TEXT_OUTPUTS:
        for argv in (
            ("energy", "alexnet", *fmt),
            ("energy", "alexnet", "--non-mac", "costed", *fmt),
            ("simulate", "alexnet", *fmt),
            ("simulate", "alexnet", "--dataflow", "os", *fmt),
        ):
            assert "pandas" not in loaded_by(*argv), argv
    assert "pandas" in loaded_by("energy", "googlenet", "--by-group")  # pandas' group sums


def printed_without_scipy(*argv: str) -> subprocess.CompletedProcess:
    """`accelsim ARGV` in a fresh process where scipy cannot be imported (as without the
    `calibrate` extra); numba then skips its BLAS check."""
    code = (
        "import sys\nsys.modules['scipy'] = None\nfrom accelsim.cli.main import main\n"
        f"sys.exit(main({list(argv)!r}))\n"
    )
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)


def test_simulate_and_energy_need_no_scipy():
    for argv in (("simulate", "alexnet"), ("simulate", "alexnet", "--dataflow", "os"),
                 ("energy", "alexnet", "--format", "json")):  # fmt: skip
        without = printed_without_scipy(*argv)
        assert without.returncode == 0, without.stderr
        with_scipy = subprocess.run(
            [sys.executable, "-m", "accelsim.cli.main", *argv], capture_output=True, text=True
        )
        assert without.stdout == with_scipy.stdout, argv


def test_calibrate_without_scipy_is_one_line_naming_the_extra():
    out = printed_without_scipy("calibrate", "--bootstrap", "0")
    assert out.returncode == 2
    assert out.stdout == ""
    assert out.stderr.count("\n") == 1 and "Traceback" not in out.stderr
    assert "pip install 'accelsim[calibrate]'" in out.stderr


def test_reading_an_accelerator_file_loads_its_schema(tmp_path: Path):
    path = tmp_path / "mine.toml"
    path.write_text('name = "mine"\n')
    loaded = loaded_by("energy", "alexnet", "--accelerator", str(path))
    assert "pydantic" in loaded
    assert not loaded & {"numba", *NEVER_WITHOUT_A_PLOT}


def test_reading_a_network_file_loads_its_schema(tmp_path: Path):
    path = tmp_path / "tiny.json"
    path.write_text(
        '{"input": {"channels": 3, "size": 8},'
        ' "layers": [{"type": "conv", "name": "c1", "filters": 4, "size": 3}]}'
    )
    loaded = loaded_by("energy", str(path))
    assert "pydantic" in loaded
    assert not loaded & {"numba", *NEVER_WITHOUT_A_PLOT}


def test_simulators_load_numba_but_no_schema_and_no_plotting():
    for argv, setup in (
        (("simulate", "alexnet"), COMPILED),
        (("simulate", "alexnet", "--dataflow", "os"), ""),
    ):
        loaded = loaded_by(*argv, setup=setup)
        assert "numba" in loaded, argv
        assert not loaded & {"pydantic", "tomli_w", *NEVER_WITHOUT_A_PLOT}, argv


COMPILED = "from accelsim import kernel_tier\nkernel_tier._state['tier'] = 'compiled'\n"
"""Every kernel compiled: what a large run does."""

INTERPRETED = "from accelsim import kernel_tier\nkernel_tier.NUMBA_START_SECONDS = 1e9\n"
"""Every call within the interpreted budget, whatever this machine's speed: a small run."""


def test_a_small_rs_run_interprets_its_kernels_without_loading_numba():
    loaded = loaded_by("simulate", "alexnet", setup=INTERPRETED)
    assert loaded == {"numpy"}


def test_partition_and_compare_load_no_schema_and_no_plotting():
    for argv in (("partition", "alexnet"), ("compare", "alexnet")):
        loaded = loaded_by(*argv)
        assert "pandas" in loaded, argv
        assert not loaded & {"pydantic", "tomli_w", *NEVER_WITHOUT_A_PLOT}, argv
    assert "numba" not in loaded_by("compare", "alexnet", "--models", "analytical,silicon")


def test_analytical_explore_loads_no_numba_and_no_plotting():
    loaded = loaded_by("explore", "alexnet", "--model", "analytical", "--no-store")
    assert "pandas" in loaded
    assert not loaded & {"numba", "pydantic", "tomli_w", *NEVER_WITHOUT_A_PLOT}


def test_an_onnx_file_loads_onnx_but_no_schema_and_no_numba(tmp_path: Path):
    import numpy as np
    from onnx import TensorProto, helper, numpy_helper

    w = numpy_helper.from_array(np.ones((4, 3, 3, 3), dtype=np.float32), "w")
    graph = helper.make_graph(
        [helper.make_node("Conv", ["x", "w"], ["y"], name="conv")],
        "tiny",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 3, 8, 8])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, None)],
        [w],
    )
    path = tmp_path / "tiny.onnx"
    path.write_bytes(helper.make_model(graph).SerializeToString())
    loaded = loaded_by("energy", str(path))
    assert "onnx" in loaded
    assert not loaded & {"numba", "pandas", "pydantic", "tomli_w", *NEVER_WITHOUT_A_PLOT}

"""`accelsim warmup`: every kernel the paths compile lands in numba's on-disk cache, so that a
later process loads it instead of interpreting or compiling."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from accelsim.warmup import PATHS

COMPILED_KERNELS = """
import sys
from numba.core.dispatcher import Dispatcher
from accelsim.kernel_tier import Kernel
from accelsim.warmup import warm_up
warm_up()
names = sorted(
    f"{module}:{name}"
    for module, mod in list(sys.modules.items())
    if module.startswith(("accelsim.", "dataflows."))
    for name, value in vars(mod).items()
    if isinstance(value, Dispatcher | Kernel) and value.signatures
)
print("\\n".join(names))
"""

CACHED = """
import importlib, json, sys
from accelsim.kernel_tier import _cached_on_disk
found = {}
for spec in sys.argv[1:]:
    module, name = spec.split(":")
    found[spec] = _cached_on_disk(getattr(importlib.import_module(module), name))
print(json.dumps(found))
"""


def python(code: str, env: dict, *args: str) -> str:
    done = subprocess.run([sys.executable, "-c", code, *args], env=env, capture_output=True,
                          text=True, timeout=600, check=True)  # fmt: skip
    return done.stdout


def test_warmup_fills_the_cache_with_every_kernel_it_compiles(tmp_path):
    env = dict(os.environ, NUMBA_CACHE_DIR=str(tmp_path / "numba"))
    kernels = python(COMPILED_KERNELS, env).split()
    assert "accelsim.engine.rs.fast:simulate_layer" in kernels
    assert "dataflows.row_stationary.kernel:best_candidates" in kernels
    assert "accelsim.engine.systolic.kernels:_read_buffer_stream" in kernels
    assert "accelsim.engine.systolic.kernels:_ofmap_write_buffer" in kernels
    cached = json.loads(python(CACHED, env, *kernels))
    assert cached == dict.fromkeys(kernels, True)
    other = dict(os.environ, NUMBA_CACHE_DIR=str(tmp_path / "empty"))
    assert json.loads(python(CACHED, other, *kernels)) == dict.fromkeys(kernels, False)


def test_warmup_command_reports_every_path(tmp_path):
    env = dict(os.environ, NUMBA_CACHE_DIR=str(tmp_path / "numba"))
    done = subprocess.run([sys.executable, "-m", "accelsim.cli.main", "warmup", "--format", "json"],
                          env=env, capture_output=True, text=True, timeout=600)  # fmt: skip
    assert done.returncode == 0, done.stderr
    rows = json.loads(done.stdout)
    assert [row["path"] for row in rows] == [path[0] for path in PATHS]
    assert all(row["seconds"] > 0 for row in rows)


def test_warmup_rejects_a_bad_format_in_one_line(capsys):
    from accelsim.cli.main import main

    try:
        code = main(["warmup", "--format", "nope"])
    except SystemExit as exc:
        code = exc.code
    err = capsys.readouterr().err
    assert code == 2 and len(err.strip().splitlines()) == 1 and "'nope'" in err

"""Start-up: the command line pays only for what a command uses (no numba, pandas or matplotlib to
parse arguments or print help; no numba to list networks)."""

from __future__ import annotations

import subprocess
import sys

HEAVY = ("numba", "pandas", "matplotlib", "scipy")


def loaded_after(code: str) -> list[str]:
    probe = f"{code}\nimport sys\nprint(','.join(m for m in {HEAVY!r} if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    last = out.stdout.rstrip("\n").split("\n")[-1]
    return [m for m in last.split(",") if m]


def test_parsing_arguments_imports_no_heavy_module():
    code = (
        "from accelsim.cli.main import build_parser\n"
        "parser = build_parser()\n"
        "for argv in (['energy', 'alexnet'], ['simulate', 'vgg16', '--accelerator', 'tpu-v1'],\n"
        "             ['partition', 'alexnet', '--sweep'], ['validate', 'silicon']):\n"
        "    parser.parse_args(argv)\n"
    )
    assert loaded_after(code) == []


def test_help_and_networks_do_not_load_numba():
    assert (
        loaded_after(
            "import contextlib, io\nfrom accelsim.cli.main import main\n"
            "with contextlib.redirect_stdout(io.StringIO()):\n"
            "    try:\n        main(['--help'])\n    except SystemExit:\n        pass\n"
        )
        == []
    )
    assert "numba" not in loaded_after(
        "import contextlib, io\nfrom accelsim.cli.main import main\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n    main(['networks'])\n"
    )

"""The package itself: one version string, no heavy imports and no global side effects on import."""

from __future__ import annotations

import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_version_is_declared_once():
    import accelsim

    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text())
    version = pyproject["project"]["version"]
    assert accelsim.__version__ == version  # read from the installed metadata
    assert version not in (ROOT / "accelsim" / "__init__.py").read_text()


def test_import_loads_no_numerical_library():
    code = (
        "import sys, accelsim\n"
        "heavy = [m for m in ('numba', 'pandas', 'matplotlib', 'numpy', 'yaml') if m in sys.modules]\n"
        "print(','.join(heavy))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


def test_runtime_does_not_import_validation():
    code = (
        "import sys, accelsim\n"
        "accelsim.run('alexnet', 'eyeriss', model='silicon')\n"
        "accelsim.run('alexnet', 'eyeriss', model='analytical')\n"
        "print(any(m == 'validation' or m.startswith('validation.') for m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"

"""The one fitted constant: computed from the tables on its one fit set, the Eyeriss core."""

from __future__ import annotations

import subprocess
import sys

import pytest

from accelsim.area import CORE_OVERHEAD, FIT_SET
from accelsim.area.components import spatial_parts
from accelsim.area.overhead import fit_core_overhead
from accelsim.area.tables import published
from accelsim.hardware import preset


def test_factor_is_the_eyeriss_core_over_its_components():
    components = sum(spatial_parts(preset("eyeriss").hardware).values())
    factor = fit_core_overhead()
    assert factor == CORE_OVERHEAD
    assert factor == pytest.approx(published("eyeriss", "core_area") / components)
    assert 1 < factor < 10
    assert "Eyeriss core area 12.25 mm2" in FIT_SET and "JSSC 2017 Table IV" in FIT_SET


def test_the_fit_reads_no_tpu_figure():
    """The fit set is the Eyeriss core only: without TPU v1's rows the factor is the same."""
    code = (
        "import accelsim.area.tables as t\n"
        "full = t.rows\n"
        "t.rows = lambda name: [r for r in full(name) if r.get('chip') != 'tpu-v1']\n"
        "from accelsim.area import CORE_OVERHEAD\n"
        "print(repr(CORE_OVERHEAD))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == repr(CORE_OVERHEAD)


def test_area_model_loads_no_numerical_library():
    code = (
        "import sys, accelsim\n"
        "accelsim.area_of(accelsim.preset('tpu-v1'))\n"
        "print(','.join(m for m in ('numpy', 'pandas', 'numba', 'matplotlib') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""

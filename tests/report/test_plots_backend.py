"""Plotting leaves matplotlib's global state alone: no backend switch, no pyplot.

Each check runs in a fresh interpreter with `MPLBACKEND=svg`, so the backend a notebook or the
user chose is visible, and nothing imported by the test session can hide a pyplot import.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from accelsim.errors import AccelsimError
from accelsim.report.output import check_image_path, save_figure

BACKEND = "svg"

PRELUDE = r"""
import json, sys
from pathlib import Path

import accelsim
{imports}

imported_matplotlib = "matplotlib" in sys.modules

import matplotlib
import numpy as np
import pandas as pd

before = matplotlib.get_backend()
out = Path(sys.argv[1])
layers = ["conv1", "conv2", "fc1"]
"""

EPILOGUE = r"""
print(json.dumps({
    "imported_matplotlib": imported_matplotlib,
    "before": before,
    "after": matplotlib.get_backend(),
    "pyplot": "matplotlib.pyplot" in sys.modules,
}))
"""

ENGINE_PLOTS = r"""
from accelsim.energy.record import BREAKDOWN_COLUMNS
from accelsim.engine.rs.plan import CYCLE_CAUSES
from accelsim.hardware.spatial import SpatialArray

energy = pd.DataFrame({"layer": layers, **{c: [1e-4, 2e-4, 3e-4] for c in BREAKDOWN_COLUMNS}})
energy_plot.plot_energy_breakdown(energy, "energy", str(out / "energy.png"))

cycles = {f"cycles_{c}": [1e5, 2e5, 3e4] for c in CYCLE_CAUSES}
rs = pd.DataFrame({"layer": layers, "energy_j": [1e-3, 2e-3, 5e-4], **cycles})
rs_plots.plot_layers(rs, "rs layers", str(out / "rs_layers.png"))

rng = np.random.default_rng(0)
keys = ("active_pes", "ifmap_bus", "filter_bus", "psum_in_bus", "psum_out_bus", "dram_link")
activity = {key: rng.integers(0, 5, 1000) for key in keys}
rs_plots.plot_trace(activity, SpatialArray(), "rs trace", str(out / "rs_trace.png"), bins=50)

systolic = pd.DataFrame(
    {"layer": layers, "cycles": [1000, 2500, 400], "energy_j": [1e-3, 2e-3, 4e-4]}
)
systolic_plot.plot_systolic_layers(systolic, "systolic", str(out / "systolic.png"))
"""

PARTITION_PLOTS = r"""
from accelsim.partition.model import PartitionModel
from accelsim.partition.sweep import sweep

silicon = pd.DataFrame(
    {
        "network": ["alexnet", "alexnet", "vgg16"],
        "layer": ["CONV1", "CONV2", "CONV1-1"],
        "latency_ms_chip": [16.5, 39.2, 40.0],
        "latency_ms": [15.0, 41.0, 38.0],
        "latency_ms_analytical": [12.0, 35.0, 30.0],
        "latency_err": [-0.09, 0.05, -0.05],
    }
)
validation_plots.plot_silicon_latency(silicon, str(out / "silicon.png"))

model = PartitionModel(
    network="tiny",
    cuts=("input", "conv1", "conv2", "output"),
    compute_j=np.array([0.0, 1e-3, 2e-3, 3e-3]),
    compute_s=np.array([0.0, 1e-3, 2e-3, 3e-3]),
    bits=np.array([1e6, 4e5, 1e5, 1e3]),
    bits_source=("image", "rlc", "rlc", "result"),
    energy_source="synthetic",
    layer_energies=pd.DataFrame(),
)
partition_plots.save_cut_energy_plot(model, 10e6, 1.0, out / "cut_energy.png", 0.05)
frame = sweep(model, np.logspace(5, 8, 6), np.linspace(0.1, 2.0, 4))
partition_plots.save_sweep_plot(model, frame, 1.0, out / "sweep.png")
"""

GROUPS = {
    "engine": (
        (
            "import accelsim.engine.rs.plots as rs_plots",
            "import accelsim.report.energy_plot as energy_plot",
            "import accelsim.report.systolic_plot as systolic_plot",
        ),
        ENGINE_PLOTS,
        ("energy", "rs_layers", "rs_trace", "systolic"),
    ),
    "partition": (
        (
            "import accelsim.partition.plots as partition_plots",
            "import validation.plots as validation_plots",
        ),
        PARTITION_PLOTS,
        ("silicon", "cut_energy", "sweep"),
    ),
}
"""Plots drawn per interpreter: (modules imported first, the drawing code, images it writes).
Two interpreters run at once to keep the test quick."""


def _env() -> dict[str, str]:
    """This environment with the backend under test chosen."""
    return {**os.environ, "MPLBACKEND": BACKEND}


def _script(imports: tuple[str, ...], body: str) -> str:
    """The program one interpreter runs: import, draw, report matplotlib's state as JSON."""
    return PRELUDE.format(imports="\n".join(imports)) + body + EPILOGUE


def _python(code: str) -> str:
    """Run `code` in a fresh interpreter with MPLBACKEND set; its stdout."""
    done = subprocess.run(
        [sys.executable, "-c", code], env=_env(), capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_import_keeps_the_chosen_backend() -> None:
    """`import accelsim` leaves the backend the environment chose."""
    out = _python("import accelsim, matplotlib; print(matplotlib.get_backend())")
    assert out.strip().lower() == BACKEND


def test_plots_change_no_global_state(tmp_path: Path) -> None:
    """Every plot function draws a PNG; the backend stays MPLBACKEND's and pyplot unimported."""
    runs = {}
    for name, (imports, body, _) in GROUPS.items():
        folder = tmp_path / name
        folder.mkdir()
        runs[name] = subprocess.Popen(
            [sys.executable, "-c", _script(imports, body), str(folder)],
            env=_env(),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
    try:
        outputs = {name: run.communicate(timeout=120) for name, run in runs.items()}
    finally:
        for run in runs.values():
            if run.poll() is None:
                run.kill()
                run.wait()
    for name, run in runs.items():
        stdout, stderr = outputs[name]
        assert run.returncode == 0, f"{name}: {stderr}"
        report = json.loads(stdout.strip().splitlines()[-1])
        assert not report["imported_matplotlib"], f"{name}: a plotting module imports matplotlib"
        assert report["before"].lower() == BACKEND
        assert report["after"] == report["before"], f"{name}: the backend changed"
        assert not report["pyplot"], f"{name}: a plot imported matplotlib.pyplot"
        images = GROUPS[name][2]
        for image in images:
            data = (tmp_path / name / f"{image}.png").read_bytes()
            assert data[:8] == b"\x89PNG\r\n\x1a\n", image
        written = sorted(p.name for p in (tmp_path / name).iterdir())
        assert written == sorted(f"{image}.png" for image in images), "temporary files left"


def test_unknown_image_suffix_is_an_error(tmp_path: Path) -> None:
    """The format comes from the suffix (png without one); an unknown one writes nothing."""
    from matplotlib.figure import Figure

    assert check_image_path(tmp_path / "a.svg") == "svg"
    assert check_image_path(tmp_path / "noext") == "png"
    with pytest.raises(AccelsimError, match="unknown image type"):
        save_figure(Figure(), tmp_path / "a.xyz")
    assert list(tmp_path.iterdir()) == []


def test_save_figure_writes_the_suffix_format(tmp_path: Path) -> None:
    """A bare `Figure` is saved in the suffix's format, atomically (no temporary left)."""
    from matplotlib.figure import Figure

    fig = Figure(figsize=(2, 2))
    fig.subplots().plot([0, 1], [1, 0])
    save_figure(fig, tmp_path / "a.pdf")
    assert (tmp_path / "a.pdf").read_bytes()[:5] == b"%PDF-"
    assert [p.name for p in tmp_path.iterdir()] == ["a.pdf"]

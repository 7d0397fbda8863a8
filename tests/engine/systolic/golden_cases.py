"""Loading the stored SCALE-Sim 3.0.0 golden runs (validation/data/scalesim_golden)."""

from __future__ import annotations

from pathlib import Path

from accelsim.interop.scalesim import read_scalesim_config
from accelsim.workload.scalesim_topology import read_scalesim_topology
from dataflows.systolic import ConvGemm, layer_gemms

GOLDEN = Path(__file__).resolve().parents[3] / "validation" / "data" / "scalesim_golden"


def case_dirs() -> list[Path]:
    return sorted(p for p in GOLDEN.iterdir() if (p / "DETAILED_ACCESS_REPORT.csv").is_file())


def case_gemms(case: Path) -> list[ConvGemm]:
    """The GEMMs SCALE-Sim ran, in report order, through accelsim's own topology reader."""
    gemms = []
    for layer in read_scalesim_topology(case / "topology.csv").layers:
        lg = layer_gemms(layer, ceil_outputs=True)
        gemms += [lg.gemm] * lg.repeats
    return gemms


def case_array(case: Path):
    return read_scalesim_config(case / "scale.cfg").array


def report_rows(case: Path, name: str) -> list[list[str]]:
    lines = (case / name).read_text().splitlines()[1:]
    return [[c.strip() for c in line.split(",")][1:-1] for line in lines]

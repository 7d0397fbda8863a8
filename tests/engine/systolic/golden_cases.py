"""Loading the stored SCALE-Sim 3.0.0 golden runs (validation/data/scalesim_golden)."""

from __future__ import annotations

from pathlib import Path

from accelsim.interop.scalesim import read_scalesim_config
from dataflows.systolic import ConvGemm

GOLDEN = Path(__file__).resolve().parents[3] / "validation" / "data" / "scalesim_golden"


def case_dirs() -> list[Path]:
    return sorted(p for p in GOLDEN.iterdir() if (p / "scale.cfg").is_file())


def case_gemms(case: Path) -> list[ConvGemm]:
    lines = (case / "topology.csv").read_text().splitlines()[1:]
    gemms = []
    for line in lines:
        cells = [c.strip() for c in line.split(",") if c.strip()]
        if case.name.startswith("gemm"):
            gemms.append(ConvGemm.from_mnk(cells[0], *map(int, cells[1:4])))
        else:
            gemms.append(ConvGemm(cells[0], *map(int, cells[1:8]), ceil_outputs=True))
    return gemms


def case_array(case: Path):
    return read_scalesim_config(case / "scale.cfg").array


def report_rows(case: Path, name: str) -> list[list[str]]:
    lines = (case / name).read_text().splitlines()[1:]
    return [[c.strip() for c in line.split(",")][1:-1] for line in lines]

"""The README's held-out figures are those of the shipped calibrated file."""

from __future__ import annotations

from pathlib import Path

import pytest

from accelsim.hardware import load_accelerator
from validation.calibration.report import layer_frame, summary_frame

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def summary():
    acc = load_accelerator(ROOT / "docs" / "examples" / "eyeriss-cal.toml")
    return summary_frame(layer_frame(acc)).set_index(["split", "model", "quantity"])


@pytest.mark.parametrize(
    ("split", "model", "quantity", "mean", "worst"),
    [
        ("fit", "calibrated", "latency_ms", 6.1, 15.1),
        ("fit", "calibrated", "energy_mj", 4.5, 17.6),
        ("held-out", "calibrated", "latency_ms", 3.8, 7.7),
        ("held-out", "calibrated", "energy_mj", 12.8, 32.3),
        ("held-out", "uncalibrated", "energy_mj", 11.8, 31.9),
        ("held-out", "cnnergy", "latency_ms", 38.9, 85.2),
        ("held-out", "cnnergy", "energy_mj", 36.2, 78.1),
    ],
)
def test_readme_quotes_the_calibrated_file(summary, split, model, quantity, mean, worst):
    row = summary.loc[(split, model, quantity)]
    assert round(100 * row["mean_abs_err"], 1) == mean
    assert round(100 * row["max_abs_err"], 1) == worst
    readme = (ROOT / "README.md").read_text()
    assert f"{mean} % / {worst} %" in readme


def test_readme_active_pes(summary):
    assert summary.loc[("held-out", "calibrated", "active_pes"), "exact"] == 12

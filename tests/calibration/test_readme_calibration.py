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
        ("held-out", "uncalibrated", "latency_ms", 36.7, 70.9),
        ("held-out", "uncalibrated", "energy_mj", 35.2, 63.6),
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


def test_readme_uncalibrated_active_pes(summary):
    assert summary.loc[("held-out", "uncalibrated", "active_pes"), "exact"] == 5
    assert summary.loc[("fit", "uncalibrated", "active_pes"), "exact"] == 5


def test_readme_split_rows_are_the_files_provenance():
    """The reverse-split and leave-one-out rows are what `accelsim calibrate` recorded."""
    from accelsim.files.reading import read_structured

    data = read_structured(ROOT / "docs" / "examples" / "eyeriss-cal.toml", "accelerator")
    rows = {(r["study"], r["quantity"]): r for r in data["provenance"]["splits"]}
    readme = " ".join((ROOT / "README.md").read_text().split())
    for study, label in (
        ("reverse: fit vgg16, predict alexnet", "reverse split (fit VGG-16, predict AlexNet)"),
        ("leave-one-out on alexnet", "leave-one-layer-out on AlexNet"),
    ):
        cells = [
            f"{100 * rows[(study, q)]['mean_abs_err']:.1f} % / "
            f"{100 * rows[(study, q)]['max_abs_err']:.1f} %"
            for q in ("latency_ms", "energy_mj")
        ]
        assert f"| {label} | 5 | {cells[0]} | {cells[1]} | - |" in readme


def test_the_energy_mapper_departs_from_table_iii_on_conv4_only():
    """The README's claim: uncalibrated, the `energy` mapper reproduces the chip's AlexNet
    mappings except conv4's m and p."""
    from accelsim.hardware import resolve_accelerator
    from validation.calibration.fit import _mismatches, predictions

    frame = predictions(resolve_accelerator("eyeriss", 16), "alexnet")
    per_layer = {layer: _mismatches(frame.loc[[layer]], "alexnet") for layer in frame.index}
    assert per_layer == {"conv1": 0, "conv2": 0, "conv3": 0, "conv4": 2, "conv5": 0}
    assert frame.loc["conv4", "mapping"].startswith("m=48,n=4,e=13,p=24,")
    vgg = predictions(resolve_accelerator("eyeriss", 16), "vgg16")
    quoted = f"conv1_2 {vgg.loc['conv1_2', 'latency_ms']:.0f} ms against "
    quoted += f"{vgg.loc['conv1_2', 'latency_ms_chip']:.0f} ms measured"
    assert quoted in " ".join((ROOT / "README.md").read_text().split())

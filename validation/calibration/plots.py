"""Parity plot of a calibrated accelerator: predicted vs measured, one panel per quantity, fit
and held-out layers marked, the uncalibrated model beside (hollow). A bare matplotlib `Figure`."""

from __future__ import annotations

from typing import TYPE_CHECKING

from accelsim.report.output import save_figure
from validation.calibration.report import QUANTITIES

if TYPE_CHECKING:
    import pandas as pd


def plot_parity(layers: pd.DataFrame, path: str, name: str) -> None:
    """`layers`: `validation.calibration.report.layer_frame` output."""
    import numpy as np
    from matplotlib.figure import Figure

    keys = list(QUANTITIES)
    cols = 4
    rows = -(-len(keys) // cols)
    fig = Figure(figsize=(4 * cols, 3.8 * rows))
    axes = fig.subplots(rows, cols).ravel()
    styles = {"fit": ("tab:blue", "o"), "held-out": ("tab:red", "s")}
    for ax, key in zip(axes, keys, strict=False):
        label, unit = QUANTITIES[key]
        measured = layers[f"{key}_chip"].to_numpy(float)
        for split, (color, marker) in styles.items():
            part = layers[layers["split"] == split]
            net = part["network"].iloc[0] if len(part) else ""
            ax.scatter(part[f"{key}_chip"], part[key], c=color, marker=marker, s=22,
                       label=f"{split} ({net}), calibrated")  # fmt: skip
        lo, hi = np.nanmin(measured), np.nanmax(measured)
        if key == "active_pes":
            ax.set_xlim(lo - 8, hi + 8)
            ax.set_ylim(lo - 8, hi + 8)
            line = np.array([lo - 8, hi + 8])
        else:
            ax.set_xscale("log")
            ax.set_yscale("log")
            line = np.array([lo / 1.5, hi * 1.5])
            ax.fill_between(line, line * 0.85, line * 1.15, color="0.9", label="±15 %")
        ax.plot(line, line, color="black", lw=0.8)
        ax.set_xlabel(f"measured {label} ({unit})", fontsize=8)
        ax.set_ylabel(f"predicted ({unit})", fontsize=8)
        ax.set_title(label, fontsize=9)
        ax.tick_params(labelsize=7)
    axes[0].legend(fontsize=7, loc="upper left")
    for ax in axes[len(keys) :]:
        ax.set_visible(False)
    fig.suptitle(
        f"{name}: RS model vs the Eyeriss chip (JSSC 2017), fit set and held-out set", fontsize=11
    )
    fig.tight_layout()
    save_figure(fig, path)

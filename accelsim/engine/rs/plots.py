"""Plots of RS simulations: per-layer cycles by cause and energy; per-cycle trace activity.

Drawn with matplotlib's object-oriented API (a bare `Figure`): no pyplot, no backend switch, and
matplotlib is imported only when a plot is drawn.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from accelsim.engine.rs.plan import CYCLE_CAUSES
from accelsim.report.output import save_figure

if TYPE_CHECKING:
    import pandas as pd

    from accelsim.hardware.spatial import SpatialArray


def plot_layers(frame: pd.DataFrame, title: str, path: str) -> None:
    """Stacked cycles by cause (left) and energy per image (right) of each layer, to `path`."""
    from matplotlib.figure import Figure

    fig = Figure(figsize=(max(8, 0.6 * len(frame) + 4) * 1.6, 4.8))
    ax1, ax2 = fig.subplots(1, 2)
    x = np.arange(len(frame))
    bottom = np.zeros(len(frame))
    for cause in CYCLE_CAUSES:
        values = frame[f"cycles_{cause}"].to_numpy(dtype=float) / 1e6
        ax1.bar(x, values, bottom=bottom, label=cause.replace("_", " "))
        bottom += values
    ax1.set_xticks(x, frame["layer"], rotation=60, ha="right")
    ax1.set_ylabel("cycles of the batch (millions)")
    ax1.set_title("Where the cycles go")
    ax1.legend(fontsize=8)
    ax2.bar(x, frame["energy_j"] * 1e3, color="tab:purple")
    ax2.set_xticks(x, frame["layer"], rotation=60, ha="right")
    ax2.set_ylabel("energy per image (mJ)")
    ax2.set_title("Energy per image")
    fig.suptitle(title)
    fig.tight_layout()
    save_figure(fig, path)


def _binned(values: np.ndarray, bins: int) -> tuple[np.ndarray, np.ndarray]:
    """Mean of `values` over up to `bins` equal windows; returns (window start cycle, mean)."""
    n = len(values)
    if n == 0:
        return np.zeros(0), np.zeros(0)
    width = max(1, -(-n // bins))
    pad = (-n) % width
    padded = np.concatenate([values.astype(float), np.full(pad, np.nan)])
    means = np.nanmean(padded.reshape(-1, width), axis=1)
    return np.arange(len(means)) * width, means


def plot_trace(
    activity: dict[str, np.ndarray], hw: SpatialArray, title: str, path: str, bins: int = 300
) -> None:
    """Busy PEs, bus occupancy (fraction of each bus's width used) and DRAM link over time."""
    from matplotlib.figure import Figure

    rates = {
        "ifmap_bus": hw.noc_ifmap_bits // hw.bits,
        "filter_bus": hw.noc_filter_bits // hw.bits,
        "psum_in_bus": hw.noc_psum_bits // hw.bits,
        "psum_out_bus": hw.noc_psum_bits // hw.bits,
    }
    fig = Figure(figsize=(11, 7.5))
    axes = fig.subplots(3, 1, sharex=True)
    x, pes = _binned(activity["active_pes"], bins)
    axes[0].fill_between(x, pes, step="post", color="tab:green", alpha=0.6, lw=0)
    axes[0].axhline(hw.num_pes, color="grey", ls="--", lw=0.8, label=f"{hw.num_pes} PEs")
    axes[0].set_ylabel(
        f"busy PEs (mean over\n{max(1, -(-len(activity['active_pes']) // bins))} cycles)"
    )
    axes[0].legend(fontsize=8, loc="upper right")
    for key, rate in rates.items():
        x, occ = _binned(activity[key] / rate, bins)
        axes[1].step(x, occ, where="post", lw=0.9, label=key.replace("_", " "))
    axes[1].set_ylabel("bus occupancy (fraction)")
    axes[1].set_ylim(-0.05, 1.05)
    axes[1].legend(fontsize=8, loc="upper right", ncol=4)
    x, link = _binned(activity["dram_link"], bins)
    axes[2].fill_between(x, link, step="post", color="tab:red", alpha=0.6, lw=0)
    axes[2].set_ylabel("DRAM link busy (fraction)")
    axes[2].set_ylim(-0.05, 1.05)
    axes[2].set_xlabel("core cycle")
    fig.suptitle(title)
    fig.tight_layout()
    save_figure(fig, path)

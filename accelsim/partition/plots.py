"""Plots of a partition: client energy per cut, the best-cut map, and the saving over bit rate.

Drawn with matplotlib's object-oriented API (a bare `Figure`): no pyplot, no backend switch, and
matplotlib is imported only when a plot is drawn.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

import numpy as np

from accelsim.partition.sweep import sweep
from accelsim.report.output import save_figure

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

    from accelsim.partition.model import PartitionModel


def _rate_label(bitrate_bps: float) -> str:
    """A bit rate in Mbps, for titles."""
    return f"{bitrate_bps / 1e6:g} Mbps"


MAX_LABELLED_CUTS = 200
"""Most cuts labelled on the cut-energy plot's axis; beyond it every k-th cut (and the best) is."""


def cut_label(tensors: tuple[str, ...]) -> str:
    """A cut on an axis: its tensors joined by '+', their count when there are several."""
    name = "+".join(tensors)
    return name if len(tensors) == 1 else f"{name} ({len(tensors)})"


def cut_energy_figure(
    model: PartitionModel, bitrate_bps: float, ptx_w: float, latency_bound_s: float | None = None
) -> Figure:
    """Stacked bars of client compute and transmit energy at every cut, the best cut marked with
    the tensors it sends; each cut is labelled with its tensors (and their count)."""
    from matplotlib.figure import Figure

    points = model.points(bitrate_bps, ptx_w, latency_bound_s)
    n = len(points)
    x = np.arange(n)
    compute = points["compute_j"].to_numpy() * 1e3
    transmit = points["transmit_j"].to_numpy() * 1e3
    step = -(-n // MAX_LABELLED_CUTS)
    best = np.flatnonzero(points["best"].to_numpy())
    shown = sorted({*range(0, n, step), *(int(i) for i in best)})
    labels = [cut_label(model.tensors[i]) for i in shown]
    fontsize = 8 if len(shown) <= 40 else 6 if len(shown) <= 120 else 4
    # Rotated labels take about 0.6 x fontsize / 72 in per character below the axis.
    label_in = 0.6 * fontsize / 72 * max(len(label) for label in labels) * np.sin(np.pi / 3)
    fig = Figure(figsize=(min(40.0, max(6.0, 0.3 * n + 2)), 3.5 + label_in))
    ax = fig.subplots()
    ax.bar(x, compute, color="#4c72b0", label="client compute")
    ax.bar(x, transmit, bottom=compute, color="#dd8452", label="transmit")
    if not points["meets_bound"].all():
        over = np.flatnonzero(~points["meets_bound"].to_numpy())
        ax.bar(
            x[over],
            compute[over] + transmit[over],
            fill=False,
            hatch="//",
            edgecolor="grey",
            linewidth=0,
            label="over the latency bound",
        )
    if best.size:
        k = int(best[0])
        top = compute[k] + transmit[k]
        ax.bar(x[k], top, fill=False, edgecolor="black", linewidth=2)
        sent = model.tensors[k]
        what = sent[0] if len(sent) == 1 else f"{len(sent)} tensors\n" + "\n".join(sent)
        ax.annotate(
            f"best: {what}\n{top:.3g} mJ",
            (x[k], top),
            xytext=(0, 8),
            textcoords="offset points",
            ha="center",
            fontsize=8,
        )
    ax.set_xticks(x[shown])
    ax.set_xticklabels(labels, rotation=60, ha="right", fontsize=fontsize)
    ax.set_xlabel("cut point (tensors sent to the cloud)")
    ax.set_ylabel("client energy per image (mJ)")
    bound = f", latency <= {latency_bound_s:g} s" if latency_bound_s else ""
    ax.set_title(
        f"{model.network}: client energy per cut at {_rate_label(bitrate_bps)}, "
        f"{ptx_w:g} W ({model.energy_source}{bound})"
    )
    ax.legend(loc="upper right", fontsize=8)
    ax.set_ylim(0, max(compute + transmit) * 1.18)
    fig.tight_layout()
    return fig


def _best_cut_map(ax: Axes, model: PartitionModel, frame: pd.DataFrame) -> None:
    """The best cut's index over the (bit rate, transmit power) grid of a `sweep` result."""
    import matplotlib
    from matplotlib.colors import BoundaryNorm, ListedColormap

    rates = np.unique(frame["bitrate_bps"].to_numpy())
    powers = np.unique(frame["ptx_w"].to_numpy())
    grid = (
        frame.set_index(["ptx_w", "bitrate_bps"])["best_index"]
        .unstack()
        .reindex(index=powers, columns=rates)
        .to_numpy()
    )
    used = sorted(int(i) for i in np.unique(grid))
    codes = np.searchsorted(used, grid)
    palette = matplotlib.colormaps["tab20"].resampled(max(len(used), 2))
    cmap = ListedColormap([palette(i) for i in range(len(used))])
    norm = BoundaryNorm(np.arange(len(used) + 1) - 0.5, len(used))
    mesh = ax.pcolormesh(rates / 1e6, powers, codes, cmap=cmap, norm=norm, shading="nearest")
    ax.set_xscale("log")
    ax.set_xlabel("effective bit rate (Mbps)")
    ax.set_ylabel("transmit power (W)")
    ax.set_title(f"{model.network}: best cut ({model.energy_source})")
    bar = ax.figure.colorbar(mesh, ax=ax, ticks=np.arange(len(used)))
    bar.ax.set_yticklabels(
        [cut_label(model.tensors[i]) if i >= 0 else "none meets bound" for i in used], fontsize=7
    )


def _saving_curve(
    ax: Axes,
    model: PartitionModel,
    rates_bps: np.ndarray,
    ptx_w: float,
    latency_bound_s: float | None,
) -> None:
    """Saving of the best cut vs fully cloud and fully in-situ over bit rate, at `ptx_w`."""
    rows = sweep(model, rates_bps, [ptx_w], latency_bound_s)
    rate = rows["bitrate_bps"].to_numpy() / 1e6
    ax.plot(rate, rows["saving_vs_cloud"] * 100, label="vs fully cloud")
    ax.plot(rate, rows["saving_vs_local"] * 100, label="vs fully in-situ")
    ax.set_xscale("log")
    ax.set_xlabel("effective bit rate (Mbps)")
    ax.set_ylabel("client energy saving (%)")
    ax.set_title(f"{model.network}: saving of the best cut at {ptx_w:g} W")
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(fontsize=8)


def sweep_figure(
    model: PartitionModel, frame: pd.DataFrame, ptx_w: float, latency_bound_s: float | None = None
) -> Figure:
    """Best-cut map over (bit rate, transmit power) beside the saving over bit rate at `ptx_w`.

    `frame` is a `sweep` result; the saving curve is evaluated at exactly `ptx_w` over its rates.
    """
    from matplotlib.figure import Figure

    fig = Figure(figsize=(13, 4.8))
    left, right = fig.subplots(1, 2)
    _best_cut_map(left, model, frame)
    rates = np.unique(frame["bitrate_bps"].to_numpy())
    _saving_curve(right, model, rates, ptx_w, latency_bound_s)
    fig.tight_layout()
    return fig


def save_cut_energy_plot(
    model: PartitionModel,
    bitrate_bps: float,
    ptx_w: float,
    path: str | os.PathLike[str],
    latency_bound_s: float | None = None,
) -> None:
    """Save `cut_energy_figure` to `path` (format from the suffix)."""
    save_figure(cut_energy_figure(model, bitrate_bps, ptx_w, latency_bound_s), path)


def save_sweep_plot(
    model: PartitionModel,
    frame: pd.DataFrame,
    ptx_w: float,
    path: str | os.PathLike[str],
    latency_bound_s: float | None = None,
) -> None:
    """Save `sweep_figure` to `path` (format from the suffix)."""
    save_figure(sweep_figure(model, frame, ptx_w, latency_bound_s), path)

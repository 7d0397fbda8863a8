"""Charts of a sweep (`accelsim explore`): the Pareto front and a heat map over array sizes.

Both read the network table (one row per design point and network). Energy and latency are per
image, on log scales (sweeps span orders of magnitude). Drawn with matplotlib's object-oriented
API (a bare `Figure`), imported only when a plot is drawn.
"""

from __future__ import annotations

import math
import os
from typing import TYPE_CHECKING

import numpy as np

from accelsim.errors import AccelsimError
from accelsim.exploration.names import HEAT_METRICS
from accelsim.report.output import save_figure

if TYPE_CHECKING:
    import pandas as pd

DATAFLOW_COLOURS = {"rs": "#1b9e77", "os": "#d95f02", "ws": "#7570b3", "is": "#e7298a"}


def _evaluated(frame: pd.DataFrame) -> pd.DataFrame:
    ok = frame[frame["status"] == "ok"]
    if ok.empty:
        raise AccelsimError("no design point was evaluated: nothing to plot")
    return ok


def plot_pareto(frame: pd.DataFrame, path: str | os.PathLike[str]) -> None:
    """Energy vs latency per image, one panel per network: colour = dataflow, marker area = chip
    area, Pareto-front points outlined and joined by the 2-D front's staircase."""
    from matplotlib.figure import Figure
    from matplotlib.lines import Line2D

    ok = _evaluated(frame)
    networks = list(dict.fromkeys(ok["network"]))
    figure = Figure(figsize=(5.2 * len(networks), 4.4), layout="constrained")
    axes = figure.subplots(1, len(networks), squeeze=False)[0]
    areas = ok["area_mm2"].to_numpy(dtype=float)
    finite = areas[np.isfinite(areas)]
    big = float(finite.max()) if finite.size else 1.0
    for ax, network in zip(axes, networks, strict=True):
        part = ok[ok["network"] == network]
        latency = part["latency_s"].to_numpy(dtype=float) * 1e3
        energy = part["energy_j"].to_numpy(dtype=float) * 1e3
        area = part["area_mm2"].to_numpy(dtype=float)
        sizes = np.where(np.isfinite(area), 20 + 280 * np.sqrt(area / big), 20)
        colours = [DATAFLOW_COLOURS.get(d, "grey") for d in part["dataflow"]]
        front = part["pareto"].to_numpy(dtype=bool)
        ax.scatter(latency, energy, s=sizes, c=colours, alpha=0.45, linewidths=0)
        ax.scatter(
            latency[front], energy[front], s=sizes[front], facecolors="none",
            edgecolors="black", linewidths=1.2,
        )  # fmt: skip
        stair = _front_2d(latency, energy)
        ax.step(latency[stair], energy[stair], where="post", color="black", lw=0.8, alpha=0.6)
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_xlabel("latency per image (ms)")
        ax.set_ylabel("energy per image (mJ)")
        ax.set_title(f"{network}: {len(part)} design points, {int(front.sum())} on the front")
        ax.grid(True, which="both", alpha=0.25)
    flows = [d for d in DATAFLOW_COLOURS if d in set(ok["dataflow"])]
    handles = [
        Line2D([], [], marker="o", ls="", color=DATAFLOW_COLOURS[d], label=d, markersize=8)
        for d in flows
    ]
    handles.append(
        Line2D([], [], marker="o", ls="", mfc="none", mec="black", label="Pareto front (3-D)")
    )
    handles.append(Line2D([], [], color="black", lw=0.8, label="energy-latency front"))
    axes[-1].legend(handles=handles, title="dataflow (marker area ~ chip area)", fontsize=8)
    figure.suptitle("Design-space sweep: energy vs latency")
    save_figure(figure, path)


def _front_2d(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Indices of the points no other beats in both x and y, in increasing x."""
    order = np.lexsort((y, x))
    keep, best = [], math.inf
    for index in order:
        if y[index] < best:
            keep.append(index)
            best = y[index]
    return np.array(keep, dtype=int)


def plot_heatmap(
    frame: pd.DataFrame, path: str | os.PathLike[str], metric: str = "energy_j"
) -> None:
    """`metric` over rows x columns, one panel per network and dataflow; where several points
    share an array size (other buffers, models), the cell shows the lowest."""
    from matplotlib.colors import LogNorm
    from matplotlib.figure import Figure

    if metric not in HEAT_METRICS:
        raise AccelsimError(
            f"heat map metric must be one of {', '.join(HEAT_METRICS)}, got {metric!r}"
        )
    title, unit, scale = HEAT_METRICS[metric]
    ok = _evaluated(frame)
    panels = list(dict.fromkeys(zip(ok["network"], ok["dataflow"], strict=True)))
    ncols = min(4, len(panels))
    nrows = math.ceil(len(panels) / ncols)
    figure = Figure(figsize=(4.2 * ncols, 3.8 * nrows), layout="constrained")
    axes = figure.subplots(nrows, ncols, squeeze=False).ravel()
    values = ok[metric].to_numpy(dtype=float) * scale
    norm = LogNorm(vmin=np.nanmin(values), vmax=np.nanmax(values))
    image = None
    for ax, (network, dataflow) in zip(axes, panels, strict=False):
        part = ok[(ok["network"] == network) & (ok["dataflow"] == dataflow)]
        rows = sorted(set(part["rows"].astype(int)))
        cols = sorted(set(part["cols"].astype(int)))
        grid = np.full((len(rows), len(cols)), np.nan)
        for _, row in part.iterrows():
            i, j = rows.index(int(row["rows"])), cols.index(int(row["cols"]))
            value = float(row[metric]) * scale
            grid[i, j] = value if np.isnan(grid[i, j]) else min(grid[i, j], value)
        image = ax.imshow(grid, origin="lower", cmap="viridis_r", norm=norm, aspect="auto")
        for i in range(len(rows)):
            for j in range(len(cols)):
                if np.isfinite(grid[i, j]):
                    ax.text(j, i, f"{grid[i, j]:.3g}", ha="center", va="center", fontsize=7,
                            color="white" if grid[i, j] > norm.vmin * (norm.vmax / norm.vmin) ** 0.5
                            else "black")  # fmt: skip
        ax.set_xticks(range(len(cols)), [str(c) for c in cols])
        ax.set_yticks(range(len(rows)), [str(r) for r in rows])
        ax.set_xlabel("array columns")
        ax.set_ylabel("array rows")
        ax.set_title(f"{network}, {dataflow}")
    for ax in axes[len(panels) :]:
        ax.set_visible(False)
    if image is not None:
        figure.colorbar(image, ax=axes[: len(panels)].tolist(), label=f"{title} ({unit})")
    figure.suptitle(f"{title[0].upper()}{title[1:]} over array sizes (blank: refused)")
    save_figure(figure, path)

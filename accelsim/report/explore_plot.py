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


def _plain_log_ticks(axis) -> None:  # noqa: ANN001 - a matplotlib Axis
    """Log-scale ticks labelled as plain numbers (1, 2, 5, 10 ...), no minor labels."""
    from matplotlib.ticker import FuncFormatter, LogLocator, NullFormatter

    axis.set_major_locator(LogLocator(base=10, subs=(1.0, 2.0, 5.0)))
    axis.set_major_formatter(FuncFormatter(lambda value, _: f"{value:g}"))
    axis.set_minor_formatter(NullFormatter())


def plot_pareto(frame: pd.DataFrame, path: str | os.PathLike[str]) -> None:
    """Energy vs latency per image, one panel per network: colour = dataflow, marker area = chip
    area, Pareto-front points outlined and joined by the 2-D front's staircase."""
    from matplotlib.figure import Figure
    from matplotlib.lines import Line2D

    ok = _evaluated(frame)
    networks = [n for n in dict.fromkeys(frame["network"]) if n in set(ok["network"])]
    figure = Figure(figsize=(5.2 * len(networks), 4.8), layout="constrained")
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
        _plain_log_ticks(ax.xaxis)
        _plain_log_ticks(ax.yaxis)
        ax.set_xlabel("latency per image (ms)")
        ax.set_ylabel("energy per image (mJ)")
        ax.set_title(
            f"{network}: {len(part)} evaluated design points, {int(front.sum())} on the front"
        )
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
    if finite.size:
        for area in sorted({float(finite.min()), float(np.median(finite)), big}):
            size = 20 + 280 * math.sqrt(area / big)
            label = f"{area:.3g} mm2"
            handles.append(
                Line2D([], [], marker="o", ls="", color="grey", alpha=0.45, label=label,
                       markersize=math.sqrt(size))
            )  # fmt: skip
    figure.legend(
        handles=handles,
        loc="outside lower center",
        ncols=min(len(handles), 8),
        fontsize=8,
        title="dataflow; front; marker area = chip area",
        title_fontsize=8,
    )
    figure.suptitle("Design-space sweep: energy vs latency per image")
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


def _heat_panel(ax, part: pd.DataFrame, metric: str, scale: float, norm):  # noqa: ANN001, ANN202
    """One network and dataflow: the lowest `metric` per (rows, cols), x where refused."""
    rows = sorted(set(part["rows"].astype(int)))
    cols = sorted(set(part["cols"].astype(int)))
    grid = np.full((len(rows), len(cols)), np.nan)
    refused = np.zeros_like(grid, dtype=bool)
    for _, row in part.iterrows():
        i, j = rows.index(int(row["rows"])), cols.index(int(row["cols"]))
        if row["status"] != "ok":
            refused[i, j] = True
            continue
        value = float(row[metric]) * scale
        grid[i, j] = value if np.isnan(grid[i, j]) else min(grid[i, j], value)
    image = ax.imshow(grid, origin="lower", cmap="viridis_r", norm=norm, aspect="auto")
    middle = math.sqrt(norm.vmin * norm.vmax)
    for i in range(len(rows)):
        for j in range(len(cols)):
            if np.isfinite(grid[i, j]):
                colour = "white" if grid[i, j] > middle else "black"
                ax.text(
                    j, i, f"{grid[i, j]:.3g}", ha="center", va="center", fontsize=7, color=colour
                )
            elif refused[i, j]:
                ax.text(j, i, "x", ha="center", va="center", fontsize=9, color="grey")
    ax.set_xticks(range(len(cols)), [str(c) for c in cols])
    ax.set_yticks(range(len(rows)), [str(r) for r in rows])
    ax.set_xlabel("array columns")
    ax.set_ylabel("array rows")
    return image


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
    networks = [n for n in dict.fromkeys(frame["network"]) if n in set(ok["network"])]
    flows = [d for d in dict.fromkeys(frame["dataflow"]) if d in set(ok["dataflow"])]
    figure = Figure(figsize=(3.9 * len(flows) + 1.2, 3.5 * len(networks)), layout="constrained")
    grid_axes = figure.subplots(len(networks), len(flows), squeeze=False)
    for axes_row, network in zip(grid_axes, networks, strict=True):
        rows_of = frame[frame["network"] == network]
        values = ok.loc[ok["network"] == network, metric].to_numpy(dtype=float) * scale
        norm = LogNorm(vmin=np.nanmin(values), vmax=np.nanmax(values) * (1 + 1e-9))
        image = None
        for ax, dataflow in zip(axes_row, flows, strict=True):
            part = rows_of[rows_of["dataflow"] == dataflow]
            if part.empty or not (part["status"] == "ok").any():
                ax.set_visible(False)
                continue
            image = _heat_panel(ax, part, metric, scale, norm)
            ax.set_title(f"{network}, {dataflow}")
        if image is not None:
            bar = figure.colorbar(
                image, ax=axes_row.tolist(), label=f"{title} ({unit})", shrink=0.9
            )
            _plain_log_ticks(bar.ax.yaxis)
    figure.suptitle(f"{title[0].upper()}{title[1:]} over array sizes (lowest per cell; x: refused)")
    save_figure(figure, path)

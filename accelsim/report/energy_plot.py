"""Stacked bar chart of the per-layer energy breakdown (mJ per image).

Drawn with matplotlib's object-oriented API (a bare `Figure`): no pyplot, no backend switch, and
matplotlib is imported only when a plot is drawn.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from accelsim.energy.record import BREAKDOWN_COLUMNS
from accelsim.report.output import save_figure

if TYPE_CHECKING:
    import pandas as pd

LABELS = {
    "mac_j": "MAC",
    "rf_j": "RF (scratchpad)",
    "inter_pe_j": "inter-PE",
    "glb_j": "GLB",
    "dram_j": "DRAM",
    "clock_j": "clock",
    "control_j": "other control",
}


def plot_energy_breakdown(
    frame: pd.DataFrame, title: str, path: str, label_column: str = "layer"
) -> None:
    """One bar per row of `frame`, stacked by energy component, in mJ; saved to `path`."""
    import matplotlib
    import pandas as pd
    from matplotlib.figure import Figure

    fig = Figure(figsize=(max(6.0, 0.45 * len(frame) + 2.5), 4.8))
    ax = fig.subplots()
    bottom = pd.Series(0.0, index=frame.index)
    colors = matplotlib.colormaps["tab10"].colors
    for color, column in zip(colors, BREAKDOWN_COLUMNS, strict=False):
        values = frame[column] * 1e3
        ax.bar(
            frame[label_column], values, bottom=bottom, label=LABELS[column], color=color, width=0.7
        )
        bottom = bottom + values
    ax.set_ylabel("energy per image (mJ)")
    ax.set_xlabel("layer")
    ax.set_title(title)
    ax.tick_params(axis="x", rotation=60)
    for tick in ax.get_xticklabels():
        tick.set_horizontalalignment("right")
    ax.grid(axis="y", alpha=0.3)
    ax.legend(fontsize=8, ncol=2, frameon=False)
    save_figure(fig, path)

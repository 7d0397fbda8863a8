"""Bar charts of a systolic-array simulation: cycles and energy per image of each layer.

Drawn with matplotlib's object-oriented API (a bare `Figure`): no pyplot, no backend switch, and
matplotlib is imported only when a plot is drawn.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from accelsim.report.output import save_figure

if TYPE_CHECKING:
    import pandas as pd


def plot_systolic_layers(frame: pd.DataFrame, title: str, path: str) -> None:
    """Cycles (top) and energy per image in mJ (bottom) of each layer; saved to `path`.

    `frame` needs the columns `layer`, `cycles` (the whole batch's) and `energy_j` (per image),
    as in `accelsim.engine.systolic.engine.results_frame`.
    """
    from matplotlib.figure import Figure

    fig = Figure(figsize=(max(6, 0.6 * len(frame)), 6))
    ax1, ax2 = fig.subplots(2, 1, sharex=True)
    x = list(range(len(frame)))
    ax1.bar(x, frame["cycles"], color="tab:blue")
    ax1.set_ylabel("cycles of the batch")
    ax1.set_title(title)
    ax2.bar(x, frame["energy_j"] * 1e3, color="tab:orange")
    ax2.set_ylabel("energy per image (mJ)")
    ax2.set_xticks(x)
    ax2.set_xticklabels(frame["layer"], rotation=45, ha="right")
    ax2.set_xlabel("layer")
    save_figure(fig, path)

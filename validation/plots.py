"""Chart of the silicon comparison: measured, simulated and analytical latency per CONV layer.

Drawn with matplotlib's object-oriented API (a bare `Figure`): no pyplot, no backend switch, and
matplotlib is imported only when a plot is drawn.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from accelsim.report.output import save_figure

if TYPE_CHECKING:
    import pandas as pd


def plot_silicon_latency(frame: pd.DataFrame, path: str) -> None:
    """Grouped bars (log scale) of measured, simulated and analytical latency of each layer.

    `frame` is `validation.compare.compare_silicon` output with a `network` column in front (as
    `accelsim validate silicon` builds it): `network`, `layer`, `latency_ms_chip`, `latency_ms`,
    `latency_ms_analytical` and `latency_err` (the simulated error, annotated above each group).
    """
    import numpy as np
    from matplotlib.figure import Figure

    fig = Figure(figsize=(max(8, 0.7 * len(frame)), 4.8))
    ax = fig.subplots()
    x = np.arange(len(frame))
    w = 0.28
    ax.bar(x - w, frame["latency_ms_chip"], w, label="measured (chip)", color="black")
    ax.bar(x, frame["latency_ms"], w, label="simulated (RS, fast)", color="tab:blue")
    ax.bar(
        x + w, frame["latency_ms_analytical"], w, label="analytical (CNNergy)", color="tab:orange"
    )
    top = frame[["latency_ms_chip", "latency_ms", "latency_ms_analytical"]].max(axis=1)
    for xi, err, y in zip(x, frame["latency_err"], top, strict=True):
        ax.annotate(f"{err:+.0%}", (xi, y * 1.12), ha="center", fontsize=7, color="tab:blue")
    labels = [f"{n}\n{layer}" for n, layer in zip(frame["network"], frame["layer"], strict=True)]
    ax.set_xticks(x, labels, fontsize=7)
    ax.set_yscale("log")
    ax.set_ylim(top=top.max() * 2)
    ax.set_ylabel("total latency of the batch (ms, log scale)")
    ax.set_title(
        "Eyeriss CONV layers: simulated vs measured (JSSC 2017) vs analytical latency\n"
        "(blue figures: simulated error vs measured)"
    )
    ax.legend(fontsize=8)
    fig.tight_layout()
    save_figure(fig, path)

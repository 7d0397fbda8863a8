"""Charts of a model comparison (`accelsim compare`): per-layer ratios and a network heat map.

Both read the long comparison frame (one row per design, network, layer and column, with the two
models' values `a`, `b` and `ratio = b / a`; the row with layer "TOTAL" is the network's total).
A ratio is shown on a log scale, so that "twice as much" and "half as much" are equally far
from 1.

Drawn with matplotlib's object-oriented API (a bare `Figure`): no pyplot, no backend switch, and
matplotlib is imported only when a plot is drawn.
"""

from __future__ import annotations

import math
import os
from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np

from accelsim.comparison.frame import COMPARED, TOTAL
from accelsim.comparison.ratios import WITHIN
from accelsim.errors import AccelsimError
from accelsim.report.output import save_figure

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.axes import Axes
    from matplotlib.axis import Axis
    from matplotlib.figure import Figure


REQUIRED = ("design", "network", "layer", "column", "model_a", "model_b", "ratio")
"""Columns of the comparison frame the plots read."""

DEFAULT_COLUMNS = ("energy_j", "latency_s", "glb_accesses", "dram_accesses")

LABELS = {
    "energy_j": "energy per image",
    "latency_s": "latency per image",
    "macs": "MACs per image",
    "nonzero_macs": "non-zero MACs per image",
    "rf_accesses": "RF accesses per image",
    "glb_accesses": "GLB accesses per image",
    "dram_accesses": "DRAM accesses per image",
    "mac_j": "MAC energy per image",
    "rf_j": "RF energy per image",
    "inter_pe_j": "inter-PE energy per image",
    "glb_j": "GLB energy per image",
    "dram_j": "DRAM energy per image",
    "clock_j": "clock energy per image",
    "control_j": "control energy per image",
    "inter_pe_transfers": "inter-PE transfers per image",
    "utilization": "PE utilization",
    "active_pes": "active PEs",
}
"""Human names of the compared quantities (without units)."""

BAND = (1.0 - WITHIN, 1.0 + WITHIN)
"""The ratios shaded as agreement (within 10 %)."""

ACRONYMS = ("glb", "dram", "rf", "pe", "mac")

MARKERS = ("o", "s", "^", "D", "v", "P", "X", "*", "<", ">")


def human_label(column: str) -> str:
    """What `column` measures, for titles: `LABELS`, else derived from its name and suffix."""
    if column in LABELS:
        return LABELS[column]
    for suffix, name in (("_accesses", "accesses"), ("_j", "energy")):
        if column.endswith(suffix):
            words = [w.upper() if w in ACRONYMS else w for w in column[: -len(suffix)].split("_")]
            return f"{' '.join(words)} {name} per image"
    return column


def _unit(column: str) -> str:
    """The unit of `column`'s values (J, s, words), or "" when it has none."""
    if column.endswith("_j"):
        return "J"
    if column.endswith("_s"):
        return "s"
    if column.endswith("_accesses"):
        return "words"
    return ""


def _titled(column: str) -> str:
    """`human_label` with the unit in parentheses, for subplot titles."""
    unit = _unit(column)
    return f"{human_label(column)} ({unit})" if unit else human_label(column)


def _check_frame(frame: pd.DataFrame) -> None:
    """A comparison frame has the columns the plots read; else a one-line error."""
    missing = [c for c in REQUIRED if c not in frame.columns]
    if missing:
        raise AccelsimError(f"comparison frame lacks the column(s) {', '.join(missing)}")


def _models(frame: pd.DataFrame) -> tuple[str, str]:
    """The labels of model a and model b (several joined with "+", should a frame mix them)."""

    def label(key: str) -> str:
        return "+".join(str(m) for m in dict.fromkeys(frame[key].dropna())) or key

    return label("model_a"), label("model_b")


def _ordered(values: pd.Series) -> list[str]:
    """Distinct values in order of first appearance."""
    return list(dict.fromkeys(values.tolist()))


def _ratios(values: pd.Series) -> np.ndarray:
    """The ratios as floats; anything a log axis cannot show (NaN, inf, <= 0) becomes NaN."""
    import pandas as pd

    r = pd.to_numeric(values, errors="coerce").to_numpy(dtype=float)
    return np.where(np.isfinite(r) & (r > 0), r, np.nan)


def _log_limits(ratios: np.ndarray) -> tuple[float, float]:
    """Axis limits around the finite ratios and the agreement band, with a margin (log space)."""
    finite = ratios[np.isfinite(ratios)]
    lo = min(float(finite.min()), BAND[0]) if finite.size else BAND[0]
    hi = max(float(finite.max()), BAND[1]) if finite.size else BAND[1]
    span = math.log10(hi / lo)
    margin = max(0.06 * span, 0.02)
    return 10 ** (math.log10(lo) - margin), 10 ** (math.log10(hi) + margin)


def _log_ticks(lo: float, hi: float) -> list[float]:
    """Readable tick values between `lo` and `hi` on a log axis: 1-2-5 steps over a decade or
    more, evenly spaced values (0.9, 1, 1.1) inside a narrower range, powers of ten over a wide
    one."""
    from matplotlib.ticker import MaxNLocator

    decades = math.log10(hi / lo)
    if decades < 0.45:
        ticks = MaxNLocator(nbins=6, steps=[1, 2, 2.5, 5, 10]).tick_values(lo, hi)
    else:
        subs = (
            (1.0,) if decades > 3.5 else (1.0, 2.0, 5.0) if decades > 1.2 else (1, 1.5, 2, 3, 5, 7)
        )
        step = max(1, math.ceil(decades / 8)) if decades > 3.5 else 1
        first = math.floor(math.log10(lo) / step) * step
        exponents = range(first, math.ceil(math.log10(hi)) + 1, step)
        ticks = [s * 10.0**e for e in exponents for s in subs]
    return [float(f"{t:.6g}") for t in ticks if lo <= t <= hi and t > 0]


def _ratio_text(value: float) -> str:
    """A ratio for tick labels: plain digits near 1, a power of ten far from it."""
    if 1e-3 <= value < 1e4:
        return f"{value:g}"
    exponent = math.log10(value)
    if abs(exponent - round(exponent)) < 1e-9:
        return f"$10^{{{round(exponent)}}}$"
    return f"{value:.0e}"


def _fixed_log_axis(axis: Axis, lo: float, hi: float) -> None:
    """Put `_log_ticks` with `_ratio_text` labels on a log-scaled axis, no minor labels."""
    from matplotlib.ticker import FixedLocator, FuncFormatter, LogLocator, NullFormatter

    axis.set_major_locator(FixedLocator(_log_ticks(lo, hi)))
    axis.set_major_formatter(FuncFormatter(lambda v, _pos: _ratio_text(v)))
    axis.set_minor_locator(
        LogLocator(subs="auto") if math.log10(hi / lo) >= 0.45 else FixedLocator([])
    )
    axis.set_minor_formatter(NullFormatter())


def _layer_positions(
    layers: pd.DataFrame,
) -> tuple[dict[tuple[str, str], int], list[tuple[str, int, int]]]:
    """x position of each (network, layer), layers grouped by network in order of appearance;
    and each network's (name, first position, last position)."""
    positions: dict[tuple[str, str], int] = {}
    groups: list[tuple[str, int, int]] = []
    for network in _ordered(layers["network"]):
        first = len(positions)
        for layer in _ordered(layers.loc[layers["network"] == network, "layer"]):
            positions[(network, layer)] = len(positions)
        groups.append((network, first, len(positions) - 1))
    return positions, groups


def _tick_style(n: int, axes_width_in: float) -> tuple[int, float, int]:
    """(font size, rotation, every k-th label) so that `n` layer names fit beside each other."""
    fontsize = 8 if n <= 40 else 7 if n <= 80 else 6
    rotation = 45 if n <= 24 else 90
    pitch_in = 1.5 * fontsize / 72 if rotation == 90 else 2.2 * fontsize / 72
    every = max(1, math.ceil(n * pitch_in / max(axes_width_in, 1.0)))
    return fontsize, rotation, every


def _ratio_axes(
    ax: Axes,
    column: str,
    rows: pd.DataFrame,
    positions: dict[tuple[str, str], int],
    designs: list[str],
    style: dict[str, tuple[tuple[float, ...], str]],
    models: tuple[str, str],
) -> None:
    """One quantity's ratios: a marker per layer and design, the band, and the line at 1."""
    ratios = _ratios(rows["ratio"])
    ax.axhspan(*BAND, color="tab:green", alpha=0.15, linewidth=0, label="±10 %", zorder=0)
    ax.axhline(1.0, color="black", linewidth=0.8, zorder=1)
    dodge = min(0.5 / max(len(designs), 1), 0.18)
    size = 5.0 if len(positions) <= 80 else 3.5
    for i, design in enumerate(designs):
        mine = (rows["design"] == design).to_numpy() & np.isfinite(ratios)
        if not mine.any():
            continue
        x = np.array(
            [positions[key] for key in zip(rows["network"][mine], rows["layer"][mine], strict=True)]
        )
        offset = (i - (len(designs) - 1) / 2) * dodge
        color, marker = style[design]
        ax.plot(
            x + offset,
            ratios[mine],
            linestyle="none",
            marker=marker,
            markersize=size,
            color=color,
            markeredgecolor="white",
            markeredgewidth=0.4,
            label=design,
            zorder=3,
        )
    ax.set_yscale("log")
    lo, hi = _log_limits(ratios)
    ax.set_ylim(lo, hi)
    _fixed_log_axis(ax.yaxis, lo, hi)
    ax.grid(axis="y", which="major", alpha=0.3)
    ax.set_ylabel(f"{models[1]} / {models[0]} (ratio)")
    skipped = int(np.count_nonzero(~np.isfinite(ratios)))
    title = _titled(column)
    if skipped == len(ratios):
        ax.text(
            0.5,
            0.5,
            "no layer compared",
            transform=ax.transAxes,
            ha="center",
            va="center",
            color="dimgrey",
            fontsize=10,
            bbox={"facecolor": "white", "edgecolor": "none", "alpha": 0.9},
            zorder=4,
        )
    elif skipped:
        title += f"  ({skipped} of {len(ratios)} not drawn: unknown, refused, 0 or inf)"
    ax.set_title(title, fontsize=10, loc="left")


def _ratio_figure(
    frame: pd.DataFrame,
    columns: Sequence[str] = DEFAULT_COLUMNS,
    title: str | None = None,
) -> Figure:
    """The per-layer ratio chart of `plot_layer_ratios`, one subplot row per present column."""
    import matplotlib
    from matplotlib.figure import Figure

    _check_frame(frame)
    present = [c for c in dict.fromkeys(columns) if c in set(frame["column"])]
    if not present:
        raise AccelsimError(
            f"the comparison has none of the columns {', '.join(columns)} "
            f"(it has {', '.join(_ordered(frame['column'])) or 'no rows'})"
        )
    layers = frame[(frame["layer"] != TOTAL) & frame["column"].isin(present)]
    if layers.empty:
        raise AccelsimError("the comparison has no layer rows (only network totals) to plot")
    models = _models(frame)
    positions, groups = _layer_positions(layers)
    designs = _ordered(layers["design"])
    palette = matplotlib.colormaps["tab10" if len(designs) <= 10 else "tab20"]
    style = {d: (palette(i % palette.N), MARKERS[i % len(MARKERS)]) for i, d in enumerate(designs)}

    n = len(positions)
    width = min(30.0, max(7.5, 2.0 + 0.28 * n))
    fontsize, rotation, every = _tick_style(n, width - 1.5)
    fig = Figure(figsize=(width, 0.8 + 2.5 * len(present)), layout="constrained")
    axes = fig.subplots(len(present), 1, sharex=True, squeeze=False)[:, 0]
    for ax, column in zip(axes, present, strict=True):
        rows = layers[layers["column"] == column]
        _ratio_axes(ax, column, rows, positions, designs, style, models)
        for _name, first, _last in groups[1:]:
            ax.axvline(first - 0.5, color="grey", linewidth=0.8, zorder=2)
    ax = axes[-1]
    ax.set_xlim(-0.6, n - 0.4)
    x = list(range(0, n, every))
    names = [layer for (_network, layer) in positions]
    ax.set_xticks(x, [names[i] for i in x], rotation=rotation, fontsize=fontsize)
    if rotation != 90:
        for tick in ax.get_xticklabels():
            tick.set_horizontalalignment("right")
            tick.set_rotation_mode("anchor")
    if every > 1:
        ax.set_xticks(range(n), minor=True)
    ax.set_xlabel("layer" if every == 1 else f"layer (one name in {every} shown)")
    if len(groups) > 1:
        top = axes[0].secondary_xaxis("top")
        top.set_xticks(
            [(first + last) / 2 for _name, first, last in groups],
            [name for name, _first, _last in groups],
            fontsize=9,
            fontweight="bold",
        )
        top.tick_params(length=0)
    handles, labels = axes[0].get_legend_handles_labels()
    for other in axes[1:]:
        for handle, label in zip(*other.get_legend_handles_labels(), strict=True):
            if label not in labels:
                handles.append(handle)
                labels.append(label)
    fig.legend(
        handles,
        labels,
        loc="outside lower center",
        ncol=min(len(labels), 8),
        fontsize=8,
        frameon=False,
    )
    fig.suptitle(title or f"{models[1]} vs {models[0]}: per-layer ratio")
    return fig


def plot_layer_ratios(
    frame: pd.DataFrame,
    path: str | os.PathLike[str],
    columns: Sequence[str] = DEFAULT_COLUMNS,
    title: str | None = None,
) -> None:
    """Ratio b / a of every layer (log scale), one subplot per quantity in `columns` that the
    comparison has, a marker series per design; saved to `path` (format from the suffix).

    Layers are grouped by network; NaN, inf and zero ratios are left out (counted in the title).
    """
    save_figure(_ratio_figure(frame, columns, title), path)


def _network_grid(
    frame: pd.DataFrame, column: str
) -> tuple[list[str], list[str], np.ndarray, dict[tuple[int, int], str]]:
    """(designs, networks, ratio[design, network], partial) of the TOTAL rows of `column` (NaN
    if none); `partial` has the cells whose total covers only some layers, with their status."""
    import pandas as pd

    _check_frame(frame)
    totals = frame[(frame["layer"] == TOTAL) & (frame["column"] == column)]
    if totals.empty:
        raise AccelsimError(f"the comparison has no network total (layer TOTAL) of '{column}'")
    designs = _ordered(totals["design"])
    networks = _ordered(totals["network"])
    grid = np.full((len(designs), len(networks)), np.nan)
    partial: dict[tuple[int, int], str] = {}
    values = pd.to_numeric(totals["ratio"], errors="coerce").to_numpy(dtype=float)
    status = totals["status"] if "status" in totals else [COMPARED] * len(totals)
    rows = zip(totals["design"], totals["network"], values, status, strict=True)
    for design, network, value, state in rows:
        i, j = designs.index(design), networks.index(network)
        if np.isnan(grid[i, j]):
            grid[i, j] = value
            if state != COMPARED:
                partial[i, j] = str(state).replace(" compared", "")
    return designs, networks, grid, partial


def _cell_text(value: float) -> str:
    """A ratio as shown in a heat-map cell."""
    if np.isnan(value):
        return "n/a"
    if np.isinf(value):
        return "inf"
    if value <= 0:
        return f"{value:.3g}x"
    if value >= 1e4 or value < 0.01:
        return f"{value:.2g}x"
    digits = 0 if value >= 100 else 1 if value >= 10 else 2 if value >= 0.1 else 3
    return f"{value:.{digits}f}x"


def _heatmap_figure(
    frame: pd.DataFrame, column: str = "energy_j", title: str | None = None
) -> Figure:
    """The network-ratio heat map of `plot_ratio_heatmap`: designs x networks, log colours."""
    import matplotlib
    from matplotlib.colors import LogNorm
    from matplotlib.figure import Figure

    designs, networks, grid, partial = _network_grid(frame, column)
    models = _models(frame)
    shown = np.where(np.isfinite(grid) & (grid > 0), grid, np.nan)
    finite = shown[np.isfinite(shown)]
    reach = float(np.max(np.abs(np.log10(finite)))) if finite.size else 0.0
    reach = max(reach * 1.05, math.log10(1.5))
    norm = LogNorm(vmin=10**-reach, vmax=10**reach)
    cmap = matplotlib.colormaps["RdBu_r"].with_extremes(bad="#d9d9d9")

    longest = max(len(d) for d in designs)
    fig = Figure(
        figsize=(
            max(5.0, 1.3 * len(networks) + 0.08 * longest + 2.5),
            max(3.0, 0.55 * len(designs) + 1.8),
        ),
        layout="constrained",
    )
    ax = fig.subplots()
    image = ax.imshow(np.ma.masked_invalid(shown), cmap=cmap, norm=norm, aspect="auto")
    for i in range(len(designs)):
        for j in range(len(networks)):
            value = grid[i, j]
            if np.isfinite(shown[i, j]):
                red, green, blue, _ = cmap(norm(value))
                dark = 0.299 * red + 0.587 * green + 0.114 * blue < 0.5
                color = "white" if dark else "black"
            else:
                color = "dimgrey"
            text = _cell_text(value)
            if (i, j) in partial:  # a total over part of the network says so
                text += f"\n({partial[i, j]})"
            ax.text(j, i, text, ha="center", va="center", fontsize=9, color=color)
    ax.set_xticks(range(len(networks)), networks)
    ax.set_yticks(range(len(designs)), designs)
    if len(networks) > 6:
        ax.tick_params(axis="x", rotation=30)
    ax.tick_params(length=0)
    for spine in ax.spines.values():
        spine.set_visible(False)
    ax.set_xlabel("network")
    ax.set_ylabel("design")
    bar = fig.colorbar(image, ax=ax, shrink=0.9)
    _fixed_log_axis(bar.ax.yaxis, norm.vmin, norm.vmax)
    bar.set_label(f"{models[1]} / {models[0]} (ratio of {human_label(column)})")
    ax.set_title(title or f"{models[1]} / {models[0]}: network {human_label(column)}")
    return fig


def plot_ratio_heatmap(
    frame: pd.DataFrame,
    path: str | os.PathLike[str],
    column: str = "energy_j",
    title: str | None = None,
) -> None:
    """Heat map of the network-total ratio b / a of `column` over designs (rows) and networks
    (columns), coloured on a log scale centred at 1 and annotated; saved to `path`."""
    save_figure(_heatmap_figure(frame, column, title), path)

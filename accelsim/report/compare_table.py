"""The text report of `accelsim compare`: per design and network, each quantity's totals from
both models, their ratio and how the per-layer ratios spread; then the layers that differ most,
each with its reason."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from accelsim.models.result import DRAM_OPERANDS, GLB_OPERANDS
from accelsim.report.output import render

if TYPE_CHECKING:
    import pandas as pd

UNITS = {
    "energy_j": ("energy", "mJ", 1e3),
    "latency_s": ("latency", "ms", 1e3),
    "macs": ("MACs", "M", 1e-6),
    "nonzero_macs": ("non-zero MACs", "M", 1e-6),
    "mac_j": ("  MAC", "mJ", 1e3),
    "rf_j": ("  RF", "mJ", 1e3),
    "inter_pe_j": ("  inter-PE", "mJ", 1e3),
    "glb_j": ("  GLB", "mJ", 1e3),
    "dram_j": ("  DRAM", "mJ", 1e3),
    "clock_j": ("  clock", "mJ", 1e3),
    "control_j": ("  control", "mJ", 1e3),
    "rf_accesses": ("RF accesses", "M", 1e-6),
    "inter_pe_transfers": ("inter-PE transfers", "M", 1e-6),
    "glb_accesses": ("GLB accesses", "M", 1e-6),
    "dram_accesses": ("DRAM accesses", "M", 1e-6),
    **{f"glb_{op}_accesses": (f"  GLB {op}", "M", 1e-6) for op in GLB_OPERANDS},
    **{f"dram_{op}_accesses": (f"  DRAM {op}", "M", 1e-6) for op in DRAM_OPERANDS},
    "utilization": ("utilization", "", 1.0),
    "active_pes": ("active PEs", "", 1.0),
}
"""How the report names each quantity, its unit and the scale from the frame's SI values."""

TABLE_COLUMNS = (
    "energy_j",
    "mac_j",
    "rf_j",
    "inter_pe_j",
    "glb_j",
    "dram_j",
    "clock_j",
    "control_j",
    "latency_s",
    "rf_accesses",
    "glb_accesses",
    "dram_accesses",
)
"""Quantities the text report shows unless `--columns` says otherwise."""


QUANTITY = "quantity (per image)"


def quantity_label(column: str) -> str:
    name, unit, _ = UNITS.get(column, (column, "", 1.0))
    return f"{name} ({unit})" if unit else name


def _scaled(column: str, value: float) -> float:
    return value * UNITS.get(column, (column, "", 1.0))[2]


def _ratio_text(value: float) -> str:
    if math.isnan(value):
        return "-"
    return "inf" if math.isinf(value) else f"{value:.3g}"


def _share_text(value: float) -> str:
    return "-" if math.isnan(value) else f"{value:.0%}"


def _number(value: float) -> str:
    return "-" if math.isnan(value) else f"{value:.4g}"


def summary_table(summary: pd.DataFrame, columns: tuple[str, ...]) -> str:
    """One block per design and network: a row per quantity in `columns` (those both models
    know), in that order."""
    import pandas as pd

    blocks = []
    for (design, network), group in summary.groupby(["design", "network"], sort=False):
        label_a, label_b = group["model_a"].iloc[0], group["model_b"].iloc[0]
        rows = []
        by_column = group.set_index("column")
        for column in columns:
            if column not in by_column.index:
                continue
            row = by_column.loc[column]
            rows.append(
                {
                    QUANTITY: quantity_label(column),
                    label_a: _number(_scaled(column, row["a_total"])),
                    label_b: _number(_scaled(column, row["b_total"])),
                    "ratio": _ratio_text(row["network_ratio"]),
                    "geomean": _ratio_text(row["geomean"]),
                    "min": _ratio_text(row["min"]),
                    "max": _ratio_text(row["max"]),
                    "within ±10 %": _share_text(row["within_10pct"]),
                    "layers": f"{row['layers_compared']}/{row['layers']}",
                }
            )
        if not rows:
            label = f"{label_b} / {label_a}"
            blocks.append(
                f"## {network} on {design}: {label}\nno quantity of --columns is known to both "
                "models"
            )
            continue
        width = max(len(QUANTITY), *(len(r[QUANTITY]) for r in rows))
        for r in rows:  # left-aligned names (the table right-aligns text)
            r[QUANTITY] = r[QUANTITY].ljust(width)
        head = f"## {network} on {design}: {label_b} / {label_a}"
        lines = [head, render(pd.DataFrame(rows), "table").rstrip("\n")]
        if (
            "batch" in by_column.index
            and not by_column.loc["batch", "min"] == 1 == by_column.loc["batch", "max"]
        ):
            batch = by_column.loc["batch"]
            lines.append(
                f"note: the models ran at different batches ({label_b} / {label_a}: "
                f"{_ratio_text(batch['min'])}-{_ratio_text(batch['max'])}); per-image latency and "
                "energy depend on it (--batch N runs every model at N)"
            )
        for column in ("energy_j", "latency_s"):
            if column in columns and column in by_column.index and by_column.loc[column, "reason"]:
                lines.append(f"why ({UNITS[column][0]}): {by_column.loc[column, 'reason']}")
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks)


def _log_distance(ratio: float) -> float:
    """How far a ratio is from 1 on a log scale (0 and inf: infinitely far)."""
    return math.inf if ratio <= 0 or math.isinf(ratio) else abs(math.log(ratio))


def top_layers(frame: pd.DataFrame, top: int) -> str:
    """Per design and network, the `top` layers whose energy ratio is furthest from 1 (on a log
    scale), with their reasons; and the layers not compared."""
    from accelsim.comparison.frame import COMPARED, TOTAL

    lines = []
    energy = frame[(frame["column"] == "energy_j") & (frame["layer"] != TOTAL)]
    for (design, network), group in energy.groupby(["design", "network"], sort=False):
        known = group[group["ratio"].notna()]
        far = known.assign(far=known["ratio"].map(_log_distance))
        far = far[far["far"] > 0].sort_values("far", ascending=False, kind="stable").head(top)
        if len(far):
            lines.append(f"## {network} on {design}: layers furthest apart in energy")
            lines += [
                f"{row.layer}: {_ratio_text(row.ratio)}x; {row.reason}" for row in far.itertuples()
            ]
        skipped = group[group["status"] != COMPARED]
        for status, layers in skipped.groupby("status", sort=False):
            names = ", ".join(layers["layer"])
            lines.append(f"not compared on {design}: {network} {names}: {status}")
    return "\n".join(lines)


def compare_report(
    frame: pd.DataFrame, summary: pd.DataFrame, columns: tuple[str, ...], top: int
) -> str:
    """The whole text report, under a header saying what the ratio is."""
    label_a, label_b = frame["model_a"].iloc[0], frame["model_b"].iloc[0]
    header = (
        f"# {label_b} vs {label_a}: ratio = {label_b} / {label_a}; totals per image over the "
        "layers both models evaluated; geomean/min/max/within ±10 % over those layers"
    )
    parts = [header, summary_table(summary, columns)]
    tail = top_layers(frame, top)
    if tail:
        parts.append(tail)
    return "\n\n".join(p for p in parts if p) + "\n"

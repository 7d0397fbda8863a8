"""The per-network summary of a comparison: for every column, both totals and how the per-layer
ratios spread (geometric mean, min, max, share within ±10 %)."""

from __future__ import annotations

from accelsim.comparison.frame import COMPARED, TOTAL
from accelsim.comparison.ratios import ratio_stats

KEYS = ("design", "accelerator", "kind", "dataflow", "array", "bits", "network")

SUMMARY_COLUMNS = (
    *KEYS,
    "column",
    "model_a",
    "model_b",
    "a_total",
    "b_total",
    "network_ratio",
    "geomean",
    "min",
    "max",
    "within_10pct",
    "layers_compared",
    "layers",
    "reason",
)


def summarize(frame):
    """One row per (design, network, column) of a comparison frame (`accelsim.compare`).

    `a_total`, `b_total` and `network_ratio` come from the TOTAL rows (absent, NaN, for columns
    that do not add up over layers, such as utilization); the ratio statistics are over the
    layers both models evaluated."""
    import pandas as pd

    rows = []
    layers = frame[frame["layer"] != TOTAL]
    totals = frame[frame["layer"] == TOTAL].set_index([*KEYS, "column"])
    for key, group in layers.groupby([*KEYS, "column"], sort=False):
        compared = group[group["status"] == COMPARED]
        if compared["a"].isna().all() or compared["b"].isna().all():
            continue  # a quantity one of the models does not know
        total = totals.loc[key] if key in totals.index else None
        rows.append(
            {
                **dict(zip([*KEYS, "column"], key, strict=True)),
                "model_a": group["model_a"].iloc[0],
                "model_b": group["model_b"].iloc[0],
                "a_total": float("nan") if total is None else total["a"],
                "b_total": float("nan") if total is None else total["b"],
                "network_ratio": float("nan") if total is None else total["ratio"],
                **ratio_stats(compared["ratio"]),
                "layers_compared": len(compared),
                "layers": len(group),
                "reason": "" if total is None else total["reason"],
            }
        )
    return pd.DataFrame(rows, columns=list(SUMMARY_COLUMNS))

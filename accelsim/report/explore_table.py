"""The text table of `accelsim explore`: per network, each design point's energy, latency, EDP,
area and utilization in readable units, the Pareto front marked, refused points with their
reason."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd

SHOWN = (
    ("design", "design", None),
    ("energy_j", "energy mJ", 1e3),
    ("latency_s", "latency ms", 1e3),
    ("edp_js", "EDP mJ*ms", 1e6),
    ("power_w", "power mW", 1e3),
    ("area_mm2", "area mm2", 1.0),
    ("utilization", "util %", 100.0),
    ("dram_accesses", "DRAM Mwords", 1e-6),
)
"""Columns of the text table: (frame column, heading with unit, scale from SI)."""


def _number(value: float, scale: float) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "-"
    return f"{value * scale:.4g}"


def explore_report(frame: pd.DataFrame, top: int | None = None, rank: str = "edp_js") -> str:
    """One block per network: a row per design point (per image), `*` on the Pareto front;
    with `top`, the frame holds each network's `top` best by `rank`, best first."""
    lines: list[str] = []
    for network, part in frame.groupby("network", sort=False):
        ok = part[part["status"] == "ok"]
        front = int(part["pareto"].sum()) if "pareto" in part else 0
        if top is None:
            lines.append(
                f"{network}: {len(part)} design points, {len(ok)} evaluated, {front} on the "
                "Pareto front (*) of energy, latency and area; per image"
            )
        else:
            lines.append(
                f"{network}: the {len(part)} best design points by {rank}; * on the Pareto front "
                "(energy, latency, area) of all evaluated points; per image"
            )
        header = ["", *(title for _, title, _ in SHOWN)]
        body: list[list[str]] = []
        notes: list[str] = []
        for _, row in part.iterrows():
            mark = "*" if row.get("pareto", False) else ""
            if row["status"] != "ok":
                body.append([mark, str(row["design"]), *(["refused"] + ["-"] * (len(SHOWN) - 2))])
                notes.append(f"  {row['design']}: {row['reason']}")
                continue
            cells = [str(row["design"])] + [
                _number(row[column], scale) for column, _, scale in SHOWN[1:]
            ]
            body.append([mark, *cells])
        widths = [max(len(r[i]) for r in [header, *body]) for i in range(len(header))]
        for r in [header, *body]:
            cells = [r[0].ljust(widths[0]), r[1].ljust(widths[1])]
            cells += [c.rjust(w) for c, w in zip(r[2:], widths[2:], strict=True)]
            lines.append("  ".join(cells).rstrip())
        if notes:
            lines.append("refused:")
            lines.extend(notes)
        lines.append("")
    return "\n".join(lines)

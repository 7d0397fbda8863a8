"""A sweep's tables: one row per (design point, network), or one per layer on request.

Network rows sum the per-image shared columns over the compute layers (`math.fsum`: the
correctly rounded sum, independent of order), add the design's columns, its area, EDP and average power, and say whether the point was
evaluated (`status` ok) or refused, with the reason. A point is refused for a network when its
hardware cannot be built or when the model refuses one of the network's layers on it.
"""

from __future__ import annotations

import math
from functools import cache
from typing import Any

from accelsim.exploration.points import DESIGN_COLUMNS
from accelsim.exploration.run import Sweep
from accelsim.models.result import SHARED_COLUMNS, SUMMABLE_COLUMNS

OK = "ok"
REFUSED = "refused"

RESULT_COLUMNS = (
    "network",
    *DESIGN_COLUMNS,
    "batch",
    "status",
    "reason",
    "layers",
    "free_layers",
    "macs",
    "energy_j",
    "latency_s",
    "edp_js",
    "power_w",
    "area_mm2",
    "utilization",
    *(c for c in SUMMABLE_COLUMNS if c not in ("macs", "energy_j", "latency_s")),
)
"""Columns of the network table, in order (the area breakdown follows, then `pareto`)."""

LAYER_KEY_COLUMNS = ("network", *DESIGN_COLUMNS, "status", "reason")
"""Columns the per-layer table puts before each layer's result columns."""


@cache
def _area_columns(accelerator) -> dict[str, float]:  # noqa: ANN001 - an Accelerator
    from accelsim.area import area_of

    return area_of(accelerator).columns()


def _named(reason: str, representative: str, layer: str) -> str:
    """A refusal evaluated on an identical layer of another name, told of `layer`."""
    if representative == layer:
        return reason
    quoted = f"layer '{representative}'"
    if quoted in reason:
        return reason.replace(quoted, f"layer '{layer}'", 1)
    return f"layer '{layer}': {reason}"


def _layer_outcomes(sweep: Sweep, i: int, j: int) -> list[tuple[str, dict[str, Any]]]:
    """(layer name, outcome) of each compute layer of network j on point i, named for it."""
    net = sweep.networks[j]
    found = []
    for layer, key in zip(net.compute_layers, sweep.keys[(i, j)], strict=True):
        outcome = sweep.outcomes[key]
        if "row" in outcome:
            row = dict(outcome["row"])
            row["layer"] = layer.name
            row["group"] = layer.group_label or layer.name
            found.append((layer.name, {"row": row}))
        else:
            reason = _named(outcome["refused"], sweep.representatives[key], layer.name)
            found.append((layer.name, {"refused": reason}))
    return found


def _utilization(rows: list[dict[str, Any]]) -> float:
    """The network's utilization: MACs over the PE-time the layers took (time-weighted)."""
    macs = [float(r["macs"]) for r in rows]
    utils = [float(r["utilization"]) for r in rows]
    if any(math.isnan(u) for u in utils):
        return math.nan
    busy = math.fsum(m / u for m, u in zip(macs, utils, strict=True) if u > 0)
    return math.fsum(macs) / busy if busy > 0 else math.nan


def _batch(rows: list[dict[str, Any]]) -> float:
    batches = {r["batch"] for r in rows}
    return float(batches.pop()) if len(batches) == 1 else math.nan


def network_rows(sweep: Sweep) -> list[dict[str, Any]]:
    """One row per (design point, network) (`RESULT_COLUMNS`, then the area breakdown)."""
    rows: list[dict[str, Any]] = []
    nan = math.nan
    for i, point in enumerate(sweep.points):
        design = point.column_dict
        area = _area_columns(point.accelerator) if point.accelerator is not None else {}
        for j, net in enumerate(sweep.networks):
            row: dict[str, Any] = {"network": net.name, **design}
            for column in RESULT_COLUMNS:
                row.setdefault(column, nan)
            row.update(
                status=REFUSED,
                reason=point.refusal,
                layers=len(net.compute_layers),
                free_layers=len(net.layers) - len(net.compute_layers),
            )
            row.update(area or {"area_mm2": nan})
            if point.accelerator is not None:
                outcomes = _layer_outcomes(sweep, i, j)
                refused = [(n, o["refused"]) for n, o in outcomes if "refused" in o]
                if refused:
                    row["reason"] = refused[0][1] + (
                        f" (and {len(refused) - 1} more layers)" if len(refused) > 1 else ""
                    )
                else:
                    results = [o["row"] for _, o in outcomes]
                    sums = {c: math.fsum(r[c] for r in results) for c in SUMMABLE_COLUMNS}
                    energy, latency = sums["energy_j"], sums["latency_s"]
                    row.update(sums)
                    row.update(
                        status=OK,
                        reason="",
                        batch=_batch(results),
                        edp_js=energy * latency,
                        power_w=energy / latency if latency > 0 else nan,
                        utilization=_utilization(results),
                    )
            rows.append(row)
    return rows


def layer_rows(sweep: Sweep) -> list[dict[str, Any]]:
    """One row per (design point, network, compute layer): the design, then the model's layer
    result (every shared column and the model's own), or the refusal."""
    rows: list[dict[str, Any]] = []
    for i, point in enumerate(sweep.points):
        design = point.column_dict
        for j, net in enumerate(sweep.networks):
            base = {"network": net.name, **design}
            if point.accelerator is None:
                for layer in net.compute_layers:
                    rows.append(
                        {**base, "status": REFUSED, "reason": point.refusal, "layer": layer.name}
                    )
                continue
            for name, outcome in _layer_outcomes(sweep, i, j):
                if "row" in outcome:
                    rows.append({**base, "status": OK, "reason": "", **outcome["row"]})
                else:
                    rows.append(
                        {**base, "status": REFUSED, "reason": outcome["refused"], "layer": name}
                    )
    return rows


def network_frame(sweep: Sweep):
    """`network_rows` as a DataFrame, columns in `RESULT_COLUMNS` order."""
    import pandas as pd

    rows = network_rows(sweep)
    columns = list(RESULT_COLUMNS)
    for row in rows:
        columns += [c for c in row if c not in columns]
    return pd.DataFrame(rows, columns=columns)


def layer_frame(sweep: Sweep):
    """`layer_rows` as a DataFrame: key columns, then the shared result columns, then the rest."""
    import pandas as pd

    rows = layer_rows(sweep)
    columns = list(LAYER_KEY_COLUMNS) + [c for c in SHARED_COLUMNS if c != "model"]
    for row in rows:
        columns += [c for c in row if c not in columns]
    return pd.DataFrame(rows, columns=columns)

"""Pareto fronts of a sweep: the design points no other point beats on every objective.

A point is dominated when another is no worse on every objective and better on one; points with
equal objectives do not dominate each other, so both stay on the front. Only rows with every
objective known (and `status` ok, where the column exists) take part.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from accelsim.errors import AccelsimError

DEFAULT_OBJECTIVES = ("energy_j", "latency_s", "area_mm2")
DEFAULT_GROUPS = ("network", "estimate")
"""Fronts are per network and kind of estimate (`accelsim.exploration.points.estimate`): simulated
designs compete with each other, not with an analytical estimate of themselves."""


def non_dominated(values: np.ndarray) -> np.ndarray:
    """Which rows of `values` (n x k, minimised) no other row dominates.

    Rows are visited in lexicographic order, so each row's dominators come before it, and a row
    dominated by a dominated row is dominated by a front row too: comparing each row with the
    front found so far suffices (work n x front size)."""
    n = len(values)
    keep = np.zeros(n, dtype=bool)
    if n == 0:
        return keep
    order = np.lexsort(values.T[::-1])
    front = np.empty((0, values.shape[1]))
    for index in order:
        row = values[index]
        if len(front):
            no_worse = np.all(front <= row, axis=1)
            better = np.any(front < row, axis=1)
            if np.any(no_worse & better):
                continue
        keep[index] = True
        front = np.vstack([front, row])
    return keep


def pareto(
    frame,  # noqa: ANN001 - a pandas DataFrame
    objectives: Sequence[str] = DEFAULT_OBJECTIVES,
    by: Sequence[str] = DEFAULT_GROUPS,
):
    """A boolean Series: is each row on the front of its group (`by` columns present), minimising
    every objective."""
    import pandas as pd

    objectives = list(objectives)
    if not objectives:
        raise AccelsimError("pareto: no objective given")
    for column in objectives:
        if column not in frame.columns:
            raise AccelsimError(
                f"pareto: objective '{column}' is not a column (columns: "
                f"{', '.join(map(str, frame.columns))})"
            )
    result = pd.Series(False, index=frame.index, name="pareto")
    values = frame[objectives].apply(pd.to_numeric, errors="coerce")
    usable = values.notna().all(axis=1)
    if "status" in frame.columns:
        usable &= frame["status"] == "ok"
    groups = [c for c in by if c in frame.columns]
    candidates = frame[usable]
    if candidates.empty:
        return result
    grouped = candidates.groupby(groups, sort=False) if groups else [(None, candidates)]
    for _, part in grouped:
        keep = non_dominated(values.loc[part.index].to_numpy(dtype=float))
        result.loc[part.index[keep]] = True
    return result

"""Sweeps of the best cut over bit rate and transmit power, vectorised over the whole grid."""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import pandas as pd

from accelsim.errors import AccelsimError
from accelsim.partition.model import PartitionModel

SWEEP_COLUMNS = (
    "bitrate_bps",
    "ptx_w",
    "best_cut",
    "best_index",
    "best_tensors",
    "client_energy_j",
    "compute_j",
    "transmit_j",
    "bits",
    "latency_s",
    "saving_vs_cloud",
    "saving_vs_local",
)


MAX_SWEEP_POINTS = 1_000_000
"""Most points of a sweep (bit rates x transmit powers): a 1000 x 1000 grid (the size
`benchmarks/partition_decision.py` times) is finer than any plot resolves; evaluated in chunks,
its memory is the output table's, tens of MB."""

CHUNK_POINTS = 4096
"""Points evaluated at once: memory stays at a few arrays of CHUNK_POINTS x cuts floats however
large the sweep."""


MAX_PRUNED_CUTS = 2048
"""Most cuts `candidate_cuts` compares pairwise (cuts^2 comparisons); above it the sweep
evaluates every cut."""


def candidate_cuts(model: PartitionModel, with_latency: bool) -> np.ndarray:
    """Indices of the cuts that can be best somewhere, in order: cut k is dropped when another
    cut j costs no more compute and no more bits (and, `with_latency`, no more compute time) and
    is earlier or strictly cheaper in compute. Then j is feasible wherever k is and its energy is
    lower, or equal and it wins the tie, at every operating point: the sweep's answer is the
    same with or without k. Exact; O(cuts^2), so only up to MAX_PRUNED_CUTS cuts."""
    n = len(model.cuts)
    if n > MAX_PRUNED_CUTS:
        return np.arange(n)
    c, b = model.compute_j, model.bits
    no_more = (c[:, None] <= c[None, :]) & (b[:, None] <= b[None, :])  # [j, k]: j vs k
    if with_latency:
        no_more &= model.compute_s[:, None] <= model.compute_s[None, :]
    index = np.arange(n)
    wins = (index[:, None] < index[None, :]) | (c[:, None] < c[None, :])
    dominated = (no_more & wins).any(axis=0)
    return np.flatnonzero(~dominated)


def check_sweep_size(n_rates: int, n_powers: int) -> None:
    """A sweep of more than MAX_SWEEP_POINTS points is an error naming both counts."""
    if n_rates * n_powers > MAX_SWEEP_POINTS:
        raise AccelsimError(
            f"sweep: {n_rates} bit rates x {n_powers} transmit powers = {n_rates * n_powers} "
            f"points; the limit is {MAX_SWEEP_POINTS}"
        )


def _grid(values: Sequence[float] | np.ndarray, name: str, positive: bool) -> np.ndarray:
    array = np.asarray(values, dtype=np.float64).reshape(-1)
    if array.size == 0:
        raise AccelsimError(f"sweep: {name} is empty")
    if not np.all(np.isfinite(array)) or np.any(array <= 0 if positive else array < 0):
        raise AccelsimError(
            f"sweep: every {name} must be a {'positive' if positive else 'non-negative'} "
            "finite number"
        )
    return array


def sweep(
    model: PartitionModel,
    bitrates_bps: Sequence[float] | np.ndarray,
    ptxs_w: Sequence[float] | np.ndarray,
    latency_bound_s: float | None = None,
) -> pd.DataFrame:
    """Best cut at every (bit rate, transmit power) pair: one tidy row per pair.

    `best_cut` names the tensors the best cut sends (joined by '+'), `best_tensors` counts them.
    Rows where no cut meets the latency bound have `best_cut` empty, `best_index` -1,
    `best_tensors` 0 and NaN energies. Ties go to the earlier cut, as in `PartitionModel.decide`.
    """
    rates = _grid(bitrates_bps, "bit rate", positive=True)
    powers = _grid(ptxs_w, "transmit power", positive=False)
    check_sweep_size(rates.size, powers.size)
    if latency_bound_s is not None:
        if not (math.isfinite(latency_bound_s) and latency_bound_s > 0):
            raise AccelsimError(f"latency bound must be positive, got {latency_bound_s:g}")
        if not model.has_latency:
            raise AccelsimError(
                f"a latency bound needs per-layer latencies; energy source "
                f"'{model.energy_source}' gives none"
            )
    b, p = np.meshgrid(rates, powers, indexing="ij")
    b, p = b.reshape(-1), p.reshape(-1)
    keep = candidate_cuts(model, latency_bound_s is not None)
    cuts = np.array(model.cuts, dtype=object)
    counts = model.tensor_counts
    parts = [
        _sweep_points(
            model,
            keep,
            cuts,
            counts,
            b[i : i + CHUNK_POINTS],
            p[i : i + CHUNK_POINTS],
            latency_bound_s,
        )
        for i in range(0, b.size, CHUNK_POINTS)
    ]
    return pd.concat(parts, ignore_index=True)


def _sweep_points(
    model: PartitionModel,
    keep: np.ndarray,
    cuts: np.ndarray,
    counts: np.ndarray,
    b: np.ndarray,
    p: np.ndarray,
    latency_bound_s: float | None,
) -> pd.DataFrame:
    """The rows of `sweep` for the points (b[i], p[i]), evaluating the cuts `keep` (see
    `candidate_cuts`); `cuts`, `counts`: every cut's name and tensor count."""
    per_bit = p / b
    bits, compute = model.bits[keep], model.compute_j[keep]
    transmit = per_bit[:, None] * bits[None, :]
    energy = compute[None, :] + transmit
    latency = model.compute_s[keep][None, :] + bits[None, :] / b[:, None]
    feasible = np.ones(energy.shape, dtype=bool)
    if latency_bound_s is not None:
        feasible = latency <= latency_bound_s
    masked = np.where(feasible, energy, np.inf)
    column = np.argmin(masked, axis=1)
    rows = np.arange(column.size)
    ok = feasible[rows, column]
    best = keep[column]
    pick = lambda a: np.where(ok, a[rows, column], np.nan)  # noqa: E731
    client = pick(energy)
    cloud = model.compute_j[0] + per_bit * model.bits[0]
    local = model.compute_j[-1] + per_bit * model.bits[-1]
    with np.errstate(invalid="ignore", divide="ignore"):  # infeasible points are NaN by design
        saving_cloud = 1.0 - client / cloud
        saving_local = 1.0 - client / local
    return pd.DataFrame(
        {
            "bitrate_bps": b,
            "ptx_w": p,
            "best_cut": np.where(ok, cuts[best], ""),
            "best_index": np.where(ok, best, -1),
            "best_tensors": np.where(ok, counts[best], 0),
            "client_energy_j": client,
            "compute_j": np.where(ok, model.compute_j[best], np.nan),
            "transmit_j": pick(transmit),
            "bits": np.where(ok, model.bits[best], np.nan),
            "latency_s": pick(latency),
            "saving_vs_cloud": saving_cloud,
            "saving_vs_local": saving_local,
        }
    )


def log_range(low: float, high: float, count: int) -> np.ndarray:
    """`count` values from `low` to `high`, evenly spaced on a log axis."""
    if not (0 < low <= high < math.inf and 1 <= count <= MAX_SWEEP_POINTS):
        raise AccelsimError(
            f"range needs 0 < low <= high and 1 <= count <= {MAX_SWEEP_POINTS}, got "
            f"{low:g}, {high:g}, {count}"
        )
    return np.geomspace(low, high, count)


def linear_range(low: float, high: float, count: int) -> np.ndarray:
    """`count` values from `low` to `high`, evenly spaced."""
    if not (0 <= low <= high < math.inf and 1 <= count <= MAX_SWEEP_POINTS):
        raise AccelsimError(
            f"range needs 0 <= low <= high and 1 <= count <= {MAX_SWEEP_POINTS}, got "
            f"{low:g}, {high:g}, {count}"
        )
    return np.linspace(low, high, count)


def best_cut_intervals(model: PartitionModel) -> pd.DataFrame:
    """Exact ranges of energy per transmitted bit (P_tx / B_e, J/bit) where each cut is best.

    E(k) = compute(k) + lambda * bits(k) is a line in lambda = P_tx / B_e; the best cut follows the
    lower envelope of those lines. Rows, in order of increasing lambda: `cut`, `index`,
    `joules_per_bit_from`, `joules_per_bit_to` (the cut is best strictly inside the range; at a
    boundary the two cuts tie). No latency bound applies here (it depends on B_e alone).
    """
    c, b = model.compute_j, model.bits
    order = np.lexsort((np.arange(c.size), b, c))
    k = int(order[0])
    lam = 0.0
    rows = []
    while True:
        cheaper = np.flatnonzero(b < b[k])
        if cheaper.size == 0:
            rows.append((model.cuts[k], k, lam, math.inf))
            break
        cross = (c[cheaper] - c[k]) / (b[k] - b[cheaper])
        cross = np.maximum(cross, lam)
        first = cross.min()
        tied = cheaper[cross == first]
        nxt = int(tied[np.lexsort((tied, b[tied]))[0]])
        if first > lam:
            rows.append((model.cuts[k], k, lam, float(first)))
        k, lam = nxt, float(first)
    return pd.DataFrame(rows, columns=["cut", "index", "joules_per_bit_from", "joules_per_bit_to"])


def bitrate_intervals(model: PartitionModel, ptx_w: float) -> pd.DataFrame:
    """For a transmit power, the bit-rate range (bit/s) where each cut is best, slowest first."""
    if not (math.isfinite(ptx_w) and ptx_w > 0):
        raise AccelsimError(f"transmit power must be positive, got {ptx_w:g}")
    frame = best_cut_intervals(model)
    with np.errstate(divide="ignore"):
        high = ptx_w / frame["joules_per_bit_from"].to_numpy()
        low = ptx_w / frame["joules_per_bit_to"].to_numpy()
    out = pd.DataFrame({"cut": frame["cut"], "bitrate_from_bps": low, "bitrate_to_bps": high})
    return out.iloc[::-1].reset_index(drop=True)

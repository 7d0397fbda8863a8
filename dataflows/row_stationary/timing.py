"""The time the `energy` mapper ranks mappings by: a lower bound of both engines' cycles, in
closed form from a mapping's integers, cheap enough for the streaming kernel to compute for
every candidate (`kernel.best_candidates` computes the same integers from its tables).

The engines run passes one after another. A pass loads its filters (ceil(filters / filter-bus
rate) cycles), the accumulation crosses R*r - 1 local links, and its steps cannot end before the
PEs have done their MACs, the ifmap bus has carried its ifmaps and the psum output bus its
psums. Summed over the passes, each resource's share is at least its total words over its rate
(rounded down), so the array's time is at least the per-pass overhead of every pass plus the
largest of the three totals. With one GLB allocation (g = 1) the DRAM link and the array take
turns: every ifmap load and ofmap write-back adds its link time to the array's, and the passes
cannot outpace their filter fetches (`accelsim.engine.rs.run.cycle_lower_bounds`, which this
bound never exceeds). With group sets (g > 1) transfers overlap the passes, and the time is at
least the larger of the array's and the link's.
"""

from __future__ import annotations

import numpy as np

from accelsim.hardware.spatial import SpatialArray
from accelsim.workload.layer import ConvLayer
from dataflows.row_stationary.mapping import geometry


def ceil_div(a: np.ndarray | int, b: np.ndarray | int) -> np.ndarray:
    """ceil(a / b) in int64."""
    return -(-np.asarray(a, dtype=np.int64) // b)


def link_cycles(hw: SpatialArray, words: np.ndarray | int) -> np.ndarray:
    """Core cycles of one DRAM transfer of `words`: link beats x (core clock / link clock),
    rounded up, as the engines time it (int64). Over any split of the words into transfers,
    the transfers' cycles add up to at least this of their sum."""
    num, den = hw.dram_clock_ratio
    return ceil_div(ceil_div(words, hw.dram_bus_bits // hw.bits) * num, den)


def pass_overhead(hw: SpatialArray, R: int, S: int, maps: np.ndarray) -> np.ndarray:
    """Cycles every pass spends outside its column steps: loading its g*p*t*q*r*R*S filters over
    the filter bus and crossing the R*r - 1 local links of the vertical accumulation."""
    p, q, r, t, g = (maps[:, i] for i in (3, 4, 5, 6, 7))
    filters = g * p * t * q * r * R * S
    hops = (R * r - 1) * ceil_div(p, hw.local_link_bits // hw.bits)
    return ceil_div(filters, hw.noc_filter_bits // hw.bits) + hops


def least_cycles(
    layer: ConvLayer,
    hw: SpatialArray,
    maps: np.ndarray,
    batch: int,
    compute: np.ndarray,
    dram_words: np.ndarray,
    filter_words: np.ndarray,
) -> np.ndarray:
    """The `energy` policy's ranked time of each mapping row (m, n, e, p, q, r, t, g), int64:
    at most what either engine counts. `compute`: MAC-bound cycles; `dram_words`: every DRAM
    word; `filter_words`: the filters' share of them."""
    geo = geometry(layer)
    m, n, e, p, q, r, t, g = (maps[:, i] for i in range(8))
    K, B, J = geo.C // (q * r), geo.M // m, m // (p * t)
    strips, chunks = ceil_div(geo.E, e), ceil_div(batch, n)
    passes = (geo.G // g) * B * K * J * chunks * strips
    e_full, e_rem = geo.E // e, geo.E % e
    rows_in = e_full * geo.rows_in(e) + (e_rem > 0) * ((np.maximum(e_rem, 1) - 1) * geo.U + geo.R)
    ifmap_values = B * K * J * q * r * geo.used_width * (geo.G * batch * rows_in)
    ifmap_bus = ifmap_values // (hw.noc_ifmap_bits // hw.bits)
    psums = K * (geo.M * geo.F * geo.G * batch * geo.E)
    psum_bus = psums // (hw.noc_psum_bits // hw.bits)
    busy = passes * pass_overhead(hw, geo.R, geo.S, maps)
    busy = busy + np.maximum(np.maximum(compute, ifmap_bus), psum_bus)
    filter_fetch = link_cycles(hw, g * p * t * q * r * geo.R * geo.S)
    serial = np.maximum(busy, passes * filter_fetch) + link_cycles(hw, dram_words - filter_words)
    return np.where(g == 1, serial, np.maximum(busy, link_cycles(hw, dram_words)))

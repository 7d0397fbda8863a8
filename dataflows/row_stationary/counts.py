"""Exact access counts of RS mappings in closed form (`closed_form_counts`, vectorised over
mapping rows), in the order both simulator engines count them (`COUNT_NAMES`)."""

from __future__ import annotations

import numpy as np

from accelsim.coding.rlc_size import RlcFormat, as_format, expected_nonzeros
from accelsim.energy.record import AccessCounts
from accelsim.hardware.spatial import SpatialArray
from accelsim.workload.layer import ConvLayer
from dataflows.row_stationary.mapping import geometry

COUNT_NAMES = (
    "macs",
    "rf_ifmap_writes",
    "rf_filter_writes",
    "rf_psum_writes_noc",
    "inter_pe",
    "noc_ifmap",
    "noc_filter",
    "noc_psum_in",
    "noc_psum_out",
    "glb_ifmap_reads",
    "glb_ifmap_writes",
    "glb_filter_reads",
    "glb_filter_writes",
    "glb_psum_reads",
    "glb_psum_writes",
    "dram_ifmap_reads",
    "dram_filter_reads",
    "dram_ofmap_writes",
    "passes",
)
"""Counts the closed form and the engines produce (integers, whole batch), in column order."""

COUNT_INDEX = {name: i for i, name in enumerate(COUNT_NAMES)}

_GLB_COUNTS = tuple(name for name in COUNT_NAMES if name.startswith("glb_"))
_DRAM_COUNTS = tuple(name for name in COUNT_NAMES if name.startswith("dram_"))


def rlc_words_array(values: np.ndarray, zero_fraction: float, fmt: RlcFormat | int) -> np.ndarray:
    """Vectorised `accelsim.coding.rlc_size.rlc_words` (same rounding, same result)."""
    fmt = as_format(fmt)
    values = np.asarray(values, dtype=np.int64)
    pairs = np.round(values.astype(np.float64) * (1.0 - zero_fraction)).astype(np.int64)
    pairs = np.maximum(pairs, (values > 0).astype(np.int64))
    return -(-pairs // fmt.pairs_per_word) * (fmt.word_bits // fmt.value_bits)


def _chunks(total: int, size: np.ndarray) -> list[tuple[np.ndarray, np.ndarray]]:
    """(count, extent) of the full chunks and of the last partial chunk of `total` in `size`."""
    full = total // size
    rem = total - full * size
    return [(full, size), ((rem > 0).astype(np.int64), np.where(rem > 0, rem, 1))]


def group_sets(maps: np.ndarray) -> np.ndarray:
    """The group sets `g` of mapping rows: their eighth column, 1 for rows of the seven fields."""
    if maps.shape[1] > 7:
        return maps[:, 7]
    return np.ones(maps.shape[0], dtype=np.int64)


def closed_form_counts(
    layer: ConvLayer,
    hw: SpatialArray,
    maps: np.ndarray,
    batch: int,
    first_layer: bool,
    rlc: RlcFormat | None = None,
) -> np.ndarray:
    """Exact counts (columns of COUNT_NAMES) of each mapping row (`MAPPING_COLUMNS`, or the
    seven fields for g = 1) for the whole batch. A pass of g group sets moves g groups' data;
    its ifmap loads and ofmap write-backs are single transfers of the g groups, RLC-coded whole.

    `rlc` is the accelerator's feature-map format (default: the chip's at the array's width)."""
    rlc = as_format(rlc or hw.bits)
    geo = geometry(layer)
    maps = np.atleast_2d(np.asarray(maps, dtype=np.int64))
    m, n, e, p, q, r, t = (maps[:, i] for i in range(7))
    g = group_sets(maps)
    R, S, C, M, F, U = geo.R, geo.S, geo.C, geo.M, geo.F, geo.U
    W = geo.used_width
    K = C // (q * r)  # channel groups
    B = M // m  # filter blocks
    J = m // (p * t)  # passes per channel group
    counts = np.zeros((maps.shape[0], len(COUNT_NAMES)), dtype=np.int64)
    c = COUNT_INDEX
    for n_count, nn in _chunks(batch, n):
        for e_count, ee in _chunks(geo.E, e):
            mult = n_count * e_count * (geo.G // g)  # x group blocks of g groups each
            rows_in = (ee - 1) * U + R
            v_if = g * nn * q * r * rows_in * W  # ifmap values of one channel group load
            outs = g * nn * ee * F  # ofmap pixels of one filter of each group of a block
            if_dram = v_if if first_layer else rlc_words_array(v_if, layer.ifmap_zero, rlc)
            of_dram = rlc_words_array(g * nn * m * ee * F, layer.ofmap_zero, rlc)
            passes = B * K * J
            pes = g * R * ee * r * t
            flt = g * p * t * q * r * R * S
            cnt = {
                "macs": M * C * R * S * outs,
                "rf_ifmap_writes": passes * pes * q * W * nn,
                "rf_filter_writes": passes * pes * p * q * S,
                "rf_psum_writes_noc": (K - 1) * M * outs,
                "inter_pe": K * M * outs * (R * r - 1),
                "noc_ifmap": passes * v_if,
                "noc_filter": passes * flt,
                "noc_psum_in": (K - 1) * M * outs,
                "noc_psum_out": K * M * outs,
                "glb_ifmap_reads": passes * v_if,
                "glb_ifmap_writes": B * K * v_if,
                "glb_filter_reads": passes * flt,
                "glb_filter_writes": passes * flt,
                "glb_psum_reads": (K - 1) * M * outs + M * outs,
                "glb_psum_writes": K * M * outs,
                "dram_ifmap_reads": B * K * if_dram,
                "dram_filter_reads": passes * flt,
                "dram_ofmap_writes": B * of_dram,
                "passes": passes,
            }
            for name, value in cnt.items():
                counts[:, c[name]] += mult * value
    return counts


def nonzero_macs(macs: int, ifmap_zero: float) -> int:
    """Non-zero MACs: MACs x (1 - ifmap zero fraction), rounded to the nearest integer.

    Layers carry zero fractions, not data, so the rule is deterministic: a MAC whose ifmap value
    is zero is gated (no filter/psum scratchpad access, no multiply energy) but still takes its
    cycle.
    """
    return expected_nonzeros(int(macs), float(ifmap_zero))


def access_counts(counts: np.ndarray, nonzero: np.ndarray) -> AccessCounts:
    """The five totals the energy model charges (`AccessCounts`), of count rows (last axis in
    COUNT_NAMES order) with `nonzero` non-zero MACs each.

    Scratchpads: every MAC reads its ifmap value; a non-zero MAC also reads its filter value and
    reads and writes its psum (zero-gated MACs skip them); plus the writes of the ifmap, filter
    and psum values the NoC delivers. GLB and DRAM: every access of every operand.
    """

    def col(name: str) -> np.ndarray:
        return counts[..., COUNT_INDEX[name]]

    rf = (
        col("macs")
        + 3 * nonzero
        + col("rf_ifmap_writes")
        + col("rf_filter_writes")
        + col("rf_psum_writes_noc")
    )
    return AccessCounts(
        nonzero_macs=nonzero,
        rf_accesses=rf,
        inter_pe_transfers=col("inter_pe"),
        glb_accesses=sum(col(name) for name in _GLB_COUNTS),
        dram_accesses=sum(col(name) for name in _DRAM_COUNTS),
    )

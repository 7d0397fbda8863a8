"""The streaming mapper: the best legal mappings of a layer by a policy's objective, without
building and sorting the array of every candidate as the vectorised reference (`rank_mappings`)
does.

A mapping (m, n, e, p, q, r, t) is a *row* (n, e: the images per pass and the set width, with
what they fix: strips, chunks, the RLC-coded DRAM sizes of one transfer) combined with a *pair*
((p, q, r, t) for one m: passes, channel groups, filter blocks). Every count the mapper prices is
a sum of products of a row's and a pair's integers (int64 arithmetic gives such sums exactly in
any order), and the only rounded counts, the RLC sizes, come from the reference's own
`rlc_words_array` (tables per row and q*r, per row and m). The objective is then the float64
formula of `ranking_energy`, operation for operation, in one numba kernel
(`kernel.best_candidates`): bit for bit the reference's objectives and ties.

Each (m, row) *block* is bounded below first (numpy, all blocks at once): the same formula on
counts no candidate of the block can go below (filter traffic and ofmap write-backs are exact
per block, the rest are least values; rounding is monotone, so the float bound is a bound). The
kernel visits blocks in increasing bound and stops at the first whose bound exceeds the `top`-th
objective kept: no candidate left can enter. Ties are broken by the reference's lexsort order
(m, n, e, p, q, r, t), carried as (block, pair rank).

One kernel, one signature, kept short: numba compiles it on a first cold run, at a few ms per
source operation. Tables that depend only on the layer, the batch and the scratchpads (the
pairs) are cached, so that a sweep over array shapes and GLB sizes builds them once per layer.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from accelsim.coding.rlc_size import RlcFormat, as_format
from accelsim.errors import LayerRefused
from accelsim.hardware.energy import EnergyTable
from accelsim.hardware.spatial import SpatialArray
from accelsim.kernel_tier import kernel_for
from accelsim.workload.layer import ConvLayer
from dataflows.row_stationary.counts import rlc_words_array
from dataflows.row_stationary.enumeration import (
    check_row_limit,
    group_axes,
    mapping_axes,
    ptm_array,
    qr_array,
)
from dataflows.row_stationary.groups import glb_buffers, group_set_choices, pipelined
from dataflows.row_stationary.legality import glb_capacity_words
from dataflows.row_stationary.mapping import LayerGeometry, geometry
from dataflows.row_stationary.timing import ceil_div, link_cycles


def widest_e(E: int, e: np.ndarray) -> np.ndarray:
    """True where e is the widest set for its number of strips ceil(E / e).

    A narrower set with the same number of strips takes as many passes and only idles PEs; the
    chip's mappings always use the widest (AlexNet CONV1 e=7 for 8 strips of 55 rows, VGG-16
    CONV3 e=13 for 5 strips of 56). The widest set may be wider than the array and fold: for 4
    strips of 56 rows it is e=18 (two segments), so e=14 is not a candidate of the `chip` policy.
    """
    e = np.asarray(e)
    return (e == E) | (-(-E // (e + 1)) < -(-E // e))


def _int64(x: int) -> int:
    """x as int64 arithmetic has it (wrapped modulo 2^64), as the reference's arrays hold it."""
    return (x + 2**63) % 2**64 - 2**63


def _counts_fit(geo: LayerGeometry, batch: int, rlc: RlcFormat) -> bool:
    """True when no count, cycle total or sum of counts of any mapping can reach 2^63: int64
    arithmetic is then exact, and the block bounds bound.

    With X = G x batch x E: every access count is at most M*C*X*(R+U)*(W+S+F)*R*S (e.g. GLB
    ifmap reads B*J*C*W*G*batch*(rows of all strips) <= M*C*W*X*(U+R); RLC-coded words at most
    words-per-code x (values + 1) per transfer), and a few dozen of them are summed."""
    X = geo.G * batch * geo.E
    words = rlc.word_bits // rlc.value_bits + 1
    largest = geo.M * geo.C * (X + 1) * (geo.R + geo.U + 1) * (geo.used_width + geo.S + geo.F)
    return 64 * words * largest * (geo.R * geo.S + 1) < 2**63


def _pair_key(hw: SpatialArray) -> tuple[int, ...]:
    """What of the hardware the pair table depends on: the scratchpads and PEs, the bus rates
    and the DRAM link (`_pair_table`)."""
    num, den = hw.dram_clock_ratio
    return (
        hw.spad_ifmap_words, hw.spad_filter_words, hw.spad_psum_words, hw.num_pes,
        hw.bits, hw.noc_filter_bits, hw.noc_psum_bits, hw.local_link_bits, hw.dram_bus_bits,
        num, den,
    )  # fmt: skip


CANDIDATES_COMPILE_SECONDS = 1.2
"""Compiling `best_candidates`, on a 2-core machine of 2026 (`benchmarks/kernel_tier.py`
measures it): what its interpreted calls may add up to before it is compiled."""

INTERPRETED_CANDIDATE_SECONDS = 1.5e-7
"""Interpreted time of `best_candidates` per candidate it could visit (every pair of every block
with a finite bound; pruning stops most visits, so this is an average, not a bound): an estimate
for the tier choice only (`accelsim.kernel_tier`), fitted on AlexNet and VGG-16 at batch 4
(`benchmarks/kernel_tier.py` reports estimate and measurement)."""


@lru_cache(maxsize=64)
def _pair_table(
    geo: LayerGeometry,
    batch: int,
    hw_key: tuple[int, ...],
    max_channel_sets: int,
    g: int = 1,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The pairs of a layer (`P_*` columns; by m, then r*t), the span of each m's pairs, the m
    values and the q*r of each (q, r) index: what depends on the layer, the batch and the
    hardware's `_pair_key` only, cached for design sweeps (a GLB size changes none of it).
    With g group sets the G groups run in G/g blocks (ifmap loads, ofmap write-backs and MAC
    cycles per block); every other count is the same total as with g = 1."""
    from dataflows.row_stationary import kernel as k

    spad_ifmap, spad_filter, spad_psum, num_pes, bits = hw_key[:5]
    filter_bits, psum_bits, local_bits, dram_bits, num, den = hw_key[5:]
    a_qr = qr_array(geo.C, geo.S, spad_ifmap, num_pes)
    a_qr = a_qr[a_qr[:, 1] <= max_channel_sets]
    a_ptm = ptm_array(geo.M, spad_psum)
    qi, pj = np.nonzero(a_ptm[None, :, 0] * a_qr[:, None, 0] * geo.S <= spad_filter)
    q, r = a_qr[qi, 0], a_qr[qi, 1]
    p, t, m = a_ptm[pj, 0], a_ptm[pj, 1], a_ptm[pj, 2]
    rank = np.lexsort((t, r, q, p, m))  # the reference's order of (m, p, q, r, t)
    q, r, p, t, m, qi = q[rank], r[rank], p[rank], t[rank], m[rank], qi[rank]
    R, S, C, M, F, G, W = geo.R, geo.S, geo.C, geo.M, geo.F, geo.G, geo.used_width
    X = _int64(G * batch * geo.E)
    MFX = _int64(M * F * X)
    K, B = C // (q * r), M // m
    passes = B * K * (m // (p * t))
    cols = np.empty((q.shape[0], k.N_PAIR_COLS), dtype=np.int64)
    cols[:, k.P_M], cols[:, k.P_P], cols[:, k.P_Q], cols[:, k.P_R], cols[:, k.P_T] = m, p, q, r, t
    cols[:, k.P_QI], cols[:, k.P_RT], cols[:, k.P_QRP] = qi, r * t, q * r
    cols[:, k.P_RANK] = np.arange(q.shape[0])
    cols[:, k.P_IF_GLB] = (passes + B * K) * (q * r) * W
    cols[:, k.P_PSUM_GLB] = (K - 1) * MFX + MFX + K * MFX
    cols[:, k.P_IF_LOADS] = B * K * (G // g)
    cols[:, k.P_OF_WRITES] = B * (G // g)
    cols[:, k.P_COMPUTE] = (G // g) * passes * batch * F * p * q * S
    cols[:, k.P_RF_IF] = passes * (R * r * t) * q * W * X
    cols[:, k.P_RF_F] = passes * (R * r * t) * p * q * S
    cols[:, k.P_RF_PSUM] = (K - 1) * MFX
    cols[:, k.P_INTER] = K * MFX * (R * r - 1)
    filters = g * p * t * q * r * R * S
    per_strip = (G // g) * passes
    hops = (R * r - 1) * ceil_div(p, local_bits // bits)
    cols[:, k.P_OVERHEAD] = per_strip * (ceil_div(filters, filter_bits // bits) + hops)
    cols[:, k.P_FETCH] = per_strip * ceil_div(ceil_div(filters, dram_bits // bits) * num, den)
    cols[:, k.P_IF_BUS] = passes * (q * r) * W
    cols[:, k.P_PSUM_BUS] = K * MFX // (psum_bits // bits)
    cols = cols[np.lexsort((r * t, m))]  # stable: within an (m, r*t), still in rank order
    ms, lo = np.unique(cols[:, k.P_M], return_index=True)
    spans = np.stack([lo, np.append(lo[1:], cols.shape[0])], axis=1)
    qrp = a_qr[:, 0] * a_qr[:, 1]
    for a in (cols, spans, ms, qrp):
        a.flags.writeable = False
    return cols, spans, ms, qrp


def _row_table(
    layer: ConvLayer,
    geo: LayerGeometry,
    es: np.ndarray,
    caps: np.ndarray,
    qrp: np.ndarray,
    ms: np.ndarray,
    batch: int,
    first_layer: bool,
    rlc: RlcFormat,
    g: int = 1,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The rows (`W_*` columns; by n, then e) and their DRAM tables: words of one channel group's
    ifmap loads (per q*r) and of one filter block's ofmap write-backs (per m), over the chunks of
    n images and the strips of e rows of a group, each transfer coded by `rlc_words_array` as
    `closed_form_counts` codes it. With g group sets a transfer carries g groups, and the GLB
    units are those of `glb_buffers(g)` x g allocations."""
    from dataflows.row_stationary import kernel as k

    grid = np.arange(1, int(caps.max()) + 1)[:, None]
    n_at, e_at = np.nonzero(caps[None, :] >= grid)  # by n, then e
    n, e, sets = n_at + 1, es[e_at, 0], es[e_at, 1]
    n_full, n_rem = np.divmod(batch, n)
    e_full, e_rem = np.divmod(geo.E, e)
    # Transfers come in (full or last chunk of images) x (full or last strip of rows): the
    # number of each kind per group, and its images and rows (1 where the kind does not occur).
    n_count, nn = np.stack([n_full, n_rem > 0]), np.stack([n, np.maximum(n_rem, 1)])
    e_count, ee = np.stack([e_full, e_rem > 0]), np.stack([e, np.maximum(e_rem, 1)])
    rows_in = (ee - 1) * geo.U + geo.R
    count = (n_count[:, None, :] * e_count[None, :, :])[..., None]
    v_if = (nn[:, None, :] * rows_in[None, :, :])[..., None] * (g * qrp * geo.used_width)
    coded_if = v_if if first_layer else rlc_words_array(v_if, layer.ifmap_zero, rlc)
    v_of = (nn[:, None, :] * ee[None, :, :])[..., None] * (g * ms * geo.F)
    coded_of = rlc_words_array(v_of, layer.ofmap_zero, rlc)
    chunks, strips = n_count.sum(axis=0), e_count.sum(axis=0)
    cols = np.empty((n.shape[0], k.N_ROW_COLS), dtype=np.int64)
    cols[:, k.W_N], cols[:, k.W_E], cols[:, k.W_SETS], cols[:, k.W_STRIPS] = n, e, sets, strips
    cols[:, k.W_IF_ROWS] = geo.G * batch * (e_count * rows_in).sum(axis=0)
    cols[:, k.W_FILTERS] = _int64(geo.M * geo.C * geo.R * geo.S) * (geo.G * chunks * strips)
    units = glb_buffers(g) * g
    cols[:, k.W_IF_UNIT] = units * n * rows_in[0] * geo.used_width
    cols[:, k.W_OF_UNIT] = units * n * e * geo.F
    cols[:, k.W_RF_F] = geo.G * chunks * geo.E
    cols[:, k.W_BLOCKS] = chunks * strips
    return cols, (count * coded_if).sum(axis=(0, 1)), (count * coded_of).sum(axis=(0, 1))


def search_mappings(
    layer: ConvLayer,
    hw: SpatialArray,
    table: EnergyTable,
    batch: int,
    first_layer: bool,
    chip: bool,
    max_pe_sets: int | None,
    max_channel_sets: int,
    onchip_weight: float,
    rlc: RlcFormat | None = None,
    top: int = 1,
) -> tuple[np.ndarray, np.ndarray]:
    """The first `top` rows of `rank_mappings` (mappings best first, with g as the eighth
    column, and their objectives). The kernel runs once per g of `group_set_choices` (once for
    most layers); the runs' candidates merge in the reference's order.

    `chip`: the chip policy's candidates (widest set per strip count, r <= `max_channel_sets`)
    and objective (DRAM + clock energy + `onchip_weight` x on-chip energy; ties: on-chip
    energy); else the total energy (ties: cycles). Refusals are those of `rank_mappings`.
    """
    rlc = as_format(rlc or hw.bits)
    axes = mapping_axes(layer, hw, batch, max_pe_sets)
    check_row_limit(layer, hw, batch, axes)
    geo = geometry(layer)
    found = []
    choices = group_set_choices(geo)
    if chip:  # group sets first; one group at a time only when no group-set mapping is legal
        choices = (*choices[1:], 1)
    for g in choices:
        if chip and g == 1 and found:
            break
        g_axes = group_axes(layer, hw, batch, axes, g)
        es, caps = g_axes.es, g_axes.caps
        if chip:
            keep = widest_e(geo.E, es[:, 0])
            es, caps = es[keep], caps[keep]
        run = _search_group_sets(
            layer, geo, hw, table, batch, first_layer, chip, max_channel_sets, onchip_weight,
            rlc, top, g, es, caps,
        )  # fmt: skip
        if run is not None:
            found.append(run)
    if not found:
        raise LayerRefused(f"layer '{layer.name}': no legal row-stationary mapping on '{hw.name}'")
    if len(found) == 1:
        maps, obj, _ = found[0]
        return maps, obj
    maps, obj, tie = (np.concatenate(parts) for parts in zip(*found, strict=True))
    order = np.lexsort(tuple(maps[:, i] for i in range(7, -1, -1)) + (tie, obj))[:top]
    return maps[order], obj[order]


def _search_group_sets(
    layer: ConvLayer,
    geo: LayerGeometry,
    hw: SpatialArray,
    table: EnergyTable,
    batch: int,
    first_layer: bool,
    chip: bool,
    max_channel_sets: int,
    onchip_weight: float,
    rlc: RlcFormat,
    top: int,
    g: int,
    es: np.ndarray,
    caps: np.ndarray,
) -> tuple[np.ndarray, np.ndarray, np.ndarray] | None:
    """The kernel's best `top` mappings with g group sets (rows with g, objectives, ties), or
    None when there is none; `es`, `caps`: the set widths, their most r*t and images."""
    from dataflows.row_stationary import kernel as k

    pairs, spans, ms, qrp = _pair_table(
        geo, batch, _pair_key(hw), max_channel_sets if chip else hw.num_pes, g
    )
    if not (es.shape[0] and pairs.shape[0]):
        return None
    rows, dram_if, dram_of = _row_table(layer, geo, es, caps, qrp, ms, batch, first_layer, rlc, g)
    cc = table.control_fraction
    ratio = hw.clock_hz / hw.dram_clock_hz
    macs = np.float64(_int64(geo.M * geo.C * geo.R * geo.S * geo.F * geo.G * batch * geo.E))
    nz = np.round(macs * (1.0 - float(layer.ifmap_zero)))
    rf0 = macs + 3 * nz
    mac_e = nz * table.mac_j
    low = _block_bounds(
        geo, batch, hw, table, rows, dram_if, dram_of, qrp, ms, chip, onchip_weight, rf0, mac_e,
        g,
    )  # fmt: skip
    if not _counts_fit(geo, batch, rlc):
        low[np.isfinite(low)] = -np.inf  # counts could wrap: no bound holds, visit every block
    order = np.argsort(low, axis=None, kind="stable")[: int((low < np.inf).sum())]
    num, den = hw.dram_clock_ratio
    ints = np.array(
        [glb_capacity_words(hw), hw.dram_bus_bits // hw.bits, int(chip), int(pipelined(g)),
         hw.noc_ifmap_bits // hw.bits, num, den],
        dtype=np.int64,
    )  # fmt: skip
    floats = np.array(
        [rf0, mac_e, ratio, hw.clock_hz, table.rf_j, table.inter_pe_j, table.glb_j,
         table.dram_j, table.clock_power_w, cc / (1.0 - cc), onchip_weight],
        dtype=np.float64,
    )  # fmt: skip
    blk, pair = np.zeros(top, dtype=np.int64), np.zeros(top, dtype=np.int64)
    obj, tie = np.zeros(top), np.zeros(top)
    visits = int((spans[:, 1] - spans[:, 0])[order // rows.shape[0]].sum())  # at most
    kernel = kernel_for(
        k.best_candidates, visits * INTERPRETED_CANDIDATE_SECONDS, CANDIDATES_COMPILE_SECONDS
    )
    kept = kernel(
        ints, floats, pairs, spans, rows, dram_if, dram_of, order, low.ravel(), blk, pair, obj,
        tie,
    )  # fmt: skip
    if kept == 0:
        return None
    w, pj = rows[blk[:kept] % rows.shape[0]], pairs[pair[:kept]]
    fields = (pj[:, k.P_M], w[:, k.W_N], w[:, k.W_E], pj[:, k.P_P], pj[:, k.P_Q], pj[:, k.P_R])
    maps = np.stack([*fields, pj[:, k.P_T], np.full(kept, g, dtype=np.int64)], axis=1)
    return maps, obj[:kept].copy(), tie[:kept].copy()


def _block_bounds(
    geo: LayerGeometry,
    batch: int,
    hw: SpatialArray,
    table: EnergyTable,
    rows: np.ndarray,
    dram_if: np.ndarray,
    dram_of: np.ndarray,
    qrp: np.ndarray,
    ms: np.ndarray,
    chip: bool,
    onchip_weight: float,
    rf0: float,
    mac_e: float,
    g: int,
) -> np.ndarray:
    """A lower bound of the objective of every candidate of each (m, row) block, shape (m, rows);
    +inf where no candidate is legal (its smallest allocation, q*r = 1, overflows the GLB).

    The objective's float formula on counts that cannot exceed any candidate's: ifmap DRAM loads
    at the least K x (loads of one group) over every q*r, filter traffic and ofmap write-backs
    exact, MAC-bound cycles with the most sets, filter scratchpad writes exact (M*C*R*S per
    G*chunks*E for every pair), GLB ifmap accesses at passes = B*K (J = 1), psums at K = 1,
    every other count 0. Every operation is monotone, so the float result is a bound. The time
    is the policy's on these counts: `chip`, MAC-bound and link cycles (the larger of the two
    for pipelined group sets, g > 1, else their sum); `energy`, with one GLB allocation the
    MAC-bound cycles plus the link's for ifmaps and ofmaps (`timing.least_cycles`), and at
    least the link's for every word."""
    from dataflows.row_stationary import kernel as k

    group_blocks = geo.G // g  # the blocks of g groups the groups run in
    B = (geo.M // ms)[:, None]
    X = _int64(geo.G * batch * geo.E)
    if_min = (dram_if * (geo.C // qrp)[None, :]).min(axis=1)[None, :]
    filters = rows[None, :, k.W_FILTERS]
    dram = B * group_blocks * if_min + filters + B * group_blocks * dram_of.T
    mc = _int64(geo.M * geo.C)
    compute = (
        rows[None, :, k.W_STRIPS]
        * _int64(group_blocks * batch * geo.F * geo.S)
        * (mc // rows[:, k.W_SETS])
    )
    if chip:
        vpb = hw.dram_bus_bits // hw.bits
        link = (-(-dram // vpb)).astype(np.float64) * (hw.clock_hz / hw.dram_clock_hz)
        cycles = np.maximum(compute, link) if pipelined(g) else compute.astype(np.float64) + link
    else:
        least = np.maximum(compute, link_cycles(hw, dram))
        if not pipelined(g):
            least = np.maximum(least, compute + link_cycles(hw, dram - filters))
        cycles = least.astype(np.float64)
    rf_f = _int64(geo.M * geo.C * geo.R * geo.S) * rows[None, :, k.W_RF_F]
    rf = rf0 + rf_f.astype(np.float64)
    glb = (
        2 * B * geo.C * geo.used_width * rows[None, :, k.W_IF_ROWS]
        + 2 * filters
        + 2 * _int64(geo.M * geo.F * X)
    )
    on_chip = mac_e + rf * table.rf_j + glb.astype(np.float64) * table.glb_j
    dram_e = dram.astype(np.float64) * table.dram_j
    clock_e = table.clock_power_w * (cycles / hw.clock_hz)
    cc = table.control_fraction
    if chip:
        low = dram_e + clock_e + onchip_weight * on_chip
    else:
        low = on_chip + dram_e + clock_e + cc / (1.0 - cc) * (on_chip + clock_e)
    fits = qrp.min() * rows[None, :, k.W_IF_UNIT] + ms[:, None] * rows[None, :, k.W_OF_UNIT]
    return np.where(fits <= glb_capacity_words(hw), low, np.inf)

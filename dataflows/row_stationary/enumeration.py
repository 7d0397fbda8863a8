"""Every legal mapping of a layer, as an int64 array (one row per mapping, columns in
`MAPPING_COLUMNS` order), so that the mapper scores them all at once with numpy.

The candidates are built from divisors (q*r divides C, p*t divides m, m divides M) and the images
per pass n only up to what the GLB can hold, so the work depends on the layer and the array, not
on the batch; `MAX_MAPPING_CANDIDATES` and `MAX_MAPPING_ROWS` refuse what would still not fit in
memory, before it is built. `mapping_axes` gives the independent choices the rows combine, which
the streaming mapper (`dataflows.row_stationary.search`) walks without building the rows.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from accelsim.errors import AccelsimError
from accelsim.hardware.spatial import SpatialArray
from accelsim.workload.layer import ConvLayer
from dataflows.row_stationary.groups import glb_buffers, group_set_choices, group_sets_fit
from dataflows.row_stationary.legality import (
    MAX_PE_SETS,
    check_supported,
    glb_capacity_words,
    max_sets,
    set_cap,
)
from dataflows.row_stationary.mapping import MAPPING_COLUMNS, LayerGeometry, geometry

MAX_MAPPING_CANDIDATES = 50_000_000
"""Most (q, r) x (p, t, m) x e combinations the mapper may test for one layer (a few numpy
temporaries of 8 bytes each, per e: seconds and well under a GB at the limit). AlexNet and
VGG-16 on Eyeriss test under 10^6; only absurd layers (10^5 highly divisible channels and
filters) reach it."""

MAX_MAPPING_ROWS = 4_000_000
"""Most legal mappings (56-byte rows, then ~20 arrays of their energies and cycles) the mapper
may rank for one layer: ~1 GB at the limit. VGG-16 at batch 16 on Eyeriss has at most
5.2 x 10^5 (measured); a huge batch on a fully connected layer (n up to what the GLB holds for
every q, r, p, t, m) reaches it."""


@lru_cache(maxsize=4096)
def _divisors(x: int) -> tuple[int, ...]:
    """The divisors of x in increasing order (O(sqrt x)); cached, layers repeat their sizes."""
    small, large = [], []
    d = 1
    while d * d <= x:
        if x % d == 0:
            small.append(d)
            if d * d != x:
                large.append(x // d)
        d += 1
    return tuple(small + large[::-1])


@lru_cache(maxsize=1024)
def _qr_pairs(C: int, S: int, spad_ifmap_words: int, num_pes: int) -> tuple[tuple[int, int], ...]:
    """(q, r) with q*S in the ifmap scratchpad, q*r dividing C and r at most the PEs, q outer."""
    return tuple(
        (q, r)
        for q in range(1, min(spad_ifmap_words // S, C) + 1)
        if C % q == 0
        for r in _divisors(C // q)
        if r <= num_pes
    )


@lru_cache(maxsize=1024)
def _ptm_triples(M: int, spad_psum_words: int) -> tuple[tuple[int, int, int], ...]:
    """(p, t, m) with m dividing M, p*t dividing m and p in the psum scratchpad, m outer."""
    return tuple(
        (p, t, m)
        for m in _divisors(M)
        for p in _divisors(m)
        if p <= spad_psum_words
        for t in _divisors(m // p)
    )


@lru_cache(maxsize=1024)
def qr_array(C: int, S: int, spad_ifmap_words: int, num_pes: int) -> np.ndarray:
    """`_qr_pairs` as a read-only int64 array of (q, r) rows."""
    out = np.array(_qr_pairs(C, S, spad_ifmap_words, num_pes), dtype=np.int64).reshape(-1, 2)
    out.flags.writeable = False
    return out


@lru_cache(maxsize=1024)
def ptm_array(M: int, spad_psum_words: int) -> np.ndarray:
    """`_ptm_triples` as a read-only int64 array of (p, t, m) rows."""
    out = np.array(_ptm_triples(M, spad_psum_words), dtype=np.int64).reshape(-1, 3)
    out.flags.writeable = False
    return out


def images_per_pass_cap(layer: ConvLayer, hw: SpatialArray, batch: int, e: int) -> int:
    """The most images n a pass of e ofmap rows can hold in the GLB (q*r = m = 1, the smallest
    allocation), at most `batch`: no larger n is legal, so none is enumerated."""
    return _images_cap(geometry(layer), glb_capacity_words(hw), batch, e)


def _images_cap(geo: LayerGeometry, glb: int, batch: int, e: int) -> int:
    per_image = geo.rows_in(e) * geo.used_width + e * geo.F
    return min(batch, glb // per_image)


@dataclass(frozen=True)
class MappingAxes:
    """The independent choices a legal mapping combines (int64 rows): `qr` the (q, r) pairs,
    `ptm` the (p, t, m) triples (m ascending, outermost), `es` the (e, most sets) of each set
    width whose e = 1 allocation fits the GLB, `caps` the most images per pass of each e."""

    qr: np.ndarray
    ptm: np.ndarray
    es: np.ndarray
    caps: np.ndarray


def mapping_axes(
    layer: ConvLayer, hw: SpatialArray, batch: int, max_pe_sets: int | None = MAX_PE_SETS
) -> MappingAxes:
    """The axes of the layer's legal mappings; refuses a layer with more than
    `MAX_MAPPING_CANDIDATES` combinations to test."""
    check_supported(layer, hw)
    geo = geometry(layer)
    qr_pairs = qr_array(geo.C, geo.S, hw.spad_ifmap_words, hw.num_pes)
    ptm = ptm_array(geo.M, hw.spad_psum_words)
    glb = glb_capacity_words(hw)
    cap = set_cap(geo, hw, max_pe_sets)
    es, caps = [], []
    for e in range(1, geo.E + 1):
        set_rows = geo.R * -(-e // hw.pe_cols)
        if set_rows > hw.pe_rows:
            break
        images = _images_cap(geo, glb, batch, e)
        if images >= 1:
            es.append((e, max_sets(set_rows, min(e, hw.pe_cols), hw, cap)))
            caps.append(images)
    cells = len(es) * len(qr_pairs) * len(ptm)
    if cells > MAX_MAPPING_CANDIDATES:
        raise AccelsimError(
            f"{_where(layer, hw)}: {cells} candidate mappings to test, more than "
            f"{MAX_MAPPING_CANDIDATES} ({geo.C} channels, {geo.M} filters per group, {geo.E} "
            "ofmap rows); reduce the layer, or pin a mapping"
        )
    return MappingAxes(
        qr=qr_pairs,
        ptm=ptm,
        es=np.array(es, dtype=np.int64).reshape(-1, 2),
        caps=np.array(caps, dtype=np.int64),
    )


def group_axes(
    layer: ConvLayer, hw: SpatialArray, batch: int, axes: MappingAxes, g: int
) -> MappingAxes:
    """The axes of the mappings with g group sets (`axes` itself for g = 1): per set width, the
    most r*t (`group_sets_fit`) and the most images per pass the GLB holds at q*r = m = 1 with
    `glb_buffers(g)` x g allocations; set widths where neither is at least 1 are dropped."""
    if g == 1:
        return axes
    geo = geometry(layer)
    glb = glb_capacity_words(hw) // (glb_buffers(g) * g)
    es, caps = [], []
    for e, sets in axes.es.tolist():
        set_rows, set_cols = geo.R * -(-e // hw.pe_cols), min(e, hw.pe_cols)
        fit = group_sets_fit(g, sets, set_rows, set_cols, hw)
        images = _images_cap(geo, glb, batch, e)
        if fit >= 1 and images >= 1:
            es.append((e, fit))
            caps.append(images)
    return MappingAxes(
        qr=axes.qr,
        ptm=axes.ptm,
        es=np.array(es, dtype=np.int64).reshape(-1, 2),
        caps=np.array(caps, dtype=np.int64),
    )


def _where(layer: ConvLayer, hw: SpatialArray) -> str:
    return f"layer '{layer.name}' on '{hw.name}'"


def _legal_blocks(
    layer: ConvLayer, hw: SpatialArray, batch: int, axes: MappingAxes, g: int = 1, total: int = 0
) -> list[tuple[int, np.ndarray, np.ndarray, np.ndarray]]:
    """Per e, the legal (q, r) x (p, t, m) cells (indices) and their most images per pass: the
    legal n of a cell are 1 .. that number (`axes` of g group sets, `group_axes`). Counted
    first, so that what would not fit in memory is refused unbuilt (more than
    `MAX_MAPPING_ROWS` legal mappings, `total` of them counted already)."""
    geo = geometry(layer)
    q = axes.qr[:, 0][:, None]
    r = axes.qr[:, 1][:, None]
    p = axes.ptm[:, 0][None, :]
    t = axes.ptm[:, 1][None, :]
    m = axes.ptm[:, 2][None, :]
    base_ok = p * q * geo.S <= hw.spad_filter_words
    glb = glb_capacity_words(hw) // (glb_buffers(g) * g)
    width = geo.used_width
    blocks = []
    for e, sets in axes.es.tolist():
        ok = base_ok & (r * t <= sets)
        n_max = np.minimum(batch, glb // (q * r * geo.rows_in(e) * width + m * e * geo.F))
        ii, jj = np.nonzero(ok & (n_max >= 1))
        reps = n_max[ii, jj]
        total += int(reps.sum())
        if total > MAX_MAPPING_ROWS:
            raise AccelsimError(
                f"{_where(layer, hw)}: more than {MAX_MAPPING_ROWS} legal mappings at batch "
                f"{batch}; reduce the batch, or pin a mapping"
            )
        blocks.append((e, ii, jj, reps))
    return blocks


def check_row_limit(layer: ConvLayer, hw: SpatialArray, batch: int, axes: MappingAxes) -> None:
    """Refuse, as `enumerate_mappings` does, a layer with more than `MAX_MAPPING_ROWS` legal
    mappings (every g together); the exact count is taken only when the bound (every cell at its
    e's most images per pass) exceeds the limit."""
    cells = axes.qr.shape[0] * axes.ptm.shape[0]
    choices = group_set_choices(geometry(layer))
    bound = sum(int(group_axes(layer, hw, batch, axes, g).caps.sum()) for g in choices) * cells
    if bound > MAX_MAPPING_ROWS:
        _legal_group_blocks(layer, hw, batch, axes)


def _legal_group_blocks(
    layer: ConvLayer, hw: SpatialArray, batch: int, axes: MappingAxes
) -> list[tuple[int, MappingAxes, list[tuple[int, np.ndarray, np.ndarray, np.ndarray]]]]:
    """`_legal_blocks` of every g of `group_set_choices` (g, its axes, its blocks), the legal
    mappings of all g counted against `MAX_MAPPING_ROWS` together."""
    out = []
    total = 0
    for g in group_set_choices(geometry(layer)):
        g_axes = group_axes(layer, hw, batch, axes, g)
        blocks = _legal_blocks(layer, hw, batch, g_axes, g, total)
        total += sum(int(reps.sum()) for *_, reps in blocks)
        out.append((g, g_axes, blocks))
    return out


def enumerate_mappings(
    layer: ConvLayer, hw: SpatialArray, batch: int, max_pe_sets: int | None = MAX_PE_SETS
) -> np.ndarray:
    """Every legal mapping as an int64 array of rows (m, n, e, p, q, r, t, g); g > 1 for the
    layers `group_set_choices` offers group sets to."""
    axes = mapping_axes(layer, hw, batch, max_pe_sets)
    empty = np.zeros((0, len(MAPPING_COLUMNS)), dtype=np.int64)
    if not axes.es.shape[0] * axes.qr.shape[0] * axes.ptm.shape[0]:
        return empty
    a_qr, a_ptm = axes.qr, axes.ptm
    out = []
    for g, _, blocks in _legal_group_blocks(layer, hw, batch, axes):
        for e, ii, jj, reps in blocks:
            if ii.size == 0:
                continue
            cell = np.repeat(np.arange(ii.size), reps)
            n = np.arange(cell.size) - np.repeat(np.cumsum(reps) - reps, reps) + 1
            order = np.lexsort((cell, n))  # n outermost, then the cells in order
            cell, n = cell[order], n[order]
            rows = np.empty((cell.size, len(MAPPING_COLUMNS)), dtype=np.int64)
            rows[:, 0] = a_ptm[jj[cell], 2]
            rows[:, 1] = n
            rows[:, 2] = e
            rows[:, 3] = a_ptm[jj[cell], 0]
            rows[:, 4] = a_qr[ii[cell], 0]
            rows[:, 5] = a_qr[ii[cell], 1]
            rows[:, 6] = a_ptm[jj[cell], 1]
            rows[:, 7] = g
            out.append(rows)
    if not out:
        return empty
    return np.concatenate(out)

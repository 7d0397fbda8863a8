"""Every legal mapping of a layer, as an int64 array (one row per mapping, fields in
`MAPPING_FIELDS` order), so that the mapper scores them all at once with numpy.

The candidates are built from divisors (q*r divides C, p*t divides m, m divides M) and the images
per pass n only up to what the GLB can hold, so the work depends on the layer and the array, not
on the batch; `MAX_MAPPING_CANDIDATES` and `MAX_MAPPING_ROWS` refuse what would still not fit in
memory, before it is built.
"""

from __future__ import annotations

import numpy as np

from accelsim.errors import AccelsimError
from accelsim.hardware.spatial import SpatialArray
from accelsim.workload.layer import ConvLayer
from dataflows.row_stationary.legality import (
    MAX_PE_SETS,
    check_supported,
    glb_capacity_words,
    max_sets,
    set_cap,
)
from dataflows.row_stationary.mapping import geometry

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


def _divisors(x: int) -> list[int]:
    """The divisors of x in increasing order (O(sqrt x))."""
    small, large = [], []
    d = 1
    while d * d <= x:
        if x % d == 0:
            small.append(d)
            if d * d != x:
                large.append(x // d)
        d += 1
    return small + large[::-1]


def images_per_pass_cap(layer: ConvLayer, hw: SpatialArray, batch: int, e: int) -> int:
    """The most images n a pass of e ofmap rows can hold in the GLB (q*r = m = 1, the smallest
    allocation), at most `batch`: no larger n is legal, so none is enumerated."""
    geo = geometry(layer)
    per_image = geo.rows_in(e) * geo.used_width + e * geo.F
    return min(batch, glb_capacity_words(hw) // per_image)


def enumerate_mappings(
    layer: ConvLayer, hw: SpatialArray, batch: int, max_pe_sets: int | None = MAX_PE_SETS
) -> np.ndarray:
    """Every legal mapping as an int64 array of rows (m, n, e, p, q, r, t)."""
    check_supported(layer, hw)
    geo = geometry(layer)
    qr_pairs = [
        (q, r)
        for q in range(1, min(hw.spad_ifmap_words // geo.S, geo.C) + 1)
        if geo.C % q == 0
        for r in _divisors(geo.C // q)
        if r <= hw.num_pes
    ]
    ptm = [
        (p, t, m)
        for m in _divisors(geo.M)
        for p in _divisors(m)
        if p <= hw.spad_psum_words
        for t in _divisors(m // p)
    ]
    es = []
    for e in range(1, geo.E + 1):
        set_rows = geo.R * -(-e // hw.pe_cols)
        if set_rows > hw.pe_rows:
            break
        if images_per_pass_cap(layer, hw, batch, e) >= 1:
            cap = set_cap(geo, hw, max_pe_sets)
            es.append((e, max_sets(set_rows, min(e, hw.pe_cols), hw, cap)))
    where = f"layer '{layer.name}' on '{hw.name}'"
    cells = len(es) * len(qr_pairs) * len(ptm)
    if cells > MAX_MAPPING_CANDIDATES:
        raise AccelsimError(
            f"{where}: {cells} candidate mappings to test, more than {MAX_MAPPING_CANDIDATES} "
            f"({geo.C} channels, {geo.M} filters per group, {geo.E} ofmap rows); reduce the "
            "layer, or pin a mapping"
        )
    if not cells:
        return np.zeros((0, 7), dtype=np.int64)
    a_qr = np.array(qr_pairs, dtype=np.int64)
    a_ptm = np.array(ptm, dtype=np.int64)
    q = a_qr[:, 0][:, None]
    r = a_qr[:, 1][:, None]
    p = a_ptm[:, 0][None, :]
    t = a_ptm[:, 1][None, :]
    m = a_ptm[:, 2][None, :]
    base_ok = p * q * geo.S <= hw.spad_filter_words
    glb = glb_capacity_words(hw)
    width = geo.used_width
    # Per e, the legal n of a (q, r, p, t, m) are 1 .. the most images the GLB holds (at most
    # the batch): counted first, so that what would not fit in memory is refused unbuilt.
    blocks = []
    total = 0
    for e, sets in es:
        ok = base_ok & (r * t <= sets)
        n_max = np.minimum(batch, glb // (q * r * geo.rows_in(e) * width + m * e * geo.F))
        ii, jj = np.nonzero(ok & (n_max >= 1))
        reps = n_max[ii, jj]
        total += int(reps.sum())
        if total > MAX_MAPPING_ROWS:
            raise AccelsimError(
                f"{where}: more than {MAX_MAPPING_ROWS} legal mappings at batch {batch}; reduce "
                "the batch, or pin a mapping"
            )
        blocks.append((e, ii, jj, reps))
    out = []
    for e, ii, jj, reps in blocks:
        if ii.size == 0:
            continue
        cell = np.repeat(np.arange(ii.size), reps)
        n = np.arange(cell.size) - np.repeat(np.cumsum(reps) - reps, reps) + 1
        order = np.lexsort((cell, n))  # n outermost, then the cells in order
        cell, n = cell[order], n[order]
        rows = np.empty((cell.size, 7), dtype=np.int64)
        rows[:, 0] = a_ptm[jj[cell], 2]
        rows[:, 1] = n
        rows[:, 2] = e
        rows[:, 3] = a_ptm[jj[cell], 0]
        rows[:, 4] = a_qr[ii[cell], 0]
        rows[:, 5] = a_qr[ii[cell], 1]
        rows[:, 6] = a_ptm[jj[cell], 1]
        out.append(rows)
    if not out:
        return np.zeros((0, 7), dtype=np.int64)
    return np.concatenate(out)

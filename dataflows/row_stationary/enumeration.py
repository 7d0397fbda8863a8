"""Every legal mapping of a layer, as an int64 array (one row per mapping, fields in
`MAPPING_FIELDS` order), so that the mapper scores them all at once with numpy."""

from __future__ import annotations

import numpy as np

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


def _divisors(x: int) -> list[int]:
    return [d for d in range(1, x + 1) if x % d == 0]


def enumerate_mappings(
    layer: ConvLayer, hw: SpatialArray, batch: int, max_pe_sets: int | None = MAX_PE_SETS
) -> np.ndarray:
    """Every legal mapping as an int64 array of rows (m, n, e, p, q, r, t)."""
    check_supported(layer, hw)
    geo = geometry(layer)
    qr_pairs = []
    # q * r divides C, so neither loop runs past C (a large array or spad adds no pairs).
    for q in range(1, min(hw.spad_ifmap_words // geo.S, geo.C) + 1):
        for r in range(1, min(hw.num_pes, geo.C // q) + 1):
            if geo.C % (q * r) == 0:
                qr_pairs.append((q, r))
    ptm = []
    for m in _divisors(geo.M):
        for p in range(1, min(hw.spad_psum_words, m) + 1):
            for t in range(1, m // p + 1):
                if m % (p * t) == 0:
                    ptm.append((p, t, m))
    en = []
    for e in range(1, geo.E + 1):
        set_rows = geo.R * -(-e // hw.pe_cols)
        if set_rows > hw.pe_rows:
            break
        sets = max_sets(set_rows, min(e, hw.pe_cols), hw, set_cap(geo, hw, max_pe_sets))
        for n in range(1, batch + 1):
            en.append((e, n, sets))
    if not qr_pairs or not ptm or not en:
        return np.zeros((0, 7), dtype=np.int64)
    a_qr = np.array(qr_pairs, dtype=np.int64)
    a_ptm = np.array(ptm, dtype=np.int64)
    a_en = np.array(en, dtype=np.int64)
    out = []
    # Cross product (qr) x (ptm) for each (e, n): small enough per (e, n) to broadcast.
    q = a_qr[:, 0][:, None]
    r = a_qr[:, 1][:, None]
    p = a_ptm[:, 0][None, :]
    t = a_ptm[:, 1][None, :]
    m = a_ptm[:, 2][None, :]
    base_ok = p * q * geo.S <= hw.spad_filter_words
    glb = glb_capacity_words(hw)
    width = geo.used_width
    for e, n, sets in a_en:
        ok = base_ok & (r * t <= sets)
        ok &= n * (q * r * geo.rows_in(int(e)) * width + m * e * geo.F) <= glb
        ii, jj = np.nonzero(ok)
        if ii.size == 0:
            continue
        rows = np.empty((ii.size, 7), dtype=np.int64)
        rows[:, 0] = a_ptm[jj, 2]
        rows[:, 1] = n
        rows[:, 2] = e
        rows[:, 3] = a_ptm[jj, 0]
        rows[:, 4] = a_qr[ii, 0]
        rows[:, 5] = a_qr[ii, 1]
        rows[:, 6] = a_ptm[jj, 1]
        out.append(rows)
    if not out:
        return np.zeros((0, 7), dtype=np.int64)
    return np.concatenate(out)

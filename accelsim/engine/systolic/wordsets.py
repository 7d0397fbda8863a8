"""Sizes of ifmap word sets "pixels P x taps J" and of their unions, from geometry (numba).

A fold tile of the ifmap operand is the set of words W(P, J) = {word(p, j) : p in P, j in J} for a
range P of output pixels (image, row, column) and a range J of filter taps (dy, dx, channel;
channel fastest). Counting its words one by one costs as much as the tile; here a union of such
sets is measured by splitting it into pieces that are products of intervals:

- channels fall into classes with the same cells (dy, dx) in every J (at most 2 thresholds per
  J), images into classes with the same pixel rows and columns in every P;
- a pixel range of an image is at most 3 boxes of output rows x columns, a cell range at most 3
  boxes of dy x dx, and a pixel box with a cell box covers input rows {e * U + dy} x input
  columns {f * U + dx}: for each residue of the row (column) modulo the stride U that is an
  interval of row (column) quotients, so each residue pair is a union of rectangles, whose area
  a sweep over rows gives.

Words outside the ifmap (SCALE-Sim's overhanging windows) are clipped. All counts are exact.
Geometry vector (`geometry`): [H, W, C, R, S, U, E, F, B] (ifmap height, width, channels, filter
height, width, stride, output height, width, images).
"""

from __future__ import annotations

import numpy as np
from numba import njit

from dataflows.systolic import ConvGemm


def geometry(gemm: ConvGemm) -> np.ndarray:
    """The geometry vector of a GEMM (see the module docstring)."""
    return np.array(
        [gemm.height, gemm.width, gemm.channels, gemm.filter_height, gemm.filter_width,
         gemm.stride, gemm.out_height, gemm.out_width, gemm.batch],
        dtype=np.int64,
    )  # fmt: skip


@njit(cache=True)
def _ceil_div(a: int, b: int) -> int:
    return -((-a) // b)


@njit(cache=True)
def _insertion_sort(v: np.ndarray, n: int) -> None:
    """Sort v[:n] in place (the arrays here are tiny: numba's sort costs far more on them)."""
    for i in range(1, n):
        x = v[i]
        k = i
        while k > 0 and v[k - 1] > x:
            v[k] = v[k - 1]
            k -= 1
        v[k] = x


@njit(cache=True)
def _raster_boxes(q0: int, q1: int, width: int, out: np.ndarray, n: int) -> int:
    """Append to `out` the boxes (row0, row1, col0, col1) of the raster range [q0, q1)."""
    if q0 >= q1:
        return n
    ra, ca = q0 // width, q0 % width
    rb, cb = (q1 - 1) // width, (q1 - 1) % width
    if ra == rb:
        out[n, 0], out[n, 1], out[n, 2], out[n, 3] = ra, ra, ca, cb
        return n + 1
    if ca != 0:
        out[n, 0], out[n, 1], out[n, 2], out[n, 3] = ra, ra, ca, width - 1
        n += 1
        ra += 1
    tail = cb != width - 1
    if tail:
        rb -= 1
    if ra <= rb:
        out[n, 0], out[n, 1], out[n, 2], out[n, 3] = ra, rb, 0, width - 1
        n += 1
    if tail:
        out[n, 0], out[n, 1], out[n, 2], out[n, 3] = rb + 1, rb + 1, 0, cb
        n += 1
    return n


@njit(cache=True)
def _rect_union_area(boxes: np.ndarray, n: int, ys: np.ndarray, order: np.ndarray) -> int:
    """Area of the union of n inclusive rectangles (y0, y1, x0, x1): rectangles sorted once by
    x0, then every slab between consecutive row bounds merges its active ones left to right."""
    if n == 0:
        return 0
    if n == 1:
        return (boxes[0, 1] - boxes[0, 0] + 1) * (boxes[0, 3] - boxes[0, 2] + 1)
    for i in range(n):
        ys[2 * i] = boxes[i, 0]
        ys[2 * i + 1] = boxes[i, 1] + 1
        k = i
        while k > 0 and boxes[order[k - 1], 2] > boxes[i, 2]:
            order[k] = order[k - 1]
            k -= 1
        order[k] = i
    _insertion_sort(ys, 2 * n)
    area = 0
    for k in range(2 * n - 1):
        y = ys[k]
        span = ys[k + 1] - y
        if span == 0:
            continue
        length = 0
        cur_lo, cur_hi = 0, -2
        for idx in range(n):
            i = order[idx]
            if boxes[i, 0] > y or boxes[i, 1] < y:
                continue
            if boxes[i, 2] > cur_hi + 1:
                if cur_hi >= cur_lo:
                    length += cur_hi - cur_lo + 1
                cur_lo, cur_hi = boxes[i, 2], boxes[i, 3]
            elif boxes[i, 3] > cur_hi:
                cur_hi = boxes[i, 3]
        if cur_hi >= cur_lo:
            length += cur_hi - cur_lo + 1
        area += length * span
    return area


@njit(cache=True)
def _products_area(
    rects: np.ndarray, nr: int, g: np.ndarray, boxes: np.ndarray, ys: np.ndarray, order: np.ndarray
) -> int:
    """Input positions covered by the union of pixel-box x cell-box products `rects`
    (e0, e1, f0, f1, dy0, dy1, dx0, dx1), clipped to the ifmap."""
    h, w, u = g[0], g[1], g[5]
    if u == 1:  # every product is a rectangle of input positions
        nb = 0
        for i in range(nr):
            y1 = min(rects[i, 1] + rects[i, 5], h - 1)
            x1 = min(rects[i, 3] + rects[i, 7], w - 1)
            y0, x0 = rects[i, 0] + rects[i, 4], rects[i, 2] + rects[i, 6]
            if y0 <= y1 and x0 <= x1:
                boxes[nb, 0], boxes[nb, 1], boxes[nb, 2], boxes[nb, 3] = y0, y1, x0, x1
                nb += 1
        return _rect_union_area(boxes, nb, ys, order)
    area = 0
    for ry in range(u):
        ylim = (h - 1 - ry) // u
        if ylim < 0:
            continue
        for rx in range(u):
            xlim = (w - 1 - rx) // u
            if xlim < 0:
                continue
            nb = 0
            for i in range(nr):
                # offsets dy = k * U + ry for k in [ky0, ky1]: row quotients e + k
                ky0 = _ceil_div(rects[i, 4] - ry, u)
                ky1 = (rects[i, 5] - ry) // u
                kx0 = _ceil_div(rects[i, 6] - rx, u)
                kx1 = (rects[i, 7] - rx) // u
                if ky0 > ky1 or kx0 > kx1:
                    continue
                y0, y1 = rects[i, 0] + ky0, min(rects[i, 1] + ky1, ylim)
                x0, x1 = rects[i, 2] + kx0, min(rects[i, 3] + kx1, xlim)
                if y0 > y1 or x0 > x1:
                    continue
                boxes[nb, 0], boxes[nb, 1], boxes[nb, 2], boxes[nb, 3] = y0, y1, x0, x1
                nb += 1
            area += _rect_union_area(boxes, nb, ys, order)
    return area


@njit(cache=True)
def _sorted_unique(v: np.ndarray, n: int) -> int:
    """Sort v[:n] in place and drop repeats; returns how many distinct values lead v."""
    _insertion_sort(v, n)
    k = 0
    for i in range(n):
        if i == 0 or v[i] != v[k - 1]:
            v[k] = v[i]
            k += 1
    return k


@njit(cache=True)
def union_size(g: np.ndarray, items: np.ndarray, n: int) -> int:
    """Words in the union of W(P_i, J_i) for items rows (p0, p1, j0, j1), half-open ranges.

    Items that are consecutive in `items`, adjacent in pixels and equal in cells for a channel
    class are merged before their products are formed (a skewed fold cut into pixel groups).
    Each item's first and last cell and channel are split once: a channel c has cells
    k0 + (c < c0) .. k1 - (c > c1) of it, no division inside the class loops.
    """
    c, s, e_out, f_out, batch = g[2], g[4], g[6], g[7], g[8]
    ef = e_out * f_out
    if n == 0:
        return 0
    cthr = np.empty(2 * n + 2, dtype=np.int64)
    bthr = np.empty(4 * n + 2, dtype=np.int64)
    split = np.empty((n, 8), dtype=np.int64)  # k0, c0, k1, c1, image0, image1, q0, q1
    cthr[0], cthr[1] = 0, c
    bthr[0], bthr[1] = 0, batch
    nb = 2
    for i in range(n):
        p0, p1, j0, j1 = items[i, 0], items[i, 1], items[i, 2], items[i, 3]
        k0, c0 = j0 // c, j0 % c
        k1, c1 = (j1 - 1) // c, (j1 - 1) % c
        b0, b1 = p0 // ef, (p1 - 1) // ef
        split[i, 0], split[i, 1], split[i, 2], split[i, 3] = k0, c0, k1, c1
        split[i, 4], split[i, 5] = b0, b1
        split[i, 6], split[i, 7] = p0 - b0 * ef, p1 - b1 * ef
        cthr[2 + 2 * i] = c0
        cthr[3 + 2 * i] = c1 + 1
        bthr[nb] = b0
        bthr[nb + 1] = b1 + 1
        nb += 2
        if split[i, 6]:  # a partial first image is a class of its own
            bthr[nb] = b0 + 1
            nb += 1
        if split[i, 7] != ef:
            bthr[nb] = b1
            nb += 1
    nc = _sorted_unique(cthr, 2 * n + 2)
    nbs = _sorted_unique(bthr, nb)
    cs, bs = cthr, bthr
    pbox = np.empty((3, 4), dtype=np.int64)
    cbox = np.empty((3, 4), dtype=np.int64)
    rects = np.empty((9 * n, 8), dtype=np.int64)
    boxes = np.empty((9 * n, 4), dtype=np.int64)
    ys = np.empty(18 * n, dtype=np.int64)
    order = np.empty(9 * n, dtype=np.int64)
    runs = np.empty((n, 4), dtype=np.int64)  # merged (q0, q1, klo, khi) of one class
    total = 0
    for bi in range(nbs - 1):
        b = bs[bi]
        images = bs[bi + 1] - b
        if images <= 0:
            continue
        for ci in range(nc - 1):
            ch = cs[ci]
            channels = cs[ci + 1] - ch
            if channels <= 0:
                continue
            nrun = 0
            for i in range(n):
                if items[i, 0] >= items[i, 1] or items[i, 2] >= items[i, 3]:
                    continue
                if b < split[i, 4] or b > split[i, 5]:
                    continue
                klo = split[i, 0] + (1 if ch < split[i, 1] else 0)
                khi = split[i, 2] - (1 if ch > split[i, 3] else 0)
                if klo > khi:
                    continue
                q0 = split[i, 6] if b == split[i, 4] else 0
                q1 = split[i, 7] if b == split[i, 5] else ef
                if (nrun and runs[nrun - 1, 1] == q0 and runs[nrun - 1, 2] == klo
                        and runs[nrun - 1, 3] == khi):  # fmt: skip
                    runs[nrun - 1, 1] = q1
                    continue
                runs[nrun, 0], runs[nrun, 1], runs[nrun, 2], runs[nrun, 3] = q0, q1, klo, khi
                nrun += 1
            nr = 0
            for i in range(nrun):
                npb = _raster_boxes(runs[i, 0], runs[i, 1], f_out, pbox, 0)
                ncb = _raster_boxes(runs[i, 2], runs[i, 3] + 1, s, cbox, 0)
                for a in range(npb):
                    for k in range(ncb):
                        rects[nr, 0], rects[nr, 1] = pbox[a, 0], pbox[a, 1]
                        rects[nr, 2], rects[nr, 3] = pbox[a, 2], pbox[a, 3]
                        rects[nr, 4], rects[nr, 5] = cbox[k, 0], cbox[k, 1]
                        rects[nr, 6], rects[nr, 7] = cbox[k, 2], cbox[k, 3]
                        nr += 1
            if nr:
                total += _products_area(rects, nr, g, boxes, ys, order) * images * channels
    return total

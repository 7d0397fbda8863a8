"""Row-stationary (RS) mapping of a convolution onto an Eyeriss-style PE array.

A *logical PE set* is R x E PEs (filter rows x ofmap rows): filter rows are reused horizontally,
ifmap rows diagonally, psums accumulate vertically. The physical mapping (Chen et al., JSSC 2017,
Table III) has seven parameters:

- `e`: ofmap rows per PE set (strip-mining: a layer of E rows runs in ceil(E / e) strips). A set
  wider than the array (e > columns) is folded into ceil(e / columns) segments stacked vertically.
- `p` filters x `q` channels per PE (filter scratchpad p*q*S, ifmap scratchpad q*S, psum p words).
- `r` x `t` PE sets per array: r sets take different channels (their psums add up vertically),
  t sets take different filters (they share the ifmap by multicast).
- `n` images per pass (ifmaps and psums of n images live in the GLB together).
- `m` ofmap channels whose psums stay in the GLB while the ifmap of one channel group is reused
  by m / (p*t) consecutive passes.

Loop nest (outermost first), for each group of a grouped convolution:
image chunk (n) > strip (e rows) > filter block (m) > channel group (q*r, ifmap loaded from DRAM)
> filter sub-block (p*t): one *processing pass*. The psums of a block go to DRAM (RLC-coded)
after its last channel group.

Legality (`check_mapping`): the set fits the array (R * ceil(e/cols) <= rows), r*t sets fit
(floor(rows / set_rows) * floor(cols / set_cols)), scratchpads hold q*S, p*q*S and p words,
q*r divides C, p*t divides m, m divides M (per group), n <= batch, and the GLB holds the ifmap
rows (n * q*r * ((e-1)*U + R) * used width) plus the psums (n * m * e * F). The allocations of the
chip's table are in kB of 1024 bytes (15.5 / 72.1 kB for AlexNet CONV1, 7.0 kB for CONV3, 10.5 kB
for CONV4 come out only that way); the capacity they must fit behaves as 100 kB of 1000 bytes
(`glb_capacity_words`).

The mapper (`best_mapping`) enumerates every legal mapping and computes its exact integer access
counts in closed form (vectorised with numpy; `closed_form_counts` equals what the simulator
counts pass by pass). Two policies: `chip` (default) reproduces the Eyeriss chip's own choices
(see `rank_mappings`); `energy` picks the lowest simulated total energy, ties by fewest cycles.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from accelsim.errors import AccelsimError
from accelsim.hardware.accelerator import Accelerator
from accelsim.hardware.energy import EnergyTable
from accelsim.workload.layer import ConvLayer

MAPPING_FIELDS = ("m", "n", "e", "p", "q", "r", "t")

# Counts the closed form and the engines produce (integers, whole batch).
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
COUNT_INDEX = {name: i for i, name in enumerate(COUNT_NAMES)}


@dataclass(frozen=True)
class LayerGeometry:
    """The sizes of one group of a layer that the RS mapping needs (integers)."""

    R: int  # filter height
    S: int  # filter width
    C: int  # channels per group
    M: int  # filters per group
    E: int  # ofmap height
    F: int  # ofmap width
    U: int  # stride
    G: int  # groups

    @property
    def used_width(self) -> int:
        """Ifmap columns a row of outputs reads: (F-1)*U + S (<= padded width)."""
        return (self.F - 1) * self.U + self.S

    def rows_in(self, e: int) -> int:
        """Ifmap rows that e ofmap rows read: (e-1)*U + R."""
        return (e - 1) * self.U + self.R


def geometry(layer: ConvLayer) -> LayerGeometry:
    return LayerGeometry(
        R=layer.filter_height,
        S=layer.filter_width,
        C=layer.channels_per_group,
        M=layer.out_channels // layer.groups,
        E=layer.out_height,
        F=layer.out_width,
        U=layer.stride,
        G=layer.groups,
    )


@dataclass(frozen=True)
class RSMapping:
    """The seven RS mapping parameters (JSSC 2017 notation); derived sizes are methods."""

    m: int
    n: int
    e: int
    p: int
    q: int
    r: int
    t: int

    def __post_init__(self) -> None:
        for name in MAPPING_FIELDS:
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int | np.integer) or value < 1:
                raise AccelsimError(f"mapping: {name} must be a positive integer, got {value!r}")
            object.__setattr__(self, name, int(value))

    # Derived ------------------------------------------------------------------------------------
    def folds(self, hw: Accelerator) -> int:
        """Segments a set of e columns is split into (1 when e fits the array's width)."""
        return -(-self.e // hw.pe_cols)

    def set_shape(self, geo: LayerGeometry, hw: Accelerator) -> tuple[int, int]:
        """Physical (rows, columns) of one PE set after folding."""
        return geo.R * self.folds(hw), min(self.e, hw.pe_cols)

    def active_pes(self, geo: LayerGeometry) -> int:
        """PEs the mapping uses: R * e * r * t."""
        return geo.R * self.e * self.r * self.t

    def glb_ifmap_words(self, geo: LayerGeometry) -> int:
        return self.n * self.q * self.r * geo.rows_in(self.e) * geo.used_width

    def glb_psum_words(self, geo: LayerGeometry) -> int:
        return self.n * self.m * self.e * geo.F

    def glb_kb(self, geo: LayerGeometry, hw: Accelerator) -> tuple[float, float]:
        """GLB allocation (ifmap, psum) in kB of 1024 bytes."""
        b = hw.word_bytes
        return self.glb_ifmap_words(geo) * b / 1024, self.glb_psum_words(geo) * b / 1024

    def as_dict(self) -> dict[str, int]:
        return {name: getattr(self, name) for name in MAPPING_FIELDS}

    def __str__(self) -> str:
        return ",".join(f"{k}={v}" for k, v in self.as_dict().items())


def parse_mapping(text: str) -> RSMapping:
    """Parse `m=96,n=1,e=7,p=16,q=1,r=1,t=2` (all seven fields, any order)."""
    values: dict[str, int] = {}
    for item in str(text).split(","):
        key, sep, value = item.strip().partition("=")
        key = key.strip()
        if not sep or key not in MAPPING_FIELDS:
            raise AccelsimError(
                f"mapping: expected k=v pairs with k in {'/'.join(MAPPING_FIELDS)}, "
                f"got '{item.strip()}'"
            )
        if key in values:
            raise AccelsimError(f"mapping: {key} given twice")
        try:
            values[key] = int(value)
        except ValueError:
            raise AccelsimError(f"mapping: {key} must be an integer, got '{value}'") from None
    missing = [k for k in MAPPING_FIELDS if k not in values]
    if missing:
        raise AccelsimError(f"mapping: missing {', '.join(missing)}")
    return RSMapping(**values)


MAX_PE_SETS = 4
"""Most PE sets (r x t) one pass replicates on the array.

The chip's published mappings never replicate a set more than 4 times (AlexNet: 2, 1, 4, 4, 4
sets; VGG-16: 4 sets of 3 x 13 or 3 x 14), and the cap is what keeps the mapper from VGG-16
mappings of 16 narrow 3 x 3 sets that the chip did not use (the latencies and GLB/DRAM access
counts of JSSC 2017 Table VI fit 4 sets of 3 x 13 and 3 x 14, within 7 % on latency). It is a
mapping policy, not an array limit: pass `max_pe_sets` to lift it. It applies to layers whose
sets have several rows and whose ofmaps several rows (R > 1 and E > 1), the only kind the chip's
tables cover; for fully connected layers and 1x1 filters replicating small sets is the only way
the RS dataflow fills the array, so they are not capped."""


def set_cap(geo: LayerGeometry, hw: Accelerator, max_pe_sets: int | None) -> int:
    """The most sets a mapping of this layer may replicate under a cap (None: no cap)."""
    if max_pe_sets is None or geo.R == 1 or geo.E == 1:
        return hw.num_pes
    return max_pe_sets


def max_sets(set_rows: int, set_cols: int, hw: Accelerator, cap: int = MAX_PE_SETS) -> int:
    """PE sets of a shape that fit the array side by side, at most `cap`."""
    return min(cap, (hw.pe_rows // set_rows) * (hw.pe_cols // set_cols))


def check_supported(layer: ConvLayer, hw: Accelerator) -> None:
    """A layer the array can run at all (one PE set with e = 1 must fit)."""
    if layer.filter_height > hw.pe_rows:
        raise AccelsimError(
            f"layer '{layer.name}': filter_height {layer.filter_height} exceeds the "
            f"{hw.pe_rows} PE rows of the row-stationary array"
        )
    if layer.filter_width > hw.spad_ifmap_words:
        raise AccelsimError(
            f"layer '{layer.name}': filter_width {layer.filter_width} exceeds the "
            f"ifmap scratchpad ({hw.spad_ifmap_words} words)"
        )


def check_mapping(
    layer: ConvLayer,
    hw: Accelerator,
    mapping: RSMapping,
    batch: int,
    max_pe_sets: int | None = None,
) -> None:
    """Raise AccelsimError naming the first violated constraint."""
    check_supported(layer, hw)
    geo = geometry(layer)
    mp = mapping
    where = f"layer '{layer.name}': mapping {mp}:"
    if mp.e > geo.E:
        raise AccelsimError(f"{where} e={mp.e} exceeds the {geo.E} ofmap rows")
    rows, cols = mp.set_shape(geo, hw)
    if rows > hw.pe_rows:
        raise AccelsimError(f"{where} e={mp.e} folds into {rows} PE rows (array has {hw.pe_rows})")
    if mp.r * mp.t > max_sets(rows, cols, hw, set_cap(geo, hw, max_pe_sets)):
        raise AccelsimError(
            f"{where} r*t={mp.r * mp.t} sets of {rows} x {cols} PEs do not fit the "
            f"{hw.pe_rows} x {hw.pe_cols} array"
        )
    if mp.q * geo.S > hw.spad_ifmap_words:
        raise AccelsimError(
            f"{where} q*S={mp.q * geo.S} exceeds the ifmap scratchpad ({hw.spad_ifmap_words} words)"
        )
    if mp.p * mp.q * geo.S > hw.spad_filter_words:
        raise AccelsimError(
            f"{where} p*q*S={mp.p * mp.q * geo.S} exceeds the filter scratchpad "
            f"({hw.spad_filter_words} words)"
        )
    if mp.p > hw.spad_psum_words:
        raise AccelsimError(
            f"{where} p={mp.p} exceeds the psum scratchpad ({hw.spad_psum_words} words)"
        )
    if geo.C % (mp.q * mp.r):
        raise AccelsimError(f"{where} q*r={mp.q * mp.r} does not divide the {geo.C} channels")
    if mp.m % (mp.p * mp.t):
        raise AccelsimError(f"{where} p*t={mp.p * mp.t} does not divide m={mp.m}")
    if geo.M % mp.m:
        raise AccelsimError(f"{where} m={mp.m} does not divide the {geo.M} filters per group")
    if mp.n > batch:
        raise AccelsimError(f"{where} n={mp.n} exceeds the batch of {batch}")
    used = mp.glb_ifmap_words(geo) + mp.glb_psum_words(geo)
    if used > glb_capacity_words(hw):
        raise AccelsimError(
            f"{where} needs {used} GLB words for ifmaps and psums "
            f"({glb_capacity_words(hw)} available)"
        )


# ------------------------------------------------------------------------------------------------
# Enumeration and closed-form counts
# ------------------------------------------------------------------------------------------------
def _divisors(x: int) -> list[int]:
    return [d for d in range(1, x + 1) if x % d == 0]


def enumerate_mappings(
    layer: ConvLayer, hw: Accelerator, batch: int, max_pe_sets: int | None = MAX_PE_SETS
) -> np.ndarray:
    """Every legal mapping as an int64 array of rows (m, n, e, p, q, r, t)."""
    check_supported(layer, hw)
    geo = geometry(layer)
    qr_pairs = []
    for q in range(1, hw.spad_ifmap_words // geo.S + 1):
        for r in range(1, hw.num_pes + 1):
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


def rlc_words_array(values: np.ndarray, zero_fraction: float, bits: int) -> np.ndarray:
    """Vectorised `accelsim.coding.rlc_size.rlc_words` (same rounding, same result)."""
    from accelsim.coding.rlc_size import rlc_format

    fmt = rlc_format(bits)
    values = np.asarray(values, dtype=np.int64)
    pairs = np.round(values.astype(np.float64) * (1.0 - zero_fraction)).astype(np.int64)
    pairs = np.maximum(pairs, (values > 0).astype(np.int64))
    return -(-pairs // fmt.pairs_per_word) * (fmt.word_bits // bits)


def _chunks(total: int, size: np.ndarray) -> list[tuple[np.ndarray, np.ndarray]]:
    """(count, extent) of the full chunks and of the last partial chunk of `total` in `size`."""
    full = total // size
    rem = total - full * size
    return [(full, size), ((rem > 0).astype(np.int64), np.where(rem > 0, rem, 1))]


def closed_form_counts(
    layer: ConvLayer, hw: Accelerator, maps: np.ndarray, batch: int, first_layer: bool
) -> np.ndarray:
    """Exact counts (columns of COUNT_NAMES) of each mapping row for the whole batch."""
    geo = geometry(layer)
    maps = np.atleast_2d(np.asarray(maps, dtype=np.int64))
    m, n, e, p, q, r, t = (maps[:, i] for i in range(7))
    R, S, C, M, F, U = geo.R, geo.S, geo.C, geo.M, geo.F, geo.U
    W = geo.used_width
    K = C // (q * r)  # channel groups
    B = M // m  # filter blocks
    J = m // (p * t)  # passes per channel group
    counts = np.zeros((maps.shape[0], len(COUNT_NAMES)), dtype=np.int64)
    c = COUNT_INDEX
    for n_count, nn in _chunks(batch, n):
        for e_count, ee in _chunks(geo.E, e):
            mult = n_count * e_count * geo.G
            rows_in = (ee - 1) * U + R
            v_if = nn * q * r * rows_in * W  # ifmap values of one channel group load
            outs = nn * ee * F  # ofmap pixels of one filter over the chunk and strip
            if_dram = v_if if first_layer else rlc_words_array(v_if, layer.ifmap_zero, hw.bits)
            of_dram = rlc_words_array(nn * m * ee * F, layer.ofmap_zero, hw.bits)
            passes = B * K * J
            pes = R * ee * r * t
            flt = p * t * q * r * R * S
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
    from accelsim.coding.rlc_size import expected_nonzeros

    return expected_nonzeros(int(macs), float(ifmap_zero))


def count_energy_j(counts: np.ndarray, nz_fraction: float, table: EnergyTable) -> np.ndarray:
    """Data-movement + MAC energy (J) of count rows: the mapper's objective."""
    c = COUNT_INDEX
    macs = counts[:, c["macs"]].astype(np.float64)
    nz = np.round(macs * nz_fraction)
    rf = (
        macs
        + 3 * nz
        + counts[:, c["rf_ifmap_writes"]]
        + counts[:, c["rf_filter_writes"]]
        + counts[:, c["rf_psum_writes_noc"]]
    )
    glb = sum(
        counts[:, c[k]]
        for k in (
            "glb_ifmap_reads",
            "glb_ifmap_writes",
            "glb_filter_reads",
            "glb_filter_writes",
            "glb_psum_reads",
            "glb_psum_writes",
        )
    )
    dram = (
        counts[:, c["dram_ifmap_reads"]]
        + counts[:, c["dram_filter_reads"]]
        + counts[:, c["dram_ofmap_writes"]]
    )
    return (
        nz * table.mac_j
        + rf * table.rf_j
        + counts[:, c["inter_pe"]] * table.inter_pe_j
        + glb * table.glb_j
        + dram * table.dram_j
    )


def glb_capacity_words(hw: Accelerator) -> int:
    """Usable GLB words for ifmaps and psums: `glb_ifmap_psum_kb` in kB of 1000 bytes.

    The chip's own choices bound it: VGG-16 CONV2-1 (E=112) runs with one channel per pass
    although two would need only 50,012 words, and CONV3-x with two channels per pass although
    four would need 50,072 (psum/GLB access counts and latencies of JSSC 2017 Table VI pin down
    q*r); both fit 51,200 words (100 x 1024 bytes) but not 50,000 (100 x 1000 bytes). Every AlexNet
    allocation of Table III fits 50,000 words.
    """
    return int(hw.glb_ifmap_psum_kb * 1000 * 8) // hw.bits


CHIP_ONCHIP_WEIGHT = 0.05
"""Weight of on-chip (MAC, scratchpad, inter-PE, GLB) energy in the `chip` mapping objective.

The one calibrated constant of the mapper, set against the chip's published mapping choices (the
seven parameters of every AlexNet layer in JSSC 2017 Table III and the active PEs of Table VI);
weights from 0.05 to 0.1 reproduce them all. It was not fitted to any latency."""

POLICIES = ("chip", "energy")

CHIP_MAX_CHANNEL_SETS = 2
"""Most PE sets that split the channels (r) under the `chip` policy. The chip's mappings use
r = 1 or 2 (Table III), and VGG-16 CONV5's GLB accesses (90 MB for the batch) fit r = 2, t = 2
(105 MB simulated) far better than r = 4, t = 1 (79 MB), which the MAC-bound objective alone
would pick although the ifmap bus makes it 30 % slower."""


def widest_e(E: int, e: np.ndarray) -> np.ndarray:
    """True where e is the widest set for its number of strips ceil(E / e).

    A narrower set with the same number of strips takes as many passes and only idles PEs; the
    chip's mappings always use the widest (AlexNet CONV1 e=7 for 8 strips of 55 rows, VGG-16
    CONV3 e=13 for 5 strips of 56). The widest set may be wider than the array and fold: for 4
    strips of 56 rows it is e=18 (two segments), so e=14 is not a candidate of the `chip` policy.
    """
    e = np.asarray(e)
    return (e == E) | (-(-E // (e + 1)) < -(-E // e))


def compute_cycles(layer: ConvLayer, maps: np.ndarray, batch: int) -> np.ndarray:
    """MAC-bound cycles of each mapping: passes x n' x F x p*q*S (no bus or DRAM waits)."""
    geo = geometry(layer)
    maps = np.atleast_2d(np.asarray(maps, dtype=np.int64))
    m, n, e, p, q, r, t = (maps[:, i] for i in range(7))
    strips = -(-geo.E // e)
    passes = geo.G * strips * (geo.M // m) * (geo.C // (q * r)) * (m // (p * t))
    return passes * batch * geo.F * p * q * geo.S


def dram_link_cycles(hw: Accelerator, words: np.ndarray) -> np.ndarray:
    """Core cycles the DRAM link needs for `words` (no overlap)."""
    vpb = hw.dram_bus_bits // hw.bits
    return -(-np.asarray(words) // vpb) * (hw.clock_hz / hw.dram_clock_hz)


def _energy_terms(layer, hw, table, maps, batch, first_layer):
    counts = closed_form_counts(layer, hw, maps, batch, first_layer)
    data = count_energy_j(counts, 1.0 - float(layer.ifmap_zero), table)
    c = COUNT_INDEX
    dram_words = (
        counts[:, c["dram_ifmap_reads"]]
        + counts[:, c["dram_filter_reads"]]
        + counts[:, c["dram_ofmap_writes"]]
    )
    return data, dram_words * table.dram_j, dram_words


def total_energy_j(
    data_j: np.ndarray, cycles: np.ndarray, hw: Accelerator, table: EnergyTable, dram_j: np.ndarray
) -> np.ndarray:
    """Data energy plus clock (power x latency) and control (Cc / (1 - Cc) x on-chip)."""
    clock = table.clock_power_w * cycles / hw.clock_hz
    cc = table.control_fraction
    return data_j + clock + cc / (1.0 - cc) * (data_j - dram_j + clock)


def rank_mappings(
    layer: ConvLayer,
    hw: Accelerator,
    table: EnergyTable,
    batch: int,
    first_layer: bool,
    policy: str = "chip",
    max_pe_sets: int | None = MAX_PE_SETS,
) -> tuple[np.ndarray, np.ndarray]:
    """Legal mappings sorted best first by the policy's objective; returns (maps, objective).

    `chip`: the widest set per strip count, r <= CHIP_MAX_CHANNEL_SETS; objective = DRAM energy + clock energy of the
    MAC-bound time plus DRAM transfer time + CHIP_ONCHIP_WEIGHT x on-chip energy (ties: lower
    on-chip energy). It is how the chip's mappings trade array use against DRAM traffic: they
    ignore NoC bandwidth, which is why VGG-16's early layers run 4-5x slower than their MACs need.
    `energy`: total energy (data + clock + control) with the MAC-bound time, a first ranking that
    `best_mapping` refines with the simulator.
    """
    if policy not in POLICIES:
        raise AccelsimError(f"mapping policy must be one of {', '.join(POLICIES)}, got '{policy}'")
    maps = enumerate_mappings(layer, hw, batch, max_pe_sets if policy == "chip" else None)
    if policy == "chip" and maps.shape[0]:
        maps = maps[widest_e(layer.out_height, maps[:, 2]) & (maps[:, 5] <= CHIP_MAX_CHANNEL_SETS)]
    if maps.shape[0] == 0:
        raise AccelsimError(f"layer '{layer.name}': no legal row-stationary mapping on '{hw.name}'")
    data, dram_j, dram_words = _energy_terms(layer, hw, table, maps, batch, first_layer)
    cycles = compute_cycles(layer, maps, batch) + dram_link_cycles(hw, dram_words)
    if policy == "chip":
        onchip = data - dram_j
        clock = table.clock_power_w * cycles / hw.clock_hz
        objective = dram_j + clock + CHIP_ONCHIP_WEIGHT * onchip
        tie = onchip
    else:
        objective = total_energy_j(data, cycles, hw, table, dram_j)
        tie = cycles.astype(np.float64)
    order = np.lexsort(tuple(maps[:, i] for i in range(6, -1, -1)) + (tie, objective))
    return maps[order], objective[order]


def best_mapping(
    layer: ConvLayer,
    hw: Accelerator,
    table: EnergyTable,
    batch: int,
    first_layer: bool,
    policy: str = "chip",
    evaluate=None,
    top: int = 32,
    max_pe_sets: int | None = MAX_PE_SETS,
) -> RSMapping:
    """The mapper. `chip` policy: the best of `rank_mappings`. `energy` policy: the best `top`
    candidates are simulated (`evaluate(mapping) -> (energy_j, cycles)`, the fast engine) and the
    lowest simulated total energy wins, ties going to the fewest cycles."""
    maps, _ = rank_mappings(layer, hw, table, batch, first_layer, policy, max_pe_sets)
    if policy == "chip" or evaluate is None:
        return RSMapping(*map(int, maps[0]))
    best = None
    for row in maps[:top]:
        mp = RSMapping(*map(int, row))
        key = evaluate(mp)
        if best is None or key < best[0]:
            best = (key, mp)
    return best[1]


def fmt_mapping_kb(value: float) -> float:
    """Round a kB figure to one decimal as the chip's table prints it."""
    return math.floor(value * 10 + 0.5) / 10

"""Which mappings a layer may run with on an array (`check_mapping`), and the caps the mapper puts
on them.

Legality: the set fits the array (R * ceil(e/cols) <= rows), r*t sets fit
(floor(rows / set_rows) * floor(cols / set_cols)), and so do g*r*t with g group sets (g divides
the groups; see `dataflows.row_stationary.groups`), scratchpads hold q*S, p*q*S and p words,
q*r divides C, p*t divides m, m divides M (per group), n <= batch, and the GLB holds the ifmap
rows (n * q*r * ((e-1)*U + R) * used width) plus the psums (n * m * e * F), g times, twice when
group sets pipeline (g > 1). The allocations of the
chip's table are in kB of 1024 bytes (15.5 / 72.1 kB for AlexNet CONV1, 7.0 kB for CONV3, 10.5 kB
for CONV4 come out only that way); the capacity they must fit behaves as 100 kB of 1000 bytes
(`glb_capacity_words`).
"""

from __future__ import annotations

from accelsim.errors import AccelsimError, LayerRefused
from accelsim.hardware.spatial import SpatialArray
from accelsim.workload.layer import ConvLayer
from dataflows.row_stationary.groups import fitting_sets, glb_buffers
from dataflows.row_stationary.mapping import LayerGeometry, RSMapping, geometry

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


def glb_capacity_words(hw: SpatialArray) -> int:
    """Usable GLB words for ifmaps and psums: `glb_ifmap_psum_kb` in kB of 1000 bytes.

    The chip's own choices bound it: VGG-16 CONV2-1 (E=112) runs with one channel per pass
    although two would need only 50,012 words, and CONV3-x with two channels per pass although
    four would need 50,072 (psum/GLB access counts and latencies of JSSC 2017 Table VI pin down
    q*r); both fit 51,200 words (100 x 1024 bytes) but not 50,000 (100 x 1000 bytes). Every AlexNet
    allocation of Table III fits 50,000 words.
    """
    return int(hw.glb_ifmap_psum_kb * 1000 * 8) // hw.bits


def set_cap(geo: LayerGeometry, hw: SpatialArray, max_pe_sets: int | None) -> int:
    """The most sets a mapping of this layer may replicate under a cap (None: no cap)."""
    if max_pe_sets is None or geo.R == 1 or geo.E == 1:
        return hw.num_pes
    return max_pe_sets


def max_sets(set_rows: int, set_cols: int, hw: SpatialArray, cap: int = MAX_PE_SETS) -> int:
    """PE sets of a shape that fit the array side by side, at most `cap`."""
    return min(cap, (hw.pe_rows // set_rows) * (hw.pe_cols // set_cols))


def check_supported(layer: ConvLayer, hw: SpatialArray) -> None:
    """A layer the array can run at all (one PE set with e = 1 must fit)."""
    if layer.filter_height > hw.pe_rows:
        raise LayerRefused(
            f"layer '{layer.name}': filter_height {layer.filter_height} exceeds the "
            f"{hw.pe_rows} PE rows of the row-stationary array"
        )
    if layer.filter_width > hw.spad_ifmap_words:
        raise LayerRefused(
            f"layer '{layer.name}': filter_width {layer.filter_width} exceeds the "
            f"ifmap scratchpad ({hw.spad_ifmap_words} words)"
        )


def check_mapping(
    layer: ConvLayer,
    hw: SpatialArray,
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
    if geo.G % mp.g:
        raise AccelsimError(f"{where} g={mp.g} does not divide the {geo.G} groups")
    if mp.g * mp.r * mp.t > fitting_sets(rows, cols, hw):
        raise AccelsimError(
            f"{where} g*r*t={mp.g * mp.r * mp.t} sets of {rows} x {cols} PEs do not fit the "
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
    used = glb_buffers(mp.g) * (mp.glb_ifmap_words(geo) + mp.glb_psum_words(geo))
    if used > glb_capacity_words(hw):
        raise AccelsimError(
            f"{where} needs {used} GLB words for ifmaps and psums "
            f"({glb_capacity_words(hw)} available)"
        )

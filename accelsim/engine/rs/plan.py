"""The integer plan both RS engines run: layer geometry, mapping, bus widths and DRAM sizes.

Everything an engine needs is reduced here to plain integers (and two small tables of RLC-coded
DRAM transfer sizes); both engines read them through the same named structure
(`accelsim.engine.rs.fast.KernelPlan`), so the trace engine reads the very numbers the numba
kernel does.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from accelsim.coding.rlc_size import RlcFormat, as_format, rlc_words
from accelsim.errors import AccelsimError
from accelsim.hardware.spatial import SpatialArray
from accelsim.workload.layer import ConvLayer
from dataflows.row_stationary import RSMapping, geometry

CYCLE_CAUSES = (
    "compute",
    "filter_load",
    "ifmap_noc",
    "psum_in_noc",
    "psum_out_noc",
    "drain",
    "dram",
)
"""Where the cycles of a layer go; they add up to the total exactly.

compute: MAC cycles of the PE array (one MAC a cycle per PE, zero-gated MACs included);
filter_load: multicasting a pass's filters into the filter scratchpads (4 values a cycle);
ifmap_noc / psum_in_noc / psum_out_noc: the array waits for the ifmap bus, for psums from the
GLB, or for the psum output bus to drain the previous column; drain: the last psums of a pass
leaving the array; dram: the array waits for the DRAM link (ifmap loads, ofmap write-back,
filter prefetch that is slower than a pass).
"""


@dataclass(frozen=True)
class RSPlan:
    """Integer inputs of a simulation (one layer, one mapping, one batch)."""

    G: int
    batch: int
    E: int
    F: int
    R: int
    S: int
    U: int
    C: int
    M: int
    m: int
    n: int
    e: int
    p: int
    q: int
    r: int
    t: int
    g: int  # group sets: groups a pass runs side by side (g > 1: group blocks pipelined)
    ifmap_rate: int  # values a cycle on the ifmap bus
    filter_rate: int
    psum_rate: int
    link_rate: int  # values a cycle on the local PE-to-PE psum link
    dram_values_per_beat: int
    clk_num: int  # core cycles per DRAM link cycle = clk_num / clk_den
    clk_den: int
    if_dram: np.ndarray  # [chunk kind][strip kind] DRAM words of one channel-group ifmap load
    of_dram: np.ndarray  # [chunk kind][strip kind] DRAM words of one block's ofmap write-back
    pe_rows: int
    pe_cols: int

    @property
    def used_width(self) -> int:
        return (self.F - 1) * self.U + self.S


def clock_ratio(hw: SpatialArray) -> tuple[int, int]:
    """Core cycles per DRAM link cycle as a fraction num/den (200 MHz / 60 MHz = 10/3)."""
    return hw.dram_clock_ratio


def _last(total: int, size: int) -> int:
    rem = total % size
    return rem if rem else size


def make_plan(
    layer: ConvLayer,
    hw: SpatialArray,
    mapping: RSMapping,
    batch: int,
    first_layer: bool,
    rlc: RlcFormat | None = None,
) -> RSPlan:
    """The plan of a mapped layer; `rlc` is the accelerator's feature-map format (default: the
    chip's at the array's width)."""
    rlc = as_format(rlc or hw.bits)
    geo = geometry(layer)
    mp = mapping
    for name, width in (
        ("noc_ifmap_bits", hw.noc_ifmap_bits),
        ("noc_filter_bits", hw.noc_filter_bits),
        ("noc_psum_bits", hw.noc_psum_bits),
        ("local_link_bits", hw.local_link_bits),
    ):
        if width < hw.bits:
            raise AccelsimError(f"accelerator '{hw.name}': {name} {width} is narrower than a word")
    width = geo.used_width
    if_dram = np.zeros((2, 2), dtype=np.int64)
    of_dram = np.zeros((2, 2), dtype=np.int64)
    for ci, nn in enumerate((mp.n, _last(batch, mp.n))):
        for si, ee in enumerate((mp.e, _last(geo.E, mp.e))):
            values = mp.g * nn * mp.q * mp.r * geo.rows_in(ee) * width
            if_dram[ci, si] = values if first_layer else rlc_words(values, layer.ifmap_zero, rlc)
            of_dram[ci, si] = rlc_words(mp.g * nn * mp.m * ee * geo.F, layer.ofmap_zero, rlc)
    num, den = clock_ratio(hw)
    return RSPlan(
        G=geo.G,
        batch=batch,
        E=geo.E,
        F=geo.F,
        R=geo.R,
        S=geo.S,
        U=geo.U,
        C=geo.C,
        M=geo.M,
        m=mp.m,
        n=mp.n,
        e=mp.e,
        p=mp.p,
        q=mp.q,
        r=mp.r,
        t=mp.t,
        g=mp.g,
        ifmap_rate=hw.noc_ifmap_bits // hw.bits,
        filter_rate=hw.noc_filter_bits // hw.bits,
        psum_rate=hw.noc_psum_bits // hw.bits,
        link_rate=hw.local_link_bits // hw.bits,
        dram_values_per_beat=hw.dram_bus_bits // hw.bits,
        clk_num=num,
        clk_den=den,
        if_dram=if_dram,
        of_dram=of_dram,
        pe_rows=hw.pe_rows,
        pe_cols=hw.pe_cols,
    )

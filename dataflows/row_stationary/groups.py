"""Group sets: PE sets that run different groups of a grouped convolution in the same pass.

The seven parameters of the chip's mapping (JSSC 2017, Table III) map one group at a time: `r`
sets take different channels of the group (their psums add up vertically), `t` sets different
filters (they share its ifmap by multicast). A depthwise layer (groups = channels, MobileNet's
3x3 dw layers) has one channel and one filter per group, so neither can replicate a set, and a
pass runs one channel. `g` group sets place the R x e sets of g groups side by side: each set
receives its own group's ifmap rows and filters, and sends its own psums to the GLB. They need
no delivery pattern the chip lacks: the global buses deliver by row and column IDs set per
layer, a different channel to each set as for `r` and a different filter to each as for `t`
(JSSC 2017, Sec. IV, the multicast NoC); only the vertical accumulation across sets is not used.
What it would take is what Eyeriss v2 (Chen et al., JETCAS 2019) names as the original chip's
weakness on MobileNet: a dataflow that tiles every dimension, groups included, across the array
(its RS+). How the chip's own compiler would map such a layer is not published; this is a
reconstruction, and the chip's tables cover none of it.

A group-set pass (g > 1) runs its group blocks as a pipeline: the GLB holds two allocations,
the next channel group's ifmap is loaded and the last filter block's ofmap written back while a
block is processed (the chip overlaps DRAM traffic with computation where its buffer allows,
ISSCC 2016 / JSSC 2017 Sec. II; the one-group schedule keeps its allocation single, as in the
chip's tables). Legality: g divides the groups, g x r x t sets fit the array (the MAX_PE_SETS
cap bounds r x t, the replication of one group's sets, as before), and the GLB holds
2 x g allocations.

Which layers the mapper offers group sets to is a policy (`group_set_choices`): layers with at
most `GROUP_SETS_MAX_CHANNELS` channels per group, where one group cannot fill the array by
itself. Grouped layers with many channels per group (AlexNet's groups = 2) keep the chip's
one-group mappings exactly; a pinned mapping may use any g that is legal.
"""

from __future__ import annotations

import numpy as np

from accelsim.hardware.spatial import SpatialArray
from dataflows.row_stationary.mapping import LayerGeometry

GROUP_SETS_MAX_CHANNELS = 1
"""Most channels per group of a layer the mapper offers group sets (g > 1) to: depthwise layers,
with any channel multiplier (filters per group). AlexNet's grouped layers (48-192 channels per
group) fill the array with one group, and the chip's table maps them one group at a time."""


def pipelined(g: int) -> bool:
    """True for a group-set mapping (g > 1): group blocks overlap their DRAM traffic."""
    return g > 1


def glb_buffers(g: int) -> int:
    """GLB allocations a mapping with g group sets holds: 2 when pipelined, else 1."""
    return 2 if pipelined(g) else 1


def group_set_choices(geo: LayerGeometry) -> tuple[int, ...]:
    """The g the mapper considers for a layer: every divisor of the groups for layers with at
    most GROUP_SETS_MAX_CHANNELS channels per group, else 1 only."""
    if geo.G == 1 or geo.C > GROUP_SETS_MAX_CHANNELS:
        return (1,)
    return tuple(d for d in range(1, geo.G + 1) if geo.G % d == 0)


def fitting_sets(set_rows: int, set_cols: int, hw: SpatialArray) -> int:
    """PE sets of a shape that fit the array side by side (no policy cap)."""
    return (hw.pe_rows // set_rows) * (hw.pe_cols // set_cols)


def group_sets_fit(g: int, capped_sets: int, set_rows: int, set_cols: int, hw: SpatialArray) -> int:
    """The most r x t a mapping with g group sets may use: at most the capped sets of one group,
    and g x r x t sets must fit the array."""
    return min(capped_sets, fitting_sets(set_rows, set_cols, hw) // g)


def ranked_cycles(compute: np.ndarray, link: np.ndarray, g: np.ndarray) -> np.ndarray:
    """The time the `chip` policy ranks mappings by: MAC-bound plus DRAM link cycles, one after
    the other; for pipelined group sets (g > 1) the larger of the two, which then overlap. (The
    `energy` policy's is `timing.least_cycles`.)"""
    return np.where(g > 1, np.maximum(compute, link), compute + link)


def chip_group_sets(maps: np.ndarray) -> np.ndarray:
    """The `chip` policy's candidates among mapping rows: those with group sets (g > 1) when
    there are any, else all.

    The policy's time is MAC-bound, and it ignores the NoC; on a depthwise layer the ifmap bus
    and the DRAM link take 40-60 times the MAC cycles, and only the pipelined group-set
    schedule overlaps them, which a MAC-bound time cannot show (the `energy` policy, which
    simulates, picks group sets on every MobileNet depthwise layer by itself; see
    docs/rs-simulator.md)."""
    grouped = maps[:, 7] > 1
    return maps[grouped] if grouped.any() else maps

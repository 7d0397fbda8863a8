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
- `g` group sets (not in the chip's table; 1 unless given): sets that run g groups of a grouped
  convolution side by side, for depthwise layers (`groups`).

Loop nest (outermost first), for each group of a grouped convolution:
image chunk (n) > strip (e rows) > filter block (m) > channel group (q*r, ifmap loaded from DRAM)
> filter sub-block (p*t): one *processing pass*. The psums of a block go to DRAM (RLC-coded)
after its last channel group.

Modules: `mapping` (the parameters, parsing, layer geometry), `groups` (group sets: which layers,
how many, their pipelined GLB), `legality` (which mappings fit the array), `enumeration` (all legal mappings as an array), `counts` (exact access counts in closed
form), `search` (the streaming numba mapper kernel), `policy` (the mapper: `best_mapping`; the
vectorised reference `rank_mappings`, `reference_best_mapping`). Every public name is importable
from this package.
"""

from dataflows.row_stationary.counts import (
    COUNT_INDEX,
    COUNT_NAMES,
    access_counts,
    closed_form_counts,
    nonzero_macs,
    rlc_words_array,
)
from dataflows.row_stationary.enumeration import enumerate_mappings
from dataflows.row_stationary.groups import GROUP_SETS_MAX_CHANNELS, group_set_choices
from dataflows.row_stationary.legality import (
    MAX_PE_SETS,
    check_mapping,
    check_supported,
    glb_capacity_words,
    max_sets,
    set_cap,
)
from dataflows.row_stationary.mapping import (
    MAPPING_COLUMNS,
    MAPPING_FIELDS,
    LayerGeometry,
    RSMapping,
    geometry,
    parse_mapping,
)
from dataflows.row_stationary.policy import (
    CHIP_MAX_CHANNEL_SETS,
    CHIP_ONCHIP_WEIGHT,
    POLICIES,
    best_mapping,
    compute_cycles,
    dram_link_cycles,
    rank_mappings,
    ranking_energy,
    reference_best_mapping,
    widest_e,
)
from dataflows.row_stationary.search import search_mappings

__all__ = [
    "CHIP_MAX_CHANNEL_SETS",
    "CHIP_ONCHIP_WEIGHT",
    "COUNT_INDEX",
    "COUNT_NAMES",
    "GROUP_SETS_MAX_CHANNELS",
    "MAPPING_COLUMNS",
    "MAPPING_FIELDS",
    "MAX_PE_SETS",
    "POLICIES",
    "LayerGeometry",
    "RSMapping",
    "access_counts",
    "best_mapping",
    "check_mapping",
    "check_supported",
    "closed_form_counts",
    "compute_cycles",
    "dram_link_cycles",
    "enumerate_mappings",
    "geometry",
    "glb_capacity_words",
    "group_set_choices",
    "max_sets",
    "nonzero_macs",
    "parse_mapping",
    "rank_mappings",
    "ranking_energy",
    "reference_best_mapping",
    "rlc_words_array",
    "search_mappings",
    "set_cap",
    "widest_e",
]

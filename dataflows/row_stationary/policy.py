"""The mapper: ranks every legal mapping of a layer by a policy's objective and picks one.

Every legal mapping's exact integer access counts come in closed form (`closed_form_counts`
equals what the simulator counts pass by pass) and are priced by the energy model every model
shares (`accelsim.energy.record.energy_from_counts`). Two policies: `chip` (default) reproduces
the Eyeriss chip's own choices (see `rank_mappings`); `energy` picks the lowest simulated total
energy, ties by fewest cycles.

`rank_mappings` is the vectorised ranking of every legal mapping (numpy; the reference);
`best_mapping` takes its first rows from the streaming kernel (`search.search_mappings`), which
gives the same rows 10-200x faster; `reference_best_mapping` is the mapper on `rank_mappings`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

import numpy as np

from accelsim.coding.rlc_size import RlcFormat
from accelsim.energy.record import EnergyBreakdown, energy_from_counts
from accelsim.errors import AccelsimError, LayerRefused
from accelsim.hardware.energy import EnergyTable
from accelsim.hardware.spatial import SpatialArray
from accelsim.workload.layer import ConvLayer
from dataflows.row_stationary.counts import (
    COUNT_INDEX,
    access_counts,
    closed_form_counts,
    group_sets,
)
from dataflows.row_stationary.enumeration import enumerate_mappings
from dataflows.row_stationary.groups import chip_group_sets, ranked_cycles
from dataflows.row_stationary.legality import MAX_PE_SETS
from dataflows.row_stationary.mapping import RSMapping, geometry
from dataflows.row_stationary.search import search_mappings, widest_e
from dataflows.row_stationary.timing import least_cycles

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


def compute_cycles(layer: ConvLayer, maps: np.ndarray, batch: int) -> np.ndarray:
    """MAC-bound cycles of each mapping: passes x n' x F x p*q*S (no bus or DRAM waits); a
    pass of g group sets runs g groups at once."""
    geo = geometry(layer)
    maps = np.atleast_2d(np.asarray(maps, dtype=np.int64))
    m, n, e, p, q, r, t = (maps[:, i] for i in range(7))
    strips = -(-geo.E // e)
    blocks = geo.G // group_sets(maps)  # group blocks of g groups each
    passes = blocks * strips * (geo.M // m) * (geo.C // (q * r)) * (m // (p * t))
    return passes * batch * geo.F * p * q * geo.S


def dram_link_cycles(hw: SpatialArray, words: np.ndarray) -> np.ndarray:
    """Core cycles the DRAM link needs for `words` (no overlap)."""
    vpb = hw.dram_bus_bits // hw.bits
    return -(-np.asarray(words) // vpb) * (hw.clock_hz / hw.dram_clock_hz)


def ranking_energy(
    layer: ConvLayer,
    hw: SpatialArray,
    table: EnergyTable,
    maps: np.ndarray,
    batch: int,
    first_layer: bool,
    rlc: RlcFormat | None = None,
    policy: str = "chip",
) -> tuple[EnergyBreakdown, np.ndarray]:
    """The energy (for the batch; each field an array over the mapping rows) and the cycles the
    mapper ranks mappings by.

    `chip`: cycles are MAC-bound plus the DRAM transfers, without overlap (pipelined group sets:
    the larger of the two; `groups.ranked_cycles`). `energy`: `timing.least_cycles`, at most
    what the engines count, so that the energy is a lower bound of the simulated energy. Clock
    and control energy are always in (`include_control` forced on), so what a report leaves out
    does not change the mapping."""
    maps = np.atleast_2d(np.asarray(maps, dtype=np.int64))
    counts = closed_form_counts(layer, hw, maps, batch, first_layer, rlc)
    nonzero = np.round(counts[:, COUNT_INDEX["macs"]] * (1.0 - float(layer.ifmap_zero)))
    accesses = access_counts(counts, nonzero)
    compute = compute_cycles(layer, maps, batch)
    if policy == "energy":
        rows = np.column_stack([maps[:, :7], group_sets(maps)])
        filters = counts[:, COUNT_INDEX["dram_filter_reads"]]
        least = least_cycles(layer, hw, rows, batch, compute, accesses.dram_accesses, filters)
        cycles = least.astype(np.float64)
    else:
        link = dram_link_cycles(hw, accesses.dram_accesses)
        cycles = ranked_cycles(compute, link, group_sets(maps))
    energy = energy_from_counts(
        accesses, replace(table, include_control=True), cycles / hw.clock_hz
    )
    return energy, cycles


def rank_mappings(
    layer: ConvLayer,
    hw: SpatialArray,
    table: EnergyTable,
    batch: int,
    first_layer: bool,
    policy: str = "chip",
    max_pe_sets: int | None = MAX_PE_SETS,
    rlc: RlcFormat | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Legal mappings sorted best first by the policy's objective; returns (maps, objective).

    `chip`: the widest set per strip count, r <= CHIP_MAX_CHANNEL_SETS, group sets where any
    is legal (`groups.chip_group_sets`); objective = DRAM energy +
    clock energy of the MAC-bound time plus DRAM transfer time + CHIP_ONCHIP_WEIGHT x on-chip
    energy (ties: lower on-chip energy). It is how the chip's mappings trade array use against
    DRAM traffic: they ignore NoC bandwidth, which is why VGG-16's early layers run 4-5x slower
    than their MACs need. `energy`: total energy (data + clock + control) at
    `timing.least_cycles`, a lower bound of the simulated energy that `best_mapping` searches
    in (ties: fewer cycles).
    """
    if policy not in POLICIES:
        raise AccelsimError(f"mapping policy must be one of {', '.join(POLICIES)}, got '{policy}'")
    maps = enumerate_mappings(layer, hw, batch, max_pe_sets if policy == "chip" else None)
    if policy == "chip" and maps.shape[0]:
        maps = maps[widest_e(layer.out_height, maps[:, 2]) & (maps[:, 5] <= CHIP_MAX_CHANNEL_SETS)]
        maps = chip_group_sets(maps)
    if maps.shape[0] == 0:
        raise LayerRefused(f"layer '{layer.name}': no legal row-stationary mapping on '{hw.name}'")
    energy, cycles = ranking_energy(layer, hw, table, maps, batch, first_layer, rlc, policy)
    if policy == "chip":
        objective = energy.dram_j + energy.clock_j + CHIP_ONCHIP_WEIGHT * energy.on_chip_j
        tie = energy.on_chip_j
    else:
        objective = energy.total_j
        tie = cycles.astype(np.float64)
    order = np.lexsort(tuple(maps[:, i] for i in range(7, -1, -1)) + (tie, objective))
    return maps[order], objective[order]


RANK_BOUND_MARGIN = 1e-9
"""Relative amount the exact `energy` search takes off a ranked energy before comparing it with
a simulated one: the two are the same prices of the same counts, summed in another order and
per batch rather than per image, so they differ by a few units in the last place; 10^-9 is far
above that and far below any difference between two mappings."""

FIRST_CANDIDATES = 32
"""Ranked candidates the exact `energy` search takes first; it takes 4x more while the last one
ranked could still beat the best simulated energy."""

STREAMED_CANDIDATES = 2048
"""Most candidates the exact `energy` search asks the streaming kernel for; past that it ranks
every legal mapping at once (`rank_mappings`, the same order) and bounds them all, which is
cheaper than streaming ever longer prefixes when a layer's ranked energies crowd together."""


def best_mapping(
    layer: ConvLayer,
    hw: SpatialArray,
    table: EnergyTable,
    batch: int,
    first_layer: bool,
    policy: str = "chip",
    evaluate: Callable[[RSMapping], tuple[float, int]] | None = None,
    top: int = FIRST_CANDIDATES,
    max_pe_sets: int | None = MAX_PE_SETS,
    rlc: RlcFormat | None = None,
    bound: Callable[[np.ndarray], np.ndarray] | None = None,
    max_channel_sets: int = CHIP_MAX_CHANNEL_SETS,
    onchip_weight: float = CHIP_ONCHIP_WEIGHT,
) -> RSMapping:
    """The mapper. `chip` policy: the best of `rank_mappings`. `energy` policy with `evaluate`
    (`evaluate(mapping) -> (energy_j per image, cycles)`, the fast engine): the legal mapping of
    lowest simulated total energy, ties going to the fewest cycles, then to the better rank;
    without `evaluate`, the best ranked one.

    The `energy` search is exact: the ranked energy of a mapping (`ranking_energy`) is a lower
    bound of its simulated energy, so the streaming kernel (`search.search_mappings`) gives
    candidates in order of that bound, `top` first and 4x more while the last could still win,
    and no mapping left out can beat the one chosen; the result is that of simulating every
    legal mapping, after a few dozen simulations (past `STREAMED_CANDIDATES` every legal mapping
    is ranked at once, in the same order). A bigger GLB or array only adds legal mappings, so it
    never raises the chosen energy. `bound(rows)`, when given, is a tighter lower bound per
    candidate row (`cycle_lower_bounds` priced): candidates are simulated in its order and
    skipped once it exceeds the best energy simulated. `max_pe_sets`,
    `max_channel_sets` and `onchip_weight` are the `chip` policy's parameters (a calibration's,
    `accelsim.calibration`).
    """
    if policy not in POLICIES:
        raise AccelsimError(f"mapping policy must be one of {', '.join(POLICIES)}, got '{policy}'")
    refine = policy == "energy" and evaluate is not None
    if refine and (isinstance(top, bool) or not isinstance(top, int) or top < 1):
        raise AccelsimError(f"mapper: top must be a positive integer, got {top!r}")

    def search(count: int) -> tuple[np.ndarray, np.ndarray]:
        return search_mappings(
            layer, hw, table, batch, first_layer,
            chip=policy == "chip",
            max_pe_sets=max_pe_sets if policy == "chip" else None,
            max_channel_sets=max_channel_sets,
            onchip_weight=onchip_weight,
            rlc=rlc,
            top=count,
        )  # fmt: skip

    if not refine:
        return RSMapping(*map(int, search(1)[0][0]))

    def every() -> tuple[np.ndarray, np.ndarray]:
        return rank_mappings(layer, hw, table, batch, first_layer, "energy", None, rlc)

    return _exact_energy_mapping(search, every, evaluate, bound, batch, top)


def _exact_energy_mapping(
    search: Callable[[int], tuple[np.ndarray, np.ndarray]],
    every: Callable[[], tuple[np.ndarray, np.ndarray]],
    evaluate: Callable[[RSMapping], tuple[float, int]],
    bound: Callable[[np.ndarray], np.ndarray] | None,
    batch: int,
    top: int,
) -> RSMapping:
    """The `energy` policy's search (see `best_mapping`): `search(k)` gives the k best ranked
    mappings and their ranked energies for the batch, a prefix of the total order in which
    `every()` gives them all."""
    best: tuple[tuple[float, int], int] | None = None
    seen = 0  # candidates already simulated or bounded out
    count = top
    while True:
        whole = count > STREAMED_CANDIDATES
        maps, ranked = every() if whole else search(count)
        fresh = maps[seen:]
        no_bound = bound is None or not len(fresh)
        bounds = np.full(len(fresh), -np.inf) if no_bound else np.asarray(bound(fresh))
        for i in np.lexsort((np.arange(len(fresh)), bounds)):
            if best is not None and bounds[i] > best[0][0]:
                break  # this bound and every later one exceed the best simulated energy
            key = evaluate(RSMapping(*map(int, fresh[i])))
            if best is None or (key, seen + int(i)) < best:
                best = (key, seen + int(i))
        seen = len(maps)
        exhausted = whole or len(maps) < count
        if exhausted or ranked[-1] / batch * (1.0 - RANK_BOUND_MARGIN) > best[0][0]:
            return RSMapping(*map(int, maps[best[1]]))
        count *= 4


def reference_best_mapping(
    layer: ConvLayer,
    hw: SpatialArray,
    table: EnergyTable,
    batch: int,
    first_layer: bool,
    policy: str = "chip",
    evaluate: Callable[[RSMapping], tuple[float, int]] | None = None,
    max_pe_sets: int | None = MAX_PE_SETS,
    rlc: RlcFormat | None = None,
) -> RSMapping:
    """The reference implementation of `best_mapping`: every legal mapping ranked
    (`rank_mappings`, vectorised); `energy` with `evaluate` simulates them in rank order until a
    ranked energy exceeds the best simulated one. Slow (10-1000 ms a layer); kept so that tests
    check the streaming mapper against it."""
    maps, ranked = rank_mappings(layer, hw, table, batch, first_layer, policy, max_pe_sets, rlc)
    if policy == "chip" or evaluate is None:
        return RSMapping(*map(int, maps[0]))
    best = None
    for i, row in enumerate(maps):
        if best is not None and ranked[i] / batch * (1.0 - RANK_BOUND_MARGIN) > best[0][0]:
            break
        key = evaluate(RSMapping(*map(int, row)))
        if best is None or (key, i) < best:
            best = (key, i)
    return RSMapping(*map(int, maps[best[1]]))

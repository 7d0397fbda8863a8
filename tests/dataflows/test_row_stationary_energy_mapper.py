"""The `energy` mapper is exact and sound: it picks the lowest simulated energy of every legal
mapping (checked by simulating them all on random small layers and arrays), the ranked energy it
searches by is a lower bound of the simulated one (its time at most the engines' cycles), and a
bigger GLB or array never raises the energy it chooses."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accelsim.engine.rs.plan import make_plan
from accelsim.engine.rs.run import cycle_lower_bounds, run_plan
from accelsim.engine.rs.simulate import choose_mapping, simulated_energy
from accelsim.errors import LayerRefused
from accelsim.hardware import resolve_accelerator
from dataflows.row_stationary import (
    COUNT_INDEX,
    RSMapping,
    access_counts,
    closed_form_counts,
    compute_cycles,
    dram_link_cycles,
    enumerate_mappings,
    rank_mappings,
    ranking_energy,
)

from .test_row_stationary_mapper_equivalence import small_designs

CFG = resolve_accelerator("eyeriss")
SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def every_mapping(layer, config, batch):
    """Every legal mapping of the `energy` policy (no cap), as RSMapping."""
    rows = enumerate_mappings(layer, config.hardware, batch, None)
    return [RSMapping(*map(int, row)) for row in rows]


def chosen_energy(layer, config, batch, first) -> float | None:
    """Simulated energy per image of the `energy` mapper's choice; None when refused."""
    try:
        mapping = choose_mapping(layer, config, batch, first, "energy")
    except LayerRefused:
        return None
    return simulated_energy(layer, config, mapping, batch, first)[0]


@SETTINGS
@given(case=small_designs())
def test_energy_mapper_is_the_least_simulated_energy_of_every_legal_mapping(case):
    layer, config, batch, first = case
    mappings = every_mapping(layer, config, batch)
    if not mappings:
        with pytest.raises(LayerRefused):
            choose_mapping(layer, config, batch, first, "energy")
        return
    keys = [simulated_energy(layer, config, mp, batch, first) for mp in mappings]
    chosen = choose_mapping(layer, config, batch, first, "energy")
    assert chosen in mappings
    assert simulated_energy(layer, config, chosen, batch, first) == min(keys)


@SETTINGS
@given(case=small_designs())
def test_ranked_energy_is_a_lower_bound_of_the_simulated_energy(case):
    layer, config, batch, first = case
    try:
        maps, ranked = rank_mappings(
            layer, config.hardware, replace(config.energy, include_control=True), batch, first,
            "energy", rlc=config.rlc,
        )  # fmt: skip
    except LayerRefused:
        return
    for row, energy in zip(maps, ranked, strict=True):
        simulated, _ = simulated_energy(layer, config, RSMapping(*map(int, row)), batch, first)
        assert energy / batch <= simulated * (1 + 1e-12)


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(case=small_designs())
def test_ranked_time_lies_between_the_old_bound_and_the_simulated_cycles(case):
    """`timing.least_cycles` is at least the larger of the MAC-bound and DRAM link time (the
    bound it replaced), at most `cycle_lower_bounds`, and so at most what the engine counts."""
    layer, config, batch, first = case
    hw = config.hardware
    maps = enumerate_mappings(layer, hw, batch, None)
    if not len(maps):
        return
    energy = replace(config.energy, include_control=True)
    _, ranked = ranking_energy(layer, hw, energy, maps, batch, first, config.rlc, "energy")
    counts = closed_form_counts(layer, hw, maps, batch, first, config.rlc)
    nonzero = np.round(counts[:, COUNT_INDEX["macs"]] * (1.0 - layer.ifmap_zero))
    link = dram_link_cycles(hw, access_counts(counts, nonzero).dram_accesses)
    old = np.maximum(compute_cycles(layer, maps, batch), link)
    assert np.all(ranked >= old * (1 - 1e-12))
    bounds = cycle_lower_bounds(layer, hw, maps, batch, first, config.rlc)
    assert np.all(ranked <= bounds)
    for row in maps[:: max(1, len(maps) // 8)]:
        plan = make_plan(layer, hw, RSMapping(*map(int, row)), batch, first, config.rlc)
        assert (
            ranking_energy(layer, hw, energy, row, batch, first, config.rlc, "energy")[1][0]
            <= (run_plan(plan, "fast")[2])
        )


@SETTINGS
@given(case=small_designs(), more_kb=st.sampled_from([0.5, 1.0, 4.0, 64.0]))
def test_a_bigger_glb_never_raises_the_chosen_energy(case, more_kb):
    layer, config, batch, first = case
    hw = config.hardware
    bigger = replace(
        config,
        hardware=replace(
            hw, glb_ifmap_psum_kb=hw.glb_ifmap_psum_kb + more_kb, glb_kb=hw.glb_kb + more_kb
        ),
    )
    small = chosen_energy(layer, config, batch, first)
    large = chosen_energy(layer, bigger, batch, first)
    if small is not None:
        assert large is not None and large <= small


@SETTINGS
@given(case=small_designs(), rows=st.integers(0, 6), cols=st.integers(0, 6))
def test_a_bigger_array_never_raises_the_chosen_energy(case, rows, cols):
    layer, config, batch, first = case
    hw = config.hardware
    bigger = replace(
        config, hardware=replace(hw, pe_rows=hw.pe_rows + rows, pe_cols=hw.pe_cols + cols)
    )
    small = chosen_energy(layer, config, batch, first)
    large = chosen_energy(layer, bigger, batch, first)
    if small is not None:
        assert large is not None and large <= small


@pytest.mark.parametrize(
    ("rows", "cols", "glb_kb"), [(12, 14, 200.0), (32, 32, 100.0), (32, 32, 200.0)]
)
def test_alexnet_off_eyeriss_costs_no_more_than_on_eyeriss(rows, cols, glb_kb):
    """Issue 10's check: the default mapper's AlexNet energy on a 200 kB GLB and on 32x32 arrays
    is no more than on the chip's 12x14 array with 100 kB."""
    import accelsim

    def total(acc):
        return sum(r.energy_j for r in accelsim.evaluate("alexnet", acc, model="rs"))

    hw = CFG.hardware
    other = replace(
        CFG,
        hardware=replace(hw, pe_rows=rows, pe_cols=cols, glb_ifmap_psum_kb=glb_kb,
                         glb_kb=glb_kb + hw.glb_filter_kb),
    )  # fmt: skip
    assert total(other) <= total(CFG)
    assert np.isfinite(total(other))

"""The streaming mapper (`best_mapping`, `search_mappings`) against the vectorised reference it
replaced (`reference_best_mapping`, `rank_mappings`): the same mappings, objectives and simulated
results, bit for bit, ties included.

Two references: `tests/dataflows/data/rs_mapper_golden.csv.gz`, every layer of the four built-in
networks on 24 designs (8x8, 12x14, 16x16, 32x32 arrays; 16 and 8 bit; 50, 100, 200 kB of GLB)
with the `chip` policy and on 8 with the `energy` policy, as the reference mapper computed them
(see `rs_mapper_cases.py`); and the reference implementation itself, run here on random small
layers and arrays and on real layers.
"""

from __future__ import annotations

from dataclasses import replace
from functools import partial

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accelsim.coding.rlc_size import chip_rlc_format
from accelsim.engine.rs.plan import make_plan
from accelsim.engine.rs.run import cycle_lower_bounds, run_plan
from accelsim.engine.rs.simulate import (
    choose_mapping,
    energy_lower_bounds,
    layer_batch,
    simulated_energy,
)
from accelsim.errors import AccelsimError, LayerRefused
from accelsim.hardware import Accelerator, SpatialArray, resolve_accelerator
from accelsim.hardware.energy import eyeriss_energy
from accelsim.workload.builtin import builtin_network
from accelsim.workload.layer import ConvLayer
from dataflows.row_stationary import (
    CHIP_MAX_CHANNEL_SETS,
    CHIP_ONCHIP_WEIGHT,
    MAX_PE_SETS,
    RSMapping,
    best_mapping,
    rank_mappings,
    search_mappings,
)
from dataflows.row_stationary import search as search_module

from .rs_mapper_cases import (
    COLUMNS,
    NETWORKS,
    design,
    designs,
    layer_rows,
    read_golden,
    reference_mapping,
)

CFG = resolve_accelerator("eyeriss")
KEY = ("network", "bits", "pe_rows", "pe_cols", "glb_kb", "policy", "layer")


@pytest.fixture(scope="module")
def golden() -> dict[tuple[str, ...], dict[str, str]]:
    return {tuple(row[k] for k in KEY): row for row in read_golden()}


def test_golden_table_covers_every_design_and_layer(golden):
    layers = sum(len(builtin_network(n).compute_layers) for n in ("alexnet", "vgg16",
                 "googlenet", "squeezenet"))  # fmt: skip
    assert len(golden) == layers * (len(designs("chip")) + len(designs("energy")))
    assert {len(row) for row in golden.values()} == {len(COLUMNS)}
    mapped = [row for row in golden.values() if row["mapping"] != "refused"]
    assert len(mapped) > 0.99 * len(golden)


@pytest.mark.parametrize(
    ("policy", "rows", "cols", "bits", "glb_kb"),
    [(policy, *d) for policy in ("chip", "energy") for d in designs(policy)],
)
def test_mapper_reproduces_the_reference_on_every_builtin_layer(
    golden, policy, rows, cols, bits, glb_kb
):
    for network in NETWORKS:
        for row in layer_rows(network, rows, cols, bits, glb_kb, policy):
            assert row == golden[tuple(row[k] for k in KEY)], (network, row["layer"])


def _config(hw: SpatialArray) -> Accelerator:
    return Accelerator(hw.name, hw, eyeriss_energy(hw.bits), chip_rlc_format(hw.bits))


@st.composite
def small_designs(draw):
    """A random small layer, a random small array, a batch and whether the layer reads the image."""
    R = draw(st.integers(1, 4))
    S = draw(st.integers(1, 4))
    H = draw(st.integers(max(R, S), 12))
    groups = draw(st.sampled_from([1, 1, 2]))
    pad = draw(st.integers(0, 1))
    layer = ConvLayer(
        "rand",
        groups * draw(st.sampled_from([1, 2, 3, 4, 6, 8, 12])),
        H,
        H,
        groups * draw(st.sampled_from([1, 2, 4, 6, 8, 16])),
        R,
        S,
        stride=draw(st.integers(1, 3)),
        pad=(pad, pad, pad, pad),
        groups=groups,
        ifmap_zero=draw(st.sampled_from([0.0, 0.25, 0.5, draw(st.floats(0, 0.95))])),
        ofmap_zero=draw(st.sampled_from([0.0, 0.5, draw(st.floats(0, 0.95))])),
    )
    bits = draw(st.sampled_from([8, 16]))
    hw = SpatialArray(
        name="small",
        pe_rows=draw(st.integers(R, 10)),
        pe_cols=draw(st.integers(1, 10)),
        bits=bits,
        spad_ifmap_words=draw(st.integers(S, 12)),
        spad_filter_words=draw(st.integers(S, 96)),
        spad_psum_words=draw(st.integers(1, 12)),
        glb_ifmap_psum_kb=draw(st.sampled_from([0.5, 1, 2, 8])),
        glb_filter_kb=0.5,
        glb_kb=9.0,
        dram_bus_bits=draw(st.sampled_from([16, 32, 64])),
        dram_clock_hz=draw(st.sampled_from([60e6, 100e6, 200e6])),
        noc_ifmap_bits=draw(st.sampled_from([16, 32])),
        noc_filter_bits=draw(st.sampled_from([16, 64])),
        noc_psum_bits=draw(st.sampled_from([16, 64])),
        local_link_bits=draw(st.sampled_from([16, 64])),
    )
    return layer, _config(hw), draw(st.integers(1, 5)), draw(st.booleans())


def _search(layer, config, batch, first, policy, top):
    chip = policy == "chip"
    return search_mappings(
        layer, config.hardware, config.energy, batch, first, chip,
        MAX_PE_SETS if chip else None, CHIP_MAX_CHANNEL_SETS, CHIP_ONCHIP_WEIGHT, config.rlc, top,
    )  # fmt: skip


def _same_outcome(new, ref):
    """Both calls return equal values, or both raise the same error."""
    try:
        expect = ref()
    except AccelsimError as exc:
        with pytest.raises(type(exc), match="no legal|exceeds"):
            new()
        return None
    assert_equal(new(), expect)
    return expect


def assert_equal(got, expect):
    if isinstance(expect, tuple):
        for g, e in zip(got, expect, strict=True):
            assert_equal(g, e)
    elif isinstance(expect, np.ndarray):
        assert got.dtype == expect.dtype and np.array_equal(got, expect)  # floats: bit for bit
    else:
        assert got == expect


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(case=small_designs(), policy=st.sampled_from(["chip", "energy"]), top=st.integers(1, 40))
def test_first_rows_of_the_ranking_on_random_layers_and_arrays(case, policy, top):
    layer, config, batch, first = case

    def ref():
        maps, obj = rank_mappings(
            layer, config.hardware, config.energy, batch, first, policy, rlc=config.rlc
        )
        return maps[:top], obj[:top]

    _same_outcome(lambda: _search(layer, config, batch, first, policy, top), ref)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(case=small_designs(), policy=st.sampled_from(["chip", "energy"]))
def test_chosen_mapping_on_random_layers_and_arrays(case, policy):
    """The whole mapper, simulations of the `energy` policy included, against the reference
    (which simulates the whole ranking in order, without bounds, until a ranked energy exceeds
    the best simulated one)."""
    layer, config, batch, first = case
    ref = partial(reference_mapping, layer, config, batch, first, policy)
    _same_outcome(lambda: choose_mapping(layer, config, batch, first, policy), ref)


@pytest.mark.parametrize("policy", ["chip", "energy"])
@pytest.mark.parametrize(("network", "shape"), [("alexnet", (12, 14)), ("squeezenet", (32, 32))])
def test_first_32_rows_of_the_ranking_on_real_layers(network, shape, policy):
    net = builtin_network(network)
    hw = replace(CFG.hardware, pe_rows=shape[0], pe_cols=shape[1])
    config = replace(CFG, hardware=hw)
    for layer in net.compute_layers[:: 2 if network == "squeezenet" else 1]:
        batch, first = layer_batch(layer, None), net.reads_image(layer)

        def ref(layer=layer, batch=batch, first=first):
            maps, obj = rank_mappings(layer, hw, CFG.energy, batch, first, policy, rlc=CFG.rlc)
            return maps[:32], obj[:32]

        _same_outcome(lambda layer=layer, b=batch, f=first: _search(layer, config, b, f,
                      policy, 32), ref)  # fmt: skip


def test_without_bounds_the_kernel_gives_the_same_rows(monkeypatch):
    """When counts could overflow int64 the kernel visits every block (no bound holds): that
    path, forced here, ranks as the bounded one does."""
    net = builtin_network("alexnet")
    cases = [(layer, policy) for layer in net.compute_layers for policy in ("chip", "energy")]
    bounded = [_search(layer, CFG, 2, net.reads_image(layer), p, 32) for layer, p in cases]
    monkeypatch.setattr(search_module, "_counts_fit", lambda *_: False)
    for (layer, policy), expect in zip(cases, bounded, strict=True):
        assert_equal(_search(layer, CFG, 2, net.reads_image(layer), policy, 32), expect)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(case=small_designs())
def test_cycle_lower_bounds_never_exceed_the_simulated_cycles(case):
    layer, config, batch, first = case
    try:
        maps, _ = rank_mappings(layer, config.hardware, config.energy, batch, first, "energy")
    except LayerRefused:
        return
    rows = maps[:: max(1, len(maps) // 12)]
    low = cycle_lower_bounds(layer, config.hardware, rows, batch, first, config.rlc)
    for row, bound in zip(rows, low, strict=True):
        plan = make_plan(layer, config.hardware, RSMapping(*map(int, row)), batch, first)
        _, cycles, total = run_plan(plan, "fast")
        assert 0 < bound <= total
        assert bound >= cycles[0]  # at least the MAC cycles


def test_energy_bounds_never_exceed_the_simulated_energy():
    layer = builtin_network("alexnet").layer("conv3")
    simulated = {}
    bounds = {}

    def evaluate(mp):
        simulated[mp] = simulated_energy(layer, CFG, mp, 2, False)
        return simulated[mp]

    def bound(rows):
        low = energy_lower_bounds(layer, CFG, rows, 2, False)
        mps = [RSMapping(*map(int, row)) for row in rows]
        assert list(low) == list(energy_lower_bounds(layer, CFG, mps, 2, False))
        bounds.update(zip(mps, low, strict=True))
        return low

    best_mapping(layer, CFG.hardware, CFG.energy, 2, False, "energy", evaluate, bound=bound)
    assert len(bounds) >= 32 and 0 < len(simulated) < 32  # the bounds spared simulations
    every = {mp: simulated_energy(layer, CFG, mp, 2, False)[0] for mp in bounds}
    assert all(bounds[mp] <= every[mp] for mp in bounds)


def test_a_bad_number_of_candidates_is_refused():
    layer = builtin_network("alexnet").layer("conv3")
    with pytest.raises(AccelsimError, match="top"):
        best_mapping(layer, CFG.hardware, CFG.energy, 2, False, "energy", lambda mp: (0.0, 0), 0)


def test_design_helper_builds_the_swept_arrays():
    config = design(16, 16, 8, 50.0)
    assert config.hardware.shape == (16, 16) and config.bits == 8
    assert config.hardware.glb_ifmap_psum_kb == 50.0


def test_the_kernel_reads_only_globals_of_its_own_module():
    # numba freezes the globals a kernel reads, and its on-disk cache watches one file only.
    import builtins
    import dis
    import types

    from dataflows.row_stationary import kernel

    loads = {
        ins.argval
        for ins in dis.get_instructions(kernel.best_candidates.py_func)
        if ins.opname == "LOAD_GLOBAL"
    }
    foreign = {
        name
        for name in loads
        if not hasattr(builtins, name)
        and not isinstance(getattr(kernel, name, None), types.ModuleType)
        and name not in vars(kernel)
    }
    assert not foreign


def test_the_compiled_kernel_runs_its_current_source(monkeypatch):
    """A kernel loaded from a stale on-disk cache disagrees with its own source run as Python;
    clear `dataflows/row_stationary/__pycache__` if this fails."""
    from accelsim import kernel_tier
    from dataflows.row_stationary import kernel

    net = builtin_network("alexnet")
    cases = [(layer, p) for layer in net.compute_layers[1:4] for p in ("chip", "energy")]
    with kernel_tier.forced("compiled"):
        compiled = [_search(layer, CFG, 2, False, p, 8) for layer, p in cases]
    monkeypatch.setattr(kernel, "best_candidates", kernel.best_candidates.py_func)
    for (layer, policy), expect in zip(cases, compiled, strict=True):
        assert_equal(_search(layer, CFG, 2, False, policy, 8), expect)


def test_importing_the_mapper_does_not_load_numba():
    import subprocess
    import sys

    code = "import sys, dataflows.row_stationary\nprint('numba' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"

"""RS simulator: trace == fast exactly, counts == closed form, conservation, compulsory traffic."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accelsim.api import run
from accelsim.coding.rlc_size import chip_rlc_format, rlc_words
from accelsim.energy.record import BREAKDOWN_COLUMNS, AccessCounts, energy_from_counts
from accelsim.engine.rs import simulate_layer
from accelsim.engine.rs.plan import CYCLE_CAUSES, make_plan
from accelsim.engine.rs.simulate import run_plan
from accelsim.engine.rs.trace import ACTIVITY, simulate_trace
from accelsim.errors import AccelsimError
from accelsim.hardware import Accelerator, SpatialArray, resolve_accelerator
from accelsim.hardware.energy import eyeriss_energy
from accelsim.workload.builtin import builtin_network
from accelsim.workload.layer import ConvLayer
from dataflows.row_stationary import (
    COUNT_INDEX,
    RSMapping,
    closed_form_counts,
    enumerate_mappings,
    parse_mapping,
)

CFG = resolve_accelerator("eyeriss")


def network_frame(network, accelerator, batch):
    """The rs model's results frame, through the public API every command uses."""
    return run(network, accelerator, "rs", batch=batch)


@st.composite
def small_cases(draw):
    """A random small layer, a random small array and a random legal mapping of the layer."""
    R = draw(st.integers(1, 4))
    S = draw(st.integers(1, 4))
    U = draw(st.integers(1, 3))
    pad = draw(st.integers(0, 1))
    H = draw(st.integers(max(R, S), 9))
    groups = draw(st.sampled_from([1, 1, 2]))
    C = groups * draw(st.integers(1, 4))
    M = groups * draw(st.integers(1, 4))
    layer = ConvLayer(
        "rand",
        C,
        H,
        H,
        M,
        R,
        S,
        stride=U,
        pad=(pad, pad, pad, pad),
        groups=groups,
        ifmap_zero=draw(st.floats(0, 0.9)),
        ofmap_zero=draw(st.floats(0, 0.9)),
    )
    bits = draw(st.sampled_from([8, 16]))
    hw = SpatialArray(
        name="small",
        pe_rows=draw(st.integers(R, 8)),
        pe_cols=draw(st.integers(1, 8)),
        bits=bits,
        spad_ifmap_words=draw(st.integers(S, 12)),
        spad_filter_words=draw(st.integers(S, 64)),
        spad_psum_words=draw(st.integers(1, 8)),
        glb_ifmap_psum_kb=draw(st.sampled_from([2, 8])),
        glb_filter_kb=1.0,
        glb_kb=10.0,
        dram_bus_bits=draw(st.sampled_from([16, 32, 64])),
        dram_clock_hz=draw(st.sampled_from([60e6, 100e6, 200e6])),
        noc_ifmap_bits=draw(st.sampled_from([16, 32])),
        noc_filter_bits=draw(st.sampled_from([16, 64])),
        noc_psum_bits=draw(st.sampled_from([16, 64])),
        local_link_bits=draw(st.sampled_from([16, 64])),
    )
    batch = draw(st.integers(1, 3))
    maps = enumerate_mappings(layer, hw, batch, max_pe_sets=None)
    if len(maps) == 0:
        return None
    row = maps[draw(st.integers(0, len(maps) - 1))]
    config = Accelerator("small", hw, eyeriss_energy(bits), chip_rlc_format(bits))
    return layer, config, RSMapping(*map(int, row)), batch, draw(st.booleans())


@settings(max_examples=70, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(case=small_cases())
def test_trace_and_fast_agree_exactly_and_match_the_closed_form(case):
    if case is None:
        return
    layer, config, mapping, batch, first = case
    plan = make_plan(layer, config.hardware, mapping, batch, first)
    fast_counts, fast_cycles, fast_total = run_plan(plan, "fast")
    run = simulate_trace(plan, record=True)
    assert fast_total == run.total
    assert (fast_counts == run.counts).all()
    assert (fast_cycles == run.cycles).all()
    assert fast_cycles.sum() == fast_total
    closed = closed_form_counts(
        layer, config.hardware, np.array([list(mapping.as_dict().values())]), batch, first
    )[0]
    assert (closed == fast_counts).all()
    # MACs conserved, every cycle of the activity trace accounted for.
    assert fast_counts[COUNT_INDEX["macs"]] == layer.macs * batch
    assert run.activity["active_pes"].sum() == layer.macs * batch
    assert all(len(run.activity[k]) == run.total for k in ACTIVITY)
    assert run.activity["active_pes"].max() <= config.hardware.num_pes


def _compulsory(layer: ConvLayer, batch: int, bits: int, first: bool) -> dict[str, int]:
    # Rows/columns some output reads (with a stride larger than the filter some are skipped).
    u = layer.stride
    used_rows = (layer.out_height - 1) * min(u, layer.filter_height) + layer.filter_height
    used_cols = (layer.out_width - 1) * min(u, layer.filter_width) + layer.filter_width
    ifmap = layer.in_channels * used_rows * used_cols * batch
    ofmap = layer.out_channels * layer.out_height * layer.out_width * batch
    return {
        "filter": layer.filter_words,
        "ifmap": ifmap if first else rlc_words(ifmap, layer.ifmap_zero, bits),
        "ofmap": rlc_words(ofmap, layer.ofmap_zero, bits),
    }


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(case=small_cases())
def test_dram_traffic_is_at_least_compulsory(case):
    if case is None:
        return
    layer, config, mapping, batch, first = case
    res = simulate_layer(layer, config, mapping=mapping, batch=batch, first_layer=first)
    need = _compulsory(layer, batch, config.hardware.bits, first)
    # Each transfer is RLC-coded on its own, so it rounds up to whole 64-bit words; summed over
    # transfers the coded size can fall below the size of the whole tensor coded at once by at
    # most half a pair per transfer (rounding of its non-zero count).
    per_word = 64 // config.hardware.bits
    transfers = res.passes
    assert res.dram_reads["filter"] >= need["filter"]
    assert res.dram_reads["ifmap"] >= need["ifmap"] - (0 if first else transfers * per_word)
    assert res.dram_writes["ofmap"] >= need["ofmap"] - transfers * per_word


def test_compulsory_traffic_on_real_layers_without_rounding_slack():
    net = builtin_network("alexnet")
    for layer in net.compute_layers[:5]:
        first = net.reads_image(layer)
        res = simulate_layer(layer, CFG, batch=4, first_layer=first)
        need = _compulsory(layer, 4, 16, first)
        assert res.dram_reads["filter"] >= need["filter"]
        assert res.dram_reads["ifmap"] >= need["ifmap"]
        assert res.dram_writes["ofmap"] >= need["ofmap"]


def test_energy_is_counts_times_the_table_per_image():
    layer = builtin_network("alexnet").layer("conv3")
    res = simulate_layer(layer, CFG, batch=4)
    expect = energy_from_counts(
        AccessCounts(
            res.nonzero_macs / 4,
            res.rf_accesses / 4,
            res.inter_pe_transfers / 4,
            res.glb_accesses / 4,
            res.dram_accesses / 4,
        ),
        CFG.energy,
        res.latency_s / 4,
    )
    assert res.energy == expect
    assert res.energy.clock_j == pytest.approx(CFG.energy.clock_power_w * res.cycles / 200e6 / 4)
    assert sum(res.cycles_by_cause.values()) == res.cycles
    assert set(res.cycles_by_cause) == set(CYCLE_CAUSES)
    assert 0 < res.utilization <= 1


def test_zero_gating_saves_energy_not_cycles():
    base = ConvLayer("z", 8, 10, 10, 8, 3, 3, ifmap_zero=0.0, ofmap_zero=0.0)
    sparse = ConvLayer("z", 8, 10, 10, 8, 3, 3, ifmap_zero=0.6, ofmap_zero=0.0)
    mp = parse_mapping("m=8,n=1,e=8,p=4,q=2,r=1,t=2")
    a = simulate_layer(base, CFG, mapping=mp, first_layer=True)
    b = simulate_layer(sparse, CFG, mapping=mp, first_layer=True)
    assert a.cycles == b.cycles
    assert b.nonzero_macs == round(base.macs * 0.4) < a.nonzero_macs == base.macs
    assert b.energy.mac_j < a.energy.mac_j


def test_network_frame_columns_and_per_image_energy():
    frame = network_frame(builtin_network("alexnet"), CFG, batch=2)
    for col in (
        "layer",
        "group",
        "macs",
        "nonzero_macs",
        "energy_j",
        "latency_s",
        "rf_accesses",
        "glb_accesses",
        "dram_accesses",
        "cycles",
        "active_pes",
        "glb_reads",
        "glb_writes",
        "dram_reads",
        "dram_writes",
        "utilization",
        *BREAKDOWN_COLUMNS,
    ):
        assert col in frame.columns
    assert list(frame["layer"]) == [
        layer.name for layer in builtin_network("alexnet").compute_layers
    ]
    total = frame[list(BREAKDOWN_COLUMNS)].sum(axis=1)
    assert np.allclose(total, frame["energy_j"])
    assert (frame["latency_s"] * 2 == frame["batch_latency_s"]).all()


def test_bad_inputs_are_accelsim_errors():
    layer = builtin_network("alexnet").layer("conv3")
    with pytest.raises(AccelsimError, match="engine"):
        simulate_layer(layer, CFG, engine="slow")
    with pytest.raises(AccelsimError, match="batch"):
        simulate_layer(layer, CFG, batch=0)
    with pytest.raises(AccelsimError, match="scratchpad"):
        simulate_layer(layer, CFG, mapping=parse_mapping("m=64,n=1,e=13,p=16,q=8,r=1,t=1"))


def test_trace_refuses_layers_that_are_too_long():
    layer = builtin_network("alexnet").layer("conv2")
    plan = make_plan(layer, CFG.hardware, parse_mapping("m=64,n=1,e=27,p=16,q=2,r=1,t=1"), 1, False)
    with pytest.raises(AccelsimError, match="fast engine"):
        simulate_trace(plan, max_cycles=10_000)


def test_in_a_layer_list_only_the_first_layer_reads_the_image(tmp_path):
    from accelsim.workload.loaders import load_network

    path = tmp_path / "list.csv"
    path.write_text(
        "name,input_size,pad,in_channels,filter_size,filters,stride,"
        "ifmap_sparsity_padded,ofmap_sparsity\n"
        "a,10,1,4,3,4,1,0.5,0.5\nb,10,1,4,3,4,1,0.5,0.5\n"
    )
    frame = network_frame(load_network(str(path)), CFG, batch=1)
    # Same shape and zeros: the coded ifmap of the second layer is smaller than the raw image.
    assert frame.loc[1, "dram_reads_ifmap"] < frame.loc[0, "dram_reads_ifmap"]


def test_energy_policy_is_never_worse_in_energy_than_the_chip_policy():
    net = builtin_network("alexnet")
    for layer in net.compute_layers:
        first = net.reads_image(layer)
        chip = simulate_layer(layer, CFG, batch=2, first_layer=first, policy="chip")
        best = simulate_layer(layer, CFG, batch=2, first_layer=first, policy="energy")
        assert best.energy.total_j <= chip.energy.total_j * (1 + 1e-12), layer.name


def test_per_operand_counts_add_up():
    layer = builtin_network("vgg16").layer("conv3_1")
    res = simulate_layer(layer, CFG, batch=3)
    assert res.glb_accesses == sum(res.glb_reads.values()) + sum(res.glb_writes.values())
    assert res.noc_deliveries["ifmap"] == res.glb_reads["ifmap"]
    assert res.noc_deliveries["psum_out"] == res.glb_writes["psum"]
    assert res.rf_reads["ifmap"] == res.macs == layer.macs * 3
    assert res.dram_reads["filter"] == res.glb_writes["filter"]

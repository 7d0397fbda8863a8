"""Group sets (g) in both RS engines: trace == fast exactly, both == the closed form, on random
depthwise and grouped layers with any legal g, and the cycle bound below both."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from accelsim.coding.rlc_size import chip_rlc_format
from accelsim.engine.rs import simulate_layer
from accelsim.engine.rs.plan import make_plan
from accelsim.engine.rs.run import cycle_lower_bounds, run_plan
from accelsim.engine.rs.trace import simulate_trace
from accelsim.errors import AccelsimError
from accelsim.hardware import Accelerator, SpatialArray, resolve_accelerator
from accelsim.hardware.energy import eyeriss_energy
from accelsim.workload.layer import ConvLayer
from dataflows.row_stationary import (
    COUNT_INDEX,
    RSMapping,
    check_mapping,
    closed_form_counts,
    enumerate_mappings,
    parse_mapping,
)

CFG = resolve_accelerator("eyeriss")


@st.composite
def grouped_cases(draw):
    """A random small grouped layer (depthwise or a few channels per group), a random small
    array and a legal mapping with a random g dividing the groups."""
    R = draw(st.integers(1, 3))
    S = draw(st.integers(1, 3))
    U = draw(st.integers(1, 2))
    pad = draw(st.integers(0, 1))
    H = draw(st.integers(max(R, S), 8))
    groups = draw(st.sampled_from([2, 3, 4, 6]))
    layer = ConvLayer(
        "grouped",
        groups * draw(st.sampled_from([1, 1, 2])),
        H,
        H,
        groups * draw(st.sampled_from([1, 1, 2])),
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
    assume(len(maps) > 0)
    row = [int(v) for v in maps[draw(st.integers(0, len(maps) - 1))]]
    row[7] = draw(st.sampled_from([d for d in range(1, groups + 1) if groups % d == 0]))
    mapping = RSMapping(*row)
    try:
        check_mapping(layer, hw, mapping, batch)
    except AccelsimError:
        assume(False)
    config = Accelerator("small", hw, eyeriss_energy(bits), chip_rlc_format(bits))
    return layer, config, mapping, batch, draw(st.booleans())


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(case=grouped_cases())
def test_group_sets_trace_and_fast_agree_and_match_the_closed_form(case):
    layer, config, mapping, batch, first = case
    hw = config.hardware
    plan = make_plan(layer, hw, mapping, batch, first, config.rlc)
    fast_counts, fast_cycles, fast_total = run_plan(plan, "fast")
    run = simulate_trace(plan, record=True)
    assert fast_total == run.total
    assert (fast_counts == run.counts).all()
    assert (fast_cycles == run.cycles).all()
    assert fast_cycles.sum() == fast_total
    rows = np.array([mapping.as_row()])
    closed = closed_form_counts(layer, hw, rows, batch, first, config.rlc)[0]
    assert (closed == fast_counts).all()
    assert fast_counts[COUNT_INDEX["macs"]] == layer.macs * batch
    assert run.activity["active_pes"].sum() == layer.macs * batch
    assert run.activity["active_pes"].max() <= mapping.active_pes(_geo(layer)) <= hw.num_pes
    assert 0 < cycle_lower_bounds(layer, hw, rows, batch, first, config.rlc)[0] <= fast_total


def _geo(layer):
    from dataflows.row_stationary import geometry

    return geometry(layer)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(case=grouped_cases())
def test_group_sets_move_the_same_data_in_fewer_passes(case):
    """g changes how the groups share the array, not what is computed: MACs, GLB and scratchpad
    traffic are those of g = 1; passes divide by g."""
    layer, config, mapping, batch, first = case
    hw = config.hardware
    one = RSMapping(*mapping.as_row()[:7])
    rows = np.array([one.as_row(), mapping.as_row()])
    base, grouped = closed_form_counts(layer, hw, rows, batch, first, config.rlc)
    for name in ("macs", "rf_ifmap_writes", "glb_ifmap_reads", "glb_psum_writes", "inter_pe"):
        assert base[COUNT_INDEX[name]] == grouped[COUNT_INDEX[name]], name
    assert base[COUNT_INDEX["passes"]] == grouped[COUNT_INDEX["passes"]] * mapping.g


def test_a_pipelined_depthwise_pass_overlaps_dram_with_the_array():
    """MobileNet v1's 7 x 7 x 1024 depthwise layer: one channel a pass waits for every load;
    8 group sets keep the DRAM link busy all but a few hundred cycles, in both engines."""
    layer = ConvLayer("dw", 1024, 7, 7, 1024, 3, 3, pad=(1, 1, 1, 1), groups=1024)
    one = simulate_layer(layer, CFG, mapping=parse_mapping("m=1,n=1,e=7,p=1,q=1,r=1,t=1"))
    eight = simulate_layer(layer, CFG, mapping=parse_mapping("m=1,n=1,e=7,p=1,q=1,r=1,t=1,g=8"))
    assert eight.active_pes == 168 and one.active_pes == 21
    assert eight.macs == one.macs
    link = -(-eight.dram_accesses // 4) * 10 / 3  # 64-bit link at 60 MHz: 10/3 core cycles
    assert eight.cycles < link + 1000 < one.cycles
    small = ConvLayer("dw", 16, 5, 5, 16, 3, 3, pad=(1, 1, 1, 1), groups=16)
    mp = parse_mapping("m=1,n=1,e=5,p=1,q=1,r=1,t=1,g=8")
    fast = simulate_layer(small, CFG, mapping=mp, batch=2)
    trace = simulate_layer(small, CFG, mapping=mp, batch=2, engine="trace")
    assert fast.cycles == trace.cycles and fast.cycles_by_cause == trace.cycles_by_cause


def test_bad_group_sets_are_one_line_errors():
    layer = ConvLayer("dw", 32, 14, 14, 32, 3, 3, pad=(1, 1, 1, 1), groups=32)
    with pytest.raises(AccelsimError, match="g=3 does not divide the 32 groups"):
        simulate_layer(layer, CFG, mapping=parse_mapping("m=1,n=1,e=14,p=1,q=1,r=1,t=1,g=3"))
    with pytest.raises(AccelsimError, match="g\\*r\\*t=8 sets of 3 x 14 PEs do not fit"):
        simulate_layer(layer, CFG, mapping=parse_mapping("m=1,n=1,e=14,p=1,q=1,r=1,t=1,g=8"))
    with pytest.raises(AccelsimError, match="g must be a positive integer"):
        parse_mapping("m=1,n=1,e=14,p=1,q=1,r=1,t=1,g=0")

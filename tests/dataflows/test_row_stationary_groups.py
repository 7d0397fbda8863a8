"""Group sets in the RS mapper: which layers are offered them, the streaming mapper against the
reference on random depthwise layers, parsing, and the chip's grouped layers left as they were."""

from __future__ import annotations

from functools import partial

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accelsim.coding.rlc_size import chip_rlc_format
from accelsim.engine.rs.simulate import choose_mapping
from accelsim.hardware import Accelerator, SpatialArray, resolve_accelerator
from accelsim.hardware.energy import eyeriss_energy
from accelsim.workload.builtin import builtin_network
from accelsim.workload.layer import ConvLayer
from dataflows.row_stationary import (
    RSMapping,
    enumerate_mappings,
    geometry,
    group_set_choices,
    parse_mapping,
    rank_mappings,
)
from tests.dataflows.rs_mapper_cases import reference_mapping
from tests.dataflows.test_row_stationary_mapper_equivalence import _same_outcome, _search

CFG = resolve_accelerator("eyeriss")


@st.composite
def depthwise_designs(draw):
    """A random small depthwise layer (channel multiplier 1 or 2), a small array, a batch and
    whether the layer reads the image."""
    R = draw(st.integers(1, 3))
    S = draw(st.integers(1, 3))
    H = draw(st.integers(max(R, S), 12))
    C = draw(st.sampled_from([2, 4, 6, 8, 12, 16]))
    pad = draw(st.integers(0, 1))
    layer = ConvLayer(
        "dw",
        C,
        H,
        H,
        C * draw(st.sampled_from([1, 1, 2])),
        R,
        S,
        stride=draw(st.integers(1, 2)),
        pad=(pad, pad, pad, pad),
        groups=C,
        ifmap_zero=draw(st.sampled_from([0.0, 0.5, draw(st.floats(0, 0.95))])),
        ofmap_zero=draw(st.sampled_from([0.0, 0.5, draw(st.floats(0, 0.95))])),
    )
    bits = draw(st.sampled_from([8, 16]))
    hw = SpatialArray(
        name="small",
        pe_rows=draw(st.integers(R, 12)),
        pe_cols=draw(st.integers(1, 14)),
        bits=bits,
        spad_ifmap_words=draw(st.integers(S, 12)),
        spad_filter_words=draw(st.integers(S, 96)),
        spad_psum_words=draw(st.integers(1, 12)),
        glb_ifmap_psum_kb=draw(st.sampled_from([0.25, 0.5, 2, 8])),
        glb_filter_kb=0.5,
        glb_kb=9.0,
        dram_bus_bits=draw(st.sampled_from([16, 64])),
        dram_clock_hz=draw(st.sampled_from([60e6, 200e6])),
        noc_ifmap_bits=draw(st.sampled_from([16, 32])),
        noc_filter_bits=draw(st.sampled_from([16, 64])),
        noc_psum_bits=draw(st.sampled_from([16, 64])),
        local_link_bits=draw(st.sampled_from([16, 64])),
    )
    config = Accelerator(hw.name, hw, eyeriss_energy(bits), chip_rlc_format(bits))
    return layer, config, draw(st.integers(1, 4)), draw(st.booleans())


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(case=depthwise_designs(), policy=st.sampled_from(["chip", "energy"]), top=st.integers(1, 40))
def test_first_rows_of_the_ranking_on_random_depthwise_layers(case, policy, top):
    layer, config, batch, first = case

    def ref():
        maps, obj = rank_mappings(
            layer, config.hardware, config.energy, batch, first, policy, rlc=config.rlc
        )
        return maps[:top], obj[:top]

    _same_outcome(lambda: _search(layer, config, batch, first, policy, top), ref)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(case=depthwise_designs(), policy=st.sampled_from(["chip", "energy"]))
def test_chosen_mapping_on_random_depthwise_layers(case, policy):
    layer, config, batch, first = case
    ref = partial(reference_mapping, layer, config, batch, first, policy)
    _same_outcome(lambda: choose_mapping(layer, config, batch, first, policy), ref)


def test_only_layers_with_one_channel_per_group_are_offered_group_sets():
    for name in ("conv2", "conv4", "conv5"):  # AlexNet's groups = 2, 48-192 channels a group
        layer = builtin_network("alexnet").layer(name)
        assert layer.groups == 2 and group_set_choices(geometry(layer)) == (1,)
        assert set(enumerate_mappings(layer, CFG.hardware, 1)[:, 7]) == {1}
    dw = ConvLayer("dw", 12, 8, 8, 24, 3, 3, pad=(1, 1, 1, 1), groups=12)  # multiplier 2
    assert group_set_choices(geometry(dw)) == (1, 2, 3, 4, 6, 12)
    maps = enumerate_mappings(dw, CFG.hardware, 1)
    assert {1, 2, 3, 4} <= set(maps[:, 7])
    # g x r x t sets fit the array, and g divides the groups.
    sets = (12 // (3 * -(-maps[:, 2] // 14))) * (14 // np.minimum(maps[:, 2], 14))
    assert (maps[:, 7] * maps[:, 5] * maps[:, 6] <= sets).all() and (12 % maps[:, 7] == 0).all()


def test_the_chip_policy_prefers_group_sets_and_the_energy_policy_finds_them():
    layer = ConvLayer("dw", 256, 28, 28, 256, 3, 3, pad=(1, 1, 1, 1), groups=256)
    for policy in ("chip", "energy"):
        assert choose_mapping(layer, CFG, 1, False, policy).g > 1


def test_a_mapping_prints_g_only_when_it_has_group_sets():
    one = parse_mapping("m=1,n=1,e=7,p=1,q=1,r=1,t=1")
    assert one.g == 1 and str(one) == "m=1,n=1,e=7,p=1,q=1,r=1,t=1"
    assert "g" not in one.as_dict() and one.as_row()[7] == 1
    eight = parse_mapping("g=8,m=1,n=1,e=7,p=1,q=1,r=1,t=1")
    assert str(eight) == "m=1,n=1,e=7,p=1,q=1,r=1,t=1,g=8"
    assert parse_mapping(str(eight)) == eight == RSMapping(1, 1, 7, 1, 1, 1, 1, 8)

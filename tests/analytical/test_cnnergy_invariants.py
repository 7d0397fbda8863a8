"""Invariants of the analytical model over random layers (hypothesis)."""

import dataclasses

from hypothesis import assume, given, settings
from hypothesis import strategies as st

from accelsim.analytical.cnnergy import evaluate_layer
from accelsim.hardware import resolve_config
from accelsim.workload.layer import ConvLayer

CONFIGS = {bits: resolve_config("eyeriss", bits) for bits in (8, 16)}


@st.composite
def layers(draw):
    r = draw(st.integers(1, 11))
    pad = draw(st.integers(0, 2))
    h = draw(st.integers(max(1, r - 2 * pad), 64))
    stride = draw(st.integers(1, 4))
    return ConvLayer(
        name="x",
        in_channels=draw(st.integers(1, 512)),
        in_height=h,
        in_width=h,
        out_channels=draw(st.integers(1, 512)),
        filter_height=r,
        filter_width=r,
        stride=stride,
        pad=(pad,) * 4,
        ifmap_zero=draw(st.floats(0, 1)),
        ofmap_zero=draw(st.floats(0, 1)),
    )


@settings(max_examples=300, deadline=None)
@given(layer=layers(), bits=st.sampled_from([8, 16]), first=st.booleans())
def test_counts_and_energies_non_negative(layer, bits, first):
    res = evaluate_layer(layer, CONFIGS[bits], first_layer=first)
    r, c, m = layer.filter_height, layer.channels_per_group, layer.out_channels
    assert res.macs == r * r * c * m * layer.out_height * layer.out_width
    assert 0 <= res.nonzero_macs <= res.macs * (1 + 1e-12)
    for value in (
        res.rf_accesses,
        res.inter_pe_transfers,
        res.glb_accesses,
        res.dram_accesses,
        *dataclasses.astuple(res.energy),
    ):
        assert value >= 0
    assert res.schedule.n >= 1


@settings(max_examples=200, deadline=None)
@given(layer=layers(), lo=st.floats(0, 1), hi=st.floats(0, 1), bits=st.sampled_from([8, 16]))
def test_energy_monotone_in_zero_fraction(layer, lo, hi, bits):
    assume(lo <= hi)
    config = CONFIGS[bits]
    for field in ("ifmap_zero", "ofmap_zero"):
        dense = evaluate_layer(dataclasses.replace(layer, **{field: lo}), config).energy_j
        sparse = evaluate_layer(dataclasses.replace(layer, **{field: hi}), config).energy_j
        assert sparse <= dense * (1 + 1e-12)

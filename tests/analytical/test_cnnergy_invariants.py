"""Invariants of the analytical model over random layers (hypothesis)."""

import dataclasses

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from accelsim.analytical.cnnergy import evaluate_layer
from accelsim.errors import AccelsimError
from accelsim.hardware import resolve_accelerator
from accelsim.workload.layer import ConvLayer

CONFIGS = {bits: resolve_accelerator("eyeriss", bits) for bits in (8, 16)}


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
    try:
        res = evaluate_layer(layer, CONFIGS[bits], first_layer=first)
    except AccelsimError as exc:  # the reference has no schedule here (it divides by zero)
        assert "finds no schedule" in str(exc)
        return
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
    try:
        evaluate_layer(layer, config)
    except AccelsimError:
        return
    for field in ("ifmap_zero", "ofmap_zero"):
        dense = evaluate_layer(dataclasses.replace(layer, **{field: lo}), config).energy_j
        sparse = evaluate_layer(dataclasses.replace(layer, **{field: hi}), config).energy_j
        assert sparse <= dense * (1 + 1e-12)


def test_layer_without_schedule_is_a_clear_error():
    layer = ConvLayer(
        name="x",
        in_channels=16,
        in_height=56,
        in_width=56,
        out_channels=1,
        filter_height=3,
        filter_width=3,
        stride=4,
        pad=(1, 1, 1, 1),
    )
    with pytest.raises(AccelsimError, match="layer 'x': the analytical model finds no schedule"):
        evaluate_layer(layer, CONFIGS[16])


@settings(max_examples=200, deadline=None)
@given(
    layer=layers(),
    glb_kb=st.floats(0.5, 200),
    filter_words=st.integers(1, 512),
    ifmap_words=st.integers(1, 32),
    psum_words=st.integers(1, 64),
)
def test_other_buffers_give_a_schedule_or_a_clear_error(
    layer, glb_kb, filter_words, ifmap_words, psum_words
):
    hw = dataclasses.replace(
        CONFIGS[16].hardware,
        glb_ifmap_psum_kb=glb_kb,
        glb_kb=glb_kb + 8,
        spad_filter_words=filter_words,
        spad_ifmap_words=ifmap_words,
        spad_psum_words=psum_words,
    )
    config = dataclasses.replace(CONFIGS[16], hardware=hw)
    try:
        res = evaluate_layer(layer, config)
    except AccelsimError as exc:
        assert str(exc).startswith("layer 'x': ") and "\n" not in str(exc)
        return
    for value in (res.glb_accesses, res.dram_accesses, *dataclasses.astuple(res.energy)):
        assert value >= 0

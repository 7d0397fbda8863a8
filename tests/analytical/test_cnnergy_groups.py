"""Grouped and depthwise layers: every group's ifmap is read at least once (the per-group
schedule where the reference's grouped-layer assumption fails), and the reference path is kept."""

import dataclasses

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from accelsim.analytical.cnnergy import (
    compulsory_ifmap_words,
    evaluate_layer,
    group_schedule,
    one_group,
    schedule_layer,
)
from accelsim.errors import AccelsimError
from accelsim.hardware import resolve_accelerator
from accelsim.workload.builtin import builtin_network
from accelsim.workload.layer import ConvLayer

EYERISS = resolve_accelerator("eyeriss")


def depthwise(name, channels, size, stride):
    return ConvLayer(name=name, in_channels=channels, in_height=size, in_width=size,
                     out_channels=channels, filter_height=3, filter_width=3, stride=stride,
                     pad=(1, 1, 1, 1), groups=channels)  # fmt: skip


# MobileNet v1 (224 x 224) depthwise layers: channels, input size, stride
MOBILENET_V1 = [(32, 112, 1), (64, 112, 2), (128, 56, 1), (128, 56, 2), (256, 28, 1),
                (256, 28, 2), (512, 14, 1), (512, 14, 2), (1024, 7, 1)]  # fmt: skip
# MobileNet v2: the expanded channels of each bottleneck's depthwise layer
MOBILENET_V2 = [(32, 112, 1), (96, 112, 2), (144, 56, 1), (144, 56, 2), (192, 28, 1),
                (192, 28, 2), (384, 14, 1), (576, 14, 1), (576, 14, 2), (960, 7, 1)]  # fmt: skip
DEPTHWISE = [
    depthwise(f"{net}_dw{i}", c, h, u)
    for net, rows in (("v1", MOBILENET_V1), ("v2", MOBILENET_V2))
    for i, (c, h, u) in enumerate(rows)
]


@pytest.mark.parametrize("layer", DEPTHWISE, ids=lambda layer: layer.name)
@pytest.mark.parametrize("first", [False, True])
@pytest.mark.parametrize("bits", [16, 8])
def test_mobilenet_depthwise_reads_every_channel(layer, first, bits):
    config = resolve_accelerator("eyeriss", bits)
    res = evaluate_layer(layer, config, first_layer=first)
    assert res.group_schedule == "per-group"
    assert res.dram_ifmap_accesses >= compulsory_ifmap_words(layer, config, first) * (1 - 1e-12)


def test_mobilenet_dw1_reads_the_padded_input():
    """The issue's layer: 112 x 112 x 32, stride 1; the reference's treatment read one channel
    (12,996 raw words), the per-group schedule all 32 of the padded input (32 x 114 x 114)."""
    layer = DEPTHWISE[0]
    res = evaluate_layer(layer, EYERISS, first_layer=True)
    assert res.dram_ifmap_accesses == 32 * 114 * 114
    shared = schedule_layer(layer, EYERISS.hardware)
    assert shared.df_per_pass == 32 > 1  # 32 filters of 32 groups in a pass over one channel


def test_per_group_is_groups_copies_of_one_group():
    layer = dataclasses.replace(DEPTHWISE[2], batch_n=2)
    whole = evaluate_layer(layer, EYERISS)
    group = evaluate_layer(one_group(layer), EYERISS)
    g = layer.groups
    assert whole.schedule == group.schedule
    for name in ("glb_filter_accesses", "glb_ifmap_accesses", "glb_psum_accesses",
                 "dram_filter_accesses", "dram_ifmap_accesses", "dram_ofmap_accesses",
                 "inter_pe_transfers", "latency_s", "energy_j", "energy_j_computed_n"):  # fmt: skip
        assert getattr(whole, name) == pytest.approx(g * getattr(group, name), rel=1e-12)
    assert whole.macs == g * group.macs
    assert whole.energy.dram_j == pytest.approx(g * group.energy.dram_j, rel=1e-12)


def test_alexnet_groups_keep_the_reference():
    """AlexNet's groups=2 layers: a pass holds at most M / 2 filters, so every pass reads one
    group's channels and the reference's treatment stands (its golden tests compare it)."""
    net = builtin_network("alexnet")
    grouped = [layer for layer in net.compute_layers if layer.groups > 1]
    assert [layer.name for layer in grouped] == ["conv2", "conv4", "conv5"]
    for layer in grouped:
        res = evaluate_layer(layer, EYERISS)
        assert res.group_schedule == "reference"
        assert res.schedule == schedule_layer(layer, EYERISS.hardware, layer.batch_n)
        assert res.schedule.df_per_pass <= layer.out_channels // layer.groups


def test_ungrouped_layers_take_the_reference_schedule():
    for name in ("vgg16", "googlenet", "squeezenet"):
        for layer in builtin_network(name).compute_layers:
            sch = schedule_layer(layer, EYERISS.hardware)
            assert group_schedule(layer, sch) == "reference"


@st.composite
def grouped_layers(draw):
    groups = draw(st.sampled_from([1, 2, 3, 4]) | st.integers(1, 64))
    per_group_in = draw(st.integers(1, 8) | st.integers(1, 256))
    per_group_out = draw(st.integers(1, 8) | st.integers(1, 256))
    r = draw(st.integers(1, 11))
    s = draw(st.integers(1, 11))
    pad = draw(st.integers(0, (max(r, s) - 1) // 2 + 1))
    h = draw(st.integers(max(1, r - 2 * pad, s - 2 * pad), 64))
    w = draw(st.integers(max(1, r - 2 * pad, s - 2 * pad), 64))
    return ConvLayer(
        name="g",
        in_channels=groups * per_group_in,
        in_height=h,
        in_width=w,
        out_channels=groups * per_group_out,
        filter_height=r,
        filter_width=s,
        stride=draw(st.integers(1, 4)),
        pad=(pad,) * 4,
        groups=groups,
        ifmap_zero=draw(st.floats(0, 0.99)),
        batch_n=draw(st.none() | st.integers(1, 8)),
    )


def test_wide_filter_rows_read_the_whole_ifmap():
    """Inception v3's 1 x 7 layers: the reference's rule5 would plan 288 filters per pass for a
    192-filter layer (fewer than one filter pass, under the compulsory ifmap); capped at M."""
    layer = ConvLayer(name="x", in_channels=192, in_height=17, in_width=17, out_channels=192,
                      filter_height=1, filter_width=7, pad=(0, 0, 3, 3))  # fmt: skip
    res = evaluate_layer(layer, EYERISS, first_layer=True)
    assert "rule5" in res.schedule.rules
    assert res.schedule.df_per_pass <= 192
    assert res.dram_ifmap_accesses >= compulsory_ifmap_words(layer, EYERISS, True)


@settings(max_examples=400, deadline=None)
@given(layer=grouped_layers(), first=st.booleans(), bits=st.sampled_from([8, 16]))
def test_grouped_layers_read_at_least_the_compulsory_ifmap(layer, first, bits):
    config = resolve_accelerator("eyeriss", bits)
    try:
        res = evaluate_layer(layer, config, first_layer=first)
    except AccelsimError as exc:
        assert "finds no schedule" in str(exc) or "exceeds" in str(exc)
        return
    assert res.dram_ifmap_accesses >= compulsory_ifmap_words(layer, config, first) * (1 - 1e-12)
    assert res.macs == layer.macs
    if res.group_schedule == "per-group":
        assert layer.groups > 1
        assert res.schedule.df_per_pass <= layer.out_channels // layer.groups

"""Built-in MobileNet v1 (Keras names) and v2 (torchvision names): the published MAC and parameter
totals as exact integers, depthwise layers, linear bottlenecks and residual adds."""

from __future__ import annotations

import pytest

from accelsim.workload.builtin import builtin_network
from accelsim.workload.default_zeros import DENSE_ZERO, RELU_ZERO
from accelsim.workload.layer import ConvLayer
from accelsim.workload.mobilenet import V1_BLOCKS, V2_SETTINGS
from accelsim.workload.tensor_ops import EltwiseLayer


def mobilenet_v1_macs() -> int:
    """Howard et al. 2017, Table 1, counted independently of the builder: a depthwise layer costs
    9 x C x E x F, a pointwise one C x M x E x F."""
    total = 9 * 3 * 32 * 112 * 112
    channels, side = 32, 112
    for filters, stride in V1_BLOCKS:
        side //= stride
        total += 9 * channels * side * side + channels * filters * side * side
        channels = filters
    return total + 1024 * 1000


def mobilenet_v2_macs() -> int:
    """Sandler et al. 2018, Table 2, counted independently of the builder."""
    total = 9 * 3 * 32 * 112 * 112
    channels, side = 32, 112
    for t, c, n, s in V2_SETTINGS:
        for index in range(n):
            hidden = channels * t
            entry = side
            side //= s if index == 0 else 1
            total += (channels * hidden * entry * entry) if t != 1 else 0  # expansion
            total += 9 * hidden * side * side  # depthwise, strided
            total += hidden * c * side * side  # linear projection
            channels = c
    return total + 320 * 1280 * 7 * 7 + 1280 * 1000


def test_mobilenet_v1_macs_are_the_paper_s():
    # Howard et al. 2017, "MobileNets", Tables 4 and 8: 1.0 MobileNet-224, 569 million mult-adds
    net = builtin_network("mobilenet_v1")
    assert net.macs == mobilenet_v1_macs() == 568_740_352
    assert round(net.macs / 1e6) == 569


def test_mobilenet_v2_macs_are_torchvision_s():
    # torchvision.models.MobileNet_V2_Weights.IMAGENET1K_V1.meta["_ops"] = 0.301 (GMAC); Sandler
    # et al. 2018, Table 4, rounds the same network to 300 M multiply-adds
    net = builtin_network("mobilenet_v2")
    assert net.macs == mobilenet_v2_macs() == 300_774_272
    assert round(net.macs / 1e6) == 301 and round(net.macs / 1e8) == 3


@pytest.mark.parametrize(
    ("name", "params", "bn_params"),
    [
        ("mobilenet_v1", 4_253_864, 4),  # Keras Applications: MobileNet, total params (BN: 4)
        ("mobilenet_v2", 3_504_872, 2),  # torchvision meta["num_params"] (BN: weight, bias)
    ],
)
def test_parameters_match_the_published_models(name, params, bn_params):
    net = builtin_network(name)
    convs = [layer for layer in net.compute_layers if layer.kind == "conv"]
    weights = sum(layer.filter_words for layer in net.compute_layers)
    assert weights + bn_params * sum(layer.out_channels for layer in convs) + 1000 == params


def test_mobilenet_v1_keras_layout():
    net = builtin_network("mobilenet_v1")
    names = ["conv1"] + [f"conv_{k}_{i}" for i in range(1, 14) for k in ("dw", "pw")]
    assert [layer.name for layer in net.compute_layers] == [*names, "conv_preds"]
    for i, (filters, stride) in enumerate(V1_BLOCKS, start=1):
        dw, pw = net.layer(f"conv_dw_{i}"), net.layer(f"conv_pw_{i}")
        assert dw.groups == dw.in_channels == dw.out_channels and dw.stride == stride
        assert dw.pad == ((1, 1, 1, 1) if stride == 1 else (0, 1, 0, 1))  # Keras: pad after
        assert pw.filter_height == 1 and pw.out_channels == filters
        assert {dw.group_label, pw.group_label} == {f"block{i}"}
        assert dw.ofmap_zero == pw.ofmap_zero == RELU_ZERO  # ReLU6 fused
    assert net.layer("conv_dw_13").stride == 1 and net.shape_of("conv_pw_13").height == 7
    assert net.layer("conv_preds").kind == "fc" and net.layer("conv_preds").in_channels == 1024


def test_mobilenet_v2_torchvision_layout():
    net = builtin_network("mobilenet_v2")
    block, adds = 1, []
    for t, c, n, s in V2_SETTINGS:
        for index in range(n):
            prefix = f"features.{block}"
            parts = ([f"{prefix}.conv.0.0"] if t != 1 else []) + [
                f"{prefix}.conv.{1 if t != 1 else 0}.0",
                f"{prefix}.conv.{2 if t != 1 else 1}",
            ]
            layers = [net.layer(p) for p in parts]
            dw, project = layers[-2], layers[-1]
            assert dw.groups == dw.in_channels and dw.stride == (s if index == 0 else 1)
            assert project.out_channels == c and project.ofmap_zero == DENSE_ZERO  # linear
            assert all(layer.group_label == prefix for layer in layers)
            if index > 0:
                add = net.layer(f"{prefix}.add")
                assert isinstance(add, EltwiseLayer) and add.op == "add"
                assert add.inputs[1] == project.name and add.ofmap_zero == DENSE_ZERO
                adds.append(add.name)
            block += 1
    assert block == 18 and net.layer("features.18.0").out_channels == 1280
    assert len(adds) == 10  # stride-1 blocks whose channels agree
    assert sum(isinstance(layer, EltwiseLayer) for layer in net.layers) == 10
    assert net.layer("classifier.1").kind == "fc"
    assert net.layer("features.3.conv.1.0").groups == 144  # the brief's example name


@pytest.mark.parametrize("name", ["mobilenet_v1", "mobilenet_v2"])
def test_readers_see_their_producers_zero_fraction(name):
    net = builtin_network(name)
    for layer in net.compute_layers:
        assert isinstance(layer, ConvLayer)
        (source,) = layer.inputs
        produced = net.input_zero if source == "input" else net.layer(source).ofmap_zero
        assert layer.unpadded_ifmap_zero == produced


@pytest.mark.parametrize(
    ("alias", "name"),
    [
        ("MobileNet", "mobilenet_v1"),
        ("mobilenet-v1", "mobilenet_v1"),
        ("mobilenetv2", "mobilenet_v2"),
    ],
)
def test_aliases(alias, name):
    assert builtin_network(alias) is builtin_network(name)

"""Built-in ResNet-18 and ResNet-50: torchvision's layout and names, the published MAC and
parameter totals as exact integers, residual adds as DAG nodes, group labels per block."""

from __future__ import annotations

import pytest

from accelsim.workload.builtin import builtin_network
from accelsim.workload.default_zeros import DENSE_ZERO, IMAGE_ZERO, RELU_ZERO
from accelsim.workload.layer import ConvLayer, PoolLayer
from accelsim.workload.tensor_ops import ActivationLayer, EltwiseLayer, ReshapeLayer

BLOCKS = {"resnet18": (2, 2, 2, 2), "resnet50": (3, 4, 6, 3)}
PLANES = (64, 128, 256, 512)
SIDES = (56, 28, 14, 7)


def stem_and_head_macs(features: int) -> int:
    conv1 = 7 * 7 * 3 * 64 * 112 * 112
    return conv1 + features * 1000


def resnet18_macs() -> int:
    """Counted from the architecture (He et al. 2016, Table 1), independently of the builder."""
    total = stem_and_head_macs(512)
    channels = 64
    for stage, (planes, side) in enumerate(zip(PLANES, SIDES, strict=True)):
        for block in range(2):
            total += 9 * channels * planes * side * side  # conv1 (strided in the first block)
            total += 9 * planes * planes * side * side  # conv2
            if stage > 0 and block == 0:
                total += channels * planes * side * side  # downsample.0
            channels = planes
    return total


def resnet50_macs() -> int:
    total = stem_and_head_macs(2048)
    channels, entry = 64, 56  # the input side of each stage's first block
    for planes, side, count in zip(PLANES, SIDES, BLOCKS["resnet50"], strict=True):
        for block in range(count):
            first = block == 0
            total += channels * planes * (entry if first else side) ** 2  # conv1: before the stride
            total += 9 * planes * planes * side * side  # conv2 carries the stride (v1.5)
            total += planes * 4 * planes * side * side  # conv3
            if first:
                total += channels * 4 * planes * side * side  # downsample.0
            channels = 4 * planes
        entry = side
    return total


def test_resnet18_macs_are_torchvision_s():
    # torchvision.models.ResNet18_Weights.IMAGENET1K_V1.meta["_ops"] = 1.814 (GMAC per image)
    net = builtin_network("resnet18")
    assert net.macs == resnet18_macs() == 1_814_073_344
    assert round(net.macs / 1e9, 3) == 1.814


def test_resnet50_macs_are_torchvision_s():
    # torchvision.models.ResNet50_Weights.IMAGENET1K_V1.meta["_ops"] = 4.089 (GMAC per image),
    # with the projection shortcuts
    net = builtin_network("resnet50")
    assert net.macs == resnet50_macs() == 4_089_184_256
    assert round(net.macs / 1e9, 3) == 4.089


@pytest.mark.parametrize(
    ("name", "params"),
    [("resnet18", 11_689_512), ("resnet50", 25_557_032)],  # torchvision meta["num_params"]
)
def test_parameters_match_torchvision(name, params):
    """Weights + batch-norm scale and shift per conv output channel + the FC bias."""
    net = builtin_network(name)
    convs = [layer for layer in net.compute_layers if layer.kind == "conv"]
    weights = sum(layer.filter_words for layer in net.compute_layers)
    assert weights + 2 * sum(layer.out_channels for layer in convs) + 1000 == params


def expected_blocks(name: str) -> list[str]:
    return [
        f"layer{stage}.{index}"
        for stage, count in enumerate(BLOCKS[name], start=1)
        for index in range(count)
    ]


@pytest.mark.parametrize("name", ["resnet18", "resnet50"])
def test_torchvision_names_and_residual_dag(name):
    net = builtin_network(name)
    bottleneck = name == "resnet50"
    convs = ("conv1", "conv2", "conv3") if bottleneck else ("conv1", "conv2")
    expected = ["conv1"]
    for block in expected_blocks(name):
        expected += [f"{block}.{conv}" for conv in convs]
        if block.endswith(".0") and (bottleneck or block != "layer1.0"):
            expected.append(f"{block}.downsample.0")
    expected.append("fc")
    assert [layer.name for layer in net.compute_layers] == expected
    assert isinstance(net.layer("maxpool"), PoolLayer) and net.layer("maxpool").mode == "max"
    assert net.layer("avgpool").mode == "avg" and net.shape_of("avgpool").height == 1
    assert isinstance(net.layer("flatten"), ReshapeLayer) and net.layer("flatten").op == "flatten"
    for block in expected_blocks(name):
        add, relu = net.layer(f"{block}.add"), net.layer(f"{block}.relu")
        assert isinstance(add, EltwiseLayer) and add.op == "add"
        assert isinstance(relu, ActivationLayer) and relu.function == "relu"
        assert relu.inputs == (f"{block}.add",)
        body = f"{block}.conv3" if bottleneck else f"{block}.conv2"
        projection = f"{block}.downsample.0"
        assert add.inputs[0] == body
        shortcut = add.inputs[1]
        if projection in expected:
            assert shortcut == projection
            assert net.layer(projection).inputs == net.layer(f"{block}.conv1").inputs
        else:  # the identity: the block's input
            assert (shortcut,) == net.layer(f"{block}.conv1").inputs


def test_resnet50_strides_on_the_3x3_v1_5():
    net = builtin_network("resnet50")
    for stage in (2, 3, 4):
        block = f"layer{stage}.0"
        assert net.layer(f"{block}.conv1").stride == 1
        assert net.layer(f"{block}.conv2").stride == 2
        assert net.layer(f"{block}.downsample.0").stride == 2
    assert net.layer("layer1.0.downsample.0").stride == 1  # 64 -> 256 channels, no stride
    assert net.shape_of("layer4.2.relu").channels == 2048


@pytest.mark.parametrize("name", ["resnet18", "resnet50"])
def test_group_labels_per_block_sum_to_the_total(name):
    net = builtin_network(name)
    labels = {layer.group_label for layer in net.layers}
    assert labels == {"conv1", "fc", *expected_blocks(name)}
    for layer in net.layers:
        if layer.name.startswith("layer"):
            assert layer.group_label == ".".join(layer.name.split(".")[:2])
    by_group: dict[str, int] = {}
    for layer in net.layers:
        by_group[layer.group_label] = by_group.get(layer.group_label, 0) + layer.macs
    assert sum(by_group.values()) == net.macs


@pytest.mark.parametrize("name", ["resnet18", "resnet50"])
def test_default_zero_fractions(name):
    net = builtin_network(name)
    assert net.input_zero == IMAGE_ZERO and net.layer("conv1").unpadded_ifmap_zero == IMAGE_ZERO
    last = "conv3" if name == "resnet50" else "conv2"
    for layer in net.layers:
        if isinstance(layer, ConvLayer):
            dense = layer.name.endswith((last, "downsample.0")) or layer.name == "fc"
            assert layer.ofmap_zero == (DENSE_ZERO if dense else RELU_ZERO), layer.name
            (source,) = layer.inputs
            produced = net.input_zero if source == "input" else net.layer(source).ofmap_zero
            assert layer.unpadded_ifmap_zero == produced, layer.name
        elif isinstance(layer, EltwiseLayer):
            assert layer.ofmap_zero == DENSE_ZERO
        elif isinstance(layer, ActivationLayer):
            assert layer.ofmap_zero == RELU_ZERO
    assert net.layer("fc").unpadded_ifmap_zero == DENSE_ZERO  # a global average


@pytest.mark.parametrize(("alias", "name"), [("ResNet-18", "resnet18"), ("resnet-50", "resnet50")])
def test_aliases(alias, name):
    assert builtin_network(alias) is builtin_network(name)

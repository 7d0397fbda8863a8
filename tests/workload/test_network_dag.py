"""Networks are DAGs whose edges are shape-checked; the built-ins match the packaged data."""

import csv
from dataclasses import replace
from pathlib import Path

import pytest

from accelsim.errors import AccelsimError
from accelsim.workload.builtin import builtin_network
from accelsim.workload.layer import ConcatLayer, ConvLayer, TensorShape
from accelsim.workload.network import Network, NetworkBuilder

DATA = Path(__file__).resolve().parents[2] / "accelsim" / "data" / "networks"


def test_builder_branches_join():
    b = NetworkBuilder("tiny", TensorShape(3, 16, 16))
    b.conv("c1", 8, 3, pad=1)
    b.pool("p1", 2, 2)
    b.conv("a", 4, 1, inputs="p1")
    b.conv("b", 6, 3, pad=1, inputs="p1")
    b.concat("cat", ["a", "b"])
    b.fc("fc", 10)
    net = b.build()
    assert net.shape_of("cat") == TensorShape(10, 8, 8)
    assert net.shape_of("fc") == TensorShape(10, 1, 1)
    assert [layer.name for layer in net.compute_layers] == ["c1", "a", "b", "fc"]


def test_branch_of_different_spatial_size_rejected():
    b = NetworkBuilder("bad", TensorShape(3, 16, 16))
    b.conv("a", 4, 3)
    b.conv("b", 4, 3, pad=1, inputs="input")
    with pytest.raises(AccelsimError, match="layer 'cat': joins tensors of different spatial size"):
        b.concat("cat", ["a", "b"])
    layers = (
        ConvLayer("a", 3, 16, 16, 4, 3, 3, inputs=("input",)),
        ConvLayer("b", 3, 16, 16, 4, 3, 3, pad=(1, 1, 1, 1), inputs=("input",)),
        ConcatLayer("cat", (4, 4), 14, 14, inputs=("a", "b")),
    )
    with pytest.raises(AccelsimError, match="layer 'cat': joins tensors of different spatial size"):
        Network("bad", TensorShape(3, 16, 16), layers)


def test_edge_shape_mismatch_and_unknown_input():
    a = ConvLayer("a", 3, 16, 16, 4, 3, 3, inputs=("input",))
    b = ConvLayer("b", 5, 14, 14, 4, 3, 3, inputs=("a",))
    with pytest.raises(AccelsimError, match="layer 'b': input channels 5 does not match"):
        Network("n", TensorShape(3, 16, 16), (a, b))
    c = ConvLayer("c", 4, 14, 14, 4, 3, 3, inputs=("nowhere",))
    with pytest.raises(AccelsimError, match="input 'nowhere' is not an earlier layer"):
        Network("n", TensorShape(3, 16, 16), (a, c))
    with pytest.raises(AccelsimError, match="duplicate layer name 'a'"):
        Network("n", TensorShape(3, 16, 16), (a, a))


@pytest.mark.parametrize("name", ["alexnet", "vgg16", "googlenet", "squeezenet"])
def test_builtin_matches_packaged_rows(name):
    net = builtin_network(name)
    with open(DATA / f"{name}.csv", newline="") as handle:
        rows = list(csv.DictReader(handle))
    layers = net.compute_layers
    assert [layer.name for layer in layers] == [row["name"] for row in rows]
    for layer, row in zip(layers, rows, strict=True):
        assert layer.filter_height == int(row["filter_size"])
        assert layer.channels_per_group == int(row["in_channels"])
        assert layer.out_channels == int(row["filters"])
        assert layer.padded_height == float(row["padded_size"])
        assert layer.out_height == int(row["output_size"])
        assert layer.ifmap_zero == float(row["ifmap_sparsity_padded"])
        assert layer.ofmap_zero == float(row["ofmap_sparsity"])
        assert layer.batch_n == int(row["batch_n"])
    assert net.shape_of(net.layers[-1].name).size == 1000


def test_alexnet_pools_and_groups():
    net = builtin_network("alexnet")
    assert [layer.name for layer in net.layers] == [
        "conv1",
        "pool1",
        "conv2",
        "pool2",
        "conv3",
        "conv4",
        "conv5",
        "pool5",
        "fc6",
        "fc7",
        "fc8",
    ]
    assert net.layer("conv2").groups == 2 and net.layer("conv2").in_channels == 96
    assert net.macs == 724406816


def test_unknown_network():
    with pytest.raises(AccelsimError, match="unknown network 'resnet'"):
        builtin_network("resnet")


def test_layer_alone_keeps_whether_the_layer_reads_the_image():
    from accelsim.workload.loaders import load_network

    network = load_network("googlenet")
    for layer in network.compute_layers:
        alone = network.layer_alone(layer)
        (only,) = alone.layers
        assert alone.name == network.name and alone.input_zero == network.input_zero
        assert alone.reads_image(only) == network.reads_image(layer)
        assert only.macs == layer.macs and only.inputs == ("input",)


def test_image_readers_must_name_layers():
    from accelsim.workload.loaders import load_network

    layer = load_network("alexnet").compute_layers[1]
    with pytest.raises(AccelsimError, match="image reader 'nope'"):
        Network("n", None, (replace(layer, inputs=("input",)),), image_readers=("nope",))

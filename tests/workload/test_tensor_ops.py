"""Layers without MACs: construction checks, network edge checks, builder and declarative forms."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from accelsim.errors import AccelsimError
from accelsim.workload.declarative import network_from_dict
from accelsim.workload.layer import TensorShape
from accelsim.workload.network import Network, NetworkBuilder
from accelsim.workload.tensor_ops import (
    ACTIVATIONS,
    ActivationLayer,
    EltwiseLayer,
    ReshapeLayer,
    SliceLayer,
    broadcasts_to,
)


def residual_block() -> Network:
    b = NetworkBuilder("block", TensorShape(8, 16, 16))
    b.conv("a", 8, 3, pad=1)
    b.conv("b", 8, 3, pad=1)
    b.add("sum", ["input", "b"])
    b.activation("relu", "relu")
    b.global_pool("gap")
    b.conv("squeeze", 8, 1)
    b.activation("gate", "sigmoid")
    b.eltwise("scale", "mul", ["relu", "gate"])
    b.shuffle("shuffled")
    b.slice("half", 0, 4)
    b.flatten("flat")
    b.fc("fc", 10)
    return b.build()


def test_a_block_with_every_new_layer_builds_with_its_shapes():
    net = residual_block()
    shapes = {layer.name: net.shape_of(layer.name) for layer in net.layers}
    assert shapes["sum"] == TensorShape(8, 16, 16)
    assert shapes["gate"] == TensorShape(8, 1, 1)
    assert shapes["scale"] == TensorShape(8, 16, 16)  # the C x 1 x 1 gate broadcasts
    assert shapes["half"] == TensorShape(4, 16, 16)
    assert shapes["flat"] == TensorShape(4 * 16 * 16, 1, 1)
    assert shapes["fc"] == TensorShape(10, 1, 1)
    assert [layer.name for layer in net.compute_layers] == ["a", "b", "squeeze", "fc"]
    assert net.macs == sum(layer.macs for layer in net.compute_layers)


def test_element_wise_inputs_must_broadcast_and_one_must_match():
    b = NetworkBuilder("n", TensorShape(8, 16, 16))
    b.conv("a", 8, 3, pad=1)
    b.conv("small", 8, 3, stride=2, pad=1, inputs="input")
    with pytest.raises(AccelsimError, match="'small' is 8 x 8 x 8, which does not broadcast"):
        Network(
            "n",
            TensorShape(8, 16, 16),
            (*b.layers, EltwiseLayer("sum", "add", 8, 16, 16, inputs=("a", "small"))),
        )
    with pytest.raises(AccelsimError, match="needs at least 2 inputs"):
        Network(
            "n",
            TensorShape(8, 16, 16),
            (*b.layers, EltwiseLayer("s", "add", 8, 16, 16, inputs=("a",))),
        )
    b.conv("plane", 1, 1, inputs="input")
    b.global_pool("gap", inputs="input")
    with pytest.raises(AccelsimError, match="no input has the output shape 8 x 16 x 16"):
        Network(
            "n",
            TensorShape(8, 16, 16),
            (*b.layers, EltwiseLayer("s", "mul", 8, 16, 16, inputs=("plane", "gap"))),
        )


def test_field_errors_name_the_layer_and_field():
    with pytest.raises(AccelsimError, match="layer 'x': op must be one of add, sub"):
        EltwiseLayer("x", "pow", 1, 1, 1, inputs=("a", "b"))
    with pytest.raises(AccelsimError, match="layer 'x': function must be one of relu"):
        ActivationLayer("x", "elu", 1, 1, 1, inputs=("a",))
    with pytest.raises(AccelsimError, match="keeps the number of words"):
        ReshapeLayer("x", "reshape", 2, 3, 4, 25, 1, 1, inputs=("a",))
    with pytest.raises(AccelsimError, match="0 <= start < stop <= in_channels"):
        SliceLayer("x", 8, 4, 9, 2, 2, inputs=("a",))
    with pytest.raises(AccelsimError, match="layer 'x': channels must be an integer"):
        ActivationLayer("x", "relu", 1.5, 1, 1, inputs=("a",))  # type: ignore[arg-type]


def test_an_activation_checks_its_input_shape():
    with pytest.raises(AccelsimError, match="input channels 4 does not match its input 'input'"):
        Network(
            "n", TensorShape(8, 4, 4), (ActivationLayer("r", "relu", 4, 4, 4, inputs=("input",)),)
        )


@given(
    st.tuples(*[st.integers(1, 4)] * 3),
    st.tuples(*[st.booleans()] * 3),
)
def test_broadcasting_is_numpys(target: tuple[int, int, int], ones: tuple[bool, ...]):
    import numpy as np

    shape = tuple(1 if one else t for one, t in zip(ones, target, strict=True))
    assert broadcasts_to(TensorShape(*shape), TensorShape(*target))
    assert np.broadcast_shapes(shape, target) == target
    bigger = (target[0] + 1, *target[1:])
    assert not broadcasts_to(TensorShape(*bigger), TensorShape(*target))


def test_declarative_types_build_the_same_network_as_the_builder():
    doc = {
        "name": "block",
        "input": {"channels": 8, "size": 16},
        "layers": [
            {"name": "a", "type": "conv", "filters": 8, "size": 3, "pad": 1},
            {"name": "b", "type": "conv", "filters": 8, "size": 3, "pad": 1},
            {"name": "sum", "type": "add", "inputs": ["input", "b"]},
            {"name": "relu", "type": "activation", "function": "relu"},
            {"name": "gap", "type": "global_pool"},
            {"name": "squeeze", "type": "conv", "filters": 8, "size": 1},
            {"name": "gate", "type": "activation", "function": "sigmoid"},
            {"name": "scale", "type": "eltwise", "op": "mul", "inputs": ["relu", "gate"]},
            {"name": "shuffled", "type": "shuffle"},
            {"name": "half", "type": "slice", "start": 0, "stop": 4},
            {"name": "flat", "type": "flatten"},
            {"name": "fc", "type": "fc", "outputs": 10},
        ],
    }
    assert network_from_dict(doc) == residual_block()


@pytest.mark.parametrize(
    ("layer", "message"),
    [
        ({"type": "activation", "function": "elu"}, "function must be"),
        ({"type": "add", "inputs": ["a"]}, "needs a list of at least 2 layer names"),
        ({"type": "eltwise", "inputs": ["a", "a"]}, "needs op"),
        ({"type": "add", "op": "mul", "inputs": ["a", "a"]}, "a add layer's op is add"),
        ({"type": "slice", "start": 3, "stop": 2}, "0 <= start < stop"),
        ({"type": "reshape", "shape": [7, 1, 1]}, "keeps the number of words"),
    ],
)
def test_declarative_errors_are_one_line(layer: dict, message: str):
    doc = {
        "input": {"channels": 4, "size": 2},
        "layers": [{"name": "a", "type": "conv", "filters": 4, "size": 1}, {"name": "x", **layer}],
    }
    with pytest.raises(AccelsimError, match=message) as info:
        network_from_dict(doc, origin="network file 'n.yaml'")
    assert "\n" not in str(info.value)
    assert str(info.value).startswith("network file 'n.yaml': layer 2 'x'")


def test_every_activation_is_accepted():
    for function in ACTIVATIONS:
        assert ActivationLayer("r", function, 2, 2, 2, inputs=("a",)).output_shape.size == 8

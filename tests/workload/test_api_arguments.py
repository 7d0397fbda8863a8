"""Layer, network and builder arguments of the wrong type or an absurd size end in one-line
AccelsimErrors (never a TypeError, an OverflowError or a silently truncated value)."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from accelsim.errors import AccelsimError
from accelsim.workload.builtin import builtin_network
from accelsim.workload.layer import (
    MAX_CHANNELS,
    MAX_EXTENT,
    MAX_LAYER_MACS,
    MAX_NAME_CHARS,
    MAX_TENSOR_WORDS,
    ConcatLayer,
    ConvLayer,
    PoolLayer,
    TensorShape,
)
from accelsim.workload.network import Network, NetworkBuilder

VALUES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**20), max_value=10**20),
    st.floats(),
    st.text(max_size=5),
    st.lists(st.integers(min_value=-2, max_value=9), max_size=5),
    st.sampled_from([10**5000, 2**64, 3.7, float("inf"), float("nan"), "3", (1, 1, 1, 1)]),
)
CONV = dict(
    name="c", in_channels=4, in_height=8, in_width=8, out_channels=6, filter_height=3,
    filter_width=3, stride=1, pad=(1, 1, 1, 1), groups=2, kind="conv", ofmap_zero=0.0,
    batch_n=1, inputs=("input",), group_label="",
)  # fmt: skip


def one_line(exc: AccelsimError) -> None:
    message = str(exc)
    assert "\n" not in message and len(message) < 400, message


@settings(max_examples=80)
@given(field=st.sampled_from(sorted(CONV)), value=VALUES)
def test_conv_layer_fields_fuzzed(field, value):
    try:
        layer = ConvLayer(**{**CONV, field: value})
    except AccelsimError as exc:
        one_line(exc)
        return
    for name in ("in_channels", "in_height", "out_channels", "stride", "groups"):
        assert type(getattr(layer, name)) is int
    assert layer.macs <= MAX_LAYER_MACS
    assert layer.output_shape.size <= MAX_TENSOR_WORDS


@settings(max_examples=40)
@given(
    field=st.sampled_from(["size", "stride", "mode", "pad", "ceil_mode", "in_height"]), value=VALUES
)
def test_pool_layer_fields_fuzzed(field, value):
    kw = dict(name="p", in_channels=4, in_height=8, in_width=8, size=2, stride=2, inputs=("a",))
    try:
        PoolLayer(**{**kw, field: value})
    except AccelsimError as exc:
        one_line(exc)


@settings(max_examples=40)
@given(channels=VALUES, height=VALUES, width=VALUES)
def test_tensor_shape_fuzzed(channels, height, width):
    try:
        shape = TensorShape(channels, height, width)
    except AccelsimError as exc:
        one_line(exc)
        return
    assert shape.size <= MAX_TENSOR_WORDS


@settings(max_examples=40)
@given(method=st.sampled_from(["conv", "fc", "pool", "global_pool", "concat"]), value=VALUES)
def test_builder_arguments_fuzzed(method, value):
    b = NetworkBuilder("n", TensorShape(4, 8, 8))
    b.conv("a", 4, 3, pad=1)
    calls = {
        "conv": lambda: b.conv("x", value, 3, inputs="a"),
        "fc": lambda: b.fc("x", 10, inputs=value),
        "pool": lambda: b.pool("x", 2, 2, ceil_mode=value),
        "global_pool": lambda: b.global_pool("x", mode=value),
        "concat": lambda: b.concat("x", value),
    }
    try:
        calls[method]()
    except AccelsimError as exc:
        one_line(exc)
        return
    b.build()


@pytest.mark.parametrize(
    ("kw", "message"),
    [
        (dict(in_channels=3.0), "in_channels must be an integer, got 3.0"),
        (dict(in_channels=True), "in_channels must be an integer, got True"),
        (dict(in_height=MAX_EXTENT + 1), "in_height 65537 exceeds 65536 \\(MAX_EXTENT\\)"),
        (dict(out_channels=10**5000), "out_channels an integer of about 5000 digits exceeds"),
        (dict(pad=(1, 1, 1, 2000)), "pad right 2000 exceeds 1024 \\(MAX_PAD\\)"),
        (dict(pad=5), "pad must be \\(top, bottom, left, right\\), got 5"),
        (dict(kind=["conv"]), "kind must be 'conv' or 'fc'"),
        (dict(name="x" * (MAX_NAME_CHARS + 1)), "has 257 characters; the limit is 256"),
        (dict(name="a\nb"), "contains a control character"),
        (dict(inputs="input"), "inputs must be a tuple of layer names"),
        (dict(ofmap_zero=float("nan")), "ofmap_zero must be a number in \\[0, 1\\], got nan"),
        (dict(batch_n=10**6), "batch_n 1000000 exceeds 4096 \\(MAX_BATCH_N\\)"),
        (
            dict(in_channels=4096, in_height=4096, in_width=4096, out_channels=4096, groups=1),
            "MACs per image; the limit is 1e\\+12 \\(MAX_LAYER_MACS\\)",
        ),
    ],
)
def test_conv_layer_errors(kw, message):
    with pytest.raises(AccelsimError, match=message):
        ConvLayer(**{**CONV, **kw})


def test_concat_and_network_errors():
    with pytest.raises(AccelsimError, match="joins 2097152 channels"):
        ConcatLayer("j", (MAX_CHANNELS, MAX_CHANNELS), 1, 1, inputs=("a", "b"))
    with pytest.raises(AccelsimError, match="ceil_mode must be true or false, got 'false'"):
        PoolLayer("p", 4, 8, 8, 2, 2, ceil_mode="false", inputs=("a",))
    layer = ConvLayer(**CONV)
    with pytest.raises(
        AccelsimError, match="layers must be one of ConvLayer, PoolLayer, ConcatLayer, EltwiseLayer"
    ):
        Network("n", None, (layer, "conv2"))
    with pytest.raises(AccelsimError, match="input_zero must be a number in \\[0, 1\\], got 'x'"):
        Network("n", None, (layer,), input_zero="x")
    with pytest.raises(AccelsimError, match="network name must be a string"):
        Network(None, None, (layer,))
    with pytest.raises(AccelsimError, match="no layer named a list of 1 items"):
        Network("n", None, (layer,)).layer(["c"])
    with pytest.raises(AccelsimError, match="inputs must be a layer name, got a list"):
        NetworkBuilder("n", TensorShape(3, 8, 8)).conv("c", 4, 3, inputs=["a"])
    with pytest.raises(AccelsimError, match="network name must be a string, got 3"):
        builtin_network(3)


def test_network_layer_lookup_is_by_name():
    net = builtin_network("googlenet")
    assert all(net.layer(layer.name) is layer for layer in net.layers)

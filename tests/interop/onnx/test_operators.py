"""Every operator of the importer's table, on small models built in code: the layers it makes,
their shapes and MACs, and what it refuses (one line naming the node and the operator)."""

from __future__ import annotations

import pytest
from onnx import helper

from accelsim.errors import AccelsimError
from accelsim.interop.onnx import import_onnx, load_onnx
from accelsim.interop.onnx.ops import OPERATORS
from accelsim.workload.layer import ConvLayer, PoolLayer
from accelsim.workload.network import INPUT

from .models import conv_net, floats, ints, model, node, save, scalar, vgg16, weight


def load(tmp_path, m, **options):
    return load_onnx(save(m, tmp_path / "m.onnx"), **options)


def kinds(net):
    return [(layer.kind, getattr(layer, "op", getattr(layer, "function", ""))) for layer in net]


def refused(tmp_path, m, *fragments, **options):
    with pytest.raises(AccelsimError) as info:
        load(tmp_path, m, **options)
    message = str(info.value)
    assert "\n" not in message and "m.onnx" in message
    for fragment in fragments:
        assert fragment in message, message
    return message


def test_conv_batchnorm_relu_pool_flatten_gemm(tmp_path):
    net = load(tmp_path, conv_net())
    assert kinds(net) == [("conv", ""), ("activation", "relu"), ("pool", ""), ("fc", "")]
    conv, _, pool, fc = net.layers
    assert (conv.in_channels, conv.in_height, conv.out_channels, conv.pad) == (3, 8, 8, (1,) * 4)
    assert (pool.size, pool.stride, pool.out_height) == (2, 2, 4)
    # the flatten is read directly: an FC whose filter covers the 8 x 4 x 4 map
    assert (fc.in_channels, fc.filter_height, fc.out_channels, fc.inputs) == (8, 4, 10, ("pool1",))
    assert net.macs == 8 * 27 * 64 + 10 * 128


def test_the_input_size_is_the_model_s_or_the_override(tmp_path):
    assert load(tmp_path, conv_net()).input_shape.height == 8
    m = conv_net()
    m.graph.node[-1].CopyFrom(node("Flatten", ["p1"], ["y"], "flat"))  # no size-bound FC
    del m.graph.initializer[-2:]
    net = load(tmp_path, m, input_shape=(3, 16, 12))
    assert (net.input_shape.height, net.input_shape.width) == (16, 12)
    assert net.layers[0].out_width == 12


def test_a_symbolic_height_needs_an_override(tmp_path):
    m = model([node("Relu", ["x"], ["y"])], [], ["N", 3, "H", "W"])
    message = refused(tmp_path, m, "input 'x'", "symbolic height 'H'", "--input-shape")
    assert "node" not in message
    assert load(tmp_path, m, input_shape="3x5x7").layers[0].width == 7


def test_grouped_strided_and_asymmetric_convolutions(tmp_path):
    m = model(
        [
            node("Conv", ["x", "w"], ["c"], "dw", group=3, strides=[2, 2], pads=[0, 1, 1, 0]),
            node("Conv", ["c", "w2"], ["y"], "same", auto_pad="SAME_UPPER", strides=[2, 2]),
        ],
        [weight("w", 6, 1, 3, 2), weight("w2", 4, 6, 2, 2)],
    )
    dw, same = load(tmp_path, m).layers
    assert (dw.groups, dw.stride, dw.pad, dw.filter_height, dw.filter_width) == (
        3,
        2,
        (0, 1, 1, 0),
        3,
        2,
    )
    assert (dw.out_height, dw.out_width) == (4, 4)
    assert (same.pad, same.out_height) == ((0, 0, 0, 0), 2)
    assert dw.macs == 3 * 2 * 1 * 6 * 4 * 4


@pytest.mark.parametrize(
    ("attrs", "fragment"),
    [
        ({"dilations": [2, 2]}, "dilations [2, 2]"),
        ({"strides": [1, 2]}, "strides [1, 2] differ"),
    ],
)
def test_convolutions_refused(tmp_path, attrs, fragment):
    m = model([node("Conv", ["x", "w"], ["y"], "c1", **attrs)], [weight("w", 4, 3, 3, 3)])
    refused(tmp_path, m, "node 'c1' (Conv)", fragment)


def test_matmul_with_a_weight_is_an_fc_and_between_tensors_refused(tmp_path):
    m = model(
        [
            node("GlobalAveragePool", ["x"], ["g"], "gap"),
            node("Flatten", ["g"], ["f"], "flat"),
            node("MatMul", ["f", "w"], ["mm"], "fc"),
            node("Add", ["mm", "b"], ["y"], "bias"),
        ],
        [weight("w", 3, 5), weight("b", 5)],
    )
    net = load(tmp_path, m)
    assert kinds(net) == [("pool", ""), ("fc", "")]  # the bias folds into the FC
    assert net.layers[1].macs == 15
    m = model([node("MatMul", ["x", "x"], ["y"], "qk")], [])
    refused(tmp_path, m, "node 'qk' (MatMul)", "two tensors")


def test_channels_last_linear_and_layer_norm_keep_the_channels(tmp_path):
    """ConvNeXt: permute to N x H x W x C, LayerNorm and Linear over C, permute back."""
    m = model(
        [
            node("Transpose", ["x"], ["t"], "to_nhwc", perm=[0, 2, 3, 1]),
            node("LayerNormalization", ["t", "g", "b"], ["ln"], "ln", axis=-1),
            node("MatMul", ["ln", "w"], ["mm"], "pw"),
            node("Add", ["mm", "bias"], ["lin"], "pw_bias"),
            node("Transpose", ["lin"], ["y"], "to_nchw", perm=[0, 3, 1, 2]),
        ],
        [weight("g", 3), weight("b", 3), weight("w", 3, 12), weight("bias", 12)],
    )
    net = load(tmp_path, m)
    assert kinds(net) == [("reshape", "transpose"), ("activation", "affine"), ("conv", ""),
                          ("reshape", "transpose")]  # fmt: skip
    pw = net.layers[2]
    assert (pw.in_channels, pw.out_channels, pw.in_height, pw.filter_height) == (3, 12, 8, 1)
    assert net.shape_of(net.layers[-1].name).channels == 12


@pytest.mark.parametrize("op", ["Add", "Sub", "Mul", "Div", "Max", "Min", "Sum"])
def test_two_tensor_operands_make_an_eltwise_layer(tmp_path, op):
    m = model(
        [
            node("Relu", ["x"], ["r"], "relu"),
            node("GlobalAveragePool", ["x"], ["g"], "gap"),
            node(op, ["r", "g"], ["y"], "join"),
        ],
        [],
    )
    net = load(tmp_path, m)
    join = net.layer("join")
    expected = {"Sum": "add"}.get(op, op.lower())
    assert (join.kind, join.op, join.inputs) == ("eltwise", expected, ("relu", "gap"))
    assert (join.channels, join.height) == (3, 8)


def test_a_constant_operand_folds_into_a_conv_or_is_affine(tmp_path):
    m = model(
        [
            node("Conv", ["x", "w"], ["c"], "conv"),
            node("Mul", ["c", "scale"], ["s"], "scale"),
            node("Relu", ["s"], ["r"], "relu"),
            node("Add", ["r", "shift"], ["y"], "shift"),
        ],
        [weight("w", 4, 3, 1, 1), weight("scale", 1, 4, 1, 1), floats("shift", [0.5])],
    )
    assert kinds(load(tmp_path, m)) == [("conv", ""), ("activation", "relu"),
                                        ("activation", "affine")]  # fmt: skip
    m = model([node("Div", ["one", "x"], ["y"], "recip")], [floats("one", [1.0])])
    refused(tmp_path, m, "node 'recip' (Div)", "reciprocal")


def test_batch_norm_folds_only_into_a_conv_it_alone_reads(tmp_path):
    bn = [weight(n, 4) for n in ("s", "b", "m", "v")]
    m = model(
        [
            node("Conv", ["x", "w"], ["c"], "conv"),
            node("BatchNormalization", ["c", "s", "b", "m", "v"], ["bn"], "bn"),
            node("Add", ["bn", "c"], ["y"], "add"),
        ],
        [weight("w", 4, 3, 1, 1), *bn],
    )
    assert kinds(load(tmp_path, m)) == [("conv", ""), ("activation", "affine"), ("eltwise", "add")]


@pytest.mark.parametrize(
    ("op", "attrs", "extra", "function"),
    [
        ("Relu", {}, [], "relu"),
        ("Sigmoid", {}, [], "sigmoid"),
        ("Tanh", {}, [], "tanh"),
        ("LeakyRelu", {"alpha": 0.1}, [], "leaky_relu"),
        ("HardSigmoid", {}, [], "hard_sigmoid"),
        ("HardSwish", {}, [], "hard_swish"),
        ("Softmax", {"axis": 1}, [], "softmax"),
        ("LogSoftmax", {"axis": 1}, [], "softmax"),
        ("Clip", {}, ["zero", "six"], "relu6"),
        ("Clip", {}, ["zero"], "relu"),
        ("Clip", {}, ["six", "zero"], "clip"),
    ],
)
def test_activations(tmp_path, op, attrs, extra, function):
    m = model(
        [node(op, ["x", *extra], ["y"], "act", **attrs)],
        [scalar("zero", 0.0, "f4"), scalar("six", 6.0, "f4")],
    )
    (layer,) = load(tmp_path, m).layers
    assert (layer.kind, layer.function, layer.channels) == ("activation", function, 3)


def test_gelu_of_opset_20_mean_size_and_cast(tmp_path):
    m = model(
        [
            node("Gelu", ["x"], ["g"], "gelu"),
            node("Cast", ["g"], ["c"], "cast", to=1),
            node("Mean", ["c", "x"], ["mean"], "mean"),
            node("ReduceMax", ["mean", "axes"], ["y"], "gmp", keepdims=1),
            node("Size", ["x"], ["size"], "size"),
        ],
        [ints("axes", [2, 3])],
        opset=20,
    )
    net = load(tmp_path, m)
    assert kinds(net) == [("activation", "gelu"), ("eltwise", "add"), ("pool", "")]
    assert net.layer("gmp").mode == "max"


def test_silu_and_the_exact_gelu_are_one_activation(tmp_path):
    m = model(
        [
            node("Sigmoid", ["x"], ["s"], "sig"),
            node("Mul", ["x", "s"], ["silu"], "silu"),
            node("Div", ["silu", "sqrt2"], ["d"], "div"),
            node("Erf", ["d"], ["e"], "erf"),
            node("Add", ["e", "one"], ["a"], "add"),
            node("Mul", ["silu", "a"], ["m"], "mul"),
            node("Mul", ["m", "half"], ["y"], "gelu"),
        ],
        [floats("sqrt2", [1.4142135]), floats("one", [1.0]), floats("half", [0.5])],
    )
    net = load(tmp_path, m)
    assert [(layer.name, layer.function) for layer in net] == [("silu", "swish"), ("gelu", "gelu")]


@pytest.mark.parametrize(
    ("op", "attrs", "size", "stride", "out"),
    [
        ("MaxPool", {"kernel_shape": [3, 3], "strides": [2, 2], "pads": [1, 1, 1, 1]}, 3, 2, 4),
        ("AveragePool", {"kernel_shape": [3, 3], "strides": [2, 2], "ceil_mode": 1}, 3, 2, 4),
        ("AveragePool", {"kernel_shape": [2, 2], "count_include_pad": 1}, 2, 1, 7),
        ("GlobalAveragePool", {}, 8, 1, 1),
        ("GlobalMaxPool", {}, 8, 1, 1),
    ],
)
def test_pools(tmp_path, op, attrs, size, stride, out):
    (pool,) = load(tmp_path, model([node(op, ["x"], ["y"], "pool", **attrs)], [])).layers
    assert isinstance(pool, PoolLayer)
    assert (pool.size, pool.stride, pool.out_height) == (size, stride, out)
    assert pool.mode == ("max" if "Max" in op else "avg")


def test_reduce_mean_over_height_and_width_is_a_global_pool(tmp_path):
    m = model([node("ReduceMean", ["x"], ["y"], "mean", axes=[2, 3], keepdims=0)], [])
    (pool,) = load(tmp_path, m).layers
    assert (pool.kind, pool.size, pool.mode) == ("pool", 8, "avg")
    m = model([node("ReduceMean", ["x"], ["y"], "mean", axes=[1])], [])
    refused(tmp_path, m, "node 'mean' (ReduceMean)", "global pool")


def test_a_non_square_global_pool_is_refused(tmp_path):
    m = model([node("GlobalAveragePool", ["x"], ["y"], "gap")], [], ["N", 3, 8, 6])
    refused(tmp_path, m, "node 'gap'", "square")


def test_concat_on_channels_and_refused_elsewhere(tmp_path):
    m = model(
        [node("Relu", ["x"], ["r"], "r"), node("Concat", ["x", "r"], ["y"], "cat", axis=1)], []
    )
    cat = load(tmp_path, m).layer("cat")
    assert (cat.kind, cat.input_channels, cat.inputs) == ("concat", (3, 3), (INPUT, "r"))
    m = model([node("Concat", ["x", "x"], ["y"], "cat", axis=2)], [])
    refused(tmp_path, m, "node 'cat' (Concat)", "channel concatenation")


def test_channel_shuffle_split_and_slice(tmp_path):
    """ShuffleNet v2: split the channels, convolve one half, concat, shuffle in 2 groups."""
    m = model(
        [
            node("Conv", ["x", "w0"], ["c0"], "expand"),
            node("Split", ["c0", "halves"], ["a", "b"], "split", axis=1),
            node("Conv", ["b", "w1"], ["cb"], "branch"),
            node("Concat", ["a", "cb"], ["cat"], "cat", axis=1),
            node("Reshape", ["cat", "grouped"], ["g"], "group"),
            node("Transpose", ["g"], ["t"], "swap", perm=[0, 2, 1, 3, 4]),
            node("Reshape", ["t", "flat"], ["sh"], "shuffle"),
            node("Slice", ["sh", "s0", "s1", "s2"], ["y"], "slice"),
        ],
        [
            weight("w0", 4, 3, 1, 1),
            ints("halves", [2, 2]),
            weight("w1", 2, 2, 1, 1),
            ints("grouped", [1, 2, 2, 8, 8]),
            ints("flat", [1, 4, 8, 8]),
            ints("s0", [1]),
            ints("s1", [3]),
            ints("s2", [1]),
        ],
    )
    net = load(tmp_path, m)
    assert kinds(net) == [("conv", ""), ("slice", ""), ("slice", ""), ("conv", ""), ("concat", ""),
                          ("reshape", "shuffle"), ("slice", "")]  # fmt: skip
    first, second = net.layer("split:0"), net.layer("split:1")
    assert (first.start, first.stop, second.start, second.stop) == (0, 2, 2, 4)
    assert (net.layer("shuffle").inputs, net.layer("slice").start) == (("cat",), 1)


def test_a_shape_subgraph_feeding_a_reshape_is_folded(tmp_path):
    """Shape -> Gather -> Unsqueeze -> Concat -> Reshape, as exporters write x.view(n, -1)."""
    m = model(
        [
            node("Shape", ["x"], ["shape"], "shape"),
            node("Gather", ["shape", "zero"], ["n"], "gather", axis=0),
            node("Unsqueeze", ["n", "axes"], ["n1"], "unsqueeze"),
            node("Concat", ["n1", "minus1"], ["target"], "target", axis=0),
            node("Reshape", ["x", "target"], ["f"], "reshape"),
            node("Gemm", ["f", "w"], ["y"], "fc", transB=1),
        ],
        [scalar("zero", 0), ints("axes", [0]), ints("minus1", [-1]), weight("w", 5, 192)],
    )
    net = load(tmp_path, m)
    assert kinds(net) == [("fc", "")] and net.layers[0].filter_height == 8


def test_a_shape_subgraph_that_inference_leaves_open_is_folded(tmp_path, monkeypatch):
    """x.view(n, 2, c // 2, h, w) (ShuffleNet): ONNX data propagation does not divide, so the
    target is folded by the reference evaluator and fed back to shape inference."""
    import accelsim.interop.onnx.reading as reading

    parts = [node("Gather", ["shape", scalar_name], [f"d{i}"], f"gather{i}", axis=0)
             for i, scalar_name in enumerate(["i0", "i1", "i2", "i3"])]  # fmt: skip
    m = model(
        [
            node("Conv", ["x", "w"], ["c"], "conv"),
            node("Shape", ["c"], ["shape"], "shape"),
            *parts,
            node("Div", ["d1", "two"], ["half"], "half"),
            *(
                node("Unsqueeze", [t, "ax"], [f"u{t}"], f"unsqueeze_{t}")
                for t in ("d0", "half", "d2", "d3")
            ),  # fmt: skip
            node("Concat", ["ud0", "two1", "uhalf", "ud2", "ud3"], ["target"], "target", axis=0),
            node("Reshape", ["c", "target"], ["g"], "group"),
            node("Transpose", ["g"], ["t"], "swap", perm=[0, 2, 1, 3, 4]),
            node("Reshape", ["t", "flat"], ["sh"], "ungroup"),
            node("Relu", ["sh"], ["y"], "relu"),
        ],
        [
            weight("w", 4, 3, 1, 1),
            *(scalar(f"i{i}", i) for i in range(4)),
            scalar("two", 2),
            ints("two1", [2]),
            ints("ax", [0]),
            ints("flat", [1, 4, 8, 8]),
        ],  # fmt: skip
    )
    net = load(tmp_path, m)
    assert kinds(net) == [("conv", ""), ("reshape", "shuffle"), ("activation", "relu")]
    monkeypatch.setattr(reading, "MAX_FOLD_ROUNDS", 0)
    refused(tmp_path, m, "node 'group' (Reshape)", "not known after shape inference")


def test_identity_dropout_squeeze_unsqueeze_make_no_layer(tmp_path):
    m = model(
        [
            node("Identity", ["x"], ["i"], "id"),
            node("Dropout", ["i"], ["d"], "drop"),
            node("Unsqueeze", ["d", "ax"], ["u"], "unsq"),
            node("Squeeze", ["u", "ax"], ["s"], "sq"),
            node("Relu", ["s"], ["y"], "relu"),
        ],
        [ints("ax", [4])],
    )
    net = load(tmp_path, m)
    assert kinds(net) == [("activation", "relu")] and net.layers[0].inputs == (INPUT,)


def test_a_flatten_that_a_relu_reads_is_a_flatten_layer(tmp_path):
    m = model([node("Flatten", ["x"], ["f"], "flat"), node("Relu", ["f"], ["y"], "relu")], [])
    net = load(tmp_path, m)
    assert kinds(net) == [("reshape", "flatten"), ("activation", "relu")]
    assert net.layers[0].output_shape.channels == 192


def test_unknown_operators_are_refused_or_passed_through(tmp_path):
    m = model(
        [
            node("Relu", ["x"], ["r"], "relu"),
            node("Foo", ["r"], ["u"], "odd", domain="my.ops"),
            node("Erf", ["u"], ["y"], "erf"),
        ],  # fmt: skip
        [],
    )
    m.opset_import.append(helper.make_opsetid("my.ops", 1))
    refused(tmp_path, m, "node 'odd' (Foo)", "not supported", "--allow-unknown")
    result = import_onnx(save(m, tmp_path / "m.onnx"), allow_unknown=True)
    assert result.passed_through == (("odd", "Foo"), ("erf", "Erf"))
    assert kinds(result.network) == [("activation", "relu"), ("reshape", "reshape"),
                                     ("reshape", "reshape")]  # fmt: skip
    with pytest.warns(UserWarning, match="odd \\(Foo\\), erf \\(Erf\\)"):
        load(tmp_path, m, allow_unknown=True)


def test_vgg16_imports_as_the_built_in_geometry_without_its_weights(tmp_path):
    """External weights that do not exist: the importer never reads weights."""
    import accelsim

    net = load(tmp_path, vgg16())
    builtin = accelsim.load_network("vgg16")
    shape = ("in_channels", "in_height", "out_channels", "filter_height", "stride", "pad", "kind")
    ours = [tuple(getattr(x, f) for f in shape) for x in net if isinstance(x, ConvLayer)]
    theirs = [tuple(getattr(x, f) for f in shape) for x in builtin if isinstance(x, ConvLayer)]
    assert ours == theirs and net.macs == builtin.macs == 15_470_264_320
    pools = [(p.size, p.stride, p.out_height) for p in net if isinstance(p, PoolLayer)]
    assert pools == [(p.size, p.stride, p.out_height) for p in builtin if isinstance(p, PoolLayer)]


def test_every_table_entry_is_exercised_here():
    """The table of operators and this file agree: each operator has a test above."""
    import re
    from pathlib import Path

    text = Path(__file__).read_text()
    untested = [op for op in OPERATORS if not re.search(rf'"{op}"', text)]
    assert untested == [], untested

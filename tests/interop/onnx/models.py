"""Small ONNX models built in code for the importer's tests (no download, no torch)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

OPSET = 17


def weight(name: str, *dims: int, value: float | None = None) -> onnx.TensorProto:
    """A float32 initializer (random, or filled with `value`)."""
    rng = np.random.default_rng(abs(hash(name)) % 2**32)
    data = rng.random(dims, dtype=np.float32) if value is None else np.full(dims, value, "f4")
    return numpy_helper.from_array(data, name)


def ints(name: str, values: list[int]) -> onnx.TensorProto:
    return numpy_helper.from_array(np.array(values, dtype=np.int64), name)


def scalar(name: str, value: float, dtype: str = "i8") -> onnx.TensorProto:
    return numpy_helper.from_array(np.array(value, dtype=dtype), name)


def floats(name: str, values: list[float]) -> onnx.TensorProto:
    return numpy_helper.from_array(np.array(values, dtype=np.float32), name)


def external(name: str, *dims: int) -> onnx.TensorProto:
    """A float32 initializer whose data is in an external file (that need not exist)."""
    tensor = onnx.TensorProto(name=name, data_type=TensorProto.FLOAT, dims=list(dims))
    tensor.data_location = TensorProto.EXTERNAL
    entry = tensor.external_data.add()
    entry.key, entry.value = "location", f"{name}.bin"
    return tensor


def model(
    nodes: list[onnx.NodeProto],
    initializers: list[onnx.TensorProto],
    input_dims: list[int | str] | None = None,
    output: str = "y",
    opset: int = OPSET,
    inputs: list[onnx.ValueInfoProto] | None = None,
) -> onnx.ModelProto:
    """A model of one image input `x` (N x 3 x 8 x 8 unless given) and one output."""
    dims = input_dims or ["N", 3, 8, 8]
    graph = helper.make_graph(
        nodes,
        "test",
        inputs or [helper.make_tensor_value_info("x", TensorProto.FLOAT, dims)],
        [helper.make_tensor_value_info(output, TensorProto.FLOAT, None)],
        initializers,
    )
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset)])


def save(m: onnx.ModelProto, path: Path) -> Path:
    path.write_bytes(m.SerializeToString())
    return path


def node(op: str, inputs: list[str], outputs: list[str], name: str = "", **attrs) -> onnx.NodeProto:
    return helper.make_node(op, inputs, outputs, name=name or outputs[0], **attrs)


def conv_net() -> onnx.ModelProto:
    """conv (bias) -> batch norm -> relu -> max pool -> flatten -> gemm."""
    return model(
        [
            node("Conv", ["x", "w1", "b1"], ["c1"], "conv1", pads=[1, 1, 1, 1]),
            node("BatchNormalization", ["c1", "s", "bb", "m", "v"], ["bn1"], "bn1"),
            node("Relu", ["bn1"], ["r1"], "relu1"),
            node("MaxPool", ["r1"], ["p1"], "pool1", kernel_shape=[2, 2], strides=[2, 2]),
            node("Flatten", ["p1"], ["f"], "flat"),
            node("Gemm", ["f", "w2", "b2"], ["y"], "fc", transB=1),
        ],
        [
            weight("w1", 8, 3, 3, 3),
            weight("b1", 8),
            *(weight(n, 8) for n in ("s", "bb", "m", "v")),
            weight("w2", 10, 8 * 4 * 4),
            weight("b2", 10),
        ],
    )


VGG16 = [(64, 2), (128, 2), (256, 3), (512, 3), (512, 3)]
"""VGG-16's stages: filters and convolutions per stage, a 2 x 2 max pool after each."""


def vgg16(weights=external) -> onnx.ModelProto:
    """VGG-16 at 3 x 224 x 224 as torchvision exports it (Conv, Relu, MaxPool, Flatten, Gemm);
    `weights(name, *dims)` makes each weight (default: external data, not written)."""
    nodes, inits = [], []
    x, channels = "x", 3
    for stage, (filters, convs) in enumerate(VGG16, start=1):
        for i in range(1, convs + 1):
            name = f"conv{stage}_{i}"
            inits += [weights(f"{name}.w", filters, channels, 3, 3), weights(f"{name}.b", filters)]
            nodes += [
                node("Conv", [x, f"{name}.w", f"{name}.b"], [name], name, pads=[1, 1, 1, 1]),
                node("Relu", [name], [f"{name}.relu"], f"relu{stage}_{i}"),
            ]
            x, channels = f"{name}.relu", filters
        nodes.append(node("MaxPool", [x], [f"pool{stage}"], f"pool{stage}", kernel_shape=[2, 2],
                          strides=[2, 2]))  # fmt: skip
        x = f"pool{stage}"
    nodes.append(node("Flatten", [x], ["flat"], "flatten"))
    x, size = "flat", 512 * 7 * 7
    for i, outputs in ((6, 4096), (7, 4096), (8, 1000)):
        inits += [weights(f"fc{i}.w", outputs, size), weights(f"fc{i}.b", outputs)]
        out = "y" if i == 8 else f"fc{i}"
        nodes.append(node("Gemm", [x, f"fc{i}.w", f"fc{i}.b"], [out], f"fc{i}", transB=1))
        if i != 8:
            nodes.append(node("Relu", [out], [f"{out}.relu"], f"relu{i}"))
            out = f"{out}.relu"
        x, size = out, outputs
    return model(nodes, inits, ["N", 3, 224, 224])

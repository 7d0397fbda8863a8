"""An ONNX file as a parsed, shape-inferred graph: the image input fixed, every tensor's shape.

The file is read without the data of its large initializers (`wire`), parsed by `onnx`, its
image input given a batch of 1 and the height and width of the model (or of the caller's
override), and run through ONNX shape inference with data propagation, so shape-only subgraphs
(Shape, Gather, Concat feeding a Reshape) resolve to static shapes.
"""

from __future__ import annotations

import math
import os
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from accelsim.errors import AccelsimError
from accelsim.files.reading import short_repr
from accelsim.interop.onnx.folding import fold_constants, with_constants
from accelsim.interop.onnx.wire import strip_file
from accelsim.workload.layer import MAX_CHANNELS, MAX_EXTENT

if TYPE_CHECKING:
    import onnx

MAX_ONNX_BYTES = 2**31
"""Largest ONNX file read (2 GiB): protobuf's limit for one message; larger models keep their
weights in external data files, which are never read."""

MAX_UNREGISTERED = 256
"""Most nodes of operators unknown to `onnx` that --allow-unknown passes through (each costs one
more shape inference)."""


MAX_FOLD_ROUNDS = 256
"""Most rounds of constant folding and shape inference for shapes left open: each round
resolves the shape subgraphs that the previous round's shapes feed (ShuffleNet v2 takes one
per block, 17); folded nodes leave the graph, so a round evaluates only new ones."""


@dataclass(frozen=True)
class OnnxGraph:
    """A parsed, shape-inferred model: its graph, the image input's name and dimensions, every
    tensor's inferred dimensions (None: not static), initializers (by name), and the names of
    the initializers whose values were not read."""

    origin: str
    model: Any
    image: str
    image_dims: tuple[int, ...]
    dims: dict[str, tuple[int, ...] | None]
    initializers: dict[str, Any]
    stripped: frozenset[str]
    opset: int


def check_path(path: Path, origin: str) -> int:
    """The size of `path`, an existing regular file of at most MAX_ONNX_BYTES."""
    try:
        info = path.stat()
    except FileNotFoundError:
        raise AccelsimError(f"{origin} does not exist") from None
    except OSError as exc:
        raise AccelsimError(f"{origin}: {exc.strerror or exc}") from None
    if stat.S_ISDIR(info.st_mode):
        raise AccelsimError(f"{origin} is a directory, not a file")
    if not stat.S_ISREG(info.st_mode):
        raise AccelsimError(f"{origin} is not a regular file (a device, FIFO or socket)")
    if info.st_size > MAX_ONNX_BYTES:
        raise AccelsimError(
            f"{origin} is {info.st_size / 2**30:.1f} GiB; the limit is 2 GiB (keep the weights "
            "in ONNX external data files)"
        )
    if info.st_size == 0:
        raise AccelsimError(f"{origin} is empty")
    return info.st_size


def parse(path: Path, origin: str) -> tuple[onnx.ModelProto, frozenset[str]]:
    """The model in the file, large initializers without their data."""
    import onnx
    from google.protobuf.message import DecodeError

    data, stripped = strip_file(os.fspath(path), check_path(path, origin), origin)
    model = onnx.ModelProto()
    try:
        model.ParseFromString(data)
    except (DecodeError, RuntimeError, ValueError) as exc:
        raise AccelsimError(f"{origin} is not an ONNX model ({_first_line(exc)})") from None
    if not model.HasField("graph") or not model.graph.node:
        raise AccelsimError(f"{origin} is not an ONNX model (it has no graph nodes)")
    _check_text(model, origin)
    return model, frozenset(stripped)


def _check_text(model: onnx.ModelProto, origin: str) -> None:
    """Names that are not UTF-8 (protobuf hands them over as bytes) are refused."""
    graph = model.graph
    texts: list[object] = [e.domain for e in model.opset_import]
    for node in graph.node:
        texts += [node.name, node.op_type, node.domain, *node.input, *node.output]
    for infos in (graph.input, graph.output, graph.initializer):
        texts += [info.name for info in infos]
    if not all(isinstance(t, str) for t in texts):
        raise AccelsimError(f"{origin} is not an ONNX model (a name is not UTF-8 text)")


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return short_repr(text[0] if text else type(exc).__name__, 200).strip("'")


def _opset(model: onnx.ModelProto, origin: str) -> int:
    for entry in model.opset_import:
        if entry.domain in ("", "ai.onnx"):
            if not 1 <= entry.version <= 10_000:
                raise AccelsimError(f"{origin}: opset version {entry.version} is not valid")
            return int(entry.version)
    raise AccelsimError(f"{origin}: imports no version of the ONNX operator set")


def _image_input(
    model: onnx.ModelProto, origin: str, shape: tuple[int, int, int] | None
) -> tuple[str, tuple[int, ...]]:
    """The one graph input that is not an initializer, its dimensions set: batch 1, channels,
    height and width from the model or from `shape`."""
    graph = model.graph
    weights = {t.name for t in graph.initializer}
    inputs = [i for i in graph.input if i.name not in weights]
    if len(inputs) != 1:
        names = ", ".join(short_repr(i.name) for i in inputs[:4])
        raise AccelsimError(
            f"{origin}: has {len(inputs)} inputs ({names or 'none'}); accelsim takes a model "
            "of one image input"
        )
    image = inputs[0]
    name = short_repr(image.name)
    if not image.type.HasField("tensor_type") or not image.type.tensor_type.HasField("shape"):
        raise AccelsimError(f"{origin}: input {name} is not a tensor of known rank")
    dims = image.type.tensor_type.shape.dim
    if len(dims) != 4:
        raise AccelsimError(
            f"{origin}: input {name} has rank {len(dims)}; accelsim takes N x C x H x W images"
        )
    fixed: list[int] = [1]
    for i, (what, bound) in enumerate(
        (("channels", MAX_CHANNELS), ("height", MAX_EXTENT), ("width", MAX_EXTENT)), start=1
    ):
        dim = dims[i]
        if shape is not None:
            value = shape[i - 1]
        elif dim.HasField("dim_value"):
            value = dim.dim_value
        else:
            symbol = f" '{short_repr(dim.dim_param, 40)[1:-1]}'" if dim.dim_param else ""
            raise AccelsimError(
                f"{origin}: input {name} has a symbolic {what}{symbol}; give the image size "
                "(--input-shape CxHxW, or input_shape=(C, H, W))"
            )
        if not 1 <= value <= bound:
            raise AccelsimError(f"{origin}: input {name} {what} {value} is not in [1, {bound}]")
        fixed.append(int(value))
    for dim, value in zip(dims, fixed, strict=True):
        dim.Clear()
        dim.dim_value = value
    return image.name, tuple(fixed)


def _infer(model: onnx.ModelProto, origin: str, strict: bool) -> onnx.ModelProto:
    from onnx import shape_inference

    try:
        return shape_inference.infer_shapes(model, strict_mode=strict, data_prop=True)
    except Exception as exc:  # InferenceError, ValidationError, or protobuf's own
        raise AccelsimError(f"{origin}: shape inference failed: {_first_line(exc)}") from None


def _tensor_dims(value_type: Any) -> tuple[int, ...] | None:
    if not value_type.HasField("tensor_type") or not value_type.tensor_type.HasField("shape"):
        return None
    dims = []
    for dim in value_type.tensor_type.shape.dim:
        if not dim.HasField("dim_value") or dim.dim_value < 0:
            return None
        dims.append(int(dim.dim_value))
    return tuple(dims)


def _all_dims(model: onnx.ModelProto) -> dict[str, tuple[int, ...] | None]:
    graph = model.graph
    dims: dict[str, tuple[int, ...] | None] = {}
    for info in (*graph.value_info, *graph.input, *graph.output):
        got = _tensor_dims(info.type)
        if got is not None or info.name not in dims:
            dims[info.name] = got
    for tensor in graph.initializer:
        dims[tensor.name] = tuple(int(d) for d in tensor.dims)
    return dims


def _pass_through_shapes(model: onnx.ModelProto, origin: str) -> onnx.ModelProto:
    """Shape inference of a model with nodes `onnx` does not know: each such node's first
    output gets the type of its first input of known shape (a pass-through), one at a time."""
    import onnx.defs

    unknown = [n for n in model.graph.node if not onnx.defs.has(n.op_type, n.domain)]
    if len(unknown) > MAX_UNREGISTERED:
        raise AccelsimError(
            f"{origin}: has {len(unknown)} nodes of unknown operators; --allow-unknown passes "
            f"through at most {MAX_UNREGISTERED}"
        )
    inferred = _infer(model, origin, strict=False)
    for node in unknown:
        known = {i.name: i for i in (*inferred.graph.value_info, *inferred.graph.input)}
        if not node.output or node.output[0] in known:
            continue
        source = next((known[i] for i in node.input if i in known), None)
        if source is None:
            continue
        info = model.graph.value_info.add()
        info.CopyFrom(source)
        info.name = node.output[0]
        inferred = _infer(model, origin, strict=False)
    return inferred


def read_graph(
    path: Path,
    origin: str,
    input_shape: tuple[int, int, int] | None = None,
    allow_unknown: bool = False,
) -> OnnxGraph:
    """The model of `path`, shape-inferred with its image input fixed."""
    import onnx.defs

    model, stripped = parse(path, origin)
    opset = _opset(model, origin)
    image, image_dims = _image_input(model, origin, input_shape)
    del model.graph.value_info[:]  # exporters' shapes may hold the old image size
    for output in model.graph.output:
        if output.type.HasField("tensor_type"):
            output.type.tensor_type.ClearField("shape")
    if all(onnx.defs.has(n.op_type, n.domain) for n in model.graph.node):
        inferred = _infer(model, origin, strict=True)
    elif allow_unknown:
        inferred = _pass_through_shapes(model, origin)
    else:
        inferred = _infer(model, origin, strict=False)
    for _ in range(MAX_FOLD_ROUNDS):
        dims = _all_dims(inferred)
        if all(dims.get(t) is not None for n in inferred.graph.node for t in n.output if t):
            break
        folded = fold_constants(inferred, image, dims, stripped, opset)
        if not folded:
            break
        inferred = _infer(with_constants(inferred, folded), origin, strict=False)
    dims = _all_dims(inferred)
    initializers = {t.name: t for t in inferred.graph.initializer}
    for name, got in dims.items():
        if got is not None and math.prod(got) > 2**62:
            raise AccelsimError(f"{origin}: tensor {short_repr(name)} has dimensions {list(got)}")
    return OnnxGraph(origin, inferred, image, image_dims, dims, initializers, stripped, opset)

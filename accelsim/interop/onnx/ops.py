"""The operator table: ONNX op_type -> the handler that places the node in the network.

Each handler reads its node's inputs from the converter (activations and constants), appends the
layers it makes, and records its outputs. A node a handler cannot place raises AccelsimError with
the reason; the converter names the file, the node and the operator. docs/onnx.md lists every
entry, how it maps and what it refuses (a test checks the page against this table).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

from accelsim.errors import AccelsimError
from accelsim.files.reading import short_repr
from accelsim.interop.onnx.convert import Act, Converter, follow_axis, moves_words

Handler = Callable[[Converter, Any], None]


# Attributes and constants -------------------------------------------------------------------
def attr(node: Any, name: str, default: Any = None) -> Any:
    from onnx import helper

    for a in node.attribute:
        if a.name == name:
            try:
                return helper.get_attribute_value(a)
            except Exception:  # an attribute of no valid type
                raise AccelsimError(f"attribute {name} cannot be read") from None
    return default


def int_attr(node: Any, name: str, default: int) -> int:
    """An integer attribute (another type is an error naming it)."""
    value = attr(node, name, default)
    if isinstance(value, bool) or not isinstance(value, int):
        raise AccelsimError(f"attribute {name} must be an integer, got {short_repr(value)}")
    return value


def ints(node: Any, name: str, default: tuple[int, ...] = ()) -> tuple[int, ...]:
    """A list-of-integers attribute (another type is an error naming it)."""
    value = attr(node, name, None)
    if value is None:
        return default
    if not isinstance(value, list) or not all(isinstance(v, int) for v in value):
        raise AccelsimError(f"attribute {name} must be a list of integers, got {short_repr(value)}")
    return tuple(value)


def const_ints(cv: Converter, node: Any, index: int, what: str) -> tuple[int, ...] | None:
    """The integer values of constant input `index` (None when the input is omitted)."""
    if index >= len(node.input) or not node.input[index]:
        return None
    tname = node.input[index]
    if cv.is_act(tname):
        raise AccelsimError(f"its {what} ({short_repr(tname)}) is computed from the image")
    value = cv.value(tname)
    if value is None:
        raise AccelsimError(f"its {what} ({short_repr(tname)}) is not a known constant")
    return tuple(int(v) for v in value.reshape(-1))


def const_float(cv: Converter, node: Any, index: int) -> float | None:
    if index >= len(node.input) or not node.input[index]:
        return None
    value = cv.value(node.input[index])
    if value is None or value.size != 1:
        return None
    return float(value.reshape(-1)[0])


def norm_axis(axis: int, rank: int) -> int:
    if not -rank <= axis < rank:
        raise AccelsimError(f"axis {axis} is out of range for a tensor of rank {rank}")
    return axis % rank


def image_tensor(cv: Converter, tname: str) -> Act:
    """An N x C x H x W activation with its channels on axis 1 (what Conv and pools read)."""
    act = cv.real(tname)
    if len(act.dims) != 4 or act.axis != 1:
        raise AccelsimError(
            f"reads {short_repr(tname)} of dimensions {list(act.dims)} with channels on axis "
            f"{act.axis}; only N x C x H x W tensors are convolved or pooled (2-D)"
        )
    return act


def window(node: Any, dims: tuple[int, ...], kernel: tuple[int, int]) -> tuple[int, tuple]:
    """The one stride and (top, bottom, left, right) padding of a Conv or pool node."""
    dilations = ints(node, "dilations", (1, 1))
    if any(d != 1 for d in dilations):
        raise AccelsimError(f"dilations {list(dilations)} are not supported (only 1)")
    strides = ints(node, "strides", (1, 1))
    if len(strides) != 2 or strides[0] != strides[1]:
        raise AccelsimError(
            f"strides {list(strides)} differ; accelsim's layers have one stride for height "
            "and width"
        )
    auto = attr(node, "auto_pad", b"NOTSET")
    auto = auto.decode() if isinstance(auto, bytes) else str(auto)
    stride = strides[0]
    if auto in ("SAME_UPPER", "SAME_LOWER"):
        pads = []
        for extent, k in zip(dims[2:], kernel, strict=True):
            total = max((math.ceil(extent / stride) - 1) * stride + k - extent, 0)
            small, big = total // 2, total - total // 2
            pads.append((small, big) if auto == "SAME_UPPER" else (big, small))
        return stride, (pads[0][0], pads[0][1], pads[1][0], pads[1][1])
    if auto == "VALID":
        return stride, (0, 0, 0, 0)
    if auto != "NOTSET":
        raise AccelsimError(f"auto_pad {short_repr(auto)} is not valid")
    pads = ints(node, "pads", (0, 0, 0, 0))
    if len(pads) != 4:
        raise AccelsimError(f"pads {list(pads)} are not [top, left, bottom, right]")
    return stride, (pads[0], pads[2], pads[1], pads[3])


# Convolution and matrix products ------------------------------------------------------------
def conv(cv: Converter, node: Any) -> None:
    x = image_tensor(cv, node.input[0])
    if len(node.input) < 2 or cv.is_act(node.input[1]):
        raise AccelsimError("its weights are computed from the image (a dynamic convolution)")
    w = cv.dims(node.input[1])
    if len(w) != 4:
        raise AccelsimError(f"weights of dimensions {list(w)}; only 2-D convolutions are modelled")
    groups = int_attr(node, "group", 1)
    kernel = ints(node, "kernel_shape", (w[2], w[3]))
    if kernel != (w[2], w[3]):
        raise AccelsimError(f"kernel_shape {list(kernel)} disagrees with the weights {list(w)}")
    if groups < 1 or x.dims[1] != w[1] * groups:
        raise AccelsimError(
            f"{x.dims[1]} input channels do not match weights {list(w)} in {groups} groups"
        )
    stride, pad = window(node, x.dims, kernel)
    name = cv.layer_name(cv.node_name(node))
    cv.builder.conv(name, w[0], kernel, stride=stride, pad=pad, groups=groups, inputs=x.layer)
    cv.produced(node.output[0], name, 1, foldable=True)


def _weight_dims(cv: Converter, node: Any, index: int) -> tuple[int, ...]:
    tname = node.input[index]
    if cv.is_act(tname):
        raise AccelsimError(
            "multiplies two tensors computed from the image (attention-like products are "
            "not modelled)"
        )
    return cv.dims(tname)


def _fc(cv: Converter, node: Any, a_name: str, k: int, n: int) -> None:
    """A fully connected layer of `n` outputs over the `k` words of `a_name`; a flatten (no
    word moved) of a C x H x W tensor is read directly, as an H x W filter over it."""
    a = cv.act(a_name)
    base = a.base
    name = cv.layer_name(cv.node_name(node))
    if base is not None and not a.moved and base.shape.size == k == a.shape.channels:
        cv.builder.fc(name, n, inputs=base.layer)
    else:
        real = cv.real(a_name)
        if real.shape.size != k or real.shape.channels != k:
            raise AccelsimError(
                f"reads {short_repr(a_name)} of dimensions {list(real.dims)}, not a vector of {k}"
            )
        cv.builder.fc(name, n, inputs=real.layer)
    out = node.output[0]
    cv.produced(out, name, len(cv.dims(out)) - 1, foldable=True)


def gemm(cv: Converter, node: Any) -> None:
    if int_attr(node, "transA", 0):
        raise AccelsimError("transA = 1 is not supported (the image must be the rows of A)")
    b = _weight_dims(cv, node, 1)
    if len(node.input) > 2 and node.input[2] and cv.is_act(node.input[2]):
        raise AccelsimError("its addend C is computed from the image")
    if len(b) != 2:
        raise AccelsimError(f"B of dimensions {list(b)} is not a matrix")
    k, n = (b[1], b[0]) if int_attr(node, "transB", 0) else (b[0], b[1])
    _fc(cv, node, node.input[0], k, n)


def matmul(cv: Converter, node: Any) -> None:
    if not cv.is_act(node.input[0]):
        raise AccelsimError("multiplies a constant by a tensor from the left (only X @ W)")
    b = _weight_dims(cv, node, 1)
    if len(b) != 2:
        raise AccelsimError(f"the weight of dimensions {list(b)} is not a matrix")
    k, n = b
    a = cv.act(node.input[0])
    if a.shape.size == k:
        _fc(cv, node, node.input[0], k, n)
        return
    if a.axis != len(a.dims) - 1 or a.dims[a.axis] != k:
        raise AccelsimError(
            f"contracts the last axis of {list(a.dims)}, which holds no channels (channels on "
            f"axis {a.axis})"
        )
    real = cv.real(node.input[0])
    name = cv.layer_name(cv.node_name(node))
    cv.builder.conv(name, n, 1, inputs=real.layer)  # the same product at every position
    cv.produced(node.output[0], name, real.axis, foldable=True)


# Element-wise -------------------------------------------------------------------------------
ELTWISE = {"Add": "add", "Sub": "sub", "Mul": "mul", "Div": "div", "Sum": "add", "Max": "max",
           "Min": "min", "Mean": "add"}  # fmt: skip


def eltwise(cv: Converter, node: Any) -> None:
    op = ELTWISE[node.op_type]
    tensors = [t for t in node.input if t and cv.is_act(t)]
    out = node.output[0]
    out_dims = cv.dims(out)
    if len(tensors) >= 2:
        reals = [cv.real(t) for t in tensors]
        widest = max(reals, key=lambda a: math.prod(a.dims))
        if widest.dims != out_dims:
            raise AccelsimError(
                f"broadcasts its tensors to {list(out_dims)}, larger than any of them"
            )
        name = cv.layer_name(cv.node_name(node))
        cv.builder.eltwise(name, op, [r.layer for r in reals])
        cv.produced(out, name, widest.axis)
        return
    x = cv.act(tensors[0])
    if x.dims != out_dims:
        raise AccelsimError(
            f"broadcasts {list(x.dims)} to {list(out_dims)} (a constant larger than the tensor)"
        )
    if node.op_type == "Div" and node.input[0] != tensors[0]:
        raise AccelsimError("divides a constant by a tensor (a reciprocal is not modelled)")
    chain = _erf_gelu(cv, node, tensors[0]) if node.op_type == "Div" else None
    if chain is not None:
        real = cv.real(tensors[0])
        name = cv.layer_name(cv.node_name(chain[-1]))
        cv.builder.activation(name, "gelu", inputs=real.layer)
        cv.produced(chain[-1].output[0], name, real.axis)
        cv.done.update(id(n) for n in chain)
        return
    constant = next(t for t in node.input if t and t != tensors[0])
    const_dims = cv.graph.dims.get(constant)
    per_channel = const_dims is not None and math.prod(const_dims) in (1, x.dims[x.axis])
    if (
        node.op_type in ("Add", "Sub", "Mul", "Div")
        and x.foldable
        and per_channel
        and cv.sole_consumer(tensors[0]) is node
    ):
        cv.alias(out, x, foldable=True)  # a bias or scale folded into the weights
        return
    affine(cv, node, tensors[0])


def _erf_gelu(cv: Converter, div: Any, x: str) -> list[Any] | None:
    """The nodes after `div` of the exact GELU as exporters write it, x * (1 + erf(x / c)) * k
    (the last Mul optional), each the sole reader of the one before; None if they are not."""
    chain = []
    previous = div.output[0]
    for op in ("Erf", "Add", "Mul", "Mul"):
        nxt = cv.sole_consumer(previous)
        if nxt is None or nxt.op_type != op or nxt.domain not in ("", "ai.onnx"):
            break
        others = [t for t in nxt.input if t != previous]
        if op == "Mul" and len(chain) == 2:
            if others != [x]:
                return None
        elif op != "Erf" and (len(others) != 1 or cv.is_act(others[0])):
            break
        chain.append(nxt)
        previous = nxt.output[0]
    return chain if len(chain) >= 3 else None


def affine(cv: Converter, node: Any, tname: str) -> None:
    real = cv.real(tname)
    name = cv.layer_name(cv.node_name(node))
    cv.builder.activation(name, "affine", inputs=real.layer)
    cv.produced(node.output[0], name, real.axis)


def batchnorm(cv: Converter, node: Any) -> None:
    x = cv.act(node.input[0])
    if x.foldable and cv.sole_consumer(node.input[0]) is node:
        cv.alias(node.output[0], x, foldable=True)  # folded into the convolution's weights
        return
    affine(cv, node, node.input[0])


def layernorm(cv: Converter, node: Any) -> None:
    affine(cv, node, node.input[0])


# Activations --------------------------------------------------------------------------------
FUNCTIONS = {"Relu": "relu", "Sigmoid": "sigmoid", "Tanh": "tanh", "LeakyRelu": "leaky_relu",
             "HardSigmoid": "hard_sigmoid", "HardSwish": "hard_swish", "Softmax": "softmax",
             "LogSoftmax": "softmax", "Gelu": "gelu", "Clip": "clip"}  # fmt: skip

GATED = {"sigmoid": "swish", "hard_sigmoid": "hard_swish"}
"""x * f(x) as one activation: SiLU (Sigmoid then Mul) and hard-swish (HardSigmoid then Mul)."""


def activation(cv: Converter, node: Any) -> None:
    function = FUNCTIONS[node.op_type]
    src = node.input[0]
    if node.op_type == "Clip":
        low = const_float(cv, node, 1) if cv.graph.opset >= 11 else attr(node, "min")
        high = const_float(cv, node, 2) if cv.graph.opset >= 11 else attr(node, "max")
        low, high = (v if isinstance(v, float) else None for v in (low, high))
        if low == 0.0 and high == 6.0:
            function = "relu6"
        elif low == 0.0 and (high is None or math.isinf(high)):
            function = "relu"
    gated = _gate(cv, node, src) if function in GATED else None
    real = cv.real(src)
    if gated is not None:
        name = cv.layer_name(cv.node_name(gated))
        cv.builder.activation(name, GATED[function], inputs=real.layer)
        cv.produced(gated.output[0], name, real.axis)
        cv.done.add(id(gated))
        return
    name = cv.layer_name(cv.node_name(node))
    cv.builder.activation(name, function, inputs=real.layer)
    cv.produced(node.output[0], name, real.axis)


def _gate(cv: Converter, node: Any, src: str) -> Any | None:
    """The Mul that alone reads this node's output and multiplies it by the node's input."""
    mul = cv.sole_consumer(node.output[0])
    if mul is None or mul.op_type != "Mul" or mul.domain not in ("", "ai.onnx"):
        return None
    if sorted(mul.input) != sorted((src, node.output[0])):
        return None
    return mul


# Pooling ------------------------------------------------------------------------------------
def pool(cv: Converter, node: Any) -> None:
    x = image_tensor(cv, node.input[0])
    kernel = ints(node, "kernel_shape")
    if len(kernel) != 2 or kernel[0] != kernel[1]:
        raise AccelsimError(f"kernel_shape {list(kernel)} is not square")
    stride, pad = window(node, x.dims, kernel)
    ceil = bool(int_attr(node, "ceil_mode", 0))
    name = cv.layer_name(cv.node_name(node))
    mode = "max" if node.op_type == "MaxPool" else "avg"
    cv.builder.pool(name, kernel[0], stride, mode, pad=pad, ceil_mode=ceil, inputs=x.layer)
    cv.produced(node.output[0], name, 1)


def global_pool(cv: Converter, node: Any) -> None:
    x = image_tensor(cv, node.input[0])
    mode = "max" if node.op_type in ("GlobalMaxPool", "ReduceMax") else "avg"
    name = cv.layer_name(cv.node_name(node))
    cv.builder.global_pool(name, mode, inputs=x.layer)
    out = node.output[0]
    cv.produced(out, name, 1 if len(cv.dims(out)) > 1 else 0)


def reduce(cv: Converter, node: Any) -> None:
    x = cv.act(node.input[0])
    rank = len(x.dims)
    axes = const_ints(cv, node, 1, "axes") if len(node.input) > 1 else ints(node, "axes", ())
    spatial = {i for i in range(1, rank) if i != x.axis}
    if axes is None or not axes:
        axes = tuple(range(rank))
    if {norm_axis(a, rank) for a in axes} - {0} != spatial or rank != 4 or x.axis != 1:
        raise AccelsimError(
            f"reduces axes {list(axes)} of {list(x.dims)}; only a mean or max over height "
            "and width (a global pool) is modelled"
        )
    global_pool(cv, node)


# Joining and splitting ----------------------------------------------------------------------
def concat(cv: Converter, node: Any) -> None:
    tensors = [t for t in node.input if t]
    if not all(cv.is_act(t) for t in tensors):
        raise AccelsimError("joins constants with tensors computed from the image")
    reals = [cv.real(t) for t in tensors]
    axis = norm_axis(int_attr(node, "axis", 1), len(reals[0].dims))
    for t, r in zip(tensors, reals, strict=True):
        if r.axis != axis:
            raise AccelsimError(
                f"joins on axis {axis}, but {short_repr(t)} has its channels on axis {r.axis} "
                "(only channel concatenation is modelled)"
            )
    name = cv.layer_name(cv.node_name(node))
    cv.builder.concat(name, [r.layer for r in reals])
    cv.produced(node.output[0], name, axis)


def split(cv: Converter, node: Any) -> None:
    x = cv.real(node.input[0])
    axis = norm_axis(int_attr(node, "axis", 0), len(x.dims))
    if axis != x.axis:
        raise AccelsimError(
            f"splits axis {axis}, but the channels are on axis {x.axis} (only channel splits "
            "are modelled)"
        )
    start = 0
    base = cv.node_name(node)
    for i, out in enumerate(node.output):
        if not out:
            continue
        size = cv.dims(out)[axis]
        _slice(cv, x, out, start, start + size, f"{base}:{i}")
        start += size


def _slice(cv: Converter, x: Act, out: str, start: int, stop: int, node_name: str) -> None:
    if (start, stop) == (0, x.dims[x.axis]):
        cv.alias(out, x)
        return
    name = cv.layer_name(node_name)
    cv.builder.slice(name, start, stop, inputs=x.layer)
    cv.produced(out, name, x.axis)


def slice_(cv: Converter, node: Any) -> None:
    x = cv.act(node.input[0])
    rank = len(x.dims)
    if cv.graph.opset >= 10:
        starts = const_ints(cv, node, 1, "starts")
        ends = const_ints(cv, node, 2, "ends")
        axes = const_ints(cv, node, 3, "axes")
        steps = const_ints(cv, node, 4, "steps")
    else:
        starts, ends = ints(node, "starts"), ints(node, "ends")
        axes, steps = ints(node, "axes") or None, None
    if starts is None or ends is None or len(starts) != len(ends):
        raise AccelsimError("its starts and ends are missing or of different lengths")
    axes = axes if axes is not None else tuple(range(len(starts)))
    steps = steps if steps is not None else (1,) * len(starts)
    if not len(axes) == len(steps) == len(starts):
        raise AccelsimError("its starts, ends, axes and steps have different lengths")
    cut: dict[int, tuple[int, int]] = {}
    for a, s, e, step in zip(axes, starts, ends, steps, strict=True):
        a = norm_axis(a, rank)
        extent = x.dims[a]
        if step != 1:
            raise AccelsimError(f"step {step} on axis {a}; only contiguous slices are modelled")
        s = min(max(s + extent if s < 0 else s, 0), extent)
        e = min(max(e + extent if e < 0 else e, 0), extent)
        if (s, e) != (0, extent):
            cut[a] = (s, e)
    if set(cut) - {x.axis}:
        raise AccelsimError(
            f"slices axes {sorted(cut)} of {list(x.dims)}; only a slice of the channels (axis "
            f"{x.axis}) is modelled"
        )
    if not cut:
        cv.alias(node.output[0], x)
        return
    start, stop = cut[x.axis]
    if stop <= start:
        raise AccelsimError(f"the channel slice [{start}, {stop}) is empty")
    _slice(cv, cv.real(node.input[0]), node.output[0], start, stop, cv.node_name(node))


# Layout -------------------------------------------------------------------------------------
def layout(cv: Converter, node: Any) -> None:
    """Reshape, Flatten, Squeeze, Unsqueeze, Identity, Dropout, Cast: the same words in a new
    shape (a view; a layer only when a real operator reads it)."""
    x = cv.act(node.input[0])
    out = node.output[0]
    dims = cv.dims(out)
    if math.prod(dims) != math.prod(x.dims):
        raise AccelsimError(f"makes {list(dims)} of {list(x.dims)}: not the same words")
    axis = x.axis if dims == x.dims else follow_axis(x.dims, x.axis, dims)
    cv.view(out, x, dims, axis, False, cv.node_name(node))


def transpose(cv: Converter, node: Any) -> None:
    x = cv.act(node.input[0])
    rank = len(x.dims)
    perm = ints(node, "perm", tuple(reversed(range(rank))))
    if sorted(perm) != list(range(rank)):
        raise AccelsimError(f"perm {list(perm)} is not a permutation of {rank} axes")
    dims = tuple(x.dims[p] for p in perm)
    cv.view(node.output[0], x, dims, perm.index(x.axis), moves_words(x.dims, perm),
            cv.node_name(node))  # fmt: skip


def shape(cv: Converter, node: Any) -> None:
    """Shape and Size of a tensor from the image: constants, from shape inference."""
    import numpy as np

    dims = cv.act(node.input[0]).dims
    if node.op_type == "Size":
        value = np.array(math.prod(dims), dtype=np.int64)
    else:
        rank = len(dims)
        start = int_attr(node, "start", 0)
        end = int_attr(node, "end", rank)
        start, end = (max(0, min(rank, v + rank if v < 0 else v)) for v in (start, end))
        value = np.array(dims[start:end], dtype=np.int64)
    from accelsim.interop.onnx.convert import Const

    cv.env[node.output[0]] = Const(value, tuple(value.shape))


def pass_through(cv: Converter, node: Any) -> None:
    """--allow-unknown: a node of an unknown operator as a free reshape of its one tensor input
    (the words unchanged in number), listed in the import's `passed_through`."""
    tensors = [t for t in node.input if t and cv.is_act(t)]
    if len(tensors) != 1 or len([o for o in node.output if o]) != 1:
        raise AccelsimError(
            f"operator not supported, and --allow-unknown passes through only nodes of one "
            f"tensor input and one output (this one has {len(tensors)} and {len(node.output)})"
        )
    real = cv.real(tensors[0])
    out = node.output[0]
    dims = cv.dims(out)
    if math.prod(dims) != math.prod(real.dims):
        raise AccelsimError(
            f"operator not supported, and --allow-unknown cannot pass it through: it makes "
            f"{list(dims)} of {list(real.dims)}"
        )
    axis = real.axis if dims == real.dims else follow_axis(real.dims, real.axis, dims)
    name = cv.layer_name(cv.node_name(node))
    from accelsim.interop.onnx.convert import canonical

    cv.builder.reshape(name, canonical(dims, axis), "reshape", inputs=real.layer)
    cv.produced(out, name, axis)
    cv.passed.append((name, node.op_type))


OPERATORS: dict[str, Handler] = {
    "Conv": conv,
    "Gemm": gemm,
    "MatMul": matmul,
    **dict.fromkeys(ELTWISE, eltwise),
    "BatchNormalization": batchnorm,
    "LayerNormalization": layernorm,
    **dict.fromkeys(FUNCTIONS, activation),
    "MaxPool": pool,
    "AveragePool": pool,
    "GlobalAveragePool": global_pool,
    "GlobalMaxPool": global_pool,
    "ReduceMean": reduce,
    "ReduceMax": reduce,
    "Concat": concat,
    "Split": split,
    "Slice": slice_,
    **dict.fromkeys(
        ("Reshape", "Flatten", "Squeeze", "Unsqueeze", "Identity", "Dropout", "Cast"), layout
    ),
    "Transpose": transpose,
    "Shape": shape,
    "Size": shape,
}
"""Every operator the importer places; a node of any other is refused (or passed through with
--allow-unknown). Constant and every node whose inputs are all constants are folded before the
table is consulted."""

"""Layers without multiply-accumulates: element-wise ops, activations, reshapes and channel slices.

These are the nodes today's networks add between their convolutions: residual additions (ResNet),
squeeze-and-excitation scaling (a multiply that broadcasts a C x 1 x 1 tensor), activations that are
not fused into a convolution (sigmoid, hard-swish), flattening before a classifier, channel splits
and shuffles (ShuffleNet, MobileNet v2 exports). Each is a frozen dataclass that checks its own
fields; the network checks that its producers deliver the shapes it declares. None costs MACs;
`accelsim.workload.non_mac` says what work each does (ALU operations, words moved), and the models
either cost that work or list the layer as free (docs/layers.md).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import Literal

from accelsim.errors import AccelsimError
from accelsim.workload.layer import (
    MAX_CHANNELS,
    MAX_OUT_EXTENT,
    TensorShape,
    _check_common,
    _check_fraction,
    _check_int,
    _check_name,
    _check_tensor,
    show,
)

ELTWISE_OPS = ("add", "sub", "mul", "div", "max", "min")
"""Binary element-wise operations (n-ary for add, max and min: applied pairwise)."""

ACTIVATIONS = (
    "relu",
    "relu6",
    "clip",
    "leaky_relu",
    "sigmoid",
    "hard_sigmoid",
    "hard_swish",
    "swish",
    "tanh",
    "gelu",
    "affine",
    "softmax",
)
"""Unary functions applied word by word (`affine`: a per-channel scale and shift, such as a batch
normalisation that follows no convolution it could be folded into; `softmax` over the channels)."""

RESHAPE_OPS = ("flatten", "reshape", "transpose", "shuffle")
"""`flatten` and `reshape` reinterpret the words in place; `transpose` and `shuffle` (a channel
shuffle) permute them, which moves data."""


def _check_shape(layer: str, prefix: str, channels: int, height: int, width: int) -> None:
    for fname, value, bound in (
        ("channels", channels, MAX_CHANNELS),
        ("height", height, MAX_OUT_EXTENT),
        ("width", width, MAX_OUT_EXTENT),
    ):
        _check_int(layer, f"{prefix}{fname}", value, maximum=bound)
    _check_tensor(layer, "output" if not prefix else prefix.rstrip("_"), channels, height, width)


def _check_choice(layer: str, fname: str, value: object, choices: tuple[str, ...]) -> None:
    if not isinstance(value, str) or value not in choices:
        raise AccelsimError(
            f"layer '{layer}': {fname} must be one of {', '.join(choices)}, got {show(value)}"
        )


@dataclass(frozen=True)
class EltwiseLayer:
    """An element-wise operation over two or more tensors of the output's shape; an input may
    broadcast (a dimension of 1 stands for all), as a C x 1 x 1 excitation scales C x H x W."""

    name: str
    op: Literal["add", "sub", "mul", "div", "max", "min"]
    channels: int
    height: int
    width: int
    ofmap_zero: float = 0.0
    inputs: tuple[str, ...] = ()
    group_label: str = ""
    kind: str = field(default="eltwise", init=False)

    def __post_init__(self) -> None:
        n = self.name
        _check_name(n)
        _check_choice(n, "op", self.op, ELTWISE_OPS)
        _check_shape(n, "", self.channels, self.height, self.width)
        object.__setattr__(self, "inputs", _check_common(n, self.inputs, self.group_label))
        _check_fraction(n, "ofmap_zero", self.ofmap_zero)

    @cached_property
    def output_shape(self) -> TensorShape:
        return TensorShape(self.channels, self.height, self.width)

    @property
    def macs(self) -> int:
        return 0


@dataclass(frozen=True)
class ActivationLayer:
    """A unary function applied to every word of one input; the shape is unchanged."""

    name: str
    function: str
    channels: int
    height: int
    width: int
    ofmap_zero: float = 0.0
    inputs: tuple[str, ...] = ()
    group_label: str = ""
    kind: str = field(default="activation", init=False)

    def __post_init__(self) -> None:
        n = self.name
        _check_name(n)
        _check_choice(n, "function", self.function, ACTIVATIONS)
        _check_shape(n, "", self.channels, self.height, self.width)
        object.__setattr__(self, "inputs", _check_common(n, self.inputs, self.group_label))
        _check_fraction(n, "ofmap_zero", self.ofmap_zero)

    @property
    def input_shape(self) -> TensorShape:
        return TensorShape(self.channels, self.height, self.width)

    @cached_property
    def output_shape(self) -> TensorShape:
        return TensorShape(self.channels, self.height, self.width)

    @property
    def macs(self) -> int:
        return 0


@dataclass(frozen=True)
class ReshapeLayer:
    """The same words in another shape (`flatten`, `reshape`), or permuted (`transpose`, `shuffle`)."""

    name: str
    op: Literal["flatten", "reshape", "transpose", "shuffle"]
    in_channels: int
    in_height: int
    in_width: int
    out_channels: int
    out_height: int
    out_width: int
    ofmap_zero: float = 0.0
    inputs: tuple[str, ...] = ()
    group_label: str = ""
    kind: str = field(default="reshape", init=False)

    def __post_init__(self) -> None:
        n = self.name
        _check_name(n)
        _check_choice(n, "op", self.op, RESHAPE_OPS)
        _check_shape(n, "in_", self.in_channels, self.in_height, self.in_width)
        _check_shape(n, "out_", self.out_channels, self.out_height, self.out_width)
        words_in = self.in_channels * self.in_height * self.in_width
        words_out = self.out_channels * self.out_height * self.out_width
        if words_in != words_out:
            raise AccelsimError(
                f"layer '{n}': a {self.op} keeps the number of words, but {self.in_channels} x "
                f"{self.in_height} x {self.in_width} = {words_in} becomes {self.out_channels} x "
                f"{self.out_height} x {self.out_width} = {words_out}"
            )
        object.__setattr__(self, "inputs", _check_common(n, self.inputs, self.group_label))
        _check_fraction(n, "ofmap_zero", self.ofmap_zero)

    @property
    def moves_data(self) -> bool:
        """True when the words are permuted (a copy), not only reinterpreted."""
        return self.op in ("transpose", "shuffle")

    @property
    def input_shape(self) -> TensorShape:
        return TensorShape(self.in_channels, self.in_height, self.in_width)

    @cached_property
    def output_shape(self) -> TensorShape:
        return TensorShape(self.out_channels, self.out_height, self.out_width)

    @property
    def macs(self) -> int:
        return 0


@dataclass(frozen=True)
class SliceLayer:
    """Channels [start, stop) of its input (a channel split makes one slice per part)."""

    name: str
    in_channels: int
    start: int
    stop: int
    height: int
    width: int
    ofmap_zero: float = 0.0
    inputs: tuple[str, ...] = ()
    group_label: str = ""
    kind: str = field(default="slice", init=False)

    def __post_init__(self) -> None:
        n = self.name
        _check_name(n)
        _check_shape(n, "in_", self.in_channels, self.height, self.width)
        _check_int(n, "start", self.start, minimum=0, maximum=MAX_CHANNELS)
        _check_int(n, "stop", self.stop, maximum=MAX_CHANNELS)
        if not self.start < self.stop <= self.in_channels:
            raise AccelsimError(
                f"layer '{n}': a slice needs 0 <= start < stop <= in_channels, got start "
                f"{self.start}, stop {self.stop}, in_channels {self.in_channels}"
            )
        object.__setattr__(self, "inputs", _check_common(n, self.inputs, self.group_label))
        _check_fraction(n, "ofmap_zero", self.ofmap_zero)

    @property
    def input_shape(self) -> TensorShape:
        return TensorShape(self.in_channels, self.height, self.width)

    @cached_property
    def output_shape(self) -> TensorShape:
        return TensorShape(self.stop - self.start, self.height, self.width)

    @property
    def macs(self) -> int:
        return 0


def broadcasts_to(shape: TensorShape, target: TensorShape) -> bool:
    """True when every dimension of `shape` equals `target`'s or is 1 (numpy broadcasting)."""
    return all(
        s in (1, t)
        for s, t in zip(
            (shape.channels, shape.height, shape.width),
            (target.channels, target.height, target.width),
            strict=True,
        )
    )

"""Layer types: convolution (incl. grouped, 1x1 and fully connected), pooling and concatenation.

Every layer is a frozen dataclass that validates itself on construction and raises AccelsimError with
a one-line message naming the layer and the field. Sizes follow the usual convention: an input of
C x H x W, M filters of R x S (height x width) over C / groups channels, stride U, an output of
M x E x F. Padding is integer and may be asymmetric: (top, bottom, left, right).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Literal

from accelsim.errors import AccelsimError

Padding = tuple[int, int, int, int]


@dataclass(frozen=True)
class TensorShape:
    """A feature-map tensor of one image: channels x height x width."""

    channels: int
    height: int
    width: int

    @property
    def size(self) -> int:
        return self.channels * self.height * self.width


def _check_int(layer: str, name: str, value: object, minimum: int = 1) -> None:
    if isinstance(value, bool) or not isinstance(value, int):
        raise AccelsimError(f"layer '{layer}': {name} must be an integer, got {value!r}")
    if value < minimum:
        raise AccelsimError(f"layer '{layer}': {name} must be >= {minimum}, got {value}")


def _check_fraction(layer: str, name: str, value: float | None) -> None:
    if value is None:
        return
    if not isinstance(value, int | float) or isinstance(value, bool) or math.isnan(value):
        raise AccelsimError(f"layer '{layer}': {name} must be a number in [0, 1], got {value!r}")
    if not 0.0 <= value <= 1.0:
        raise AccelsimError(f"layer '{layer}': {name} must be in [0, 1], got {value}")


def _check_padding(layer: str, pad: Padding) -> None:
    if len(pad) != 4:
        raise AccelsimError(f"layer '{layer}': pad must be (top, bottom, left, right), got {pad!r}")
    for side, value in zip(("top", "bottom", "left", "right"), pad, strict=True):
        _check_int(layer, f"pad {side}", value, minimum=0)


def output_size(padded: int, window: int, stride: int, ceil_mode: bool = False) -> int:
    """Output extent of a sliding window over a padded extent."""
    steps = (padded - window) / stride
    return (math.ceil(steps) if ceil_mode else math.floor(steps)) + 1


@dataclass(frozen=True)
class ConvLayer:
    """A convolution; `kind="fc"` marks a fully connected layer (a filter that covers its input).

    `ifmap_zero` is the zero fraction of the padded input volume (what the energy models use);
    `ifmap_zero_unpadded` that of the unpadded input, and `ofmap_zero` that of the output. When only
    the unpadded fraction is given, the padded one follows from the padding (padding is zeros).
    `batch_n` optionally fixes the images processed together (the CNNergy reference's n2).
    """

    name: str
    in_channels: int
    in_height: int
    in_width: int
    out_channels: int
    filter_height: int
    filter_width: int
    stride: int = 1
    pad: Padding = (0, 0, 0, 0)
    groups: int = 1
    kind: Literal["conv", "fc"] = "conv"
    out_height: int | None = None
    out_width: int | None = None
    ifmap_zero: float | None = None
    ifmap_zero_unpadded: float | None = None
    ofmap_zero: float = 0.0
    batch_n: int | None = None
    inputs: tuple[str, ...] = ()
    group_label: str = ""

    def __post_init__(self) -> None:
        n = self.name
        if not isinstance(n, str) or not n:
            raise AccelsimError(f"layer name must be a non-empty string, got {n!r}")
        if self.kind not in ("conv", "fc"):
            raise AccelsimError(f"layer '{n}': kind must be 'conv' or 'fc', got {self.kind!r}")
        for fname in (
            "in_channels",
            "in_height",
            "in_width",
            "out_channels",
            "filter_height",
            "filter_width",
            "stride",
            "groups",
        ):
            _check_int(n, fname, getattr(self, fname))
        object.__setattr__(self, "pad", tuple(self.pad))
        _check_padding(n, self.pad)
        if self.in_channels % self.groups:
            raise AccelsimError(
                f"layer '{n}': in_channels {self.in_channels} not divisible by groups {self.groups}"
            )
        if self.out_channels % self.groups:
            raise AccelsimError(
                f"layer '{n}': out_channels {self.out_channels} not divisible by groups {self.groups}"
            )
        if self.filter_height > self.padded_height:
            raise AccelsimError(
                f"layer '{n}': filter_height {self.filter_height} exceeds the padded input height "
                f"{self.padded_height}"
            )
        if self.filter_width > self.padded_width:
            raise AccelsimError(
                f"layer '{n}': filter_width {self.filter_width} exceeds the padded input width "
                f"{self.padded_width}"
            )
        expect_h = output_size(self.padded_height, self.filter_height, self.stride)
        expect_w = output_size(self.padded_width, self.filter_width, self.stride)
        for fname, expect in (("out_height", expect_h), ("out_width", expect_w)):
            given = getattr(self, fname)
            if given is None:
                object.__setattr__(self, fname, expect)
                continue
            _check_int(n, fname, given)
            if given != expect:
                raise AccelsimError(
                    f"layer '{n}': {fname} {given} does not follow from input, padding, stride and "
                    f"filter (expected {expect})"
                )
        if self.kind == "fc" and (self.out_height != 1 or self.out_width != 1):
            raise AccelsimError(
                f"layer '{n}': a fully connected layer's filter must cover its input "
                f"(out_height x out_width = {self.out_height} x {self.out_width}, expected 1 x 1)"
            )
        _check_fraction(n, "ifmap_zero", self.ifmap_zero)
        _check_fraction(n, "ifmap_zero_unpadded", self.ifmap_zero_unpadded)
        _check_fraction(n, "ofmap_zero", self.ofmap_zero)
        if self.ifmap_zero is None:
            unpadded = self.ifmap_zero_unpadded or 0.0
            nonzero = (1.0 - unpadded) * self.in_height * self.in_width
            object.__setattr__(
                self, "ifmap_zero", 1.0 - nonzero / (self.padded_height * self.padded_width)
            )
        if self.batch_n is not None:
            _check_int(n, "batch_n", self.batch_n)
        object.__setattr__(self, "inputs", tuple(self.inputs))

    # Derived sizes -----------------------------------------------------------------------------
    @property
    def padded_height(self) -> int:
        return self.in_height + self.pad[0] + self.pad[1]

    @property
    def padded_width(self) -> int:
        return self.in_width + self.pad[2] + self.pad[3]

    @property
    def channels_per_group(self) -> int:
        """C: the input channels each filter sees."""
        return self.in_channels // self.groups

    @property
    def input_shape(self) -> TensorShape:
        return TensorShape(self.in_channels, self.in_height, self.in_width)

    @property
    def output_shape(self) -> TensorShape:
        return TensorShape(self.out_channels, self.out_height, self.out_width)

    @property
    def macs(self) -> int:
        """Multiply-accumulates of one image: R * S * C * M * E * F."""
        return (
            self.filter_height
            * self.filter_width
            * self.channels_per_group
            * self.out_channels
            * self.out_height
            * self.out_width
        )

    @property
    def filter_words(self) -> int:
        return self.filter_height * self.filter_width * self.channels_per_group * self.out_channels

    @property
    def unpadded_ifmap_zero(self) -> float:
        """Zero fraction of the input without padding: as given, else derived from the padded
        fraction (padding is all zeros), clipped to [0, 1]."""
        if self.ifmap_zero_unpadded is not None:
            return self.ifmap_zero_unpadded
        padded = self.padded_height * self.padded_width
        nonzero = (1.0 - float(self.ifmap_zero)) * padded / (self.in_height * self.in_width)
        return min(1.0, max(0.0, 1.0 - nonzero))

    @property
    def is_square(self) -> bool:
        return (
            self.in_height == self.in_width
            and self.filter_height == self.filter_width
            and self.pad[0] + self.pad[1] == self.pad[2] + self.pad[3]
        )


@dataclass(frozen=True)
class PoolLayer:
    """Max or average pooling; `ceil_mode` rounds the output size up as Caffe does."""

    name: str
    in_channels: int
    in_height: int
    in_width: int
    size: int
    stride: int
    mode: Literal["max", "avg"] = "max"
    pad: Padding = (0, 0, 0, 0)
    ceil_mode: bool = False
    out_height: int | None = None
    out_width: int | None = None
    ofmap_zero: float = 0.0
    inputs: tuple[str, ...] = ()
    group_label: str = ""
    kind: str = field(default="pool", init=False)

    def __post_init__(self) -> None:
        n = self.name
        if not isinstance(n, str) or not n:
            raise AccelsimError(f"layer name must be a non-empty string, got {n!r}")
        if self.mode not in ("max", "avg"):
            raise AccelsimError(f"layer '{n}': mode must be 'max' or 'avg', got {self.mode!r}")
        for fname in ("in_channels", "in_height", "in_width", "size", "stride"):
            _check_int(n, fname, getattr(self, fname))
        object.__setattr__(self, "pad", tuple(self.pad))
        _check_padding(n, self.pad)
        ph = self.in_height + self.pad[0] + self.pad[1]
        pw = self.in_width + self.pad[2] + self.pad[3]
        if self.size > ph or self.size > pw:
            raise AccelsimError(
                f"layer '{n}': size {self.size} exceeds the padded input {ph} x {pw}"
            )
        for fname, padded in (("out_height", ph), ("out_width", pw)):
            expect = output_size(padded, self.size, self.stride, self.ceil_mode)
            given = getattr(self, fname)
            if given is None:
                object.__setattr__(self, fname, expect)
            elif given != expect:
                raise AccelsimError(
                    f"layer '{n}': {fname} {given} does not follow from input, padding, stride and "
                    f"size (expected {expect})"
                )
        _check_fraction(n, "ofmap_zero", self.ofmap_zero)
        object.__setattr__(self, "inputs", tuple(self.inputs))

    @property
    def input_shape(self) -> TensorShape:
        return TensorShape(self.in_channels, self.in_height, self.in_width)

    @property
    def output_shape(self) -> TensorShape:
        return TensorShape(self.in_channels, self.out_height, self.out_width)

    @property
    def macs(self) -> int:
        return 0


@dataclass(frozen=True)
class ConcatLayer:
    """Joins its inputs along the channel axis; every input must have the same height and width."""

    name: str
    input_channels: tuple[int, ...]
    height: int
    width: int
    ofmap_zero: float = 0.0
    inputs: tuple[str, ...] = ()
    group_label: str = ""
    kind: str = field(default="concat", init=False)

    def __post_init__(self) -> None:
        n = self.name
        if not isinstance(n, str) or not n:
            raise AccelsimError(f"layer name must be a non-empty string, got {n!r}")
        object.__setattr__(self, "input_channels", tuple(self.input_channels))
        object.__setattr__(self, "inputs", tuple(self.inputs))
        if len(self.input_channels) < 1:
            raise AccelsimError(f"layer '{n}': a concatenation needs at least one input")
        for c in self.input_channels:
            _check_int(n, "input channels", c)
        _check_int(n, "height", self.height)
        _check_int(n, "width", self.width)
        _check_fraction(n, "ofmap_zero", self.ofmap_zero)

    @property
    def output_shape(self) -> TensorShape:
        return TensorShape(sum(self.input_channels), self.height, self.width)

    @property
    def macs(self) -> int:
        return 0


Layer = ConvLayer | PoolLayer | ConcatLayer

"""Layer types: convolution (incl. grouped, 1x1 and fully connected), pooling and concatenation.

Every layer is a frozen dataclass that validates itself on construction and raises AccelsimError with
a one-line message naming the layer and the field. Sizes follow the usual convention: an input of
C x H x W, M filters of R x S (height x width) over C / groups channels, stride U, an output of
M x E x F. Padding is integer and may be asymmetric: (top, bottom, left, right).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from functools import cached_property
from typing import Literal

from accelsim.errors import AccelsimError
from accelsim.files.reading import short_repr

Padding = tuple[int, int, int, int]

MAX_EXTENT = 2**16
"""Largest height or width of a feature map (65,536): beyond any image a CNN accelerator is
studied on (224 to 1024 typical, 8k x 8k remote-sensing tiles) and any GEMM dimension SCALE-Sim
maps to a height or width; larger is a typo or an overflow."""

MAX_CHANNELS = 2**20
"""Most channels (or filters) of a tensor (1,048,576): real layers have up to a few thousand
(4096 in VGG fully connected layers, 25,088 in a flattened FC input, a 250k-token vocabulary as
a GEMM N); a million leaves room and still keeps every product of sizes far from int64."""

MAX_PAD = 1024
"""Largest padding on one side: real pads are at most half a (dilated) filter (3 for a 7 x 7,
24 in DeepLab's atrous layers); more is padding that dwarfs the feature map."""

MAX_OUT_EXTENT = MAX_EXTENT + 2 * MAX_PAD
"""Largest padded extent, so the largest filter, window or output extent."""


MAX_BATCH_N = 4096
"""Most images processed together (`batch_n`): training batches are 256 to a few thousand."""

MAX_LAYER_MACS = 10**12
"""Most multiply-accumulates of one layer for one image (1 TMAC): VGG-16's largest layer at
1024 x 1024 is 39 GMAC and at 4096 x 4096 0.6 TMAC, an 8192-cubed GEMM 0.55 TMAC; more is no
real layer and would ask the simulators for unbounded work."""

MAX_TENSOR_WORDS = 2**36
"""Most words of one feature map (C x H x W, 68.7 G): a 4096-channel 1024 x 1024 map is 4.3 G."""

MAX_NAME_CHARS = 256
"""Longest layer name or group label: exported names ("/backbone/layer1/0/conv1/Conv") are far
shorter; a longer one would flood every message and report that names it."""


@dataclass(frozen=True)
class TensorShape:
    """A feature-map tensor of one image: channels x height x width."""

    channels: int
    height: int
    width: int

    def __post_init__(self) -> None:
        c, h, w = self.channels, self.height, self.width
        if (
            type(c) is int
            and type(h) is int
            and type(w) is int
            and 1 <= c <= MAX_CHANNELS
            and 1 <= h <= MAX_OUT_EXTENT
            and 1 <= w <= MAX_OUT_EXTENT
            and c * h * w <= MAX_TENSOR_WORDS
        ):
            return  # the common case, checked fast (networks of 100k layers)
        for fname, bound in (("channels", MAX_CHANNELS), ("height", MAX_OUT_EXTENT),
                             ("width", MAX_OUT_EXTENT)):  # fmt: skip
            value = getattr(self, fname)
            if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= bound:
                raise AccelsimError(
                    f"tensor {fname} must be an integer in [1, {bound}], got {show(value)}"
                )
        _check_tensor("", "tensor", self.channels, self.height, self.width)

    @property
    def size(self) -> int:
        return self.channels * self.height * self.width


def show(value: object) -> str:
    """A user value shortened for a message; an integer too long to print names its size."""
    if isinstance(value, int) and not isinstance(value, bool) and value.bit_length() > 128:
        return f"an integer of about {int(value.bit_length() * 0.30103)} digits"
    return short_repr(value)


_BOUNDS = {
    "in_channels": MAX_CHANNELS,
    "out_channels": MAX_CHANNELS,
    "groups": MAX_CHANNELS,
    "in_height": MAX_EXTENT,
    "in_width": MAX_EXTENT,
    "filter_height": MAX_OUT_EXTENT,
    "filter_width": MAX_OUT_EXTENT,
    "size": MAX_OUT_EXTENT,
    "stride": MAX_EXTENT,
    "out_height": MAX_OUT_EXTENT,
    "out_width": MAX_OUT_EXTENT,
    "batch_n": MAX_BATCH_N,
}
"""The largest value of each integer field (a filter or window may cover a padded input)."""

BOUND_NAMES = {
    MAX_CHANNELS: "MAX_CHANNELS",
    MAX_EXTENT: "MAX_EXTENT",
    MAX_OUT_EXTENT: "MAX_OUT_EXTENT",
    MAX_PAD: "MAX_PAD",
    MAX_BATCH_N: "MAX_BATCH_N",
}


def _check_int(
    layer: str, name: str, value: object, minimum: int = 1, maximum: int | None = None
) -> None:
    """An int (not a bool, not a float) in [minimum, maximum] (default: the field's bound)."""
    if maximum is None:
        maximum = _BOUNDS.get(name)
    if type(value) is int and minimum <= value and (maximum is None or value <= maximum):
        return
    if isinstance(value, bool) or not isinstance(value, int):
        raise AccelsimError(f"layer '{layer}': {name} must be an integer, got {show(value)}")
    if value < minimum:
        raise AccelsimError(f"layer '{layer}': {name} must be >= {minimum}, got {show(value)}")
    if maximum is not None and value > maximum:
        raise AccelsimError(
            f"layer '{layer}': {name} {show(value)} exceeds {maximum} "
            f"({BOUND_NAMES.get(maximum, 'the limit')})"
        )


def _check_fraction(layer: str, name: str, value: float | None) -> None:
    if value is None:
        return
    if not isinstance(value, int | float) or isinstance(value, bool) or math.isnan(value):
        raise AccelsimError(
            f"layer '{layer}': {name} must be a number in [0, 1], got {show(value)}"
        )
    if not 0.0 <= value <= 1.0:
        raise AccelsimError(f"layer '{layer}': {name} must be in [0, 1], got {show(value)}")


def _check_padding(layer: str, pad: Padding) -> None:
    if len(pad) != 4:
        raise AccelsimError(
            f"layer '{layer}': pad must be (top, bottom, left, right), got {show(pad)}"
        )
    for side, value in zip(("top", "bottom", "left", "right"), pad, strict=True):
        _check_int(layer, f"pad {side}", value, minimum=0, maximum=MAX_PAD)


def _check_name(name: object) -> None:
    """A non-empty printable string of at most MAX_NAME_CHARS characters."""
    if not isinstance(name, str) or not name:
        raise AccelsimError(f"layer name must be a non-empty string, got {show(name)}")
    if len(name) > MAX_NAME_CHARS:
        raise AccelsimError(
            f"layer name {show(name)} has {len(name)} characters; the limit is "
            f"{MAX_NAME_CHARS} (MAX_NAME_CHARS)"
        )
    if not name.isprintable():
        raise AccelsimError(f"layer name {show(name)} contains a control character")


def _check_common(layer: str, inputs: object, group_label: object) -> tuple[str, ...]:
    """`inputs` as a tuple of strings, and a string group label of bounded length."""
    if isinstance(inputs, str) or not isinstance(inputs, list | tuple):
        raise AccelsimError(
            f"layer '{layer}': inputs must be a tuple of layer names, got {show(inputs)}"
        )
    for src in inputs:
        if not isinstance(src, str):
            raise AccelsimError(f"layer '{layer}': inputs must be layer names, got {show(src)}")
    if not isinstance(group_label, str) or len(group_label) > MAX_NAME_CHARS:
        raise AccelsimError(
            f"layer '{layer}': group_label must be a string of at most {MAX_NAME_CHARS} "
            f"characters, got {show(group_label)}"
        )
    return tuple(inputs)


def _check_tensor(layer: str, what: str, channels: int, height: int, width: int) -> None:
    words = channels * height * width
    if words > MAX_TENSOR_WORDS:
        where = f"layer '{layer}': " if layer else ""
        raise AccelsimError(
            f"{where}{what} {channels} x {height} x {width} has {words} words; the "
            f"limit is {MAX_TENSOR_WORDS} (MAX_TENSOR_WORDS)"
        )


_INT_ONLY = {int}
"""The set of types of a tuple of plain integers (no bools): a fast check of many fields."""

_CONV_INTS = ("in_channels", "in_height", "in_width", "out_channels", "filter_height",
              "filter_width", "stride", "groups")  # fmt: skip


def _check_pad_type(layer: str, pad: object) -> None:
    if not isinstance(pad, list | tuple):
        raise AccelsimError(
            f"layer '{layer}': pad must be (top, bottom, left, right), got {show(pad)}"
        )


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
        _check_name(n)
        if not isinstance(self.kind, str) or self.kind not in ("conv", "fc"):
            raise AccelsimError(f"layer '{n}': kind must be 'conv' or 'fc', got {show(self.kind)}")
        ints = (self.in_channels, self.in_height, self.in_width, self.out_channels,
                self.filter_height, self.filter_width, self.stride, self.groups)  # fmt: skip
        if set(map(type, ints)) != _INT_ONLY or not (
            max(self.in_channels, self.out_channels, self.groups) <= MAX_CHANNELS
            and max(self.in_height, self.in_width, self.stride) <= MAX_EXTENT
            and max(self.filter_height, self.filter_width) <= MAX_OUT_EXTENT
            and min(ints) >= 1
        ):
            for fname in _CONV_INTS:
                _check_int(n, fname, getattr(self, fname))
        pad = self.pad
        if (
            type(pad) is not tuple
            or len(pad) != 4
            or not all(type(v) is int and 0 <= v <= MAX_PAD for v in pad)
        ):
            _check_pad_type(n, pad)
            pad = tuple(pad)
            object.__setattr__(self, "pad", pad)
            _check_padding(n, pad)
        object.__setattr__(self, "inputs", _check_common(n, self.inputs, self.group_label))
        _check_tensor(n, "input", self.in_channels, self.in_height, self.in_width)
        if self.in_channels % self.groups:
            raise AccelsimError(
                f"layer '{n}': in_channels {self.in_channels} not divisible by groups {self.groups}"
            )
        if self.out_channels % self.groups:
            raise AccelsimError(
                f"layer '{n}': out_channels {self.out_channels} not divisible by groups {self.groups}"
            )
        padded_h = self.in_height + pad[0] + pad[1]
        padded_w = self.in_width + pad[2] + pad[3]
        if self.filter_height > padded_h:
            raise AccelsimError(
                f"layer '{n}': filter_height {self.filter_height} exceeds the padded input height "
                f"{padded_h}"
            )
        if self.filter_width > padded_w:
            raise AccelsimError(
                f"layer '{n}': filter_width {self.filter_width} exceeds the padded input width "
                f"{padded_w}"
            )
        expect_h = (padded_h - self.filter_height) // self.stride + 1
        expect_w = (padded_w - self.filter_width) // self.stride + 1
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
        _check_tensor(n, "output", self.out_channels, expect_h, expect_w)
        macs = (
            self.filter_height * self.filter_width * (self.in_channels // self.groups)
            * self.out_channels * expect_h * expect_w
        )  # fmt: skip
        if macs > MAX_LAYER_MACS:
            raise AccelsimError(
                f"layer '{n}': {macs:.3g} MACs per image; the limit is {MAX_LAYER_MACS:.0e} "
                "(MAX_LAYER_MACS)"
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
            object.__setattr__(self, "ifmap_zero", 1.0 - nonzero / (padded_h * padded_w))
        if self.batch_n is not None:
            _check_int(n, "batch_n", self.batch_n)

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

    @cached_property
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
        _check_name(n)
        if not isinstance(self.mode, str) or self.mode not in ("max", "avg"):
            raise AccelsimError(f"layer '{n}': mode must be 'max' or 'avg', got {show(self.mode)}")
        if not isinstance(self.ceil_mode, bool):
            raise AccelsimError(
                f"layer '{n}': ceil_mode must be true or false, got {show(self.ceil_mode)}"
            )
        for fname in ("in_channels", "in_height", "in_width", "size", "stride"):
            _check_int(n, fname, getattr(self, fname))
        _check_pad_type(n, self.pad)
        object.__setattr__(self, "pad", tuple(self.pad))
        _check_padding(n, self.pad)
        object.__setattr__(self, "inputs", _check_common(n, self.inputs, self.group_label))
        _check_tensor(n, "input", self.in_channels, self.in_height, self.in_width)
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
                continue
            _check_int(n, fname, given)
            if given != expect:
                raise AccelsimError(
                    f"layer '{n}': {fname} {given} does not follow from input, padding, stride and "
                    f"size (expected {expect})"
                )
        _check_tensor(n, "output", self.in_channels, self.out_height, self.out_width)
        _check_fraction(n, "ofmap_zero", self.ofmap_zero)

    @property
    def input_shape(self) -> TensorShape:
        return TensorShape(self.in_channels, self.in_height, self.in_width)

    @cached_property
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
        _check_name(n)
        if not isinstance(self.input_channels, list | tuple):
            raise AccelsimError(
                f"layer '{n}': input_channels must be a tuple of integers, got "
                f"{show(self.input_channels)}"
            )
        object.__setattr__(self, "input_channels", tuple(self.input_channels))
        object.__setattr__(self, "inputs", _check_common(n, self.inputs, self.group_label))
        if len(self.input_channels) < 1:
            raise AccelsimError(f"layer '{n}': a concatenation needs at least one input")
        for c in self.input_channels:
            _check_int(n, "input channels", c, maximum=MAX_CHANNELS)
        _check_int(n, "height", self.height, maximum=MAX_OUT_EXTENT)
        _check_int(n, "width", self.width, maximum=MAX_OUT_EXTENT)
        total = sum(self.input_channels)
        if total > MAX_CHANNELS:
            raise AccelsimError(
                f"layer '{n}': joins {total} channels; the limit is {MAX_CHANNELS} (MAX_CHANNELS)"
            )
        _check_tensor(n, "output", total, self.height, self.width)
        _check_fraction(n, "ofmap_zero", self.ofmap_zero)

    @cached_property
    def output_shape(self) -> TensorShape:
        return TensorShape(sum(self.input_channels), self.height, self.width)

    @property
    def macs(self) -> int:
        return 0


Layer = ConvLayer | PoolLayer | ConcatLayer

"""A network: a DAG of named layers in topological order, with shape checks at every edge."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, replace

from accelsim.errors import AccelsimError
from accelsim.workload.layer import (
    MAX_NAME_CHARS,
    ConcatLayer,
    ConvLayer,
    PoolLayer,
    TensorShape,
    show,
)
from accelsim.workload.tensor_ops import (
    ActivationLayer,
    EltwiseLayer,
    ReshapeLayer,
    SliceLayer,
    broadcasts_to,
)

LAYER_TYPES = (
    ConvLayer,
    PoolLayer,
    ConcatLayer,
    EltwiseLayer,
    ActivationLayer,
    ReshapeLayer,
    SliceLayer,
)
"""Every layer type a network holds."""

AnyLayer = (
    ConvLayer | PoolLayer | ConcatLayer | EltwiseLayer | ActivationLayer | ReshapeLayer | SliceLayer
)

INPUT = "input"
"""Name of the network's input tensor; layers that read the image list it in `inputs`."""


@dataclass(frozen=True)
class Network:
    """Layers in topological order; each names its producers in `inputs` (`"input"` = the image).

    `input_shape=None` makes a layer list: every layer reads an external input of its own declared
    shape (SCALE-Sim topologies and per-layer CSV files are such lists). Construction checks that names are unique, that every input exists and comes earlier, and that
    each layer's declared input shape equals what its producers deliver (concatenations: equal
    height and width, channels summed).
    """

    name: str
    input_shape: TensorShape | None
    layers: tuple[AnyLayer, ...]
    input_zero: float = 0.0
    image_readers: tuple[str, ...] | None = None
    """Names of the layers whose ifmap is the image; None: those that read `input` (in a layer
    list, the first layer). Set when layers are taken out of their network (`layer_alone`)."""

    def __post_init__(self) -> None:
        _check_network_name(self.name)
        if self.input_shape is not None and not isinstance(self.input_shape, TensorShape):
            raise AccelsimError(
                f"network '{self.name}': input_shape must be a TensorShape or None, got "
                f"{show(self.input_shape)}"
            )
        if isinstance(self.layers, str) or not isinstance(self.layers, list | tuple):
            raise AccelsimError(
                f"network '{self.name}': layers must be a tuple of layers, got {show(self.layers)}"
            )
        object.__setattr__(self, "layers", tuple(self.layers))
        if not self.layers:
            raise AccelsimError(f"network '{self.name}': has no layers")
        for layer in self.layers:
            if not isinstance(layer, LAYER_TYPES):
                raise AccelsimError(
                    f"network '{self.name}': layers must be one of "
                    f"{', '.join(t.__name__ for t in LAYER_TYPES)}, got {show(layer)}"
                )
        if self.image_readers is not None:
            if isinstance(self.image_readers, str) or not isinstance(
                self.image_readers, list | tuple
            ):
                raise AccelsimError(
                    f"network '{self.name}': image_readers must be a tuple of layer names, got "
                    f"{show(self.image_readers)}"
                )
            object.__setattr__(self, "image_readers", tuple(self.image_readers))
            names = {layer.name for layer in self.layers}
            for name in self.image_readers:
                if not isinstance(name, str) or name not in names:
                    raise AccelsimError(
                        f"network '{self.name}': image reader {show(name)} is no layer"
                    )
        _check_zero(self.name, self.input_zero)
        shapes: dict[str, TensorShape | None] = {INPUT: self.input_shape}
        for layer in self.layers:
            if layer.name in shapes:
                raise AccelsimError(f"network '{self.name}': duplicate layer name '{layer.name}'")
            if not layer.inputs:
                raise AccelsimError(f"layer '{layer.name}': inputs is empty")
            for src in layer.inputs:
                if src not in shapes:
                    raise AccelsimError(
                        f"layer '{layer.name}': input '{src}' is not an earlier layer or 'input'"
                    )
            produced = [shapes[src] for src in layer.inputs]
            if self.input_shape is None and layer.inputs == (INPUT,):
                if isinstance(layer, ConcatLayer | EltwiseLayer):
                    raise AccelsimError(
                        f"layer '{layer.name}': a {layer.kind} layer in a layer list cannot read "
                        "'input'"
                    )
            elif isinstance(layer, ConcatLayer):
                self._check_concat(layer, produced)
            elif isinstance(layer, EltwiseLayer):
                self._check_eltwise(layer, produced)
            else:
                if len(produced) != 1:
                    raise AccelsimError(
                        f"layer '{layer.name}': a {layer.kind} layer takes exactly one input, "
                        f"got {len(produced)}"
                    )
                self._check_edge(layer, produced[0])
            shapes[layer.name] = layer.output_shape
        object.__setattr__(self, "_shapes", shapes)
        object.__setattr__(self, "_by_name", {layer.name: layer for layer in self.layers})

    @staticmethod
    def _check_edge(layer: AnyLayer, produced: TensorShape) -> None:
        declared = layer.input_shape
        expected = (declared.channels, declared.height, declared.width)
        if (produced.channels, produced.height, produced.width) == expected:
            return
        for field, want in zip(("channels", "height", "width"), expected, strict=True):
            got = getattr(produced, field)
            if got != want:
                raise AccelsimError(
                    f"layer '{layer.name}': input {field} {want} does not match its input "
                    f"'{layer.inputs[0]}', which produces {got}"
                )

    @staticmethod
    def _check_concat(layer: ConcatLayer, produced: list[TensorShape]) -> None:
        if len(produced) != len(layer.input_channels):
            raise AccelsimError(
                f"layer '{layer.name}': lists {len(layer.input_channels)} input channel counts for "
                f"{len(produced)} inputs"
            )
        for src, shape, channels in zip(layer.inputs, produced, layer.input_channels, strict=True):
            if (shape.height, shape.width) != (layer.height, layer.width):
                raise AccelsimError(
                    f"layer '{layer.name}': joins tensors of different spatial size ('{src}' is "
                    f"{shape.height} x {shape.width}, expected {layer.height} x {layer.width})"
                )
            if shape.channels != channels:
                raise AccelsimError(
                    f"layer '{layer.name}': input '{src}' has {shape.channels} channels, "
                    f"declared {channels}"
                )

    @staticmethod
    def _check_eltwise(layer: EltwiseLayer, produced: list[TensorShape]) -> None:
        if len(produced) < 2:
            raise AccelsimError(
                f"layer '{layer.name}': an element-wise {layer.op} needs at least 2 inputs, got "
                f"{len(produced)}"
            )
        out = layer.output_shape
        for src, shape in zip(layer.inputs, produced, strict=True):
            if not broadcasts_to(shape, out):
                raise AccelsimError(
                    f"layer '{layer.name}': input '{src}' is {shape.channels} x {shape.height} x "
                    f"{shape.width}, which does not broadcast to {out.channels} x {out.height} x "
                    f"{out.width}"
                )
        if out not in produced:
            raise AccelsimError(
                f"layer '{layer.name}': no input has the output shape {out.channels} x "
                f"{out.height} x {out.width}"
            )

    # Queries -----------------------------------------------------------------------------------
    def __iter__(self) -> Iterator[AnyLayer]:
        return iter(self.layers)

    def __len__(self) -> int:
        return len(self.layers)

    def layer(self, name: str) -> AnyLayer:
        """The layer of that name (a dict look-up: callers loop over layers)."""
        try:
            return self._by_name[name]  # type: ignore[attr-defined]
        except (KeyError, TypeError):
            raise AccelsimError(f"network '{self.name}': no layer named {show(name)}") from None

    def shape_of(self, name: str) -> TensorShape:
        """Output shape of a layer, or of the image for `"input"`."""
        try:
            return self._shapes[name]  # type: ignore[attr-defined]
        except (KeyError, TypeError):
            raise AccelsimError(f"network '{self.name}': no layer named {show(name)}") from None

    @property
    def compute_layers(self) -> tuple[ConvLayer, ...]:
        """The convolution and fully connected layers, in order: the ones that cost MACs."""
        return tuple(layer for layer in self.layers if isinstance(layer, ConvLayer))

    @property
    def is_layer_list(self) -> bool:
        """True when layers are independent (no connectivity between them is known)."""
        return self.input_shape is None

    def reads_image(self, layer: AnyLayer) -> bool:
        """True when the layer's ifmap is the image, which is not RLC-coded in DRAM: it reads the
        network input. In a layer list (no connectivity known) only the first layer does, as in
        the CNNergy reference. `image_readers`, when given, says it instead."""
        if self.image_readers is not None:
            return layer.name in self.image_readers
        if self.is_layer_list:
            return layer is self.layers[0]
        return INPUT in layer.inputs

    def layer_alone(self, layer: AnyLayer) -> Network:
        """A one-layer network of `layer`, evaluated as it is here: same name, image zeros and
        whether it reads the image (models evaluate a layer from these and the layer alone)."""
        alone = replace(layer, inputs=(INPUT,))
        readers = (layer.name,) if self.reads_image(layer) else ()
        return Network(self.name, None, (alone,), self.input_zero, image_readers=readers)

    @property
    def macs(self) -> int:
        return sum(layer.macs for layer in self.layers)


class NetworkBuilder:
    """Builds a network layer by layer, deriving each input shape from the layer it reads.

    `conv`, `fc`, `pool` and `concat` append a layer reading `inputs` (default: the last layer
    added) and return its name, so branches are built by passing names explicitly.
    """

    def __init__(self, name: str, input_shape: TensorShape, input_zero: float = 0.0) -> None:
        _check_network_name(name)
        if not isinstance(input_shape, TensorShape):
            raise AccelsimError(
                f"network '{name}': input_shape must be a TensorShape, got {show(input_shape)}"
            )
        _check_zero(name, input_zero)
        self.name = name
        self.input_shape = input_shape
        self.input_zero = input_zero
        self.layers: list[AnyLayer] = []
        self._shapes: dict[str, TensorShape] = {INPUT: input_shape}
        self._zeros: dict[str, float] = {INPUT: input_zero}
        self._last = INPUT

    def _source(self, inputs: str | None) -> tuple[str, TensorShape]:
        src = self._last if inputs is None else inputs
        if not isinstance(src, str):
            raise AccelsimError(
                f"network '{self.name}': inputs must be a layer name, got {show(src)}"
            )
        if src not in self._shapes:
            raise AccelsimError(f"network '{self.name}': no layer named {show(src)}")
        return src, self._shapes[src]

    def _add(self, layer: AnyLayer) -> str:
        if layer.name in self._shapes:
            raise AccelsimError(f"network '{self.name}': duplicate layer name '{layer.name}'")
        self.layers.append(layer)
        self._shapes[layer.name] = layer.output_shape
        self._zeros[layer.name] = layer.ofmap_zero
        self._last = layer.name
        return layer.name

    def _inherit_ifmap_zero(self, src: str, extra: dict[str, object]) -> dict[str, object]:
        """A layer that states no input zero fraction reads its producer's output one."""
        if extra.get("ifmap_zero") is None and extra.get("ifmap_zero_unpadded") is None:
            return {**extra, "ifmap_zero_unpadded": self._zeros[src]}
        return extra

    def conv(
        self,
        name: str,
        filters: int,
        size: int | tuple[int, int],
        stride: int = 1,
        pad: int | tuple[int, int, int, int] = 0,
        groups: int = 1,
        inputs: str | None = None,
        **extra: object,
    ) -> str:
        src, shape = self._source(inputs)
        r, s = _pair(name, "size", size)
        padding = _padding(name, pad)
        extra = self._inherit_ifmap_zero(src, extra)
        return self._add(
            ConvLayer(
                name=name,
                in_channels=shape.channels,
                in_height=shape.height,
                in_width=shape.width,
                out_channels=filters,
                filter_height=r,
                filter_width=s,
                stride=stride,
                pad=padding,
                groups=groups,
                inputs=(src,),
                **extra,
            )
        )  # type: ignore[arg-type]

    def fc(self, name: str, outputs: int, inputs: str | None = None, **extra: object) -> str:
        """A fully connected layer: a convolution whose filter covers its whole input."""
        _, shape = self._source(inputs)
        return self.conv(
            name, outputs, (shape.height, shape.width), inputs=inputs, kind="fc", **extra
        )

    def pool(
        self,
        name: str,
        size: int,
        stride: int,
        mode: str = "max",
        pad: int | tuple[int, int, int, int] = 0,
        ceil_mode: bool = False,
        inputs: str | None = None,
        **extra: object,
    ) -> str:
        src, shape = self._source(inputs)
        padding = _padding(name, pad)
        if extra.get("ofmap_zero") is None:  # unknown: take the input's zero fraction
            extra = {**extra, "ofmap_zero": self._zeros[src]}
        return self._add(
            PoolLayer(
                name=name,
                in_channels=shape.channels,
                in_height=shape.height,
                in_width=shape.width,
                size=size,
                stride=stride,
                mode=mode,
                pad=padding,
                ceil_mode=ceil_mode,  # type: ignore[arg-type]
                inputs=(src,),
                **extra,
            )
        )  # type: ignore[arg-type]

    def global_pool(
        self, name: str, mode: str = "avg", inputs: str | None = None, **extra: object
    ) -> str:
        _, shape = self._source(inputs)
        if shape.height != shape.width:
            raise AccelsimError(f"layer '{name}': global pooling needs a square input")
        return self.pool(name, shape.height, 1, mode=mode, inputs=inputs, **extra)

    def concat(self, name: str, inputs: list[str], **extra: object) -> str:
        if isinstance(inputs, str) or not isinstance(inputs, list | tuple) or not inputs:
            raise AccelsimError(
                f"layer {show(name)}: a concat needs a list of input names, got {show(inputs)}"
            )
        shapes = [self._source(src)[1] for src in inputs]
        if extra.get("ofmap_zero") is None:  # the channel-weighted mean of the inputs'
            total = sum(shape.channels for shape in shapes)
            zeros = sum(
                sh.channels * self._zeros[src] for src, sh in zip(inputs, shapes, strict=True)
            )
            extra = {**extra, "ofmap_zero": zeros / total}
        first = shapes[0]
        for src, shape in zip(inputs, shapes, strict=True):
            if (shape.height, shape.width) != (first.height, first.width):
                raise AccelsimError(
                    f"layer '{name}': joins tensors of different spatial size ('{src}' is "
                    f"{shape.height} x {shape.width}, '{inputs[0]}' is {first.height} x {first.width})"
                )
        return self._add(
            ConcatLayer(
                name=name,
                input_channels=tuple(s.channels for s in shapes),
                height=first.height,
                width=first.width,
                inputs=tuple(inputs),
                **extra,
            )
        )  # type: ignore[arg-type]

    def eltwise(self, name: str, op: str, inputs: list[str], **extra: object) -> str:
        """An element-wise `op` over `inputs` (at least 2); the output takes the largest input's
        shape, and the others must broadcast to it."""
        if isinstance(inputs, str) or not isinstance(inputs, list | tuple) or len(inputs) < 2:
            raise AccelsimError(
                f"layer {show(name)}: an element-wise {op} needs a list of at least 2 input "
                f"names, got {show(inputs)}"
            )
        shapes = [self._source(src)[1] for src in inputs]
        out = max(shapes, key=lambda shape: shape.size)
        if extra.get("ofmap_zero") is None:
            extra = {**extra, "ofmap_zero": eltwise_zero(op, [self._zeros[s] for s in inputs])}
        return self._add(
            EltwiseLayer(
                name=name,
                op=op,  # type: ignore[arg-type]
                channels=out.channels,
                height=out.height,
                width=out.width,
                inputs=tuple(inputs),
                **extra,
            )
        )  # type: ignore[arg-type]

    def add(self, name: str, inputs: list[str], **extra: object) -> str:
        """A residual addition."""
        return self.eltwise(name, "add", inputs, **extra)

    def activation(
        self, name: str, function: str, inputs: str | None = None, **extra: object
    ) -> str:
        src, shape = self._source(inputs)
        if extra.get("ofmap_zero") is None:
            zero = self._zeros[src] if function in ZERO_KEEPING else 0.0
            extra = {**extra, "ofmap_zero": zero}
        return self._add(
            ActivationLayer(
                name=name,
                function=function,
                channels=shape.channels,
                height=shape.height,
                width=shape.width,
                inputs=(src,),
                **extra,
            )
        )  # type: ignore[arg-type]

    def reshape(
        self,
        name: str,
        shape: TensorShape | tuple[int, int, int],
        op: str = "reshape",
        inputs: str | None = None,
        **extra: object,
    ) -> str:
        """The input's words as `shape` (channels, height, width); `op` says whether they are
        only reinterpreted (flatten, reshape) or permuted (transpose, shuffle)."""
        src, given = self._source(inputs)
        out = shape if isinstance(shape, TensorShape) else _shape_triple(name, shape)
        if extra.get("ofmap_zero") is None:
            extra = {**extra, "ofmap_zero": self._zeros[src]}
        return self._add(
            ReshapeLayer(
                name=name,
                op=op,  # type: ignore[arg-type]
                in_channels=given.channels,
                in_height=given.height,
                in_width=given.width,
                out_channels=out.channels,
                out_height=out.height,
                out_width=out.width,
                inputs=(src,),
                **extra,
            )
        )  # type: ignore[arg-type]

    def flatten(self, name: str, inputs: str | None = None, **extra: object) -> str:
        """C x H x W as C*H*W x 1 x 1 (what a classifier's matrix multiply reads)."""
        _, given = self._source(inputs)
        return self.reshape(name, (given.size, 1, 1), "flatten", inputs=inputs, **extra)

    def shuffle(self, name: str, inputs: str | None = None, **extra: object) -> str:
        """A channel shuffle: the same shape, the channels permuted."""
        _, given = self._source(inputs)
        return self.reshape(name, given, "shuffle", inputs=inputs, **extra)

    def slice(
        self, name: str, start: int, stop: int, inputs: str | None = None, **extra: object
    ) -> str:
        """Channels [start, stop) of the input."""
        src, given = self._source(inputs)
        if extra.get("ofmap_zero") is None:
            extra = {**extra, "ofmap_zero": self._zeros[src]}
        return self._add(
            SliceLayer(
                name=name,
                in_channels=given.channels,
                start=start,
                stop=stop,
                height=given.height,
                width=given.width,
                inputs=(src,),
                **extra,
            )
        )  # type: ignore[arg-type]

    def build(self) -> Network:
        return Network(self.name, self.input_shape, tuple(self.layers), self.input_zero)


ZERO_KEEPING = ("relu", "relu6", "clip", "leaky_relu", "affine")
"""Activations whose output is zero where their input is (a default for the output's zero
fraction; relu also zeroes negatives, so it is a lower bound there). `affine` is counted here
only when its shift is zero, which is unknown: its zero fraction should be given."""


def eltwise_zero(op: str, zeros: list[float]) -> float:
    """Default output zero fraction of an element-wise op, taking input zeros as independent: a
    sum is zero where every input is (the product of the fractions), a product where any is."""
    if op in ("mul",):
        nonzero = 1.0
        for z in zeros:
            nonzero *= 1.0 - z
        return 1.0 - nonzero
    if op in ("add", "max", "min"):
        prod = 1.0
        for z in zeros:
            prod *= z
        return prod
    return 0.0


def _shape_triple(layer: str, value: object) -> TensorShape:
    if (
        not isinstance(value, list | tuple)
        or len(value) != 3
        or not all(isinstance(v, int) and not isinstance(v, bool) for v in value)
    ):
        raise AccelsimError(
            f"layer {show(layer)}: shape must be [channels, height, width], got {show(value)}"
        )
    return TensorShape(*value)


def _check_network_name(name: object) -> None:
    if not isinstance(name, str) or not name or len(name) > MAX_NAME_CHARS:
        raise AccelsimError(
            f"network name must be a string of 1 to {MAX_NAME_CHARS} characters, got {show(name)}"
        )


def _check_zero(name: str, value: object) -> None:
    if (
        isinstance(value, bool)
        or not isinstance(value, int | float)
        or not 0.0 <= value <= 1.0  # also refuses NaN
    ):
        raise AccelsimError(
            f"network '{name}': input_zero must be a number in [0, 1], got {show(value)}"
        )


def _pair(layer: str, field: str, value: object) -> tuple[int, int]:
    """An integer, or [height, width], as a (height, width) pair."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value, value
    if isinstance(value, list | tuple) and len(value) == 2:
        return value[0], value[1]  # type: ignore[return-value]
    raise AccelsimError(
        f"layer {show(layer)}: {field} must be an integer or [height, width], got {show(value)}"
    )


def _padding(layer: str, pad: object) -> tuple[int, int, int, int]:
    """Padding as (top, bottom, left, right) from an integer, [vertical, horizontal] or a 4-list."""
    if isinstance(pad, int) and not isinstance(pad, bool):
        return (pad,) * 4  # type: ignore[return-value]
    if isinstance(pad, list | tuple) and len(pad) == 2:
        return (pad[0], pad[0], pad[1], pad[1])
    if isinstance(pad, list | tuple) and len(pad) == 4:
        return tuple(pad)  # type: ignore[return-value]
    raise AccelsimError(
        f"layer '{layer}': pad must be an integer, [vertical, horizontal] or "
        f"[top, bottom, left, right], got {show(pad)}"
    )

"""The schema of a declarative network file (.json, .toml, .yaml), as strict pydantic models.

Strict: an integer field takes an integer (not 3.7, not `true`, not "3"), a flag takes a boolean
(not "false"), a fraction a finite number in [0, 1]; `null` is no value (omit the key instead);
unknown keys are errors. Sizes are bounded by the layer module's named limits, so the error names
the file's key. `validation_message` turns a ValidationError into one line.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, PlainValidator, ValidationError, model_validator

from accelsim.workload.layer import (
    BOUND_NAMES,
    MAX_BATCH_N,
    MAX_CHANNELS,
    MAX_EXTENT,
    MAX_NAME_CHARS,
    MAX_OUT_EXTENT,
    MAX_PAD,
    show,
)
from accelsim.workload.tensor_ops import ACTIVATIONS

Name = Annotated[str, Field(min_length=1, max_length=MAX_NAME_CHARS)]
Fraction = Annotated[float, Field(ge=0.0, le=1.0)]
Channels = Annotated[int, Field(ge=1, le=MAX_CHANNELS)]
Extent = Annotated[int, Field(ge=1, le=MAX_EXTENT)]
Window = Annotated[int, Field(ge=1, le=MAX_OUT_EXTENT)]
Batch = Annotated[int, Field(ge=1, le=MAX_BATCH_N)]


def _int_in(value: object, low: int, high: int, what: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(f"must be {what}")
    if not low <= value <= high:
        raise ValueError(f"must be {what} in [{low}, {high}]")
    return value


def _pair(value: object) -> int | tuple[int, int]:
    """A filter size: an integer or [height, width]."""
    what = "an integer or [height, width]"
    if isinstance(value, list) and len(value) == 2:
        return tuple(_int_in(v, 1, MAX_OUT_EXTENT, what) for v in value)  # type: ignore[return-value]
    return _int_in(value, 1, MAX_OUT_EXTENT, what)


def _pad(value: object) -> int | tuple[int, ...]:
    """Padding: an integer, [vertical, horizontal] or [top, bottom, left, right]."""
    what = "an integer, [vertical, horizontal] or [top, bottom, left, right]"
    if isinstance(value, list) and len(value) in (2, 4):
        return tuple(_int_in(v, 0, MAX_PAD, what) for v in value)
    return _int_in(value, 0, MAX_PAD, what)


def _dilation(value: object) -> int:
    if value != 1 or isinstance(value, bool):
        raise ValueError("must be 1: dilated convolutions are not supported (not modelled)")
    return 1


def _one_input(value: object) -> str:
    """The producer of a single-input layer: a layer name, or a list of one."""
    if isinstance(value, list) and len(value) == 1:
        value = value[0]
    if not isinstance(value, str) or not value:
        raise ValueError("must be a layer name (or a list of one)")
    return value


def _many_inputs(value: object) -> tuple[str, ...]:
    if not isinstance(value, list) or len(value) < 2:
        raise ValueError("needs a list of at least 2 layer names")
    if not all(isinstance(v, str) and v for v in value):
        raise ValueError("must be a list of layer names")
    return tuple(value)


class _Strict(BaseModel):
    model_config = ConfigDict(strict=True, extra="forbid", allow_inf_nan=False, frozen=True)


class InputSpec(_Strict):
    """The image: channels and height/width, or a square size."""

    channels: Channels
    height: Extent = None  # type: ignore[assignment]
    width: Extent = None  # type: ignore[assignment]
    size: Extent = None  # type: ignore[assignment]
    zero: Fraction = 0.0

    @model_validator(mode="after")
    def _extents(self) -> InputSpec:
        if self.size is not None and (self.height is not None or self.width is not None):
            raise ValueError("give size or height and width, not both")
        if self.size is None and (self.height is None or self.width is None):
            raise ValueError("needs height and width (or size)")
        return self


class _LayerSpec(_Strict):
    name: Name
    type: str
    inputs: Annotated[str, PlainValidator(_one_input)] = None  # type: ignore[assignment]
    ofmap_zero: Fraction = None  # type: ignore[assignment]
    group: Annotated[str, Field(max_length=MAX_NAME_CHARS)] = ""


class _ComputeSpec(_LayerSpec):
    ifmap_zero: Fraction = None  # type: ignore[assignment]
    ifmap_zero_unpadded: Fraction = None  # type: ignore[assignment]
    batch_n: Batch = None  # type: ignore[assignment]


class ConvSpec(_ComputeSpec):
    type: Literal["conv"]
    filters: Channels
    size: Annotated[int | tuple[int, int], PlainValidator(_pair)]
    stride: Extent = 1
    pad: Annotated[int | tuple[int, ...], PlainValidator(_pad)] = 0
    groups: Channels = 1
    dilation: Annotated[int, PlainValidator(_dilation)] = 1


class FcSpec(_ComputeSpec):
    type: Literal["fc"]
    outputs: Channels


class PoolSpec(_LayerSpec):
    type: Literal["pool"]
    size: Window
    stride: Extent = None  # type: ignore[assignment]
    mode: Literal["max", "avg"] = "max"
    pad: Annotated[int | tuple[int, ...], PlainValidator(_pad)] = 0
    ceil_mode: bool = False


class GlobalPoolSpec(_LayerSpec):
    type: Literal["global_pool"]
    mode: Literal["max", "avg"] = "avg"


class ConcatSpec(_LayerSpec):
    type: Literal["concat"]
    inputs: Annotated[tuple[str, ...], PlainValidator(_many_inputs)]  # type: ignore[assignment]


class EltwiseSpec(_LayerSpec):
    """An element-wise op over at least two layers' outputs (`add`, `mul`, or `eltwise` with op)."""

    type: Literal["add", "mul", "eltwise"]
    op: Literal["add", "sub", "mul", "div", "max", "min"] = None  # type: ignore[assignment]
    inputs: Annotated[tuple[str, ...], PlainValidator(_many_inputs)]  # type: ignore[assignment]

    @model_validator(mode="after")
    def _op(self) -> EltwiseSpec:
        if self.type != "eltwise" and self.op is not None and self.op != self.type:
            raise ValueError(f"a {self.type} layer's op is {self.type}")
        if self.type == "eltwise" and self.op is None:
            raise ValueError("an eltwise layer needs op (add, sub, mul, div, max, min)")
        return self

    @property
    def operation(self) -> str:
        return self.op if self.type == "eltwise" else self.type


class ActivationSpec(_LayerSpec):
    type: Literal["activation"]
    function: Literal[ACTIVATIONS]  # type: ignore[valid-type]


class FlattenSpec(_LayerSpec):
    type: Literal["flatten"]


class ShuffleSpec(_LayerSpec):
    type: Literal["shuffle"]


class ReshapeSpec(_LayerSpec):
    type: Literal["reshape"]
    shape: Annotated[
        list[Annotated[int, Field(ge=1, le=MAX_CHANNELS)]], Field(min_length=3, max_length=3)
    ]


class SliceSpec(_LayerSpec):
    type: Literal["slice"]
    start: Annotated[int, Field(ge=0, le=MAX_CHANNELS)]
    stop: Channels


LAYER_SPECS: dict[str, type[_LayerSpec]] = {
    "conv": ConvSpec,
    "fc": FcSpec,
    "pool": PoolSpec,
    "global_pool": GlobalPoolSpec,
    "concat": ConcatSpec,
    "add": EltwiseSpec,
    "mul": EltwiseSpec,
    "eltwise": EltwiseSpec,
    "activation": ActivationSpec,
    "flatten": FlattenSpec,
    "reshape": ReshapeSpec,
    "shuffle": ShuffleSpec,
    "slice": SliceSpec,
}


class NetworkSpec(_Strict):
    """The document: an optional name, the input and the (not yet validated) layer tables."""

    name: Name = None  # type: ignore[assignment]
    input: InputSpec
    layers: Annotated[list[Any], Field(min_length=1)]


def validation_message(exc: ValidationError, kind: str = "") -> str:
    """The first error of a ValidationError as `field: reason, got value` (one line)."""
    error = exc.errors(include_url=False)[0]
    loc = [str(part) for part in error["loc"]]
    field = ".".join(loc)
    kind_text = f" for a {kind} layer" if kind else ""
    if error["type"] == "extra_forbidden":
        return f"unknown key '{field}'{kind_text}"
    if error["type"] == "missing":
        return f"missing key '{field}'{kind_text}"
    reason = str(error["msg"]).removeprefix("Value error, ")
    ctx = error.get("ctx") or {}
    if error["type"] == "less_than_equal" and ctx.get("le") in BOUND_NAMES:
        reason = f"must be at most {ctx['le']} ({BOUND_NAMES[ctx['le']]})"
    elif error["type"] in ("model_type", "dict_type"):
        reason = "must be a table"
    elif error["type"] == "too_short":
        reason = "must not be empty"
    elif reason.startswith("Input should be "):
        reason = "must be " + reason.removeprefix("Input should be ")
    elif reason[:1].isupper():
        reason = reason[0].lower() + reason[1:]
    where = f"{field} " if field else ""
    return f"{where}{reason}, got {show(error.get('input'))}"

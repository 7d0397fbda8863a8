"""Declarative networks: an `input` and a list of `layers` (see `accelsim.workload.schema` for the
strict schema), built into a DAG with every shape checked. Each error is one line naming the
origin (the file), the layer (index and name) and the key."""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError

from accelsim.errors import AccelsimError
from accelsim.workload.layer import MAX_NAME_CHARS, TensorShape, show
from accelsim.workload.network import Network, NetworkBuilder
from accelsim.workload.schema import (
    LAYER_SPECS,
    ActivationSpec,
    ConcatSpec,
    ConvSpec,
    EltwiseSpec,
    FcSpec,
    FlattenSpec,
    GlobalPoolSpec,
    NetworkSpec,
    PoolSpec,
    ReshapeSpec,
    ShuffleSpec,
    SliceSpec,
    validation_message,
)


def network_from_dict(data: Any, default_name: str = "network", origin: str = "network") -> Network:
    """A network from its declarative description (plain data, as parsed from a file)."""
    if not isinstance(data, dict):
        raise AccelsimError(
            f"{origin}: expected a table with 'input' and 'layers', got {show(data)}"
        )
    try:
        doc = NetworkSpec.model_validate(data)
    except ValidationError as exc:
        raise AccelsimError(f"{origin}: {validation_message(exc)}") from None
    spec_in = doc.input
    shape = TensorShape(
        spec_in.channels, spec_in.height or spec_in.size, spec_in.width or spec_in.size
    )
    name = doc.name if doc.name is not None else default_name[:MAX_NAME_CHARS] or "network"
    builder = NetworkBuilder(name, shape, spec_in.zero)
    for index, spec in enumerate(doc.layers, start=1):
        _add_declared_layer(builder, spec, f"{origin}: layer {index}")
    try:
        return builder.build()
    except AccelsimError as exc:
        raise AccelsimError(f"{origin}: {exc}") from None


def _add_declared_layer(builder: NetworkBuilder, spec: Any, where: str) -> None:
    if not isinstance(spec, dict):
        raise AccelsimError(f"{where}: expected a table, got {show(spec)}")
    name = spec.get("name")
    if isinstance(name, str) and 0 < len(name) <= MAX_NAME_CHARS and name.isprintable():
        where = f"{where} '{name}'"
    if "type" not in spec:
        raise AccelsimError(f"{where}: missing key 'type' ({', '.join(LAYER_SPECS)})")
    kind = spec["type"]
    if not isinstance(kind, str) or kind not in LAYER_SPECS:
        raise AccelsimError(
            f"{where}: type must be one of {', '.join(LAYER_SPECS)}, got {show(kind)}"
        )
    try:
        layer = LAYER_SPECS[kind].model_validate(spec)
    except ValidationError as exc:
        raise AccelsimError(f"{where}: {validation_message(exc, kind)}") from None
    try:
        _build(builder, layer)
    except AccelsimError as exc:
        message = str(exc).removeprefix(f"layer '{layer.name}': ")
        raise AccelsimError(f"{where}: {message}") from None


def _build(builder: NetworkBuilder, layer: Any) -> None:
    """Appends one validated layer spec to the builder."""
    extra: dict[str, object] = {
        key: getattr(layer, key)
        for key in ("ifmap_zero", "ifmap_zero_unpadded", "ofmap_zero", "batch_n")
        if getattr(layer, key, None) is not None
    }
    if layer.group:
        extra["group_label"] = layer.group
    if isinstance(layer, ConcatSpec):
        builder.concat(layer.name, list(layer.inputs), **extra)
    elif isinstance(layer, ConvSpec):
        builder.conv(
            layer.name,
            layer.filters,
            layer.size,
            stride=layer.stride,
            pad=layer.pad,
            groups=layer.groups,
            inputs=layer.inputs,
            **extra,
        )
    elif isinstance(layer, FcSpec):
        builder.fc(layer.name, layer.outputs, inputs=layer.inputs, **extra)
    elif isinstance(layer, PoolSpec):
        builder.pool(
            layer.name,
            layer.size,
            layer.size if layer.stride is None else layer.stride,
            mode=layer.mode,
            pad=layer.pad,
            ceil_mode=layer.ceil_mode,
            inputs=layer.inputs,
            **extra,
        )
    elif isinstance(layer, GlobalPoolSpec):
        builder.global_pool(layer.name, mode=layer.mode, inputs=layer.inputs, **extra)
    elif isinstance(layer, EltwiseSpec):
        builder.eltwise(layer.name, layer.operation, list(layer.inputs), **extra)
    elif isinstance(layer, ActivationSpec):
        builder.activation(layer.name, layer.function, inputs=layer.inputs, **extra)
    elif isinstance(layer, FlattenSpec):
        builder.flatten(layer.name, inputs=layer.inputs, **extra)
    elif isinstance(layer, ShuffleSpec):
        builder.shuffle(layer.name, inputs=layer.inputs, **extra)
    elif isinstance(layer, ReshapeSpec):
        builder.reshape(layer.name, tuple(layer.shape), inputs=layer.inputs, **extra)
    else:
        assert isinstance(layer, SliceSpec)
        builder.slice(layer.name, layer.start, layer.stop, inputs=layer.inputs, **extra)

"""Loading a user's network: per-layer CSV, SCALE-Sim topology CSV, or a declarative JSON/TOML/YAML.

- **Layer CSV** (the format of the built-in data files): one conv/FC layer per row, each with its
  own input, so the rows need not chain (a layer list). Required columns: `name`, `input_size`,
  `in_channels` (channels each filter sees), `filter_size`, `filters`, `stride`. Optional: `kind`
  (conv | fc), `pad` (per side; x.5 means x before and x+1 after), `groups`, `output_size` (checked),
  `input_height`/`input_width` and `filter_height`/`filter_width` for non-square layers,
  `ifmap_sparsity_padded`, `ifmap_sparsity`, `ofmap_sparsity` (zero fractions in [0, 1]),
  `batch_n`, `group` (a label used when summing layers).
- **SCALE-Sim topology CSV**: header `Layer name, IFMAP Height, IFMAP Width, Filter Height, Filter
  Width, Channels, Num Filter, Strides` (trailing comma optional); see `scalesim_topology`.
- **Declarative network** (.json, .toml, .yaml): an `input` tensor and a list of `layers`, each a
  `conv`, `fc`, `pool`, `global_pool` or `concat` reading the previous layer or the layers named in
  `inputs`; this is the format for real DAGs (branches that join, pooling, valid cut points).
"""

from __future__ import annotations

import csv
import json
import math
import os
import tomllib
from pathlib import Path
from typing import Any

from accelsim.errors import AccelsimError
from accelsim.workload.builtin import builtin_network
from accelsim.workload.layer import ConvLayer, TensorShape
from accelsim.workload.network import INPUT, Network, NetworkBuilder

NETWORK_SUFFIXES = (".csv", ".json", ".toml", ".yaml", ".yml")


def load_network(spec: str) -> Network:
    """A built-in network by name, or a network file by path."""
    path = Path(spec)
    if path.suffix.lower() in NETWORK_SUFFIXES:
        if not path.is_file():
            raise AccelsimError(f"network file '{spec}' does not exist")
        return load_network_file(path)
    return builtin_network(spec)


def load_network_file(path: str | os.PathLike[str]) -> Network:
    """A network from a .csv (layer CSV or SCALE-Sim topology), .json, .toml or .yaml file."""
    try:
        return _load_network_file(Path(path))
    except UnicodeDecodeError:
        raise AccelsimError(f"network file '{path}' is not UTF-8 text") from None


def _load_network_file(p: Path) -> Network:
    suffix = p.suffix.lower()
    if suffix == ".csv":
        with p.open(newline="") as handle:
            header = handle.readline()
        from accelsim.workload.scalesim_topology import read_scalesim_topology, topology_kind

        if topology_kind(header) is not None:
            return read_scalesim_topology(p)
        return read_layer_csv(p)
    import yaml  # only YAML files need it

    try:
        text = p.read_text()
        if suffix == ".toml":
            data = tomllib.loads(text)
        elif suffix == ".json":
            data = json.loads(text)
        else:
            data = yaml.safe_load(text)
    except (tomllib.TOMLDecodeError, json.JSONDecodeError, yaml.YAMLError) as exc:
        raise AccelsimError(
            f"network file '{p}': cannot parse: {str(exc).splitlines()[0]}"
        ) from None
    return network_from_dict(data, default_name=p.stem, origin=f"network file '{p}'")


# Layer CSV ---------------------------------------------------------------------------------------
_REQUIRED = ("name", "input_size", "in_channels", "filter_size", "filters", "stride")
_OPTIONAL = (
    "kind",
    "pad",
    "groups",
    "output_size",
    "input_height",
    "input_width",
    "filter_height",
    "filter_width",
    "ifmap_sparsity_padded",
    "ifmap_sparsity",
    "ofmap_sparsity",
    "batch_n",
    "group",
    "padded_size",
)


def _number(origin: str, row: dict[str, str], column: str, integer: bool) -> Any:
    text = (row.get(column) or "").strip()
    try:
        value = float(text)
    except ValueError:
        raise AccelsimError(
            f"{origin}: layer '{row.get('name', '?')}': {column} must be a number, got '{text}'"
        ) from None
    if integer:
        if not value.is_integer():
            raise AccelsimError(
                f"{origin}: layer '{row.get('name', '?')}': {column} must be an "
                f"integer, got '{text}'"
            )
        return int(value)
    return value


def _padding(origin: str, name: str, pad: float) -> tuple[int, int]:
    if pad < 0 or not (2 * pad).is_integer():
        raise AccelsimError(
            f"{origin}: layer '{name}': pad must be a non-negative integer or x.5, got {pad}"
        )
    return math.floor(pad), math.ceil(pad)


def layer_from_row(
    row: dict[str, str], origin: str, inputs: tuple[str, ...] = (INPUT,)
) -> ConvLayer:
    """One conv/FC layer from a layer-CSV row (strings), validated."""
    name = (row.get("name") or "").strip()
    if not name:
        raise AccelsimError(f"{origin}: a row has an empty name")

    def get(column: str, integer: bool = True, default: Any = None) -> Any:
        if (row.get(column) or "").strip() == "":
            return default
        return _number(origin, row, column, integer)

    groups = get("groups", default=1)
    channels = get("in_channels")
    height = get("input_height", default=get("input_size"))
    width = get("input_width", default=get("input_size"))
    r = get("filter_height", default=get("filter_size"))
    s = get("filter_width", default=get("filter_size"))
    before, after = _padding(origin, name, get("pad", integer=False, default=0.0))
    kind = (row.get("kind") or "conv").strip().lower()
    output = get("output_size")
    for label, value in (("in_channels", channels), ("groups", groups)):
        if isinstance(value, int) and value < 1:
            raise AccelsimError(f"{origin}: layer '{name}': {label} must be >= 1, got {value}")
    layer = ConvLayer(
        name=name,
        in_channels=channels * groups,
        in_height=height,
        in_width=width,
        out_channels=get("filters"),
        filter_height=r,
        filter_width=s,
        stride=get("stride"),
        pad=(before, after, before, after),
        groups=groups,
        kind=kind,  # type: ignore[arg-type]
        out_height=output,
        out_width=output,
        ifmap_zero=get("ifmap_sparsity_padded", integer=False),
        ifmap_zero_unpadded=get("ifmap_sparsity", integer=False),
        ofmap_zero=get("ofmap_sparsity", integer=False, default=0.0),
        batch_n=get("batch_n"),
        inputs=inputs,
        group_label=(row.get("group") or "").strip(),
    )
    padded = get("padded_size", integer=False)
    if padded is not None and padded != layer.padded_height:
        raise AccelsimError(
            f"{origin}: layer '{name}': padded_size {padded:g} does not equal "
            f"input_size + 2 * pad = {layer.padded_height}"
        )
    return layer


def read_layer_csv(path: str | os.PathLike[str]) -> Network:
    """A layer list from the per-layer CSV format (see the module docstring)."""
    origin = f"network file '{path}'"
    with open(path, newline="") as handle:
        reader = csv.DictReader(handle)
        columns = [c.strip() for c in reader.fieldnames or []]
        missing = [c for c in _REQUIRED if c not in columns]
        if missing:
            raise AccelsimError(f"{origin}: missing column '{missing[0]}'")
        unknown = [c for c in columns if c not in _REQUIRED + _OPTIONAL]
        if unknown:
            raise AccelsimError(f"{origin}: unknown column '{unknown[0]}'")
        rows = [{k.strip(): v for k, v in row.items() if k is not None} for row in reader]
    if not rows:
        raise AccelsimError(f"{origin}: has no layers")
    layers = tuple(layer_from_row(row, origin) for row in rows)
    return Network(Path(path).stem, None, layers)


# Declarative networks ----------------------------------------------------------------------------
_LAYER_KEYS = {
    "conv": {"filters", "size", "stride", "pad", "groups"},
    "fc": {"outputs"},
    "pool": {"size", "stride", "mode", "pad", "ceil_mode"},
    "global_pool": {"mode"},
    "concat": set(),
}
_COMMON_KEYS = {
    "name",
    "type",
    "inputs",
    "ifmap_zero",
    "ifmap_zero_unpadded",
    "ofmap_zero",
    "batch_n",
    "group",
}
_NO_IFMAP = {"pool", "global_pool", "concat"}


def network_from_dict(data: Any, default_name: str = "network", origin: str = "network") -> Network:
    """A network from its declarative description (see the module docstring)."""
    if not isinstance(data, dict):
        raise AccelsimError(f"{origin}: expected a table with 'input' and 'layers'")
    unknown = set(data) - {"name", "input", "layers"}
    if unknown:
        raise AccelsimError(f"{origin}: unknown key '{sorted(unknown)[0]}'")
    spec_in = data.get("input")
    if not isinstance(spec_in, dict):
        raise AccelsimError(f"{origin}: missing 'input' (channels, height, width)")
    bad = set(spec_in) - {"channels", "height", "width", "size", "zero"}
    if bad:
        raise AccelsimError(f"{origin}: unknown key '{sorted(bad)[0]}' in input")
    try:
        shape = TensorShape(
            int(spec_in["channels"]),
            int(spec_in.get("height", spec_in.get("size"))),
            int(spec_in.get("width", spec_in.get("size"))),
        )
    except (KeyError, TypeError, ValueError):
        raise AccelsimError(
            f"{origin}: input needs integer channels and height/width (or size)"
        ) from None
    if min(shape.channels, shape.height, shape.width) < 1:
        raise AccelsimError(f"{origin}: input sizes must be positive, got {shape}")
    builder = NetworkBuilder(
        str(data.get("name", default_name)), shape, _zero(spec_in.get("zero", 0.0), origin)
    )
    layers = data.get("layers")
    if not isinstance(layers, list) or not layers:
        raise AccelsimError(f"{origin}: 'layers' must be a non-empty list")
    for index, spec in enumerate(layers):
        _add_declared_layer(builder, spec, f"{origin}: layer {index + 1}")
    return builder.build()


def _add_declared_layer(builder: NetworkBuilder, spec: Any, where: str) -> None:
    if not isinstance(spec, dict):
        raise AccelsimError(f"{where}: expected a table")
    kind = spec.get("type")
    if kind not in _LAYER_KEYS:
        raise AccelsimError(f"{where}: type must be one of {', '.join(_LAYER_KEYS)}, got {kind!r}")
    allowed = _LAYER_KEYS[kind] | _COMMON_KEYS
    if kind in _NO_IFMAP:
        allowed -= {"ifmap_zero", "ifmap_zero_unpadded", "batch_n"}
    bad = set(spec) - allowed
    if bad:
        raise AccelsimError(f"{where}: unknown key '{sorted(bad)[0]}' for a {kind} layer")
    name = spec.get("name")
    if not isinstance(name, str) or not name:
        raise AccelsimError(f"{where}: needs a name")
    inputs = spec.get("inputs")
    extra = {
        k: spec[k]
        for k in ("ifmap_zero", "ifmap_zero_unpadded", "ofmap_zero", "batch_n")
        if k in spec
    }
    if "group" in spec:
        extra["group_label"] = str(spec["group"])
    try:
        if kind == "concat":
            if not isinstance(inputs, list) or len(inputs) < 2:
                raise AccelsimError(f"layer '{name}': a concat needs a list of at least 2 inputs")
            builder.concat(name, inputs, **extra)
            return
        if isinstance(inputs, list):
            if len(inputs) != 1:
                raise AccelsimError(f"layer '{name}': a {kind} layer takes exactly one input")
            inputs = inputs[0]
        if kind == "conv":
            size = spec.get("size")
            builder.conv(
                name,
                spec.get("filters"),
                size,
                stride=spec.get("stride", 1),
                pad=spec.get("pad", 0),
                groups=spec.get("groups", 1),
                inputs=inputs,
                **extra,
            )
        elif kind == "fc":
            builder.fc(name, spec.get("outputs"), inputs=inputs, **extra)
        elif kind == "pool":
            builder.pool(
                name,
                spec.get("size"),
                spec.get("stride", spec.get("size")),
                mode=spec.get("mode", "max"),
                pad=spec.get("pad", 0),
                ceil_mode=bool(spec.get("ceil_mode", False)),
                inputs=inputs,
                **extra,
            )
        else:
            builder.global_pool(name, mode=spec.get("mode", "avg"), inputs=inputs, **extra)
    except TypeError as exc:
        raise AccelsimError(f"layer '{name}': {exc}") from None


def _zero(value: object, origin: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= 1:
        raise AccelsimError(f"{origin}: input zero must be a number in [0, 1], got {value!r}")
    return float(value)

"""Measured zero fractions for any network: a CSV of `layer,ofmap_zero[,ifmap_zero]`, or real
activations (.npz keyed by layer name, .npy named after the layer), replacing the network's own.

Rules, applied in one pass over the layers in order:

- `ofmap_zero` sets the layer's output zero fraction; the row `input` sets the image's.
- `ifmap_zero` (convolution and FC layers only) sets the zero fraction of the layer's unpadded
  input; the padded fraction follows from the padding (padding is zeros).
- A convolution or FC layer without an `ifmap_zero` of its own that reads one tensor whose
  fraction is given (its producer's row, or `input`) reads that fraction: a measured output is
  what the next layer reads. So does a flatten/reshape/shuffle/transpose layer without a row of
  its own (it keeps the words, so their zero fraction), and the layers after it.
- Everything else keeps the network's values.

From activations, a layer's `ofmap_zero` is the fraction of exact zeros in its array (any batch of
outputs: the array's size must be a multiple of the layer's output size).
"""

from __future__ import annotations

import csv
import io
import os
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path

from accelsim.errors import AccelsimError
from accelsim.files.reading import read_text, short_repr
from accelsim.workload.cells import decimal_cell
from accelsim.workload.layer import ConvLayer
from accelsim.workload.network import INPUT, Network
from accelsim.workload.tensor_ops import ReshapeLayer

COLUMNS = ("layer", "ofmap_zero", "ifmap_zero")
"""The columns of a zeros CSV: the first two required, `ifmap_zero` optional (a cell may be
empty)."""

ACTIVATION_SUFFIXES = (".npz", ".npy")


@dataclass(frozen=True)
class LayerZeros:
    """Measured zero fractions of one layer: its output's, and optionally its unpadded input's."""

    ofmap_zero: float
    ifmap_zero: float | None = None

    def __post_init__(self) -> None:
        for name in ("ofmap_zero", "ifmap_zero"):
            value = getattr(self, name)
            if value is None and name == "ifmap_zero":
                continue
            if (
                isinstance(value, bool)
                or not isinstance(value, int | float)
                or not 0.0 <= value <= 1.0
            ):
                raise AccelsimError(f"{name} must be a number in [0, 1], got {short_repr(value)}")


ZeroSpec = Mapping[str, "LayerZeros | float"] | str | os.PathLike[str]
"""What `with_zeros` takes: {layer: LayerZeros or an ofmap zero fraction}, or a file path."""


def read_zeros(path: str | os.PathLike[str]) -> dict[str, LayerZeros]:
    """The rows of a zeros CSV, by layer name; every error names the file, the line and the
    column."""
    return _read_rows(path)[0]


def _read_rows(path: str | os.PathLike[str]) -> tuple[dict[str, LayerZeros], dict[str, str]]:
    """The rows of a zeros CSV and where each is (`line N`)."""
    origin = f"zeros file '{path}'"
    text = read_text(path, "zeros file")
    try:
        rows = list(csv.reader(io.StringIO(text, newline="")))
    except csv.Error as exc:
        raise AccelsimError(f"{origin}: cannot parse: {exc}") from None
    if not rows:
        raise AccelsimError(f"{origin}: is empty (expected the header layer,ofmap_zero)")
    header = [cell.strip() for cell in rows[0]]
    for column in header:
        if column not in COLUMNS:
            raise AccelsimError(
                f"{origin}: unknown column {short_repr(column)} (columns: {', '.join(COLUMNS)})"
            )
        if header.count(column) > 1:
            raise AccelsimError(f"{origin}: column '{column}' appears twice")
    for column in COLUMNS[:2]:
        if column not in header:
            raise AccelsimError(f"{origin}: missing column '{column}'")
    zeros: dict[str, LayerZeros] = {}
    lines: dict[str, str] = {}
    for line, cells in enumerate(rows[1:], start=2):
        cells = [cell.strip() for cell in cells]
        if not any(cells):
            continue
        where = f"{origin}: line {line}"
        if len(cells) != len(header):
            raise AccelsimError(f"{where}: {len(cells)} cells, the header has {len(header)}")
        row = dict(zip(header, cells, strict=True))
        name = row["layer"]
        if not name:
            raise AccelsimError(f"{where}: layer is empty")
        if name in zeros:
            raise AccelsimError(f"{where}: layer {short_repr(name)} appears twice")
        ofmap = decimal_cell(where, "ofmap_zero", row["ofmap_zero"], 0.0, 1.0)
        text_in = row.get("ifmap_zero", "")
        ifmap = None if text_in == "" else decimal_cell(where, "ifmap_zero", text_in, 0.0, 1.0)
        zeros[name] = LayerZeros(ofmap, ifmap)
        lines[name] = f"line {line}: "
    if not zeros:
        raise AccelsimError(f"{origin}: has no rows")
    return zeros, lines


def activation_zeros(network: Network, path: str | os.PathLike[str]) -> dict[str, LayerZeros]:
    """Output zero fractions measured on real activations (an .npz keyed by layer name or
    `input`, or an .npy named after one), each array checked against the tensor's size."""
    from accelsim.coding.activation_files import load_activations

    origin = f"activation file '{path}'"
    arrays = load_activations(path)
    if not arrays:
        raise AccelsimError(f"{origin}: holds no arrays")
    zeros: dict[str, LayerZeros] = {}
    for name, array in arrays.items():
        what = f"{origin}: array {short_repr(name)}"
        if name != INPUT and name not in _names(network):
            raise AccelsimError(f"{what} is not a layer of network '{network.name}'")
        shape = network.input_shape if name == INPUT else network.layer(name).output_shape
        words = shape.size if shape is not None else 1
        if array.size == 0 or array.size % words:
            raise AccelsimError(
                f"{what} has {array.size} values, not a whole number of {words}-value tensors"
            )
        zeros[name] = LayerZeros(float((array == 0).sum()) / array.size)
    return zeros


def zeros_from(network: Network, spec: ZeroSpec) -> dict[str, LayerZeros]:
    """`spec` as {layer: LayerZeros}: a CSV or activation file read, a mapping checked."""
    if isinstance(spec, str | os.PathLike):
        if _is_activations(spec):
            return activation_zeros(network, spec)
        return read_zeros(spec)
    if not isinstance(spec, Mapping):
        raise AccelsimError(
            f"zeros must be a mapping of layer names or a file path, got {short_repr(spec)}"
        )
    out: dict[str, LayerZeros] = {}
    for name, value in spec.items():
        if not isinstance(name, str):
            raise AccelsimError(f"zeros: layer names must be strings, got {short_repr(name)}")
        try:
            out[name] = value if isinstance(value, LayerZeros) else LayerZeros(value)  # type: ignore[arg-type]
        except AccelsimError as exc:
            raise AccelsimError(f"zeros: layer '{name}': {exc}") from None
    return out


def with_zeros(network: Network, zeros: ZeroSpec, origin: str = "zeros") -> Network:
    """`network` with the given zero fractions (a mapping, a zeros CSV or an activation file; the
    module docstring gives the rules)."""
    lines: dict[str, str] = {}
    if isinstance(zeros, str | os.PathLike) and not _is_activations(zeros):
        table, lines = _read_rows(zeros)
        origin = f"zeros file '{zeros}'"
    else:
        table = zeros_from(network, zeros)
    names = _names(network)
    for name, given in table.items():
        at = f"{origin}: {lines.get(name, '')}"
        if name == INPUT:
            if given.ifmap_zero is not None:
                raise AccelsimError(f"{at}'input' (the image) has no ifmap_zero")
            continue
        if name not in names:
            raise AccelsimError(
                f"{at}layer {short_repr(name)} is not a layer of network '{network.name}'"
            )
        if given.ifmap_zero is not None and not isinstance(network.layer(name), ConvLayer):
            raise AccelsimError(
                f"{at}layer '{name}' is a {network.layer(name).kind} layer; only convolution "
                "and FC layers take an ifmap_zero"
            )
    known = {name: given.ofmap_zero for name, given in table.items()}
    input_zero = known.get(INPUT, network.input_zero)
    if network.is_layer_list:  # each layer reads an input of its own, not the image
        known.pop(INPUT, None)
    layers = []
    for layer in network.layers:
        given = table.get(layer.name)
        changes: dict[str, object] = {}
        if given is not None:
            changes["ofmap_zero"] = given.ofmap_zero
        source = layer.inputs[0] if len(layer.inputs) == 1 else None
        if isinstance(layer, ConvLayer):
            if given is not None and given.ifmap_zero is not None:
                changes.update(ifmap_zero=None, ifmap_zero_unpadded=given.ifmap_zero)
            elif source in known:
                changes.update(ifmap_zero=None, ifmap_zero_unpadded=known[source])
        elif isinstance(layer, ReshapeLayer) and given is None and source in known:
            changes["ofmap_zero"] = known[source]
            known[layer.name] = known[source]
        layers.append(replace(layer, **changes) if changes else layer)
    return Network(
        network.name, network.input_shape, tuple(layers), input_zero, network.image_readers
    )


def _is_activations(path: str | os.PathLike[str]) -> bool:
    return Path(path).suffix.lower() in ACTIVATION_SUFFIXES


def _names(network: Network) -> set[str]:
    return {layer.name for layer in network.layers}

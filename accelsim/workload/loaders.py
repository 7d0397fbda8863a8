"""Loading a user's network: per-layer CSV, SCALE-Sim topology CSV, or a declarative JSON/TOML/YAML.

- **Layer CSV** (the format of the built-in data files): one conv/FC layer per row, each with its
  own input, so the rows need not chain (a layer list). Required columns: `name`, `input_size`,
  `in_channels` (channels each filter sees), `filter_size`, `filters`, `stride`. Optional: `kind`
  (conv | fc), `pad` (per side; x.5 means x before and x+1 after), `groups`, `output_size` (checked),
  `input_height`/`input_width` and `filter_height`/`filter_width` for non-square layers,
  `ifmap_sparsity_padded`, `ifmap_sparsity`, `ofmap_sparsity` (zero fractions in [0, 1]),
  `batch_n`, `group` (a label used when summing layers), `padded_size` (checked), `dilation` (only
  1: dilated convolutions are not modelled). Integers are written as integers (`3`, `3.0`; not
  `3.7`, `inf`, `1e3`); a BOM and rows of empty cells from a spreadsheet are ignored.
- **SCALE-Sim topology CSV**: header `Layer name, IFMAP Height, IFMAP Width, Filter Height, Filter
  Width, Channels, Num Filter, Strides` (trailing comma optional); see `scalesim_topology`.
- **Declarative network** (.json, .toml, .yaml): an `input` tensor and a list of `layers`, each a
  `conv`, `fc`, `pool`, `global_pool` or `concat` reading the previous layer or the layers named in
  `inputs`; this is the format for real DAGs (branches that join, pooling, valid cut points).
  Its strict schema is `accelsim.workload.schema` (no coercion, unknown keys refused).
- **ONNX model** (.onnx): imported by `accelsim.interop.onnx` (docs/onnx.md); `input_shape`
  overrides the image size and `allow_unknown` passes unknown operators through.

Every size is bounded by the named limits of `accelsim.workload.layer` (MAX_EXTENT, MAX_CHANNELS,
MAX_PAD, MAX_BATCH_N, MAX_TENSOR_WORDS, MAX_LAYER_MACS), and every error is one line naming the
file, the layer and the field.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from accelsim.errors import AccelsimError
from accelsim.files.reading import read_structured, read_text, short_repr
from accelsim.workload.builtin import builtin_network
from accelsim.workload.layer_csv import layer_from_row, read_layer_csv
from accelsim.workload.network import Network

__all__ = [
    "load_network",
    "load_network_file",
    "layer_from_row",
    "network_from_dict",  # noqa: F822 - imported when first used, by `__getattr__`
    "read_layer_csv",
]

NETWORK_SUFFIXES = (".csv", ".json", ".toml", ".yaml", ".yml", ".onnx")


def __getattr__(name: str) -> Callable[..., Network]:
    """`network_from_dict`, imported when first used: its strict schema needs pydantic, which a
    built-in network or a CSV file does not."""
    if name == "network_from_dict":
        from accelsim.workload.declarative import network_from_dict

        return network_from_dict
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def load_network(spec: Any, *, input_shape: Any = None, allow_unknown: bool = False) -> Network:
    """A built-in network by name, or a network file by path (a name with a network suffix or a
    path separator is a file). `input_shape` and `allow_unknown` apply to ONNX files."""
    if not isinstance(spec, str | os.PathLike):
        raise AccelsimError(
            f"network must be a built-in name or a file path, got {short_repr(spec)}"
        )
    path = Path(spec)
    if path.suffix.lower() in NETWORK_SUFFIXES or isinstance(spec, os.PathLike):
        return load_network_file(path, input_shape=input_shape, allow_unknown=allow_unknown)
    if os.sep in spec or (os.altsep and os.altsep in spec):
        raise AccelsimError(
            f"network file '{spec}': unknown file type '{path.suffix}' (use "
            f"{', '.join(NETWORK_SUFFIXES)})"
        )
    _onnx_options_only(spec, input_shape, allow_unknown, False)
    return builtin_network(spec)


def _onnx_options_only(spec: Any, input_shape: Any, allow_unknown: bool, onnx: bool) -> None:
    if not onnx and (input_shape is not None or allow_unknown):
        what = "input_shape" if input_shape is not None else "allow_unknown"
        raise AccelsimError(f"{what} applies to ONNX files (.onnx), not to {short_repr(str(spec))}")


def load_network_file(
    path: str | os.PathLike[str], *, input_shape: Any = None, allow_unknown: bool = False
) -> Network:
    """A network from a .csv (layer CSV or SCALE-Sim topology), .json, .toml, .yaml or .onnx
    file."""
    p = Path(path)
    suffix = p.suffix.lower()
    _onnx_options_only(p, input_shape, allow_unknown, suffix == ".onnx")
    if suffix == ".onnx":
        from accelsim.interop.onnx import load_onnx

        return load_onnx(p, input_shape=input_shape, allow_unknown=allow_unknown)
    if suffix == ".csv":
        from accelsim.workload.scalesim_topology import read_scalesim_topology, topology_kind

        header = read_text(p, "network file").split("\n", 1)[0]
        if topology_kind(header) is not None:
            return read_scalesim_topology(p)
        return read_layer_csv(p)
    if suffix not in NETWORK_SUFFIXES:
        raise AccelsimError(
            f"network file '{p}': unknown file type '{p.suffix}' (use {', '.join(NETWORK_SUFFIXES)})"
        )
    from accelsim.workload.declarative import network_from_dict

    data = read_structured(p, "network file")
    return network_from_dict(data, default_name=p.stem, origin=f"network file '{p}'")

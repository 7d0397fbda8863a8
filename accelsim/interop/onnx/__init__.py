"""ONNX models as networks: `load_onnx("model.onnx")` (also `accelsim.load_network`, and every
command that takes a network file).

Shapes come from ONNX shape inference with the image input fixed (a batch of 1; its channels,
height and width from the model, or `input_shape`); weights are never read, only their
dimensions. Each operator maps by one table (`accelsim.interop.onnx.ops.OPERATORS`, listed in
docs/onnx.md); a node of another operator is an error naming the file, the node and the operator,
or with `allow_unknown` a free reshape listed in `OnnxImport.passed_through`. `onnx` is imported
only here, when an ONNX file is loaded.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from accelsim.errors import AccelsimError
from accelsim.files.reading import short_repr
from accelsim.workload.layer import MAX_CHANNELS, MAX_EXTENT
from accelsim.workload.network import Network

__all__ = ["OnnxImport", "OnnxImportWarning", "import_onnx", "load_onnx", "parse_input_shape"]


class OnnxImportWarning(UserWarning):
    """Nodes of unknown operators were passed through (`allow_unknown`)."""


@dataclass(frozen=True)
class OnnxImport:
    """An imported model: its network, and the (layer, operator) of every node passed through
    as a free reshape (with `allow_unknown`)."""

    network: Network
    passed_through: tuple[tuple[str, str], ...] = ()


def parse_input_shape(value: object) -> tuple[int, int, int]:
    """An image size as (channels, height, width): a 3-tuple of integers or text `CxHxW`."""
    if isinstance(value, str):
        parts = value.lower().replace(" ", "").split("x")
        if len(parts) != 3 or not all(p.isascii() and p.isdigit() and len(p) < 10 for p in parts):
            raise AccelsimError(
                f"input shape must be CxHxW (e.g. 3x224x224), got {short_repr(value)}"
            )
        value = tuple(int(p) for p in parts)
    if (
        not isinstance(value, tuple | list)
        or len(value) != 3
        or not all(isinstance(v, int) and not isinstance(v, bool) for v in value)
    ):
        raise AccelsimError(
            f"input shape must be (channels, height, width) integers, got {short_repr(value)}"
        )
    c, h, w = value
    for what, v, bound in (("channels", c, MAX_CHANNELS), ("height", h, MAX_EXTENT),
                           ("width", w, MAX_EXTENT)):  # fmt: skip
        if not 1 <= v <= bound:
            raise AccelsimError(f"input shape: {what} {v} is not in [1, {bound}]")
    return c, h, w


def import_onnx(
    path: str | os.PathLike[str],
    input_shape: tuple[int, int, int] | str | None = None,
    allow_unknown: bool = False,
    name: str | None = None,
) -> OnnxImport:
    """The network of an ONNX file and the nodes passed through (see the module)."""
    from accelsim.interop.onnx.convert import Converter
    from accelsim.interop.onnx.reading import read_graph

    p = Path(path)
    origin = f"ONNX file '{p}'"
    try:
        import onnx  # noqa: F401
    except ImportError:
        raise AccelsimError(
            f"{origin}: reading ONNX files needs the onnx package (pip install 'accelsim[onnx]')"
        ) from None
    shape = parse_input_shape(input_shape) if input_shape is not None else None
    graph = read_graph(p, origin, shape, allow_unknown)
    try:
        converter = Converter(graph, name or p.stem or "onnx", allow_unknown=allow_unknown)
        network = converter.run()
    except AccelsimError as exc:
        if str(exc).startswith(origin):
            raise
        raise AccelsimError(f"{origin}: {exc}") from None
    return OnnxImport(network, tuple(converter.passed))


def load_onnx(
    path: str | os.PathLike[str],
    input_shape: tuple[int, int, int] | str | None = None,
    allow_unknown: bool = False,
) -> Network:
    """The network of an ONNX file; with `allow_unknown`, nodes passed through are reported
    by a warning (`OnnxImportWarning`)."""
    result = import_onnx(path, input_shape, allow_unknown)
    if result.passed_through:
        import warnings

        warnings.warn(passed_through_message(result), OnnxImportWarning, stacklevel=2)
    return result.network


def passed_through_message(result: OnnxImport) -> str:
    """One line listing the nodes passed through."""
    shown = ", ".join(f"{name} ({op})" for name, op in result.passed_through[:8])
    more = len(result.passed_through) - 8
    return (
        f"--allow-unknown passed {len(result.passed_through)} node(s) of unknown operators "
        f"through as free reshapes: {shown}{f' and {more} more' if more > 0 else ''}"
    )

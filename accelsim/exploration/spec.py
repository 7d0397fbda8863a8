"""Sweep files (`--spec sweep.toml`, TOML, YAML or JSON): a space and its networks, checked
strictly (no unknown key, no text for a number, bounded lists). Errors name the file, the key
and the value in one line.

    networks = ["alexnet", "vgg16"]
    dataflows = ["rs", "os"]
    arrays = ["8x8", "16x16", [32, 32]]
    rows = "8:64:8"          # or a list; rows x cols is their product (instead of arrays)
    glb_kb = [54, 108, 216]  # spatial arrays: the whole GLB (its filter part kept)
    sram_kb = [32, [64, 32, 64]]   # systolic arrays: one size for all three, or ifmap/filter/ofmap
    models = ["analytical", "simulated"]
    [options]
    engine = "fast"
"""

from __future__ import annotations

import os
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from accelsim.errors import AccelsimError
from accelsim.exploration.space import (
    MAX_AXIS_VALUES,
    Space,
    parse_int_axis,
)
from accelsim.files.reading import read_structured, short_repr
from accelsim.hardware.systolic import parse_array

Name = Annotated[str, Field(min_length=1, max_length=4096)]
Names = Annotated[list[Name], Field(max_length=MAX_AXIS_VALUES)]
Ints = Annotated[list[int], Field(max_length=MAX_AXIS_VALUES)]
Scalar = bool | int | float | str


class SweepFile(BaseModel):
    """The keys a sweep file may give (each optional; a command-line flag replaces its key)."""

    model_config = ConfigDict(strict=True, extra="forbid")

    networks: Names = []
    accelerators: Names = []
    dataflows: Names = []
    arrays: Annotated[
        list[str | Annotated[list[int], Field(min_length=2, max_length=2)]],
        Field(max_length=MAX_AXIS_VALUES),
    ] = []
    rows: Ints | str = []
    cols: Ints | str = []
    glb_kb: Annotated[list[int | float], Field(max_length=MAX_AXIS_VALUES)] = []
    sram_kb: Annotated[
        list[int | Annotated[list[int], Field(min_length=3, max_length=3)]],
        Field(max_length=MAX_AXIS_VALUES),
    ] = []
    spad_ifmap_words: Ints = []
    spad_filter_words: Ints = []
    spad_psum_words: Ints = []
    bits: Ints = []
    batch: Ints = []
    mappers: Names = []
    memory: Names = []
    counts: Names = []
    models: Names = []
    control: bool = True
    options: dict[str, Scalar] = {}


def _describe(exc: ValidationError) -> str:
    error = exc.errors(include_url=False)[0]
    where = ".".join(str(part) for part in error["loc"]) or "file"
    if error["type"] == "extra_forbidden":
        return f"unknown key {short_repr(where)} (expected {', '.join(SweepFile.model_fields)})"
    return f"{where} = {short_repr(error['input'])}: {error['msg']}"


def read_sweep_file(path: str | os.PathLike[str]) -> tuple[list[str], dict[str, Any]]:
    """The networks a sweep file names and its space's fields (as `Space` keyword arguments,
    only those the file gives)."""
    data = read_structured(path, "sweep file")
    try:
        spec = SweepFile.model_validate(data)
    except ValidationError as exc:
        raise AccelsimError(f"sweep file '{path}': {_describe(exc)}") from None
    given = spec.model_dump(exclude_unset=True)
    fields: dict[str, Any] = {}
    try:
        for key, value in given.items():
            if key == "networks":
                continue
            if key == "arrays":
                value = [parse_array(v) if isinstance(v, str) else tuple(v) for v in value]
            elif key in ("rows", "cols") and isinstance(value, str):
                value = parse_int_axis(value, key)
            elif key == "sram_kb":
                value = [(v, v, v) if isinstance(v, int) else tuple(v) for v in value]
            fields[key] = value
        Space(**fields)  # every value checked here, so the error names this file
    except AccelsimError as exc:
        raise AccelsimError(f"sweep file '{path}': {exc}") from None
    return list(given.get("networks", [])), fields

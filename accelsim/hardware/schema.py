"""The accelerator file format as strict pydantic schemas: every key typed (no float for an
integer, no bool or text for a number, no null), bounded by `accelsim.hardware.limits`, and no
unknown keys. A validation error becomes one line naming the file, the table.field and the value.

A key left out takes the base preset's value, so the schemas hold only the keys a file gives
(`model_dump(exclude_unset=True)`); cross-field checks (buffer partitions, bus multiples of the
word width, RLC pairs fitting the word) are the dataclasses' own.
"""

from __future__ import annotations

import re
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationError,
)

from accelsim.coding.rlc_size import MAX_PAIRS_PER_WORD, MAX_RLC_WORD_BITS, MAX_RUN_BITS
from accelsim.errors import AccelsimError
from accelsim.files.reading import short_repr
from accelsim.hardware import limits as L

STRICT = ConfigDict(strict=True, extra="forbid")

NUMBER_TEXT = re.compile(r"[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?", re.ASCII)
"""Text that reads as a number: refused (no string-to-number coercion) with a hint."""


def _printable(value: str) -> str:
    if not value.isprintable():
        raise ValueError("must be printable (no tabs, newlines or control characters)")
    return value


Name = Annotated[
    str, StringConstraints(min_length=1, max_length=L.MAX_NAME_CHARS), AfterValidator(_printable)
]


def _word_bits(value: int) -> int:
    if value not in L.WORD_BITS:
        raise ValueError("must be 8 or 16")
    return value


Bits = Annotated[int, AfterValidator(_word_bits)]
SpatialDim = Annotated[int, Field(ge=1, le=L.MAX_SPATIAL_DIM)]
ArrayDim = Annotated[int, Field(ge=1, le=L.MAX_ARRAY_DIM)]
SpadWords = Annotated[int, Field(ge=1, le=L.MAX_SPAD_WORDS)]
BufferKb = Annotated[float, Field(gt=0, le=L.MAX_BUFFER_KB)]
SramKb = Annotated[int, Field(ge=1, le=L.MAX_BUFFER_KB)]
ClockHz = Annotated[float, Field(ge=L.MIN_CLOCK_HZ, le=L.MAX_CLOCK_HZ)]
BusBits = Annotated[int, Field(ge=8, le=L.MAX_BUS_BITS)]
AccessPj = Annotated[float, Field(ge=L.MIN_ACCESS_PJ, le=L.MAX_ACCESS_PJ)]
TechnologyNm = Annotated[int, Field(ge=L.MIN_TECHNOLOGY_NM, le=L.MAX_TECHNOLOGY_NM)]


OMITTED: Any = None
"""The default of every table field: a key a file omits takes the base preset's value (`given`
returns only the keys the file sets), so the schemas repeat no preset number. A null a file
writes is still refused (defaults are not validated, given values are)."""


class SpatialHardware(BaseModel):
    """[hardware] of a spatial array (fields of `SpatialArray`)."""

    model_config = STRICT
    pe_rows: SpatialDim = OMITTED
    pe_cols: SpatialDim = OMITTED
    bits: Bits = OMITTED
    spad_ifmap_words: SpadWords = OMITTED
    spad_filter_words: SpadWords = OMITTED
    spad_psum_words: SpadWords = OMITTED
    glb_kb: BufferKb = OMITTED
    glb_ifmap_psum_kb: BufferKb = OMITTED
    glb_filter_kb: BufferKb = OMITTED
    clock_hz: ClockHz = OMITTED
    dram_bus_bits: BusBits = OMITTED
    dram_clock_hz: ClockHz = OMITTED
    noc_filter_bits: BusBits = OMITTED
    noc_ifmap_bits: BusBits = OMITTED
    noc_psum_bits: BusBits = OMITTED
    local_link_bits: BusBits = OMITTED
    technology_nm: TechnologyNm = OMITTED


class SystolicHardware(BaseModel):
    """[hardware] of a systolic array (fields of `SystolicArray`)."""

    model_config = STRICT
    rows: ArrayDim = OMITTED
    cols: ArrayDim = OMITTED
    dataflow: Literal["os", "ws", "is"] = OMITTED
    ifmap_sram_kb: SramKb = OMITTED
    filter_sram_kb: SramKb = OMITTED
    ofmap_sram_kb: SramKb = OMITTED
    bits: Bits = OMITTED
    clock_hz: ClockHz = OMITTED
    technology_nm: TechnologyNm = OMITTED


class Energy(BaseModel):
    """[energy] (fields of `EnergyTable`), in pJ per access and W."""

    model_config = STRICT
    name: Name = OMITTED
    mac_pj: AccessPj = OMITTED
    rf_pj: AccessPj = OMITTED
    inter_pe_pj: AccessPj = OMITTED
    glb_pj: AccessPj = OMITTED
    dram_pj: AccessPj = OMITTED
    clock_power_w: Annotated[float, Field(ge=0, le=L.MAX_CLOCK_POWER_W)] = OMITTED
    control_fraction: Annotated[float, Field(ge=0, le=L.MAX_CONTROL_FRACTION)] = OMITTED


class Rlc(BaseModel):
    """[rlc]: the feature-map run-length code (`RlcFormat`)."""

    model_config = STRICT
    run_bits: Annotated[int, Field(ge=1, le=MAX_RUN_BITS)] = OMITTED
    values_per_word: Annotated[int, Field(ge=1, le=MAX_PAIRS_PER_WORD)] = OMITTED
    word_bits: Annotated[int, Field(ge=1, le=MAX_RLC_WORD_BITS)] = OMITTED


class CalibrationTable(BaseModel):
    """[calibration] (fields of `accelsim.calibration.Calibration`; ranges checked there)."""

    model_config = STRICT
    mapper: Literal["energy", "chip"] = OMITTED
    max_pe_sets: int = OMITTED
    max_channel_sets: int = OMITTED
    onchip_weight: float = OMITTED
    glb_kb_bytes: int = OMITTED
    dram_link_efficiency: float = OMITTED
    static_power_w: float = OMITTED
    fit_set: Literal["", "alexnet", "vgg16"] = OMITTED


class Top(BaseModel):
    """The file's top level: a name, a kind and its tables (checked by their own schema);
    `[provenance]`, written by `accelsim calibrate`, is a record for readers, not model input."""

    model_config = STRICT
    name: Name = "accelerator"
    kind: Literal["spatial", "systolic"] = "spatial"
    hardware: dict[str, Any] = {}
    energy: dict[str, Any] = {}
    rlc: dict[str, Any] = {}
    calibration: dict[str, Any] = {}
    provenance: dict[str, Any] = {}


HARDWARE_SCHEMAS: dict[str, type[BaseModel]] = {
    "spatial": SpatialHardware,
    "systolic": SystolicHardware,
}
"""The [hardware] schema of each array kind."""


def given(schema: type[BaseModel], data: Any, origin: str, table: str = "") -> dict[str, Any]:
    """The keys `data` gives, validated by `schema`; else one line naming origin and field."""
    try:
        return schema.model_validate(data).model_dump(exclude_unset=True)
    except ValidationError as exc:
        raise AccelsimError(f"{origin}: {describe(exc, table, schema)}") from None


def describe(exc: ValidationError, table: str, schema: type[BaseModel]) -> str:
    """The first error of a validation as `table.field = value: reason` (value shortened)."""
    error = exc.errors(include_url=False)[0]
    loc = [str(part) for part in error["loc"]]
    path = ".".join([table, *loc] if table else loc) or table or "file"
    if error["type"] == "extra_forbidden":
        where = f" in [{table}]" if table else ""
        return (
            f"unknown key {short_repr(loc[-1])}{where} (expected {', '.join(schema.model_fields)})"
        )
    if error["type"] in ("model_type", "dict_type"):
        return f"{path or 'the file'} must be a table, got {short_repr(error['input'])}"
    reason = error["msg"]
    value = error["input"]
    if isinstance(value, str) and NUMBER_TEXT.fullmatch(value.strip()):
        reason += (
            ", not text (quoted, or YAML exponent without a sign: YAML reads 3.0e9 as text, "
            "write 3.0e+9)"
        )
    return f"{path} = {short_repr(value)}: {reason}"

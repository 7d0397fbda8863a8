"""Accelerator files: load and save TOML/YAML/JSON descriptions, convert SCALE-Sim `.cfg` files,
and resolve what a command names (a preset or a file, with its overrides).

A file has an optional top-level `name` and `kind` (`spatial`, the default, or `systolic`), and
the tables `[hardware]` (fields of `SpatialArray` or `SystolicArray`), `[energy]` (fields of
`EnergyTable`) and `[rlc]` (`run_bits`, `values_per_word`, `word_bits`). Omitted fields take the
value of the kind's base preset (`eyeriss` or `scalesim-32x32`) at the file's bit width; unknown
keys and impossible values are errors naming the file and the field.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any, TypeVar

from accelsim.errors import AccelsimError
from accelsim.files.reading import input_path, read_structured, short_repr
from accelsim.hardware.accelerator import DATAFLOW_KIND, Accelerator
from accelsim.hardware.presets import DEFAULT_FOR_KIND, PRESETS, preset
from accelsim.hardware.spatial import SpatialArray
from accelsim.hardware.systolic import SystolicArray

FILE_SUFFIXES = (".toml", ".yaml", ".yml", ".json")
SCALESIM_SUFFIX = ".cfg"
RLC_KEYS = {"run_bits": "run_bits", "values_per_word": "pairs_per_word", "word_bits": "word_bits"}
"""File keys of the [rlc] table and the `RlcFormat` field each sets."""
T = TypeVar("T")
DEFAULT_BITS = {"spatial": 16, "systolic": 8}
"""The word width of a file that does not give hardware.bits, by kind (its base preset's)."""


def accelerator_from_dict(data: Any, origin: str = "accelerator") -> Accelerator:
    """Build an accelerator from a parsed file (`accelsim.hardware.schema`: strict types, sane
    ranges, no unknown keys); each error is one line naming `origin` and the table.field.
    The schemas (pydantic) are imported here: only a file, never a preset, needs them."""
    from accelsim.calibration.parameters import Calibration
    from accelsim.hardware.schema import HARDWARE_SCHEMAS, CalibrationTable, Energy, Rlc, Top, given

    top = given(Top, data, origin)
    kind = top.get("kind", "spatial")
    hardware = given(HARDWARE_SCHEMAS[kind], top.get("hardware", {}), origin, "hardware")
    energy = given(Energy, top.get("energy", {}), origin, "energy")
    rlc = given(Rlc, top.get("rlc", {}), origin, "rlc")
    calibration = given(CalibrationTable, top.get("calibration", {}), origin, "calibration")
    if calibration and kind != "spatial":
        raise AccelsimError(f"{origin}: [calibration] calibrates the RS model of a spatial array")
    base = preset(DEFAULT_FOR_KIND[kind], hardware.get("bits", DEFAULT_BITS[kind]))
    name = top.get("name", base.name)
    hw = _built(origin, "hardware", lambda: replace(base.hardware, name=name, **hardware))
    table = _built(origin, "energy", lambda: replace(base.energy, **energy))
    coding = _built(
        origin, "rlc", lambda: replace(base.rlc, **{RLC_KEYS[k]: v for k, v in rlc.items()})
    )
    cal = _built(origin, "", lambda: Calibration(**calibration))
    return _built(origin, "", lambda: Accelerator(name, hw, table, coding, cal))


def _built(origin: str, table: str, build: Callable[[], T]) -> T:
    """`build()`, its error prefixed with the file and the [table] it is about."""
    try:
        return build()
    except AccelsimError as exc:
        where = f" [{table}]" if table else ""
        raise AccelsimError(f"{origin}:{where} {exc}") from None


def accelerator_to_dict(accelerator: Accelerator) -> dict[str, Any]:
    """The file form of an accelerator (every field written, so the file documents itself)."""
    hw = dataclasses.asdict(accelerator.hardware)
    hw.pop("name")
    energy = dataclasses.asdict(accelerator.energy)
    energy.pop("include_control")
    rlc = {key: getattr(accelerator.rlc, field) for key, field in RLC_KEYS.items()}
    out = {
        "name": accelerator.name,
        "kind": accelerator.kind,
        "hardware": hw,
        "energy": energy,
        "rlc": rlc,
    }
    if accelerator.kind == "spatial":
        out["calibration"] = accelerator.calibration.as_dict()
    return out


def accelerator_text(accelerator: Accelerator, fmt: str = "toml") -> str:
    """An accelerator as TOML or YAML text."""
    data = accelerator_to_dict(accelerator)
    if fmt == "toml":
        import tomli_w

        return tomli_w.dumps(data)
    if fmt in ("yaml", "yml"):
        import yaml

        return yaml.safe_dump(data, sort_keys=False)
    raise AccelsimError(f"accelerator format must be toml or yaml, got '{fmt}'")


def load_accelerator(path: str | os.PathLike[str]) -> Accelerator:
    """An accelerator from a .toml, .yaml/.yml or .json file, or a SCALE-Sim .cfg."""
    p = input_path(path, "accelerator file")
    suffix = p.suffix.lower()
    if suffix == SCALESIM_SUFFIX:
        from accelsim.interop.scalesim import accelerator_from_scalesim_config

        return accelerator_from_scalesim_config(p)
    if suffix not in FILE_SUFFIXES:
        raise AccelsimError(f"accelerator file '{p}': use a .toml, .yaml, .json or SCALE-Sim .cfg")
    data = read_structured(p, "accelerator file")
    return accelerator_from_dict(data, origin=f"accelerator file '{p}'")


def save_accelerator(accelerator: Accelerator, path: str | os.PathLike[str]) -> None:
    """Save an accelerator as TOML or YAML (by suffix), atomically."""
    from accelsim.report.output import write_text_atomic

    p = Path(path)
    suffix = p.suffix.lower().lstrip(".")
    if suffix not in ("toml", "yaml", "yml"):
        raise AccelsimError(f"accelerator file '{p}': use a .toml or .yaml file")
    write_text_atomic(p, accelerator_text(accelerator, suffix))


def is_accelerator_file(spec: str) -> bool:
    return Path(spec).suffix.lower() in (*FILE_SUFFIXES, SCALESIM_SUFFIX)


def resolve_accelerator(
    spec: str | None = None,
    bits: int | None = None,
    control: bool = True,
    dataflow: str | None = None,
    array: tuple[int, int] | None = None,
    sram_kb: tuple[int, int, int] | None = None,
) -> Accelerator:
    """What a command names: a preset or a file, then its overrides.

    `spec` None takes the default preset of the kind `dataflow` runs on (eyeriss for `rs`,
    scalesim-32x32 for `os`/`ws`/`is`). `bits` on a preset picks its 8- or 16-bit variant; on a
    file it must match the file. `dataflow` sets a systolic array's dataflow (a spatial array runs
    `rs` only); `array` sets rows x columns of either kind; `sram_kb` a systolic array's SRAMs.
    """
    _check_arguments(spec, bits, control, dataflow)
    if spec is None:
        spec = DEFAULT_FOR_KIND[DATAFLOW_KIND[dataflow or "rs"]]
    if spec in PRESETS:
        accelerator = preset(spec, bits)
    elif is_accelerator_file(spec):
        accelerator = load_accelerator(spec)
        if bits is not None and bits != accelerator.bits:
            raise AccelsimError(
                f"--bits {bits} contradicts hardware.bits {accelerator.bits} in "
                f"{short_repr(str(spec))}"
            )
    else:
        raise AccelsimError(
            f"unknown accelerator {short_repr(str(spec))} (presets: {', '.join(PRESETS)}; or a "
            ".toml/.yaml/.json file or a SCALE-Sim .cfg)"
        )
    accelerator = with_overrides(accelerator, dataflow, array, sram_kb)
    return accelerator if control else accelerator.without_control()


def _check_arguments(spec: Any, bits: Any, control: Any, dataflow: Any) -> None:
    """Types and values of `resolve_accelerator`'s arguments (no bool as a width, no text as a
    flag), each error one line naming the argument."""
    if spec is not None and not isinstance(spec, str | os.PathLike):
        raise AccelsimError(
            f"accelerator must be a preset name or a file path, got {short_repr(spec)}"
        )
    if bits is not None and (type(bits) is not int or bits not in (8, 16)):
        raise AccelsimError(f"bits must be 8 or 16, got {short_repr(bits)}")
    if not isinstance(control, bool):
        raise AccelsimError(f"control must be true or false, got {short_repr(control)}")
    if dataflow is not None and (not isinstance(dataflow, str) or dataflow not in DATAFLOW_KIND):
        raise AccelsimError(
            f"dataflow must be one of {', '.join(DATAFLOW_KIND)}, got {short_repr(dataflow)}"
        )


def _sizes(flag: str, value: Any, count: int) -> tuple[int, ...]:
    """`value` as a tuple of `count` integers (sizes are bounded by the array itself)."""
    if (
        not isinstance(value, tuple | list)
        or len(value) != count
        or any(isinstance(v, bool) or not isinstance(v, int) for v in value)
    ):
        shown = (
            "(" + ", ".join(short_repr(v, 20) for v in value) + ")"
            if isinstance(value, tuple | list) and len(value) <= 4
            else short_repr(value)
        )
        raise AccelsimError(f"{flag} must be {count} integers, got {shown}")
    return tuple(value)


def with_overrides(
    accelerator: Accelerator,
    dataflow: str | None = None,
    array: tuple[int, int] | None = None,
    sram_kb: tuple[int, int, int] | None = None,
) -> Accelerator:
    """The accelerator with another dataflow, array size or SRAM sizes (each checked)."""
    hw = accelerator.hardware
    changes: dict[str, Any] = {}
    if dataflow is not None and dataflow != hw.dataflow:
        if dataflow not in hw.dataflows:
            raise AccelsimError(
                f"--dataflow {dataflow} runs on a {DATAFLOW_KIND[dataflow]} array; "
                f"accelerator '{accelerator.name}' is a {accelerator.kind} array "
                f"(dataflows: {', '.join(hw.dataflows)})"
            )
        changes["dataflow"] = dataflow
    if array is not None:
        rows, cols = _sizes("--array", array, 2)
        if isinstance(hw, SpatialArray):
            changes.update(pe_rows=rows, pe_cols=cols)
        else:
            changes.update(rows=rows, cols=cols)
    if sram_kb is not None:
        if not isinstance(hw, SystolicArray):
            raise AccelsimError(
                f"--sram-kb sets a systolic array's SRAMs; accelerator '{accelerator.name}' is "
                "a spatial array (set glb_kb in an accelerator file)"
            )
        ifmap, filt, ofmap = _sizes("--sram-kb", sram_kb, 3)
        changes.update(ifmap_sram_kb=ifmap, filter_sram_kb=filt, ofmap_sram_kb=ofmap)
    if not changes:
        return accelerator
    flags = {"--dataflow": dataflow, "--array": array, "--sram-kb": sram_kb}
    given_flags = "/".join(flag for flag, value in flags.items() if value is not None)
    try:
        return replace(accelerator, hardware=replace(hw, **changes))
    except AccelsimError as exc:
        raise AccelsimError(f"{given_flags} on accelerator '{accelerator.name}': {exc}") from None

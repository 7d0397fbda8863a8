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
import json
import os
import tomllib
from dataclasses import replace
from pathlib import Path
from typing import Any

from accelsim.errors import AccelsimError
from accelsim.hardware.accelerator import ARRAY_KINDS, DATAFLOW_KIND, Accelerator
from accelsim.hardware.energy import EnergyTable
from accelsim.hardware.presets import DEFAULT_FOR_KIND, PRESETS, preset
from accelsim.hardware.spatial import SpatialArray
from accelsim.hardware.systolic import SystolicArray

FILE_SUFFIXES = (".toml", ".yaml", ".yml", ".json")
SCALESIM_SUFFIX = ".cfg"
RLC_KEYS = {"run_bits": "run_bits", "values_per_word": "pairs_per_word", "word_bits": "word_bits"}
"""File keys of the [rlc] table and the `RlcFormat` field each sets."""


def _fields(cls: type, exclude: tuple[str, ...] = ()) -> set[str]:
    return {f.name for f in dataclasses.fields(cls) if f.init and f.name not in exclude}


def _table(data: dict[str, Any], key: str, origin: str) -> dict[str, Any]:
    value = data.get(key, {})
    if value is None:
        value = {}
    if not isinstance(value, dict):
        raise AccelsimError(f"{origin}: [{key}] must be a table, got {type(value).__name__}")
    return value


def accelerator_from_dict(data: Any, origin: str = "accelerator") -> Accelerator:
    """Build an accelerator from a parsed file; unknown keys are errors."""
    if not isinstance(data, dict):
        raise AccelsimError(f"{origin}: expected a table with [hardware], [energy] and [rlc]")
    unknown = set(data) - {"name", "kind", "hardware", "energy", "rlc"}
    if unknown:
        raise AccelsimError(
            f"{origin}: unknown key '{sorted(unknown)[0]}' (expected name, kind, hardware, "
            "energy, rlc)"
        )
    kind = data.get("kind", "spatial")
    if not isinstance(kind, str) or kind not in ARRAY_KINDS:
        raise AccelsimError(f"{origin}: kind must be one of {', '.join(ARRAY_KINDS)}, got {kind!r}")
    hardware, energy, rlc = (_table(data, key, origin) for key in ("hardware", "energy", "rlc"))
    cls = ARRAY_KINDS[kind]
    for section, values, allowed in (
        ("hardware", hardware, _fields(cls, ("name",))),
        ("energy", energy, _fields(EnergyTable, ("include_control",))),
        ("rlc", rlc, set(RLC_KEYS)),
    ):
        bad = set(values) - allowed
        if bad:
            raise AccelsimError(f"{origin}: unknown key '{sorted(bad)[0]}' in [{section}]")
    for key, value in rlc.items():
        if isinstance(value, bool) or not isinstance(value, int):
            raise AccelsimError(f"{origin}: rlc.{key} must be an integer, got {value!r}")
    bits = hardware.get("bits", 16 if kind == "spatial" else 8)
    if type(bits) is not int or bits not in (8, 16):
        raise AccelsimError(f"{origin}: hardware.bits must be 8 or 16, got {bits!r}")
    base = preset(DEFAULT_FOR_KIND[kind], bits)
    name = data.get("name", base.name)
    if not isinstance(name, str) or not name:
        raise AccelsimError(f"{origin}: name must be a non-empty string, got {name!r}")
    try:
        hw = replace(base.hardware, name=name, **hardware)
        table = replace(base.energy, **energy)
        coding = replace(base.rlc, **{RLC_KEYS[k]: v for k, v in rlc.items()})
        return Accelerator(name, hw, table, coding)
    except AccelsimError as exc:
        raise AccelsimError(f"{origin}: {exc}") from None


def accelerator_to_dict(accelerator: Accelerator) -> dict[str, Any]:
    """The file form of an accelerator (every field written, so the file documents itself)."""
    hw = dataclasses.asdict(accelerator.hardware)
    hw.pop("name")
    energy = dataclasses.asdict(accelerator.energy)
    energy.pop("include_control")
    rlc = {key: getattr(accelerator.rlc, field) for key, field in RLC_KEYS.items()}
    return {
        "name": accelerator.name,
        "kind": accelerator.kind,
        "hardware": hw,
        "energy": energy,
        "rlc": rlc,
    }


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


def _parse(path: Path) -> Any:
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise AccelsimError(f"accelerator file '{path}' is not UTF-8 text") from None
    suffix = path.suffix.lower()
    try:
        if suffix == ".toml":
            return tomllib.loads(text)
        if suffix == ".json":
            return json.loads(text)
        import yaml

        return yaml.safe_load(text)
    except (tomllib.TOMLDecodeError, json.JSONDecodeError) as exc:
        raise AccelsimError(f"accelerator file '{path}': cannot parse: {exc}") from None
    except Exception as exc:  # yaml.YAMLError, imported lazily
        if type(exc).__module__.startswith("yaml"):
            first = str(exc).splitlines()[0]
            raise AccelsimError(f"accelerator file '{path}': cannot parse: {first}") from None
        raise


def load_accelerator(path: str | os.PathLike[str]) -> Accelerator:
    """An accelerator from a .toml, .yaml/.yml or .json file, or a SCALE-Sim .cfg."""
    p = Path(path)
    if not p.is_file():
        raise AccelsimError(f"accelerator file '{p}' does not exist")
    suffix = p.suffix.lower()
    if suffix == SCALESIM_SUFFIX:
        from accelsim.interop.scalesim import accelerator_from_scalesim_config

        return accelerator_from_scalesim_config(p)
    if suffix not in FILE_SUFFIXES:
        raise AccelsimError(f"accelerator file '{p}': use a .toml, .yaml, .json or SCALE-Sim .cfg")
    return accelerator_from_dict(_parse(p), origin=f"accelerator file '{p}'")


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
    if dataflow is not None and dataflow not in DATAFLOW_KIND:
        raise AccelsimError(f"dataflow must be one of {', '.join(DATAFLOW_KIND)}, got '{dataflow}'")
    if spec is None:
        spec = DEFAULT_FOR_KIND[DATAFLOW_KIND[dataflow or "rs"]]
    if spec in PRESETS:
        accelerator = preset(spec, bits)
    elif is_accelerator_file(spec):
        accelerator = load_accelerator(spec)
        if bits is not None and bits != accelerator.bits:
            raise AccelsimError(
                f"--bits {bits} contradicts hardware.bits {accelerator.bits} in '{spec}'"
            )
    else:
        raise AccelsimError(
            f"unknown accelerator '{spec}' (presets: {', '.join(PRESETS)}; or a "
            ".toml/.yaml/.json file or a SCALE-Sim .cfg)"
        )
    accelerator = with_overrides(accelerator, dataflow, array, sram_kb)
    return accelerator if control else accelerator.without_control()


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
        rows, cols = array
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
        ifmap, filt, ofmap = sram_kb
        changes.update(ifmap_sram_kb=ifmap, filter_sram_kb=filt, ofmap_sram_kb=ofmap)
    if not changes:
        return accelerator
    return replace(accelerator, hardware=replace(hw, **changes))

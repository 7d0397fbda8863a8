"""Accelerator configurations: presets, and loading/saving them as TOML or YAML files.

A file has two tables, `[hardware]` (fields of Accelerator) and `[energy]` (fields of EnergyTable),
plus an optional top-level `name`. Omitted fields take the Eyeriss value at the file's bit width;
unknown keys and impossible values are errors.
"""

from __future__ import annotations

import dataclasses
import os
import tomllib
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import tomli_w
import yaml

from accelsim.errors import AccelsimError
from accelsim.hardware.accelerator import Accelerator
from accelsim.hardware.energy import EnergyTable, eyeriss_energy
from accelsim.report.output import write_text_atomic


@dataclass(frozen=True)
class AcceleratorConfig:
    """An accelerator and the energy table its energies are computed with."""

    name: str
    hardware: Accelerator
    energy: EnergyTable


def eyeriss(bits: int = 16) -> AcceleratorConfig:
    """Eyeriss at 16 or 8 bit; at 8 bit each scratchpad holds twice as many words."""
    if bits == 16:
        hw = Accelerator(name="eyeriss")
    elif bits == 8:
        hw = Accelerator(
            name="eyeriss-8bit",
            bits=8,
            spad_ifmap_words=24,
            spad_filter_words=448,
            spad_psum_words=48,
            noc_ifmap_bits=16,
            rlc_values_per_word=5,
        )
    else:
        raise AccelsimError(f"bits must be 8 or 16, got {bits}")
    return AcceleratorConfig(hw.name, hw, eyeriss_energy(bits))


PRESETS = {"eyeriss": lambda: eyeriss(16), "eyeriss-8bit": lambda: eyeriss(8)}


def _fields(cls: type) -> set[str]:
    return {f.name for f in dataclasses.fields(cls) if f.init}


def config_from_dict(data: dict[str, Any], origin: str = "config") -> AcceleratorConfig:
    """Build a configuration from a parsed file; unknown keys are errors."""
    if not isinstance(data, dict):
        raise AccelsimError(f"{origin}: expected a table with [hardware] and [energy]")
    unknown = set(data) - {"name", "hardware", "energy"}
    if unknown:
        raise AccelsimError(
            f"{origin}: unknown key '{sorted(unknown)[0]}' (expected name, hardware, energy)"
        )
    hardware = data.get("hardware", {}) or {}
    energy = data.get("energy", {}) or {}
    for section, values, cls in (
        ("hardware", hardware, Accelerator),
        ("energy", energy, EnergyTable),
    ):
        if not isinstance(values, dict):
            raise AccelsimError(f"{origin}: [{section}] must be a table")
        bad = set(values) - _fields(cls)
        if bad:
            raise AccelsimError(f"{origin}: unknown key '{sorted(bad)[0]}' in [{section}]")
    bits = hardware.get("bits", 16)
    if bits not in (8, 16):
        raise AccelsimError(f"{origin}: hardware.bits must be 8 or 16, got {bits!r}")
    base = eyeriss(bits)
    name = data.get("name", base.name)
    if not isinstance(name, str):
        raise AccelsimError(f"{origin}: name must be a string")
    try:
        hw = replace(base.hardware, **{"name": name, **hardware})
        en = replace(base.energy, **energy)
    except TypeError as exc:  # pragma: no cover - guarded by the key check above
        raise AccelsimError(f"{origin}: {exc}") from None
    return AcceleratorConfig(name, hw, en)


def config_to_dict(config: AcceleratorConfig) -> dict[str, Any]:
    hw = dataclasses.asdict(config.hardware)
    hw.pop("name")
    return {"name": config.name, "hardware": hw, "energy": dataclasses.asdict(config.energy)}


def load_config(path: str | os.PathLike[str]) -> AcceleratorConfig:
    """Load a configuration from a .toml, .yaml/.yml or .json file."""
    p = Path(path)
    if not p.is_file():
        raise AccelsimError(f"accelerator file '{p}' does not exist")
    try:
        text = p.read_text()
    except UnicodeDecodeError:
        raise AccelsimError(f"accelerator file '{p}' is not UTF-8 text") from None
    try:
        if p.suffix.lower() == ".toml":
            data = tomllib.loads(text)
        elif p.suffix.lower() in (".yaml", ".yml", ".json"):
            data = yaml.safe_load(text)
        else:
            raise AccelsimError(f"accelerator file '{p}': use a .toml, .yaml or .json file")
    except (tomllib.TOMLDecodeError, yaml.YAMLError) as exc:
        first = str(exc).splitlines()[0]
        raise AccelsimError(f"accelerator file '{p}': cannot parse: {first}") from None
    return config_from_dict(data, origin=f"accelerator file '{p}'")


def save_config(config: AcceleratorConfig, path: str | os.PathLike[str]) -> None:
    """Save a configuration as TOML or YAML (by suffix), atomically."""
    p = Path(path)
    data = config_to_dict(config)
    if p.suffix.lower() == ".toml":
        text = tomli_w.dumps(data)
    elif p.suffix.lower() in (".yaml", ".yml"):
        text = yaml.safe_dump(data, sort_keys=False)
    else:
        raise AccelsimError(f"accelerator file '{p}': use a .toml or .yaml file")
    write_text_atomic(p, text)


def resolve_config(
    spec: str = "eyeriss", bits: int | None = None, control: bool = True
) -> AcceleratorConfig:
    """A preset name or a file path, optionally at another bit width and without control energy.

    `bits` on a preset picks its 8- or 16-bit variant; on a file it must match the file.
    """
    if spec in PRESETS:
        config = PRESETS[spec]()
        if bits is not None and bits != config.hardware.bits:
            config = eyeriss(bits)
    elif Path(spec).suffix.lower() in (".toml", ".yaml", ".yml", ".json"):
        config = load_config(spec)
        if bits is not None and bits != config.hardware.bits:
            raise AccelsimError(
                f"--bits {bits} contradicts hardware.bits {config.hardware.bits} in '{spec}'"
            )
    else:
        raise AccelsimError(
            f"unknown accelerator '{spec}' (presets: {', '.join(PRESETS)}; or a .toml/.yaml file)"
        )
    if not control:
        config = replace(config, energy=config.energy.without_control())
    return config

"""Design points: every combination of a space's axes, as an accelerator and a model to run.

A point whose hardware cannot be built (a GLB smaller than its filter part, say) is kept, with
the reason, so the sweep reports it as refused instead of dropping it.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass, replace
from itertools import product
from typing import Any

from accelsim.errors import AccelsimError
from accelsim.exploration.space import Space
from accelsim.hardware.accelerator import DATAFLOW_KIND, Accelerator
from accelsim.hardware.spatial import SpatialArray

MAX_DESIGN_POINTS = 200_000
"""Most design points one sweep may have (each is evaluated on every layer of every network)."""

DESIGN_COLUMNS = (
    "design",
    "accelerator",
    "kind",
    "dataflow",
    "rows",
    "cols",
    "pes",
    "bits",
    "technology_nm",
    "clock_hz",
    "glb_kb",
    "ifmap_sram_kb",
    "filter_sram_kb",
    "ofmap_sram_kb",
    "spad_ifmap_words",
    "spad_filter_words",
    "spad_psum_words",
    "model",
    "estimate",
    "mapper",
    "memory",
    "counts",
)
"""Columns that describe a design point (NaN or empty where the array kind has no such part).
`estimate` is `simulated` for a cycle-level simulator (rs, systolic), else the model's name: the
Pareto front is per network and estimate, so that simulated designs of both array kinds compete
and an analytical estimate of a design does not compete with its simulation."""

KIND_AXES = {
    "glb_kb": "spatial",
    "spad_ifmap_words": "spatial",
    "spad_filter_words": "spatial",
    "spad_psum_words": "spatial",
    "sram_kb": "systolic",
}
"""Hardware axes and the array kind each describes."""

MODEL_AXES = {"batch": "batch", "mapper": "mappers", "memory": "memory", "counts": "counts"}
"""Model options that are axes of the space (option -> Space field)."""


@dataclass(frozen=True)
class DesignPoint:
    """One design and one model: the accelerator (None if it cannot be built, with `refusal`
    saying why), the registered model's name and its options, and the design's columns."""

    label: str
    accelerator: Accelerator | None
    model: str
    options: tuple[tuple[str, Any], ...]
    columns: tuple[tuple[str, Any], ...]
    refusal: str = ""

    @property
    def option_dict(self) -> dict[str, Any]:
        return dict(self.options)

    @property
    def column_dict(self) -> dict[str, Any]:
        return dict(self.columns)


def _bases(space: Space) -> list[tuple[Accelerator, tuple[str, ...]]]:
    """Each base accelerator (at each width of `bits`) and the dataflows swept on it."""
    from accelsim.api import default_dataflow
    from accelsim.hardware.config import resolve_accelerator

    specs: list[tuple[Accelerator | str | None, str | None]]
    if space.accelerators:
        specs = [(spec, None) for spec in space.accelerators]
    else:  # the default preset of each kind the dataflows run on
        dataflows = space.dataflows or (default_dataflow(space.models[0]) or "rs",)
        first = {DATAFLOW_KIND[d]: d for d in reversed(dataflows)}
        specs = [(None, first[kind]) for kind in dict.fromkeys(DATAFLOW_KIND[d] for d in dataflows)]
    bases: list[tuple[Accelerator, tuple[str, ...]]] = []
    for spec, default_flow in specs:
        for bits in space.bits or (None,):
            if spec is None:
                acc = resolve_accelerator(None, bits, space.control, default_flow)
            elif isinstance(spec, Accelerator):
                if bits is not None and bits != spec.bits:
                    raise AccelsimError(
                        f"space: bits {bits} on accelerator '{spec.name}', a {spec.bits}-bit "
                        "design object (give a preset name to sweep widths)"
                    )
                acc = spec if space.control else spec.without_control()
            else:
                acc = resolve_accelerator(spec, bits, space.control)
            flows = tuple(d for d in space.dataflows if d in acc.hardware.dataflows)
            bases.append((acc, flows or (acc.dataflow,)))
    covered = {d for _, flows in bases for d in flows}
    for dataflow in space.dataflows:
        if dataflow not in covered:
            kind = DATAFLOW_KIND[dataflow]
            names = ", ".join(dict.fromkeys(acc.name for acc, _ in bases))
            raise AccelsimError(
                f"dataflow {dataflow} runs on a {kind} array; none of the accelerators ({names}) "
                f"is one (add a {kind} accelerator)"
            )
    return bases


def _model_names(space: Space, kind: str) -> list[tuple[str, str]]:
    """(as given, registered name) of each chosen model that evaluates `kind` arrays."""
    from accelsim.models.registry import SIMULATED, SIMULATOR_FOR_KIND, models

    registry = models()
    chosen: list[tuple[str, str]] = []
    for spec in space.models:
        name = SIMULATOR_FOR_KIND[kind] if spec == SIMULATED else spec
        if name not in registry:
            raise AccelsimError(
                f"unknown model '{spec}' (choose from {', '.join((*registry, SIMULATED))})"
            )
        if kind in registry[name].kinds and name not in (n for _, n in chosen):
            chosen.append((spec, name))
    return chosen


def _hardware_variants(space: Space, acc: Accelerator, dataflow: str) -> Iterator[dict[str, Any]]:
    """The hardware changes of every point on one base and dataflow."""
    hw = acc.hardware
    for rows, cols in space.array_sizes:
        shape = hw.shape
        change: dict[str, Any] = {
            "dataflow": dataflow,
            "array": (rows or shape[0], cols or shape[1]),
        }
        if isinstance(hw, SpatialArray):
            axes = (
                space.glb_kb or (None,),
                space.spad_ifmap_words or (None,),
                space.spad_filter_words or (None,),
                space.spad_psum_words or (None,),
            )
            for glb, spad_i, spad_f, spad_p in product(*axes):
                yield {**change, "glb_kb": glb, "spads": (spad_i, spad_f, spad_p)}
        else:
            for sram in space.sram_kb or (None,):
                yield {**change, "sram_kb": sram}


def _build(acc: Accelerator, change: dict[str, Any]) -> Accelerator:
    """The base accelerator with one point's hardware changes (each checked by the array)."""
    from accelsim.hardware.config import with_overrides

    dataflow = change["dataflow"] if acc.kind == "systolic" else None
    acc = with_overrides(acc, dataflow, change["array"], change.get("sram_kb"))
    hw = acc.hardware
    fields: dict[str, Any] = {}
    if change.get("glb_kb") is not None:
        assert isinstance(hw, SpatialArray)
        glb = float(change["glb_kb"])
        if glb <= hw.glb_filter_kb:
            raise AccelsimError(
                f"glb_kb {glb:g} leaves no room for ifmaps and psums beside the "
                f"{hw.glb_filter_kb:g} kB filter part"
            )
        fields.update(glb_kb=glb, glb_ifmap_psum_kb=glb - hw.glb_filter_kb)
    spads = change.get("spads", (None, None, None))
    for name, value in zip(
        ("spad_ifmap_words", "spad_filter_words", "spad_psum_words"), spads, strict=True
    ):
        if value is not None:
            fields[name] = value
    if fields:
        acc = replace(acc, hardware=replace(hw, **fields))
    return acc


def design_columns(acc: Accelerator, base: Accelerator, model: str) -> dict[str, Any]:
    """What a result row says about the design (`DESIGN_COLUMNS`, less the label and options)."""
    hw = acc.hardware
    spatial = isinstance(hw, SpatialArray)
    rows, cols = hw.shape
    nan = math.nan
    return {
        "accelerator": base.name,
        "kind": acc.kind,
        "dataflow": hw.dataflow,
        "rows": rows,
        "cols": cols,
        "pes": rows * cols,
        "bits": hw.bits,
        "technology_nm": hw.technology_nm,
        "clock_hz": hw.clock_hz,
        "glb_kb": hw.glb_kb if spatial else nan,
        "ifmap_sram_kb": nan if spatial else hw.ifmap_sram_kb,
        "filter_sram_kb": nan if spatial else hw.filter_sram_kb,
        "ofmap_sram_kb": nan if spatial else hw.ofmap_sram_kb,
        "spad_ifmap_words": hw.spad_ifmap_words if spatial else nan,
        "spad_filter_words": hw.spad_filter_words if spatial else nan,
        "spad_psum_words": hw.spad_psum_words if spatial else nan,
        "model": model,
    }


def _requested_columns(base: Accelerator, change: dict[str, Any], model: str) -> dict[str, Any]:
    """The columns of a point that could not be built: what was asked for."""
    rows, cols = change["array"]
    sram = change.get("sram_kb") or (math.nan,) * 3
    spads = change.get("spads", (None, None, None))
    nan = math.nan
    return {
        "accelerator": base.name,
        "kind": base.kind,
        "dataflow": change["dataflow"],
        "rows": rows,
        "cols": cols,
        "pes": rows * cols,
        "bits": base.bits,
        "technology_nm": base.hardware.technology_nm,
        "clock_hz": base.hardware.clock_hz,
        "glb_kb": change.get("glb_kb") or getattr(base.hardware, "glb_kb", nan),
        "ifmap_sram_kb": sram[0],
        "filter_sram_kb": sram[1],
        "ofmap_sram_kb": sram[2],
        "spad_ifmap_words": spads[0] or nan,
        "spad_filter_words": spads[1] or nan,
        "spad_psum_words": spads[2] or nan,
        "model": model,
    }


def estimate(model: str) -> str:
    """`simulated` for a simulator of either array kind, else the model's own name."""
    from accelsim.models.registry import SIMULATED, SIMULATOR_FOR_KIND

    return SIMULATED if model in SIMULATOR_FOR_KIND.values() else model


def _model_options(space: Space, name: str) -> list[dict[str, Any]]:
    """The option sets of one model: its axes' product, with the fixed options it takes."""
    from accelsim.models.registry import models

    spec = models()[name]
    fixed = {key: value for key, value in space.options.items() if key in spec.options}
    axes = [
        [(option, value) for value in getattr(space, field)] or [(option, None)]
        for option, field in MODEL_AXES.items()
        if option in spec.options
    ]
    return [{**fixed, **{k: v for k, v in combo if v is not None}} for combo in product(*axes)]


def _label(
    base: Accelerator, change: dict[str, Any], model: str, options: dict, space: Space
) -> str:
    rows, cols = change["array"]
    parts = [base.name]
    if base.kind == "systolic" or len(space.dataflows) > 1:
        parts.append(change["dataflow"])
    parts.append(f"{rows}x{cols}")
    if len(space.bits) > 1:
        parts.append(f"{base.bits}b")
    if change.get("glb_kb") is not None:
        parts.append(f"glb {change['glb_kb']:g} kB")
    if change.get("sram_kb") is not None:
        parts.append("sram " + "/".join(map(str, change["sram_kb"])) + " kB")
    spads = change.get("spads", (None, None, None))
    if any(v is not None for v in spads):
        parts.append("spad " + "/".join("-" if v is None else str(v) for v in spads))
    if len(space.models) > 1:
        parts.append(model)
    for option in MODEL_AXES:
        if option in options and len(getattr(space, MODEL_AXES[option])) > 1:
            parts.append(f"{option} {options[option]}")
    return " ".join(parts)


def _check_options(space: Space, kinds: set[str]) -> None:
    """Every fixed option is taken by some chosen model, and every model option set is valid."""
    from accelsim.models.registry import models

    registry = models()
    names = {name for kind in kinds for _, name in _model_names(space, kind)}
    for key in space.options:
        if not any(key in registry[name].options for name in names):
            raise AccelsimError(f"option '{key}' applies to none of the models swept")
    for option, field in MODEL_AXES.items():
        if getattr(space, field) and not any(option in registry[n].options for n in names):
            raise AccelsimError(f"{field} is swept, but no model swept takes option '{option}'")
    for field, kind in KIND_AXES.items():
        if getattr(space, field) and kind not in kinds:
            raise AccelsimError(f"{field} is swept, but no design is a {kind} array")


def _count(space: Space, base: Accelerator, flows: tuple[str, ...]) -> int:
    """The number of points on one base, counted before any is built."""
    if base.kind == "spatial":
        axes = ("glb_kb", "spad_ifmap_words", "spad_filter_words", "spad_psum_words")
    else:
        axes = ("sram_kb",)
    hardware = len(flows) * len(space.array_sizes)
    for axis in axes:
        hardware *= max(1, len(getattr(space, axis)))
    options = sum(len(_model_options(space, name)) for _, name in _model_names(space, base.kind))
    return hardware * options


def expand(space: Space) -> list[DesignPoint]:
    """Every design point of `space`, in the order of its axes (bases, bits, dataflows, arrays,
    buffers, scratchpads, models, model options)."""
    from accelsim.models.registry import model_options, models

    bases = _bases(space)
    kinds = {acc.kind for acc, _ in bases}
    _check_options(space, kinds)
    registry = models()
    count = sum(_count(space, acc, flows) for acc, flows in bases)
    if count > MAX_DESIGN_POINTS:
        raise AccelsimError(
            f"the sweep has {count} design points; the limit is {MAX_DESIGN_POINTS}"
        )
    points: list[DesignPoint] = []
    labels: set[str] = set()
    for base, flows in bases:
        chosen = _model_names(space, base.kind)
        if not chosen:
            raise AccelsimError(
                f"none of the models ({', '.join(space.models)}) evaluates {base.kind} arrays "
                f"(accelerator '{base.name}')"
            )
        option_sets = {name: _model_options(space, name) for _, name in chosen}
        for name, sets in option_sets.items():
            for options in sets:
                model_options(registry[name], options)  # a bad option fails before any work
        for dataflow in flows:
            for change in _hardware_variants(space, base, dataflow):
                try:
                    acc, refusal = _build(base, change), ""
                except AccelsimError as exc:
                    acc, refusal = None, f"design: {exc}"
                for _, name in chosen:
                    for options in option_sets[name]:
                        cols = (
                            design_columns(acc, base, name)
                            if acc is not None
                            else _requested_columns(base, change, name)
                        )
                        cols["estimate"] = estimate(name)
                        cols["mapper"] = options.get("mapper", "")
                        cols["memory"] = options.get("memory", "")
                        if name == "rs" and not cols["mapper"]:
                            cols["mapper"] = (acc or base).calibration.mapper  # the default
                        if name == "systolic" and not cols["memory"]:
                            cols["memory"] = registry[name].options["memory"]
                        cols["counts"] = str(
                            options.get("counts", registry[name].options.get("counts", ""))
                        )
                        label = _label(base, change, name, options, space)
                        if label in labels:
                            raise AccelsimError(f"design '{label}' is given twice")
                        labels.add(label)
                        cols = {"design": label, **cols}
                        points.append(
                            DesignPoint(
                                label,
                                acc,
                                name,
                                tuple(sorted(options.items())),
                                tuple(cols.items()),
                                refusal,
                            )
                        )
    return points

"""The registry of models: every way accelsim can evaluate a network, found by name.

A model is one module in `accelsim/models/` that defines `MODEL = Model(...)`; the registry finds
it there, so adding a model touches one file. Commands (`energy`, `simulate`, `partition`,
`validate`) and the Python API take their choices from here.

Names a user may give: a registered model (`analytical`, `rs`, `systolic`, `silicon`, ...),
`simulated` (the cycle-level simulator of the accelerator's kind: `rs` for a spatial array,
`systolic` for a systolic one), or the path of a CSV of per-layer results (`file`).
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from accelsim.errors import AccelsimError
from accelsim.files.reading import short_repr

SIMULATED = "simulated"
SIMULATOR_FOR_KIND = {"spatial": "rs", "systolic": "systolic"}
"""What `simulated` means on each kind of array."""

FILE_MODEL = "file"
FILE_SUFFIX = ".csv"


@dataclass(frozen=True)
class Model:
    """A model: its name, what it is, which array kinds it evaluates, its options (name ->
    default), `evaluate(network, accelerator, options) -> list[LayerResult]`, and how `simulate`
    shows it."""

    name: str
    summary: str
    kinds: tuple[str, ...]
    evaluate: Callable[..., list]
    options: Mapping[str, Any] = field(default_factory=dict)
    option_help: Mapping[str, str] = field(default_factory=dict)
    table_columns: tuple[str, ...] = ()
    """Columns `accelsim simulate` shows in its text table (every column goes to csv/json)."""
    plot: str = "accelsim.report.energy_plot:plot_energy_breakdown"
    """`module:function(frame, title, path)` that draws the per-layer plot of `simulate`."""
    check_options: Callable[[dict[str, Any]], dict[str, Any]] | None = None
    """Checks the merged options (strict types, known choices), returning them normalised;
    raises AccelsimError naming the option, its value and the choices."""
    ignores: tuple[str, ...] = ()
    """Layer fields the model's results do not depend on (`reads_image` and `input_zero`: the
    layer's place in its network), so a sweep evaluates layers that differ only in them once;
    `tests/models/test_ignored_fields.py` checks the claim."""


def _discover() -> dict[str, Model]:
    import accelsim.models as package

    found: dict[str, Model] = {}
    for info in sorted(pkgutil.iter_modules(package.__path__), key=lambda m: m.name):
        module = importlib.import_module(f"{package.__name__}.{info.name}")
        model = getattr(module, "MODEL", None)
        if isinstance(model, Model):
            if model.name in found or model.name == SIMULATED:
                raise RuntimeError(f"model name '{model.name}' is registered twice")
            found[model.name] = model
    order = ("analytical", "rs", "systolic", "silicon", FILE_MODEL)
    return dict(sorted(found.items(), key=lambda kv: (order.index(kv[0]) if kv[0] in order
                                                       else len(order), kv[0])))  # fmt: skip


_MODELS: dict[str, Model] | None = None


def models() -> dict[str, Model]:
    """Every registered model by name (discovered once)."""
    global _MODELS
    if _MODELS is None:
        _MODELS = _discover()
    return _MODELS


def model_names() -> tuple[str, ...]:
    """The names a command offers: the registered models and `simulated`."""
    return (*models(), SIMULATED)


def resolve_model(spec: str, kind: str) -> tuple[Model, dict[str, Any]]:
    """The model `spec` names on an array of `kind`, and the options the name itself implies
    (a CSV path is the `file` model with that path)."""
    registry = models()
    fixed: dict[str, Any] = {}
    name = spec
    if spec == SIMULATED:
        name = SIMULATOR_FOR_KIND[kind]
    elif spec not in registry and Path(spec).suffix.lower() == FILE_SUFFIX:
        name, fixed = FILE_MODEL, {"path": spec}
    if name not in registry:
        raise AccelsimError(
            f"unknown model '{spec}' (choose from {', '.join(model_names())}, or a .csv file "
            "of per-layer results)"
        )
    model = registry[name]
    if kind not in model.kinds:
        fits = [n for n, m in registry.items() if kind in m.kinds and n != FILE_MODEL]
        raise AccelsimError(
            f"model '{name}' evaluates {' and '.join(model.kinds)} arrays, not {kind} arrays "
            f"(models for {kind} arrays: {', '.join(fits)})"
        )
    return model, fixed


def foreign_option(model: Model, keys: Iterable[str]) -> tuple[str, list[str]] | None:
    """The first of `keys` the model does not take, with the models that do take it; None if the
    model takes them all."""
    for key in keys:
        if key not in model.options:
            return key, [n for n, m in models().items() if key in m.options]
    return None


def model_options(model: Model, given: Mapping[str, Any]) -> dict[str, Any]:
    """The model's options: its defaults, replaced by the given ones (None = not given).

    An option the model does not take is an error rather than silently ignored."""
    given = {key: value for key, value in given.items() if value is not None}
    foreign = foreign_option(model, given)
    if foreign is not None:
        key, owners = foreign
        where = f" (an option of {', '.join(owners)})" if owners else ""
        raise AccelsimError(f"option '{key}' does not apply to model '{model.name}'{where}")
    chosen = {**model.options, **given}
    return model.check_options(chosen) if model.check_options is not None else chosen


def check_choice(option: str, value: object, choices: Iterable[str]) -> str:
    """`value` as one of `choices` (a string), else a one-line error naming them."""
    choices = tuple(choices)
    if not isinstance(value, str) or value not in choices:
        raise AccelsimError(
            f"option '{option}' must be one of {', '.join(choices)}, got {short_repr(value)}"
        )
    return value


def check_flag(option: str, value: object) -> bool:
    """`value` as a bool (not 0/1, not a string)."""
    if not isinstance(value, bool):
        raise AccelsimError(f"option '{option}' must be True or False, got {short_repr(value)}")
    return value


def model_plot(model: Model) -> Callable[..., None]:
    """The model's per-layer plot function (imported when needed)."""
    module, _, name = model.plot.partition(":")
    return getattr(importlib.import_module(module), name)

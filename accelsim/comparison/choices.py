"""Which models a comparison runs: `NAME[:key=value]...` specs, and which options go to which.

`rs:mapper=energy` is the `rs` model with its mapper option set, so one comparison can put the
same model with two settings side by side (`--models rs,rs:mapper=energy`). Options given once for
the whole comparison (the command's flags) go to every chosen model that takes them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from accelsim.errors import AccelsimError
from accelsim.models.registry import FILE_SUFFIX, SIMULATED, SIMULATOR_FOR_KIND, models


@dataclass(frozen=True)
class ModelChoice:
    """One side of a comparison: its label (the spec as given), the model name or CSV path, and
    the options the spec sets."""

    label: str
    model: str
    options: Mapping[str, Any] = field(default_factory=dict)


def _value(text: str) -> Any:
    """A spec option value: an integer, a number (`1e10`), true/false, or the text."""
    lowered = text.lower()
    if lowered in ("true", "false"):
        return lowered == "true"
    try:
        return int(text)
    except ValueError:
        pass
    try:
        number = float(text)
    except ValueError:
        return text
    return number if number == number and abs(number) != float("inf") else text


def parse_choice(spec: str) -> ModelChoice:
    """`analytical`, `rs:mapper=energy:batch=4`, or a `.csv` path of per-layer results."""
    spec = spec.strip()
    if not spec:
        raise AccelsimError("--models: empty model name")
    name, *pairs = spec.split(":")
    if name not in models() and Path(spec).suffix.lower() == FILE_SUFFIX:
        return ModelChoice(spec, spec)  # a CSV of per-layer results
    options: dict[str, Any] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key or not value:
            raise AccelsimError(f"--models: '{spec}': expected NAME:key=value, got '{pair}'")
        if key in options:
            raise AccelsimError(f"--models: '{spec}': option '{key}' given twice")
        options[key] = _value(value)
    return ModelChoice(spec, name, options)


def parse_choices(specs: str | Sequence[str]) -> tuple[ModelChoice, ModelChoice]:
    """Exactly two model specs (a comma-separated text or a sequence), with distinct labels."""
    items = specs.split(",") if isinstance(specs, str) else list(specs)
    choices = [item if isinstance(item, ModelChoice) else parse_choice(item) for item in items]
    if len(choices) != 2:
        raise AccelsimError(f"--models: expected two models A,B, got {len(choices)}")
    if choices[0].label == choices[1].label:
        raise AccelsimError(f"--models: both models are '{choices[0].label}'")
    return choices[0], choices[1]


def model_name(choice: ModelChoice, kind: str) -> str:
    """The registered model a choice runs on an array of `kind`."""
    if choice.model == SIMULATED:
        return SIMULATOR_FOR_KIND[kind]
    if Path(choice.model).suffix.lower() == FILE_SUFFIX:
        return "file"
    return choice.model


def route_options(
    choices: Sequence[ModelChoice], shared: Mapping[str, Any], kind: str
) -> list[dict[str, Any]]:
    """Each choice's options: the shared ones it takes, then its own. A shared option no chosen
    model takes is an error (it would silently change nothing)."""
    registry = models()
    takes = [set(registry[n].options) if n in registry else set() for n in
             (model_name(c, kind) for c in choices)]  # fmt: skip
    for key, value in shared.items():
        if value is not None and not any(key in t for t in takes):
            owners = [n for n, m in registry.items() if key in m.options]
            raise AccelsimError(
                f"option '{key}' applies to model {' and '.join(owners) or 'none'}, not to "
                f"{' or '.join(c.label for c in choices)}"
            )
    return [
        {**{k: v for k, v in shared.items() if v is not None and k in t}, **c.options}
        for c, t in zip(choices, takes, strict=True)
    ]


def defining_model(choices: Sequence[ModelChoice]) -> str:
    """The model whose kind of array is the default design: the first that is not a CSV of
    results (a CSV fits any array)."""
    for choice in choices:
        name = model_name(choice, "spatial")
        if name != "file":
            return choice.model
    return choices[0].model

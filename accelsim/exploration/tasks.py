"""The unit of work of a sweep: one layer, alone, on one design by one model.

Models evaluate layers independently (`Network.layer_alone` gives a layer's numbers exactly as in
its network), so a sweep evaluates each distinct layer once per design and model: the same
layer in two networks, or VGG-16's repeated convolutions under a model that ignores their zero
fractions (`Model.ignores`), share one evaluation. A task's key (`accelsim.exploration.run.plan`) is
a hash of everything that determines its result: the layer less its name and the fields the
model ignores, whether it reads the image, the accelerator, the model and its options, and the
code. It also keys the store.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from accelsim.errors import AccelsimError, LayerRefused
from accelsim.hardware.accelerator import Accelerator
from accelsim.workload.network import Network

NAME_FIELDS = ("name", "group_label", "inputs")
"""Layer fields that name it or its producers: they change no count, so no key holds them."""


@dataclass(frozen=True)
class Task:
    """One distinct layer (as a one-layer network) on one accelerator by one model."""

    key: str
    network: Network
    accelerator: Accelerator
    model: str
    options: tuple[tuple[str, Any], ...]


@cache
def code_fingerprint() -> str:
    """A hash of accelsim's installed sources, so that a stored result is never reused by
    other code (an edited checkout keeps its version number)."""
    import accelsim
    import dataflows

    digest = hashlib.sha256(accelsim.__version__.encode())
    for package in (accelsim, dataflows):
        root = Path(package.__file__).parent
        for path in sorted(root.rglob("*.py")):
            digest.update(str(path.relative_to(root)).encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()


def plain(value: Any) -> Any:
    """Values as JSON can hold them, deterministically (tuples as lists, NaN as a string)."""
    if isinstance(value, float) and not math.isfinite(value):
        return repr(value)
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    return value


def evaluate_tasks(tasks: Sequence[Task]) -> list[tuple[str, str]]:
    """Each task's outcome, `{"row": result row}` or `{"refused": reason}`, encoded for the
    store (`accelsim.exploration.store.encode_outcome`): what a worker runs.

    A layer the model refuses on the design, or a design that exceeds a model's work limits, is
    a refusal of that point, not an error of the sweep."""
    from accelsim.exploration.store import encode_outcome
    from accelsim.models.registry import model_options, models

    registry = models()
    outcomes: list[tuple[str, str]] = []
    for task in tasks:
        spec = registry[task.model]
        try:
            (result,) = spec.evaluate(
                task.network, task.accelerator, model_options(spec, dict(task.options))
            )
            outcome: dict[str, Any] = {"row": result.row()}
        except LayerRefused as exc:
            outcome = {"refused": str(exc)}
        except AccelsimError as exc:  # a work limit: this design is out of the model's reach
            outcome = {"refused": f"not evaluated: {exc}"}
        outcomes.append((task.key, encode_outcome(outcome)))
    return outcomes

"""Running a sweep: distinct tasks, looked up in the store, the rest evaluated on an executor.

    frame = accelsim.explore(Space(arrays=((8, 8), (16, 16))), ["alexnet", "vgg16"])

`executor` is any `concurrent.futures.Executor` (a `ProcessPoolExecutor`, a Dask client's
`get_executor()`), or None to evaluate in this process. Tasks go out in chunks; each finished
chunk is stored in one transaction before the next result is taken, so an interrupted sweep
(Ctrl-C, a killed worker or client) loses at most the chunks in flight and resumes from the
store. Every outcome, fresh or stored, is read back from the store's encoding (workers encode it), so
a resumed sweep's table is identical to an uninterrupted one.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Sequence
from concurrent.futures import FIRST_COMPLETED, CancelledError, Executor, Future, wait
from dataclasses import asdict, dataclass
from typing import Any

from accelsim.errors import AccelsimError
from accelsim.exploration.points import DesignPoint, expand
from accelsim.exploration.space import Space
from accelsim.exploration.store import Store, decode_outcome
from accelsim.exploration.tasks import NAME_FIELDS, Task, code_fingerprint, evaluate_tasks, plain
from accelsim.workload.network import Network

MAX_EVALUATIONS = 20_000_000
"""Most (design point, layer) pairs one sweep may cover."""

MAX_CHUNK = 32
"""Most tasks per chunk: small enough that a chunk in flight is little work to lose."""

CHUNKS_PER_TASK_LIST = 64
"""A sweep is cut into about this many chunks (within 1..MAX_CHUNK tasks each), enough to keep
every worker busy and the progress bar moving."""

Progress = Callable[[int, int], None]
"""Called as `progress(done, total)` with the evaluations finished so far."""


class SweepInterrupted(AccelsimError):
    """A sweep stopped before its end (Ctrl-C, a dead worker); what finished is stored.
    `exit_code` is the command's: 130 after Ctrl-C (as a shell reports SIGINT), else 2."""

    def __init__(self, message: str, exit_code: int = 2) -> None:
        super().__init__(message)
        self.exit_code = exit_code


@dataclass(frozen=True)
class Sweep:
    """What a sweep covered: the design points, the networks, each (point, network)'s task
    keys per compute layer, every key's outcome, and how many were evaluated (not stored)."""

    points: tuple[DesignPoint, ...]
    networks: tuple[Network, ...]
    keys: dict[tuple[int, int], tuple[str, ...]]
    outcomes: dict[str, dict[str, Any]]
    representatives: dict[str, str]
    evaluated: int


def _digest(value: Any) -> bytes:
    text = json.dumps(plain(value), sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode()).digest()


def _layer_digest(network: Network, layer, ignores: tuple[str, ...]) -> bytes:  # noqa: ANN001
    """What a model reads of a compute layer alone in `network`, less the fields it ignores."""
    spec = {
        "kind": type(layer).__name__,
        "layer": {k: v for k, v in asdict(layer).items() if k not in NAME_FIELDS},
        "reads_image": network.reads_image(layer),
        "input_zero": network.input_zero,
    }
    for field in ignores:
        spec["layer"].pop(field, None)
        spec.pop(field, None)
    return _digest(spec)


def _point_digest(point: DesignPoint) -> bytes:
    assert point.accelerator is not None
    return _digest(
        {
            "accelerator": asdict(point.accelerator),
            "model": point.model,
            "options": point.option_dict,
            "code": code_fingerprint(),
        }
    )


def plan(
    space: Space, networks: Sequence[Network]
) -> tuple[list[DesignPoint], dict[tuple[int, int], tuple[str, ...]], dict[str, Task]]:
    """The design points, each (point, network)'s task keys, and one task per distinct key."""
    points = expand(space)
    total = sum(1 for p in points if p.accelerator is not None) * sum(
        len(n.compute_layers) for n in networks
    )
    if total > MAX_EVALUATIONS:
        raise AccelsimError(
            f"the sweep covers {total} (design point, layer) pairs; the limit is {MAX_EVALUATIONS}"
        )
    from accelsim.models.registry import models

    registry = models()
    alone = [[net.layer_alone(layer) for layer in net.compute_layers] for net in networks]
    layer_digests: dict[str, list[list[bytes]]] = {}
    for name in dict.fromkeys(p.model for p in points):
        ignores = registry[name].ignores
        layer_digests[name] = [
            [_layer_digest(one, one.layers[0], ignores) for one in layers] for layers in alone
        ]
    keys: dict[tuple[int, int], tuple[str, ...]] = {}
    tasks: dict[str, Task] = {}
    for i, point in enumerate(points):
        if point.accelerator is None:
            continue
        head = _point_digest(point)
        for j, digests in enumerate(layer_digests[point.model]):
            row = []
            for one, digest in zip(alone[j], digests, strict=True):
                key = hashlib.sha256(head + digest).hexdigest()
                row.append(key)
                if key not in tasks:
                    tasks[key] = Task(key, one, point.accelerator, point.model, point.options)
            keys[(i, j)] = tuple(row)
    return points, keys, tasks


def _chunks(tasks: list[Task]) -> list[list[Task]]:
    size = max(1, min(MAX_CHUNK, len(tasks) // CHUNKS_PER_TASK_LIST))
    return [tasks[i : i + size] for i in range(0, len(tasks), size)]


def run_tasks(
    tasks: list[Task],
    store: Store,
    executor: Executor | None,
    progress: Progress | None,
    done_before: int,
    total: int,
) -> dict[str, dict[str, Any]]:
    """Evaluate `tasks`, storing each finished chunk; their outcomes (as the store holds them)."""
    outcomes: dict[str, dict[str, Any]] = {}
    done = done_before

    def finish(chunk_outcomes: list[tuple[str, str]]) -> None:
        nonlocal done
        store.add_encoded(chunk_outcomes)
        for key, text in chunk_outcomes:
            outcomes[key] = decode_outcome(text)
        done += len(chunk_outcomes)
        if progress is not None:
            progress(done, total)

    chunks = _chunks(tasks)
    if executor is None:
        try:
            for chunk in chunks:
                finish(evaluate_tasks(chunk))
        except KeyboardInterrupt:
            raise _interrupted("interrupted", done, total, store) from None
        return outcomes
    pending: set[Future] = set()
    try:
        pending = {executor.submit(evaluate_tasks, chunk) for chunk in chunks}
        while pending:
            finished, pending = wait(pending, return_when=FIRST_COMPLETED)
            for future in finished:
                finish(future.result())
    except KeyboardInterrupt:
        _cancel(pending)
        raise _interrupted("interrupted", done, total, store) from None
    except CancelledError:
        _cancel(pending)
        raise _interrupted("the executor cancelled the work", done, total, store) from None
    except AccelsimError:
        _cancel(pending)
        raise
    except Exception as exc:  # a worker died or the cluster went away
        _cancel(pending)
        reason = f"{type(exc).__name__}: {exc}".strip().rstrip(":")
        raise _interrupted(reason, done, total, store) from None
    return outcomes


def _cancel(pending: set[Future]) -> None:
    for future in pending:
        future.cancel()


EXIT_INTERRUPTED = 130


def _interrupted(reason: str, done: int, total: int, store: Store) -> SweepInterrupted:
    where = f"stored in '{store.path}'" if store.path is not None else "kept in memory only"
    resume = "; run the same sweep again to resume" if store.path is not None else ""
    code = EXIT_INTERRUPTED if reason == "interrupted" else 2
    return SweepInterrupted(
        f"{reason}: {done} of {total} evaluations finished, {where}{resume}", code
    )


def sweep(
    space: Space,
    networks: Sequence[Network | str] | Network | str,
    executor: Executor | None = None,
    store: Store | None = None,
    progress: Progress | None = None,
) -> Sweep:
    """Evaluate every design point of `space` on every network: the outcomes of all layers."""
    from accelsim.api import as_network

    if isinstance(networks, Network | str):
        networks = [networks]
    nets = tuple(as_network(n) for n in networks)
    if not nets:
        raise AccelsimError("explore: no network given")
    names = [n.name for n in nets]
    for name in names:
        if names.count(name) > 1:
            raise AccelsimError(f"explore: network '{name}' is given twice")
    if executor is not None and not isinstance(executor, Executor):
        raise AccelsimError(
            f"explore: executor must be a concurrent.futures.Executor, got {type(executor).__name__}"
        )
    points, keys, tasks = plan(space, nets)
    own_store = store is None
    store = Store(None) if store is None else store
    try:
        stored = store.lookup(list(tasks))
        missing = [task for key, task in tasks.items() if key not in stored]
        if progress is not None:
            progress(len(stored), len(tasks))
        fresh = run_tasks(missing, store, executor, progress, len(stored), len(tasks))
    finally:
        if own_store:
            store.close()
    representatives = {key: task.network.layers[0].name for key, task in tasks.items()}
    return Sweep(tuple(points), nets, keys, {**stored, **fresh}, representatives, len(missing))

"""`explore`: a sweep as a table, with constraints, the Pareto front and the best K per network.

    import accelsim
    from accelsim.exploration import Space
    frame = accelsim.explore(Space(dataflows=("rs", "os"), arrays=((8, 8), (32, 32))), ["alexnet"])
    frame[frame.pareto]

Order: every (design point, network) is evaluated; constraints drop the evaluated rows that break
them; `pareto` marks the non-dominated rows among those left (per network and model); `top`
keeps the K best evaluated rows per network by `rank`, best first. Refused rows stay (with
their reason) unless `top` is given.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from concurrent.futures import Executor
from dataclasses import dataclass

from accelsim.errors import AccelsimError
from accelsim.exploration.front import DEFAULT_OBJECTIVES, pareto
from accelsim.exploration.names import RANK_COLUMNS
from accelsim.exploration.run import Progress, sweep
from accelsim.exploration.space import Space
from accelsim.exploration.store import Store
from accelsim.workload.network import Network


@dataclass(frozen=True)
class Constraints:
    """Upper bounds on evaluated rows (None: no bound)."""

    max_area_mm2: float | None = None
    max_power_w: float | None = None
    max_latency_s: float | None = None

    COLUMNS = {"max_area_mm2": "area_mm2", "max_power_w": "power_w", "max_latency_s": "latency_s"}

    def __post_init__(self) -> None:
        import math

        for name in self.COLUMNS:
            value = getattr(self, name)
            if value is not None and (
                isinstance(value, bool)
                or not isinstance(value, int | float)
                or not math.isfinite(value)
                or value <= 0
            ):
                raise AccelsimError(f"{name} must be a positive number, got {value!r}")


def select(
    frame,  # noqa: ANN001 - the network table
    constraints: Constraints | None = None,
    objectives: Sequence[str] = DEFAULT_OBJECTIVES,
    top: int | None = None,
    rank: str = "edp_js",
):
    """Apply constraints, mark `pareto`, keep the `top` best per network (see module doc)."""
    if rank not in RANK_COLUMNS:
        raise AccelsimError(f"rank must be one of {', '.join(RANK_COLUMNS)}, got {rank!r}")
    if top is not None and (isinstance(top, bool) or not isinstance(top, int) or top < 1):
        raise AccelsimError(f"top must be a positive integer, got {top!r}")
    ok = frame["status"] == "ok"
    keep = frame.index == frame.index
    for name, column in Constraints.COLUMNS.items():
        bound = getattr(constraints, name, None) if constraints is not None else None
        if bound is not None:
            keep &= ~(ok & ~(frame[column] <= bound))
    frame = frame[keep].reset_index(drop=True)
    frame["pareto"] = pareto(frame, objectives)
    return frame if top is None else best(frame, top, rank)


def best(frame, top: int, rank: str = "edp_js"):  # noqa: ANN001, ANN201 - DataFrames
    """The `top` evaluated rows of each network (in the order given) with the lowest `rank`,
    best first (ties by design label)."""
    evaluated = frame[frame["status"] == "ok"]
    networks = {name: i for i, name in enumerate(dict.fromkeys(frame["network"]))}
    order = evaluated.assign(_net=evaluated["network"].map(networks)).sort_values(
        ["_net", rank, "design"], kind="stable"
    )
    return (
        order.groupby("network", sort=False).head(top).drop(columns="_net").reset_index(drop=True)
    )


def explore(
    space: Space,
    networks: Sequence[Network | str] | Network | str,
    executor: Executor | None = None,
    *,
    store: Store | str | os.PathLike[str] | None = None,
    layers: bool = False,
    constraints: Constraints | None = None,
    top: int | None = None,
    rank: str = "edp_js",
    progress: Progress | None = None,
):
    """Every design point of `space` on every network, as a DataFrame (one row per point and
    network; with `layers`, one per layer and no selection). `executor`: any
    `concurrent.futures.Executor` (None: this process). `store`: a `Store` or an SQLite path
    that keeps finished evaluations and lets an interrupted sweep resume (None: in memory)."""
    from accelsim.exploration.table import layer_frame, network_frame

    if not isinstance(space, Space):
        raise AccelsimError(f"explore: space must be a Space, got {type(space).__name__}")
    if store is not None and not isinstance(store, Store | str | os.PathLike):
        raise AccelsimError(f"explore: store must be a Store or a path, got {store!r}")
    opened = Store(store) if isinstance(store, str | os.PathLike) else None
    try:
        result = sweep(space, networks, executor, opened if opened is not None else store, progress)
    finally:
        if opened is not None:
            opened.close()
    if layers:
        return layer_frame(result)
    return select(network_frame(result), constraints, top=top, rank=rank)

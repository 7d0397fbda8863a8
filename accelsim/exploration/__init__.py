"""Design-space exploration: sweep accelerators over array, buffer and model axes.

`explore(space, networks, executor)` evaluates every design point of a `Space` on every network
and returns one row per point and network (energy, latency, EDP, area, utilization, traffic,
`pareto`); `pareto(frame, objectives)` marks the non-dominated rows of any table. Names are
imported when first used, so the command line can parse its flags without numpy or pandas.
"""

_API = {
    "Constraints": "accelsim.exploration.frame",
    "explore": "accelsim.exploration.frame",
    "select": "accelsim.exploration.frame",
    "pareto": "accelsim.exploration.front",
    "Space": "accelsim.exploration.space",
    "Store": "accelsim.exploration.store",
}

__all__ = list(_API)


def __getattr__(name: str):
    if name in _API:
        import importlib

        return getattr(importlib.import_module(_API[name]), name)
    raise AttributeError(f"module 'accelsim.explore' has no attribute {name!r}")

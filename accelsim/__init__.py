"""accelsim: cycle-level simulation and analytical energy models of CNN accelerators.

`accelsim.run(network, accelerator, model=...)` returns a DataFrame of per-layer results; see
`accelsim.api`. Importing accelsim loads no numerical library and changes no global state.
"""

from importlib.metadata import PackageNotFoundError, version

from accelsim.errors import AccelsimError

try:
    __version__ = version("accelsim")
except PackageNotFoundError:  # a source tree that is not installed
    __version__ = "0+unknown"

_API = {
    "run": "accelsim.api",
    "evaluate": "accelsim.api",
    "evaluate_each": "accelsim.api",
    "compare": "accelsim.comparison",
    "summarize": "accelsim.comparison",
    "explore": "accelsim.exploration",
    "pareto": "accelsim.exploration",
    "as_network": "accelsim.api",
    "load_network": "accelsim.workload.loaders",
    "builtin_network": "accelsim.workload.builtin",
    "resolve_accelerator": "accelsim.hardware.config",
    "load_accelerator": "accelsim.hardware.config",
    "preset": "accelsim.hardware.presets",
    "results_frame": "accelsim.models.result",
    "area_of": "accelsim.area",
}

__all__ = ["AccelsimError", "__version__", *_API]


def __getattr__(name: str):
    """The API's functions, imported when first used (keeps `import accelsim` cheap)."""
    if name in _API:
        import importlib

        return getattr(importlib.import_module(_API[name]), name)
    raise AttributeError(f"module 'accelsim' has no attribute {name!r}")

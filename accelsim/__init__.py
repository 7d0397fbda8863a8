"""accelsim: cycle-level simulation and analytical energy models of CNN accelerators.

`accelsim.run(network, accelerator, model=...)` returns a DataFrame of per-layer results; see
`accelsim.api`. Importing accelsim loads no numerical library and changes no global state.
"""

from functools import cache

from accelsim.errors import AccelsimError

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
    "with_zeros": "accelsim.workload.zeros",
    "resolve_accelerator": "accelsim.hardware.config",
    "load_accelerator": "accelsim.hardware.config",
    "preset": "accelsim.hardware.presets",
    "results_frame": "accelsim.models.result",
    "area_of": "accelsim.area",
}

__all__ = ["AccelsimError", "__version__", *_API]


@cache
def _installed_version() -> str:
    """The version in the installed package's metadata (importlib.metadata costs tens of ms to
    import, so it is read only when asked)."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("accelsim")
    except PackageNotFoundError:  # a source tree that is not installed
        return "0+unknown"


def __getattr__(name: str) -> object:
    """`__version__` and the API's functions, looked up when first used (keeps `import accelsim`
    cheap)."""
    if name == "__version__":
        return _installed_version()
    if name in _API:
        import importlib

        return getattr(importlib.import_module(_API[name]), name)
    raise AttributeError(f"module 'accelsim' has no attribute {name!r}")

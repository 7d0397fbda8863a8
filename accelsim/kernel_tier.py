"""Run a numba kernel compiled, or as plain Python when that is sooner: tiered execution.

A kernel that is neither compiled in this process nor in numba's on-disk cache costs a compile
of seconds before its first call, far more than a small call takes in the interpreter. So a
small call on a cold kernel runs the kernel's own Python source (with every kernel it calls
interpreted too) while a process-wide budget of interpreted time lasts; a large call, a kernel
already compiled or cached, or a spent budget runs compiled (and fills the cache). Both tiers run
the same source on the same arrays: integer results are identical, and floats too (numba adds no
fast-math), which `tests/test_kernel_tier.py` checks on every golden layer.

The decision never changes a result; it only moves time. Its worst case is bounded: at most
`INTERPRET_SECONDS` (estimated) of interpreted work per process before everything is compiled.
"""

from __future__ import annotations

import contextlib
import functools
import types
from collections.abc import Callable, Iterator
from typing import Any

INTERPRET_SECONDS = 0.5
"""Estimated interpreted seconds a process may spend before kernels are compiled: about the time
numba needs to load two cached kernels, a tenth of compiling the RS engine's kernels cold."""

TIERS = ("auto", "compiled", "python")

_state: dict[str, Any] = {"tier": "auto", "spent": 0.0}
_ready: dict[int, bool] = {}
_interpreted: dict[int, Callable] = {}


def kernel_for(kernel: Callable, seconds: float) -> Callable:
    """The form of `kernel` to call for work estimated at `seconds` of interpreted time: the
    compiled dispatcher, or its interpreted source while the budget lasts and it is cold."""
    py_func = getattr(kernel, "py_func", None)
    if py_func is None:  # NUMBA_DISABLE_JIT: already plain Python
        return kernel
    tier = _state["tier"]
    if tier == "python":
        return _entry(kernel)
    if tier == "compiled" or _is_ready(kernel):
        return kernel
    if _state["spent"] + seconds > INTERPRET_SECONDS:
        _ready[id(kernel)] = True  # compile it now; later calls reuse it
        return kernel
    _state["spent"] += seconds
    return _entry(kernel)


def _entry(kernel: Callable) -> Callable:
    """The interpreted kernel as called from outside: int64 overflow in numpy scalars wraps
    silently, as it does compiled (numpy would warn on stderr)."""
    python = interpreted(kernel)

    @functools.wraps(python)
    def call(*args: Any) -> Any:
        import numpy as np

        with np.errstate(over="ignore"):
            return python(*args)

    return call


def _is_ready(kernel: Any) -> bool:
    """Compiled in this process, or in numba's on-disk cache for this source."""
    key = id(kernel)
    if key not in _ready:
        _ready[key] = bool(kernel.signatures) or _cached_on_disk(kernel)
    return _ready[key] or bool(kernel.signatures)


def _cached_on_disk(kernel: Any) -> bool:
    """Whether numba's cache index holds a compiled form of this exact source (numba's own
    reader: an index of another source stamp or numba version reads as empty)."""
    try:
        return bool(kernel._cache._cache_file._load_index())
    except Exception:  # no cache (cache=False), or another numba layout: treat as cold
        return False


def interpreted(kernel: Callable) -> Callable:
    """`kernel`'s Python function, calling the interpreted form of every kernel it calls."""
    key = id(kernel)
    if key not in _interpreted:
        func = kernel.py_func
        names = dict(func.__globals__)
        for name in func.__code__.co_names:
            if hasattr(names.get(name), "py_func") and hasattr(names[name], "signatures"):
                names[name] = interpreted(names[name])
        _interpreted[key] = types.FunctionType(
            func.__code__, names, func.__name__, func.__defaults__, func.__closure__
        )
    return _interpreted[key]


@contextlib.contextmanager
def forced(tier: str) -> Iterator[None]:
    """Run every kernel call in `tier` ('compiled', 'python' or 'auto') within the block."""
    if tier not in TIERS:
        raise ValueError(f"tier must be one of {', '.join(TIERS)}, got '{tier}'")
    before = _state["tier"]
    _state["tier"] = tier
    try:
        yield
    finally:
        _state["tier"] = before

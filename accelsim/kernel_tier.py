"""Run a numba kernel compiled, or as plain Python when that is sooner: tiered execution.

A kernel that is neither compiled in this process nor in numba's on-disk cache costs a compile
of seconds before its first call, and even a cached one costs numba's import and start-up (about
half a second) in a process that has not loaded numba yet: more than a small call takes in the
interpreter. So a kernel defined with `@kernel` is a plain Python function until it is first
compiled (its module does not import numba), and `kernel_for` picks, call by call:

1. compiled, once the kernel is compiled in this process;
2. interpreted, while numba is not loaded and the process's interpreted time so far plus this
   call's estimate stays within `NUMBA_START_SECONDS` (no cache is looked at: that loads numba);
3. compiled (loaded), when numba's on-disk cache holds the kernel for this source;
4. interpreted, while the kernel's own interpreted time so far plus this call's estimate stays
   within its compile time;
5. compiled (and cached) from the call that would pass it, or at once for a call estimated to
   take longer than compiling.

Interpreted time is measured, not estimated: the estimates (supplied by the caller, per call)
only decide whether a call may start interpreted.

Steps 4-5 are the ski-rental rule: a run costs at most about twice what compiling at its first
call would (up to the estimates' accuracy), and a small run compiles nothing. The interpreted
tier runs the kernel's own source, with every kernel it calls interpreted too, on the same
arrays: integer results are identical, and floats too (numba adds no fast-math), which
`tests/test_kernel_tier.py` checks on every AlexNet and VGG-16 layer. The choice never changes a
result; it only moves time.
"""

from __future__ import annotations

import contextlib
import functools
import sys
import time
import types
from collections.abc import Callable, Iterator
from typing import Any

TIERS = ("auto", "compiled", "python")

NUMBA_START_SECONDS = 0.6
"""What loading a cached kernel costs a process without numba: `import numba` and numba's
start-up on its first kernel (0.55-0.65 s on a 2-core machine of 2026: `accelsim simulate
alexnet` takes that much longer with its kernels loaded from the cache than interpreted,
`benchmarks/kernel_tier.md`). Interpreting less than this is faster than any compiled call."""

_state: dict[str, Any] = {"tier": "auto", "spent": 0.0}
_spent: dict[int, float] = {}
_on_disk: dict[int, bool] = {}
_interpreted: dict[int, Callable] = {}


class Kernel:
    """A numba kernel that imports numba only when first compiled: `njit(cache=True)` of its
    function then. Calling it runs it compiled, like a dispatcher; `kernel_for` chooses."""

    def __init__(self, func: Callable) -> None:
        self.py_func = func
        self._dispatcher: Any = None
        functools.update_wrapper(self, func)

    @property
    def signatures(self) -> list:
        """The signatures compiled in this process (none before the first compiled call)."""
        return [] if self._dispatcher is None else self._dispatcher.signatures

    def compiled(self) -> Any:
        """The numba dispatcher (created on first use; numba compiles it at its first call)."""
        if self._dispatcher is None:
            _teach_numba_kernels()
            import numba

            self._dispatcher = numba.njit(cache=True)(self.py_func)
        return self._dispatcher

    def __call__(self, *args: Any) -> Any:
        return self.compiled()(*args)

    def __repr__(self) -> str:
        return f"<kernel {self.py_func.__module__}.{self.py_func.__qualname__}>"


def kernel(func: Callable) -> Kernel:
    """Decorator: `func` as a `Kernel` (numba source rules apply; compiled with cache=True)."""
    return Kernel(func)


@functools.cache
def _teach_numba_kernels() -> None:
    """Let numba type a `Kernel` named in another kernel's source as its dispatcher."""
    from numba.core import types as numba_types
    from numba.extending import typeof_impl

    @typeof_impl.register(Kernel)
    def _typeof_kernel(value: Kernel, context: Any) -> Any:
        return numba_types.Dispatcher(value.compiled())


def kernel_for(kernel: Callable, seconds: float, compile_seconds: float) -> Callable:
    """The form of `kernel` (a `Kernel` or a numba dispatcher) to call for work estimated at
    `seconds` of interpreted time, when compiling it (with what it calls) takes about
    `compile_seconds`: compiled, or its interpreted source (the rules of the module docstring)."""
    py_func = getattr(kernel, "py_func", None)
    if py_func is None:  # NUMBA_DISABLE_JIT: already plain Python
        return kernel
    tier = _state["tier"]
    if tier == "python":
        return _entry(kernel)
    if tier == "compiled" or kernel.signatures:
        return _compiled(kernel)
    if "numba" not in sys.modules and _state["spent"] + seconds <= NUMBA_START_SECONDS:
        return _entry(kernel)
    if _is_cached(kernel) or _spent.get(id(kernel), 0.0) + seconds > compile_seconds:
        return _compiled(kernel)  # compile (or load) it now; later calls reuse it
    return _entry(kernel)


def _compiled(kernel: Any) -> Any:
    return kernel.compiled() if isinstance(kernel, Kernel) else kernel


def _entry(kernel: Callable) -> Callable:
    """The interpreted kernel as called from outside: its measured time is charged to the
    process's and the kernel's interpreted time (estimates only decide whether a call may
    start), and int64 overflow in numpy scalars wraps silently, as it does compiled (numpy
    would warn on stderr)."""
    python = interpreted(kernel)
    key = id(kernel)

    @functools.wraps(python)
    def call(*args: Any) -> Any:
        import numpy as np

        start = time.perf_counter()
        try:
            with np.errstate(over="ignore"):
                return python(*args)
        finally:
            took = time.perf_counter() - start
            _state["spent"] += took
            _spent[key] = _spent.get(key, 0.0) + took

    return call


def _is_cached(kernel: Any) -> bool:
    """Whether numba's on-disk cache holds the kernel (looked up once per process)."""
    key = id(kernel)
    if key not in _on_disk:
        _on_disk[key] = _cached_on_disk(kernel)
    return _on_disk[key]


def _cached_on_disk(kernel: Any) -> bool:
    """Whether numba's cache index holds a compiled form of this exact source (numba's own
    reader: an index of another source stamp or numba version reads as empty)."""
    try:
        return bool(_compiled(kernel)._cache._cache_file._load_index())
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

"""The fast engine's index constants and plan structure: derived from the one definition of each
order, read only from the kernels' own module, and what the compiled (possibly cached) kernel
runs is its current source."""

from __future__ import annotations

import ast
import builtins
import dis
import types
from dataclasses import fields
from pathlib import Path

import numba
import numpy as np
import pytest

from accelsim.engine.rs import fast
from accelsim.engine.rs.fast import KernelPlan, kernel_plan, simulate_fast
from accelsim.engine.rs.plan import CYCLE_CAUSES, RSPlan, make_plan
from accelsim.hardware import resolve_accelerator
from accelsim.kernel_tier import Kernel
from accelsim.workload.builtin import builtin_network
from accelsim.workload.layer import ConvLayer
from dataflows.row_stationary import COUNT_NAMES, parse_mapping

CFG = resolve_accelerator("eyeriss")


def _constants(prefix: str) -> dict[str, int]:
    return {k: v for k, v in vars(fast).items() if k.startswith(prefix) and k[2:].isupper()}


def test_count_constants_are_the_positions_of_count_names():
    expect = {f"K_{name.upper()}": i for i, name in enumerate(COUNT_NAMES)}
    assert _constants("K_") == expect
    assert len(COUNT_NAMES) == fast.N_COUNTS


def test_cause_constants_are_the_positions_of_cycle_causes():
    expect = {f"C_{name.upper()}": i for i, name in enumerate(CYCLE_CAUSES)}
    assert _constants("C_") == expect
    assert len(CYCLE_CAUSES) == fast.N_CAUSES


def _kernels() -> list[Kernel]:
    return [
        obj
        for obj in vars(fast).values()
        if isinstance(obj, Kernel | numba.core.dispatcher.Dispatcher)
        and obj.py_func.__module__ == fast.__name__
    ]


def _defined_in(path: Path) -> set[str]:
    """Names a module binds itself at top level (assignments, functions, classes)."""
    names: set[str] = set()
    for node in ast.parse(path.read_text()).body:
        if isinstance(node, ast.FunctionDef | ast.ClassDef):
            names.add(node.name)
        elif isinstance(node, ast.Assign | ast.AnnAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in targets:
                names |= {n.id for n in ast.walk(target) if isinstance(n, ast.Name)}
    return names


def test_cached_kernels_read_only_globals_of_their_own_module():
    # numba freezes the globals a kernel reads and its on-disk cache watches one file only.
    kernels = _kernels()
    assert {k.py_func.__name__ for k in kernels} >= {"simulate_layer", "pass_steps"}
    own = _defined_in(Path(fast.__file__))
    for kernel in kernels:
        loads = {
            ins.argval
            for ins in dis.get_instructions(kernel.py_func)
            if ins.opname == "LOAD_GLOBAL"
        }
        foreign = {
            name
            for name in loads
            if name not in own
            and not hasattr(builtins, name)
            and not isinstance(getattr(fast, name, None), types.ModuleType)
        }
        assert not foreign, f"{kernel.py_func.__name__} reads globals of another file: {foreign}"


def test_kernel_plan_is_the_plan_field_for_field():
    plan = make_plan(
        builtin_network("alexnet").layer("conv1"),
        CFG.hardware,
        parse_mapping("m=96,n=1,e=7,p=16,q=1,r=1,t=2"),
        1,
        True,
    )
    kp = kernel_plan(plan)
    assert set(KernelPlan._fields) <= {f.name for f in fields(RSPlan)}
    for name in KernelPlan._fields:
        value = getattr(kp, name)
        if isinstance(value, np.ndarray):
            assert value.dtype == np.int64 and value.flags.c_contiguous
            assert (value == getattr(plan, name)).all()
        else:
            assert type(value) is int and value == getattr(plan, name)


PLANS = [
    # layer, mapping, batch, first layer: full and partial image chunks and strips, groups
    (builtin_network("alexnet").layer("conv1"), "m=96,n=1,e=7,p=16,q=1,r=1,t=2", 1, True),
    (builtin_network("alexnet").layer("conv2"), "m=64,n=1,e=27,p=16,q=2,r=1,t=1", 1, False),
    (
        ConvLayer("small", 8, 10, 10, 8, 3, 3, ifmap_zero=0.4, ofmap_zero=0.5),
        "m=8,n=2,e=3,p=2,q=2,r=2,t=2",
        3,
        False,
    ),
]


@pytest.mark.parametrize(("layer", "mapping", "batch", "first"), PLANS)
def test_compiled_kernel_runs_its_current_source(monkeypatch, layer, mapping, batch, first):
    """A kernel loaded from a stale on-disk cache (compiled against other constants) disagrees
    with its own source run as Python; clear `accelsim/engine/rs/__pycache__` if this fails."""
    kp = kernel_plan(make_plan(layer, CFG.hardware, parse_mapping(mapping), batch, first))
    counts, cycles, total = simulate_fast(kp)
    for kernel in _kernels():
        monkeypatch.setattr(fast, kernel.py_func.__name__, kernel.py_func)
    py_counts, py_cycles, py_total = fast.simulate_fast(kp)
    assert (counts == py_counts).all()
    assert (cycles == py_cycles).all()
    assert total == py_total

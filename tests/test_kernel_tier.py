"""Tiered kernels: the interpreted and compiled tiers give the same results, and the choice
between them follows the budget."""

from __future__ import annotations

import numba
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from accelsim import kernel_tier
from accelsim.api import run
from accelsim.engine.rs import fast
from dataflows.row_stationary import kernel as rs_kernel


@pytest.fixture
def fresh_budget(monkeypatch):
    """A budget nothing has spent yet, and no kernel known to be compiled."""
    monkeypatch.setattr(kernel_tier, "_spent", {})
    monkeypatch.setitem(kernel_tier._state, "tier", "auto")
    monkeypatch.setitem(kernel_tier._state, "spent", 0.0)
    monkeypatch.setattr(kernel_tier, "_on_disk", {})


@pytest.mark.parametrize(("network", "batch"), [("alexnet", 4), ("vgg16", 1)])
def test_tiers_give_identical_results(network, batch):
    """Every layer's counts, cycles, mapping and energy, interpreted and compiled."""
    with kernel_tier.forced("python"):
        interpreted = run(network, "eyeriss", "rs", batch=batch)
    with kernel_tier.forced("compiled"):
        compiled = run(network, "eyeriss", "rs", batch=batch)
    pd.testing.assert_frame_equal(interpreted, compiled, check_exact=True)


@settings(max_examples=30)
@given(n=st.integers(1, 5), e=st.integers(1, 13), batch=st.integers(1, 6))
def test_tiers_agree_on_random_plans(n, e, batch):
    """The fast engine's counts, cycles by cause and total, on random chunk and strip shapes."""
    from accelsim.engine.rs.plan import make_plan
    from accelsim.hardware import resolve_accelerator
    from accelsim.workload.layer import ConvLayer
    from dataflows.row_stationary import RSMapping

    layer = ConvLayer("c", 6, 15, 15, 8, 3, 3, stride=1, pad=(1, 1, 1, 1), ifmap_zero=0.3)
    hw = resolve_accelerator("eyeriss").hardware
    mapping = RSMapping(m=8, n=min(n, batch), e=e, p=2, q=2, r=1, t=2)
    plan = fast.kernel_plan(make_plan(layer, hw, mapping, batch, first_layer=False))
    with kernel_tier.forced("python"):
        a = fast.simulate_fast(plan)
    with kernel_tier.forced("compiled"):
        b = fast.simulate_fast(plan)
    assert (a[0] == b[0]).all() and (a[1] == b[1]).all() and a[2] == b[2]


def test_interpreted_form_calls_no_dispatcher():
    """The interpreted kernel's callees are interpreted too: calling it compiles nothing."""
    python = kernel_tier.interpreted(fast.simulate_layer)
    for name in ("pass_steps", "dram_cycles", "ceil_div"):
        callee = python.__globals__[name]
        assert callee is kernel_tier.interpreted(getattr(fast, name))
        assert not isinstance(callee, numba.core.dispatcher.Dispatcher | kernel_tier.Kernel)
    assert python.__code__ is fast.simulate_layer.py_func.__code__
    assert kernel_tier.interpreted(fast.simulate_layer) is python


def test_cold_kernel_is_interpreted_until_its_calls_would_cost_its_compile(fresh_budget):
    @numba.njit(cache=False)
    def add(a, b):
        return a + b

    first = kernel_tier.kernel_for(add, 0.6, 1.0)
    assert first.__wrapped__ is kernel_tier.interpreted(add) and first(1, 2) == 3
    assert not add.signatures  # nothing compiled
    spent = kernel_tier._spent[id(add)]
    assert 0 < spent < 0.1  # the measured time is charged, not the estimate
    kernel_tier._spent[id(add)] = 0.5  # as if earlier calls had taken half a second
    assert kernel_tier.kernel_for(add, 0.5, 1.0).__wrapped__ is kernel_tier.interpreted(add)
    assert kernel_tier.kernel_for(add, 0.6, 1.0) is add  # 1.1 s interpreted > 1 s to compile


def test_call_longer_than_the_compile_is_compiled_at_once(fresh_budget):
    @numba.njit(cache=False)
    def mul(a, b):
        return a * b

    assert kernel_tier.kernel_for(mul, 2.0, 1.0) is mul
    assert kernel_tier._spent == {}


def test_budgets_are_per_kernel(fresh_budget):
    @numba.njit(cache=False)
    def one(a):
        return a

    @numba.njit(cache=False)
    def two(a):
        return a

    kernel_tier._spent[id(one)] = 0.9
    assert kernel_tier.kernel_for(one, 0.2, 1.0) is one
    assert kernel_tier.kernel_for(two, 0.2, 1.0) is not two


def test_without_numba_loaded_small_calls_never_look_at_the_cache(fresh_budget, monkeypatch):
    """Before numba is imported, calls within NUMBA_START_SECONDS are interpreted even for a
    cached kernel: loading numba would cost more."""
    import sys

    looked = []
    monkeypatch.setattr(kernel_tier, "_cached_on_disk", lambda k: looked.append(k) or True)
    probe = kernel_tier.Kernel(lambda a: a + 1)
    monkeypatch.delitem(sys.modules, "numba")
    small = kernel_tier.kernel_for(probe, kernel_tier.NUMBA_START_SECONDS / 2, 10.0)
    assert small(1) == 2 and looked == [] and probe._dispatcher is None
    monkeypatch.setitem(kernel_tier._state, "spent", kernel_tier.NUMBA_START_SECONDS)
    monkeypatch.setitem(sys.modules, "numba", numba)
    assert kernel_tier.kernel_for(probe, 0.1, 10.0) is probe.compiled()  # cached: loaded
    assert looked == [probe]


def test_compiled_kernel_stays_compiled(fresh_budget):
    @numba.njit(cache=False)
    def sub(a, b):
        return a - b

    sub(3, 1)  # compiled in this process
    assert kernel_tier.kernel_for(sub, 0.0, 1.0) is sub


def test_kernel_in_the_disk_cache_is_loaded_not_interpreted(fresh_budget, monkeypatch):
    monkeypatch.setattr(kernel_tier, "_cached_on_disk", lambda kernel: True)
    kernel = rs_kernel.best_candidates
    assert kernel_tier.kernel_for(kernel, 0.0, 1.0) is kernel.compiled()


def test_cache_check_reads_numba_index(tmp_path, monkeypatch):
    """Cold before the first compile, cached after it; a kernel without a cache reads as cold."""
    (tmp_path / "tier_probe.py").write_text(
        "import numba\n\n@numba.njit(cache=True)\ndef twice(a):\n    return 2 * a\n"
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    import importlib

    probe = importlib.import_module("tier_probe")
    assert kernel_tier._cached_on_disk(probe.twice) is False
    assert probe.twice(2) == 4
    assert kernel_tier._cached_on_disk(probe.twice) is True

    @numba.njit(cache=False)
    def neg(a):
        return -a

    assert kernel_tier._cached_on_disk(neg) is False


def test_interpreted_overflow_wraps_silently_as_compiled(capfd):
    import numpy as np

    @numba.njit(cache=False)
    def square(a):
        return a[0] * a[0]

    big = np.array([2**62], dtype=np.int64)
    with kernel_tier.forced("python"):
        wrapped = kernel_tier.kernel_for(square, 0.0, 1.0)(big)
    assert wrapped == square(big) == 0
    assert capfd.readouterr().err == ""


def test_forced_rejects_an_unknown_tier():
    forced = kernel_tier.forced("jit")
    with pytest.raises(ValueError, match="tier must be one of auto, compiled, python, got 'jit'"):
        forced.__enter__()

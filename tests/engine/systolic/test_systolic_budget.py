"""The systolic engine refuses a huge batch, layer or array before allocating anything."""

from __future__ import annotations

import time

import pytest

from accelsim.engine.systolic import budget
from accelsim.engine.systolic.engine import simulate_network
from accelsim.errors import AccelsimError
from accelsim.hardware.systolic import SystolicArray
from accelsim.workload.builtin import builtin_network

ALEXNET = builtin_network("alexnet")


def _quick(call, match):
    start = time.perf_counter()
    with pytest.raises(AccelsimError, match=match) as info:
        call()
    assert time.perf_counter() - start < 1.0
    assert "\n" not in str(info.value)


@pytest.mark.parametrize("memory", ["scalesim", "default"])
def test_huge_array_is_refused(memory, monkeypatch):
    """Refused when described (the hardware limits), and by the engine's own PE bound before
    it allocates per-line buffers."""
    _quick(lambda: SystolicArray(rows=10**9, cols=1), "rows")
    monkeypatch.setattr(budget, "MAX_ARRAY_PES", 32 * 32 - 1)
    _quick(lambda: simulate_network(ALEXNET, SystolicArray(), memory), "array")


@pytest.mark.parametrize("memory", ["scalesim", "default"])
def test_large_batch_is_refused_before_simulating(memory, monkeypatch):
    monkeypatch.setattr(budget, "MAX_SYSTOLIC_REQUESTS", 10**6)
    _quick(lambda: simulate_network(ALEXNET, SystolicArray(), memory, batch=4), "batch")


def test_cycle_by_cycle_checks_every_layer_first():
    _quick(lambda: simulate_network(ALEXNET, SystolicArray(), "scalesim", 1, True), "cycle-by")

"""RS engines refuse work beyond their named limits at once, before enumerating or simulating."""

from __future__ import annotations

import time

import pytest

from accelsim.api import as_accelerator
from accelsim.engine.limits import MAX_BATCH
from accelsim.engine.rs import run as rs_run
from accelsim.engine.rs.simulate import simulate_layer, simulate_network
from accelsim.errors import AccelsimError
from accelsim.workload.builtin import builtin_network
from dataflows.row_stationary import enumerate_mappings

EYERISS = as_accelerator("eyeriss", "rs")
ALEXNET = builtin_network("alexnet")


def _quick(call, match):
    start = time.perf_counter()
    with pytest.raises(AccelsimError, match=match) as info:
        call()
    assert time.perf_counter() - start < 1.0
    assert "\n" not in str(info.value)


@pytest.mark.parametrize("batch", [MAX_BATCH + 1, 10**9, 10**30])
def test_huge_batch_is_refused_at_once(batch):
    _quick(lambda: simulate_network(ALEXNET, EYERISS, batch=batch), "batch")


@pytest.mark.parametrize("batch", [True, 2.5, "4", 0, -3])
def test_batch_of_wrong_type_is_refused(batch):
    _quick(lambda: simulate_layer(ALEXNET.compute_layers[0], EYERISS, batch=batch), "batch")


def test_enumeration_does_not_grow_with_the_batch():
    layer = builtin_network("vgg16").compute_layers[0]
    start = time.perf_counter()
    maps = enumerate_mappings(layer, EYERISS.hardware, MAX_BATCH)
    assert time.perf_counter() - start < 1.0
    assert maps.shape[0] > 0


def test_fast_engine_work_is_checked_before_running(monkeypatch):
    monkeypatch.setattr(rs_run, "MAX_FAST_STEPS", 1000)

    def boom(*_args):
        raise AssertionError("simulated although over the limit")

    monkeypatch.setattr(rs_run, "simulate_fast", boom)
    _quick(lambda: simulate_layer(ALEXNET.compute_layers[0], EYERISS, batch=1), "limit")


def test_trace_checks_every_layer_before_tracing_any(monkeypatch):
    import accelsim.engine.rs.trace as trace

    def boom(*_args, **_kwargs):
        raise AssertionError("a layer was traced before all were checked")

    monkeypatch.setattr(trace, "simulate_trace", boom)
    # mapping every layer takes a second or so; no layer is traced
    with pytest.raises(AccelsimError, match="trace engine"):
        simulate_network(ALEXNET, EYERISS, batch=1, engine="trace")


def test_huge_array_is_bounded():
    """A billion-PE array is refused when it is described, and the largest array a file may
    describe enumerates its mappings quickly."""
    from dataclasses import replace

    from accelsim.hardware.limits import MAX_SPATIAL_DIM

    with pytest.raises(AccelsimError, match="pe_rows"):
        replace(EYERISS.hardware, pe_rows=10**9, pe_cols=1)
    hw = replace(EYERISS.hardware, pe_rows=MAX_SPATIAL_DIM, pe_cols=1)
    start = time.perf_counter()
    enumerate_mappings(ALEXNET.compute_layers[2], hw, 1)
    assert time.perf_counter() - start < 2.0

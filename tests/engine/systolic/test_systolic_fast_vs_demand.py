"""The fast path equals the cycle-by-cycle demand path, counter for counter (small layers)."""

from __future__ import annotations

from unittest import mock

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from accelsim.engine.systolic import kernels
from accelsim.engine.systolic.demand import demand_matrices, simulate_gemm_demand
from accelsim.engine.systolic.first_touch import filter_rereads_all_miss, ifmap_rereads_all_miss
from accelsim.engine.systolic.scalesim_memory import (
    _geometry,
    ifmap_tables,
    simulate_gemm,
)
from accelsim.errors import AccelsimError
from accelsim.hardware.systolic import SystolicArray
from dataflows.systolic import DATAFLOW_CODES, ConvGemm, SystolicMapping, sram_requests


@st.composite
def gemms(draw):
    h = draw(st.integers(1, 9))
    w = draw(st.integers(1, 9))
    return ConvGemm(
        "g", h, w, draw(st.integers(1, h)), draw(st.integers(1, w)), draw(st.integers(1, 4)),
        draw(st.integers(1, 12)), draw(st.integers(1, 3)), batch=draw(st.integers(1, 2)),
        ceil_outputs=draw(st.booleans()))  # fmt: skip


def _both(gemm, array, words):
    out = []
    for fn in (simulate_gemm, simulate_gemm_demand):
        try:
            out.append(fn(gemm, array, words))
        except AccelsimError as exc:  # both must refuse the same layers
            out.append(("error", "prefetch triggers" in str(exc)))
    return out


@settings(max_examples=150, deadline=None)
@given(gemm=gemms(), rows=st.integers(1, 9), cols=st.integers(1, 9),
       df=st.sampled_from(["os", "ws", "is"]), ifmap=st.integers(100, 500),
       filt=st.integers(100, 500), ofmap=st.integers(2, 60))  # fmt: skip
def test_fast_equals_cycle_by_cycle(gemm, rows, cols, df, ifmap, filt, ofmap):
    fast, slow = _both(gemm, SystolicArray(rows, cols, df), (ifmap, filt, ofmap))
    assert fast == slow


@settings(max_examples=150, deadline=None)
@given(gemm=gemms(), rows=st.integers(1, 9), cols=st.integers(1, 9),
       df=st.sampled_from(["os", "ws", "is"]), ifmap=st.integers(100, 500),
       filt=st.integers(100, 500), ofmap=st.integers(2, 60))  # fmt: skip
def test_hashed_lookup_equals_cycle_by_cycle(gemm, rows, cols, df, ifmap, filt, ofmap):
    """The hash table that replaces the dense lookup on large address spaces (forced here on
    every space) gives the same counters as the demand path."""
    with mock.patch.object(kernels, "DENSE_LOOKUP_WORDS", 0):
        fast, slow = _both(gemm, SystolicArray(rows, cols, df), (ifmap, filt, ofmap))
    assert fast == slow


@settings(max_examples=150, deadline=None)
@given(gemm=gemms(), rows=st.integers(1, 6), cols=st.integers(1, 6),
       df=st.sampled_from(["os", "ws", "is"]))  # fmt: skip
def test_all_miss_shortcut_equals_the_dense_lookup(gemm, rows, cols, df):
    """When every request is provably a first touch, counting per line equals looking it up."""
    m = SystolicMapping.of(gemm, rows, cols, df)
    for operand in (0, 1):
        if operand == 0 and gemm.has_overhang:
            continue
        req = sram_requests(gemm, m)
        reads = req.ifmap_reads if operand == 0 else req.filter_reads
        distinct = gemm.ifmap_words_used() if operand == 0 else gemm.k * gemm.n
        proven = (operand == 1 and filter_rereads_all_miss(m, gemm, kernels.SETS_ACTIVE)) or (
            operand == 0 and ifmap_rereads_all_miss(gemm, m, kernels.SETS_ACTIVE)
        )
        if reads != distinct and not proven:
            continue
        pix, tap = ifmap_tables(gemm)
        space = gemm.batch * gemm.height * gemm.width * gemm.channels if operand == 0 else distinct
        ev = np.zeros(1, dtype=np.int64)
        args = (operand, DATAFLOW_CODES[df], rows, cols, m.sr, m.sc, m.t, m.row_folds,
                m.col_folds, m.lines_per_fold, 1)  # fmt: skip
        tail = (space, _geometry(gemm), pix, tap, ev, ev, 0)
        assert list(kernels.read_buffer_stream(*args, True, *tail)) == list(
            kernels.read_buffer_stream(*args, False, *tail)
        )


@pytest.mark.parametrize("df", ["os", "ws", "is"])
def test_demand_matrices_hold_every_request(df):
    gemm = ConvGemm("g", 7, 6, 3, 2, 3, 10, 2)
    m = SystolicMapping.of(gemm, 4, 3, df)
    ifmap, filt, ofmap = demand_matrices(gemm, m)
    assert ifmap.shape[0] == filt.shape[0] == ofmap.shape[0] == m.lines
    req = sram_requests(gemm, m)
    assert np.count_nonzero(ifmap != -1) == req.ifmap_reads
    assert np.count_nonzero(filt != -1) == req.filter_reads
    assert np.count_nonzero(ofmap != -1) == req.ofmap_writes


def test_demand_path_refuses_large_layers():
    gemm = ConvGemm("big", 224, 224, 3, 3, 64, 64)
    with pytest.raises(AccelsimError, match="too large"):
        simulate_gemm_demand(gemm, SystolicArray(8, 8, "os"))


@settings(max_examples=100, deadline=None)
@given(gemm=gemms(), rows=st.integers(1, 9), cols=st.integers(1, 9),
       df=st.sampled_from(["os", "ws", "is"]), ofmap=st.integers(2, 60))  # fmt: skip
def test_write_buffer_replays_again_when_its_arrays_are_full(gemm, rows, cols, df, ofmap):
    """Arrays of one entry overflow on the second stall or pending partial line; the replay
    with the enlarged arrays gives the same events and counters."""
    from accelsim.engine.systolic.scalesim_memory import ofmap_write_buffer

    m = SystolicMapping.of(gemm, rows, cols, df)
    small = ofmap_write_buffer(m, ofmap, room=1)
    large = ofmap_write_buffer(m, ofmap)
    assert small[2] == large[2] and list(small[3]) == list(large[3])
    assert list(small[0][: small[2]]) == list(large[0][: large[2]])
    assert list(small[1][: small[2]]) == list(large[1][: large[2]])

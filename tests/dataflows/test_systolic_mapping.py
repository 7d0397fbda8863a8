"""Layer -> GEMM and OS/WS/IS placement: dimensions, folds, SRAM traffic, groups, batch."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from accelsim.errors import AccelsimError
from accelsim.workload.builtin import builtin_network
from accelsim.workload.layer import ConvLayer
from dataflows.systolic import ConvGemm, SystolicMapping, layer_gemms, sram_requests


def test_gemm_dimensions_of_a_padded_grouped_layer():
    alexnet = builtin_network("alexnet")
    conv2 = alexnet.layer("conv2")
    lg = layer_gemms(conv2, batch=4)
    assert lg.repeats == 2
    g = lg.gemm
    assert (g.height, g.width) == (conv2.padded_height, conv2.padded_width)
    assert (g.m, g.n, g.k) == (4 * 27 * 27, 128, 5 * 5 * 48)
    assert g.macs * lg.repeats == 4 * conv2.macs


def test_placement_table():
    g = ConvGemm("g", 10, 10, 3, 3, 4, 20)  # M = 64, N = 20, K = 36
    assert (g.m, g.n, g.k) == (64, 20, 36)
    os_ = SystolicMapping.of(g, 8, 16, "os")
    ws = SystolicMapping.of(g, 8, 16, "ws")
    is_ = SystolicMapping.of(g, 8, 16, "is")
    assert (os_.sr, os_.sc, os_.t) == (64, 20, 36)
    assert (ws.sr, ws.sc, ws.t) == (36, 20, 64)
    assert (is_.sr, is_.sc, is_.t) == (36, 64, 20)
    assert (os_.row_folds, os_.col_folds) == (8, 2)
    assert os_.lines_per_fold == 36 + 8 + 16 - 2
    assert ws.lines_per_fold == 64 + 16 + 16 - 2


def test_scalesim_output_rule_adds_an_overhanging_window():
    floor = ConvGemm("s", 11, 11, 1, 1, 5, 9, 3)
    ceil = ConvGemm("s", 11, 11, 1, 1, 5, 9, 3, ceil_outputs=True)
    assert floor.out_height == 4 and not floor.has_overhang
    assert ceil.out_height == 5 and ceil.has_overhang
    assert ceil.ifmap_words_used() == floor.ifmap_words_used() == 4 * 4 * 5


@settings(max_examples=80, deadline=None)
@given(
    m=st.integers(1, 60),
    n=st.integers(1, 60),
    k=st.integers(1, 60),
    rows=st.integers(1, 16),
    cols=st.integers(1, 16),
    df=st.sampled_from(["os", "ws", "is"]),
)
def test_sram_traffic_covers_every_mac(m, n, k, rows, cols, df):  # fmt: skip
    g = ConvGemm.from_mnk("g", m, n, k)
    mp = SystolicMapping.of(g, rows, cols, df)
    req = sram_requests(g, mp)
    # every fold uses min(rows, .) x min(cols, .) PEs; the folds tile Sr x Sc exactly
    used = sum(mp.rows_used(fr) * mp.cols_used(fc)
               for fc in range(mp.col_folds) for fr in range(mp.row_folds))  # fmt: skip
    assert used == mp.sr * mp.sc
    assert used * mp.t == g.macs
    assert req.ifmap_reads >= m * k and req.filter_reads >= k * n and req.ofmap_writes >= m * n
    assert 0 < mp.mapping_efficiency() <= 1 and 0 < mp.compute_utilization() <= 1


def test_bad_input():
    with pytest.raises(AccelsimError, match="filters"):
        ConvGemm("g", 4, 4, 1, 1, 1, 0)
    with pytest.raises(AccelsimError, match="exceeds"):
        ConvGemm("g", 4, 4, 5, 1, 1, 1)
    with pytest.raises(AccelsimError, match="dataflow"):
        SystolicMapping.of(ConvGemm("g", 4, 4, 1, 1, 1, 1), 4, 4, "rs")
    layer = ConvLayer("c", 3, 8, 8, 4, 3, 3)
    with pytest.raises(AccelsimError, match="batch"):
        layer_gemms(layer, batch=0)

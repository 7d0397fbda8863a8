"""`default` vs `scalesim` memory: the documented differences, and what both must agree on."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from accelsim.engine.systolic.default_memory import simulate_gemm_default
from accelsim.engine.systolic.scalesim_memory import simulate_gemm
from accelsim.hardware.systolic import SystolicArray
from dataflows.systolic import ConvGemm, SystolicMapping


@st.composite
def layers(draw):
    h = draw(st.integers(3, 14))
    r = draw(st.integers(1, 3))
    return ConvGemm("g", h, h, r, r, draw(st.integers(1, 8)), draw(st.integers(1, 40)),
                    draw(st.integers(1, 2)))  # fmt: skip


@settings(max_examples=60, deadline=None)
@given(gemm=layers(), rows=st.integers(2, 16), cols=st.integers(2, 16),
       df=st.sampled_from(["os", "ws", "is"]), kb=st.integers(1, 4))  # fmt: skip
def test_documented_differences(gemm, rows, cols, df, kb):
    array = SystolicArray(rows, cols, df, kb, kb, kb)
    s = simulate_gemm(gemm, array)
    d = simulate_gemm_default(gemm, array)
    m = SystolicMapping.of(gemm, rows, cols, df)
    # same schedule: default counts cycles, SCALE-Sim reports the last cycle's index
    assert s.stall_cycles == 0 and d.cycles == s.cycles + 1 == m.lines
    assert (d.sram_ifmap_reads, d.sram_filter_reads) == (s.sram_ifmap_reads, s.sram_filter_reads)
    # SCALE-Sim's OS ofmap count adds rows + cols per fold
    extra = m.folds * (rows + cols) if df == "os" else 0
    assert s.sram_ofmap_writes - d.sram_ofmap_writes == extra
    # default: every word fetched at least once, never more often than the fold tiles need
    assert d.dram_ifmap_reads >= gemm.ifmap_words_used()
    assert d.dram_filter_reads >= gemm.k * gemm.n
    assert d.dram_ofmap_writes >= gemm.m * gemm.n
    # an operand that fits in half its SRAM is fetched exactly once by both models
    half = array.sram_words[0] // 2
    if gemm.ifmap_words_used() <= half:
        assert d.dram_ifmap_reads == gemm.ifmap_words_used()
    if gemm.ifmap_words_used() < 50 * (array.sram_words[0] // 100):
        assert s.dram_ifmap_reads == gemm.ifmap_words_used()
    # SCALE-Sim's ofmap drain over-counts partial lines: never below the outputs
    assert s.dram_ofmap_writes >= gemm.m * gemm.n


def test_scalesim_tumbling_window_loses_reuse_the_default_keeps():
    gemm = ConvGemm("conv", 30, 30, 3, 3, 16, 64)  # ifmap 14400 words, fits in 64 kB
    small = SystolicArray(16, 16, "os", 16, 64, 64)  # 8 kB halves: the window tumbles
    s = simulate_gemm(gemm, small)
    d = simulate_gemm_default(gemm, small)
    assert s.dram_ifmap_reads > d.dram_ifmap_reads >= gemm.ifmap_words_used()


@pytest.mark.parametrize("df", ["ws", "is"])
def test_default_spills_partial_sums_only_when_they_do_not_fit(df):
    gemm = ConvGemm.from_mnk("g", 200, 200, 100)
    big = simulate_gemm_default(gemm, SystolicArray(8, 8, df, 64, 64, 64))
    tiny = simulate_gemm_default(gemm, SystolicArray(8, 8, df, 1, 1, 1))
    folds = SystolicMapping.of(gemm, 8, 8, df).row_folds
    assert (big.dram_ofmap_writes, big.dram_ofmap_reads) == (40000, 0)
    assert (tiny.dram_ofmap_writes, tiny.dram_ofmap_reads) == (40000 * folds, 40000 * (folds - 1))


def test_default_streams_a_filter_tile_larger_than_half_the_sram():
    gemm = ConvGemm.from_mnk("fc", 40, 16, 300)  # OS 8x8: tiles of 300 x 8 = 2400 words
    array = SystolicArray(8, 8, "os", 64, 2, 64)  # filter half = 1024 words
    m = SystolicMapping.of(gemm, 8, 8, "os")
    d = simulate_gemm_default(gemm, array)
    per_tile = 2400 + (m.row_folds - 1) * (2400 - 1024)
    assert d.dram_filter_reads == m.col_folds * per_tile


def _reference_ifmap_fetches(gemm: ConvGemm, m: SystolicMapping, capacity: int) -> int:
    """The default model's ifmap rule, written with Python sets over the operand matrix."""
    from accelsim.engine.systolic.demand import operand_matrices

    ifmap = operand_matrices(gemm)[0]
    ar, ac = m.rows, m.cols
    resident: list[set[int]] = []
    fetched, previous = 0, None
    for fc in range(m.col_folds):
        for fr in range(m.row_folds):
            rows = slice(fr * ar, fr * ar + m.rows_used(fr))
            if m.dataflow == "os":
                key, block = fr, ifmap[rows, :]
            elif m.dataflow == "ws":
                key, block = fr, ifmap[:, rows]
            else:
                key, block = (fc, fr), ifmap[fc * ac : fc * ac + m.cols_used(fc), rows]
            tile = {int(a) for a in block.ravel() if a >= 0}
            if key == previous:
                fetched += max(0, len(tile) - capacity)
                continue
            previous = key
            fetched += len(tile - set().union(*resident))
            if len(tile) > capacity:
                resident = []
                continue
            resident.append(tile)
            while len(set().union(*resident)) > capacity and len(resident) > 1:
                resident.pop(0)
    return fetched


@settings(max_examples=60, deadline=None)
@given(gemm=layers(), rows=st.integers(2, 12), cols=st.integers(2, 12),
       df=st.sampled_from(["os", "ws", "is"]))  # fmt: skip
def test_default_ifmap_model_equals_a_set_based_reference(gemm, rows, cols, df):
    array = SystolicArray(rows, cols, df, 1, 1, 1)  # 512-word halves
    m = SystolicMapping.of(gemm, rows, cols, df)
    assert simulate_gemm_default(gemm, array).dram_ifmap_reads == _reference_ifmap_fetches(
        gemm, m, 512
    )


@settings(max_examples=60, deadline=None)
@given(gemm=layers(), rows=st.integers(2, 8), cols=st.integers(1, 6),
       df=st.sampled_from(["os", "ws"]), capacity=st.integers(1, 600))  # fmt: skip
def test_default_ifmap_passes_after_the_second_repeat_it(gemm, rows, cols, df, capacity):
    from accelsim.engine.systolic.default_memory import _ifmap_lru_fetches

    m = SystolicMapping.of(gemm, rows, cols, df)
    if gemm.ifmap_words_used() <= capacity:  # the model's precondition (it fetches each once)
        return
    walked = _ifmap_lru_fetches(gemm, m, capacity, passes=m.col_folds)
    assert _ifmap_lru_fetches(gemm, m, capacity) == walked


@pytest.mark.parametrize("df", ["os", "is"])
def test_default_ifmap_counts_tiles_of_overhanging_windows_only(df):
    from accelsim.engine.systolic.default_memory import _ifmap_lru_fetches

    # ceil outputs: the last pixels' windows start past the ifmap, so their tiles are empty
    gemm = ConvGemm("g", 12, 9, 1, 1, 7, 14, stride=2, batch=2, ceil_outputs=True)
    m = SystolicMapping.of(gemm, 3, 3, df)
    assert _ifmap_lru_fetches(gemm, m, 40) == _reference_ifmap_fetches(gemm, m, 40)


def test_default_model_memory_is_bounded_by_the_address_space():
    """VGG-16 conv1_2 at batch 4 (WS): the tiles together hold 4.6 x 10^7 addresses (370 MB as
    int64); the replay keeps one int32 per ifmap word (13 MB) and the pixel and tap tables."""
    import subprocess
    import sys

    code = (
        "import resource\n"
        "from accelsim.engine.systolic.default_memory import simulate_gemm_default\n"
        "from accelsim.hardware.systolic import SystolicArray\n"
        "from dataflows.systolic import ConvGemm\n"
        "gemm = ConvGemm('conv1_2', 226, 226, 3, 3, 64, 64, batch=4)\n"
        "array = SystolicArray(32, 32, 'ws', 64, 64, 64)\n"
        "simulate_gemm_default(ConvGemm('warm', 20, 20, 3, 3, 64, 64), array)\n"
        "before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss\n"
        "d = simulate_gemm_default(gemm, array)\n"
        "after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss\n"
        "print(d.dram_ifmap_reads, (after - before) // 1024)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    fetched, grown_mb = map(int, out.stdout.split())
    assert fetched == 4 * 224 * 224 * 576 * 2  # every tile streamed, in both column folds
    assert grown_mb < 120

"""Every counter of the fast SCALE-Sim-compatible path equals SCALE-Sim 3.0.0's stored reports."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))
from golden_cases import case_array, case_dirs, case_gemms, report_rows  # noqa: E402

from accelsim.engine.systolic.scalesim_memory import simulate_gemm, simulate_gemms  # noqa: E402
from accelsim.interop.scalesim import report_texts  # noqa: E402

CASES = case_dirs()
DETAIL_FIELDS = (
    "sram_ifmap_start", "sram_ifmap_stop", "sram_ifmap_reads", "sram_filter_start",
    "sram_filter_stop", "sram_filter_reads", "sram_ofmap_start", "sram_ofmap_stop",
    "sram_ofmap_writes", "dram_ifmap_start", "dram_ifmap_stop", "dram_ifmap_reads",
    "dram_filter_start", "dram_filter_stop", "dram_filter_reads", "dram_ofmap_start",
    "dram_ofmap_stop", "dram_ofmap_writes",
)  # fmt: skip


def test_golden_set_covers_the_shape_classes():
    names = {c.name for c in CASES}
    assert len(CASES) >= 50
    for df in ("os", "ws", "is"):
        assert any(n.endswith(df) for n in names)
    assert {"8x8", "4x16", "16x4", "32x32"} <= {n.split("_")[1] for n in names}


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_counters_equal_scalesim(case: Path):
    array = case_array(case)
    compute = report_rows(case, "COMPUTE_REPORT.csv")
    detail = report_rows(case, "DETAILED_ACCESS_REPORT.csv")
    gemms = case_gemms(case)
    assert len(gemms) == len(compute) == len(detail)
    for gemm, comp, det in zip(gemms, compute, detail, strict=True):
        c = simulate_gemm(gemm, array)
        assert [c.cycles_incl_prefetch, c.cycles, c.stall_cycles] == [int(x) for x in comp[:3]]
        assert repr((c.macs * 100) / (c.cycles * array.num_macs)) == comp[3]
        assert repr(c.mapping_efficiency * 100) == comp[4]
        assert repr(c.compute_utilization * 100) == comp[5]
        mine = [getattr(c, f) for f in DETAIL_FIELDS]
        assert mine == [int(float(x)) for x in det], gemm.name


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_reports_are_byte_identical(case: Path):
    array = case_array(case)
    counters = simulate_gemms(case_gemms(case), array, workers=2)
    for name, text in report_texts(counters, array).items():
        assert text == (case / name).read_text()

"""The one-line reasons attached to energy and latency differences."""

from accelsim.comparison.attribution import energy_reason, latency_reason
from accelsim.energy.record import BREAKDOWN_COLUMNS


def _row(**values):
    row = dict.fromkeys(BREAKDOWN_COLUMNS, 1e-3)
    row.update(
        glb_accesses=100.0,
        glb_filter_accesses=10.0,
        glb_ifmap_accesses=40.0,
        glb_psum_accesses=50.0,
        latency_s=1e-3,
        macs=1e6,
    )
    row.update(values)
    row["energy_j"] = sum(row[c] for c in BREAKDOWN_COLUMNS)
    return row


def test_energy_reason_names_the_largest_term_and_its_operand():
    a = _row()
    b = _row(glb_j=4e-3, dram_j=0.5e-3, glb_accesses=400.0, glb_psum_accesses=350.0)
    reason = energy_reason(a, b)
    assert reason.startswith("GLB: +3 mJ of +2.5 mJ")
    assert "GLB accesses 4x" in reason and "(psum 7x)" in reason


def test_energy_reason_without_breakdown_or_difference():
    assert energy_reason(_row(), _row()) == "equal energy breakdown"
    reason = energy_reason({"energy_j": 1.0}, {"energy_j": 2.0})
    assert reason == "energy 2x; no breakdown"


def test_latency_reason_fixed_throughput_and_stalls():
    a = _row(latency_s=1e-3)
    b = _row(latency_s=3e-3, utilization=0.25, cycles=1000, cycles_compute=400, cycles_dram=500)
    reason = latency_reason(a, b, "analytical", "rs", {"analytical": 23.1e9})
    assert reason.startswith("latency 3x")
    assert "analytical: 23.1 GMAC/s fixed" in reason
    assert "rs: 0.333 GMAC/s, utilization 25%, DRAM link 50% of cycles" in reason

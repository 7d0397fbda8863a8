"""The systolic model's frame and simulate_layer: columns, groups, batch, energy, bad input."""

from __future__ import annotations

from dataclasses import replace

import pytest

from accelsim.api import run
from accelsim.energy.record import BREAKDOWN_COLUMNS
from accelsim.engine.systolic import simulate_layer
from accelsim.errors import AccelsimError
from accelsim.hardware import preset
from accelsim.hardware.systolic import SystolicArray
from accelsim.workload.builtin import builtin_network
from accelsim.workload.layer import ConvLayer, PoolLayer
from accelsim.workload.network import INPUT, Network

CORE = ("layer", "cycles", "latency_s", "active_pes", "macs", "glb_reads", "glb_writes",
        "dram_reads", "dram_writes", "energy_j", "sram_ifmap_reads", "sram_filter_reads",
        "sram_ofmap_writes", "dram_ifmap_reads", "dram_filter_reads", "dram_ofmap_writes",
        "utilization", "nonzero_macs", "rf_accesses", "glb_accesses", "dram_accesses")  # fmt: skip


def network_frame(network, array, memory="scalesim"):
    """The systolic model's results frame for `array` (energy table of the scalesim preset)."""
    accelerator = replace(preset("scalesim-32x32"), hardware=array)
    return run(network, accelerator, "systolic", memory=memory)


def _small() -> Network:
    layers = (
        ConvLayer("a", 8, 12, 12, 16, 3, 3, pad=(1, 1, 1, 1), inputs=(INPUT,)),
        ConvLayer("b", 16, 12, 12, 8, 3, 3, pad=(1, 1, 1, 1), groups=2, inputs=(INPUT,)),
    )
    return Network("small", None, layers)  # fmt: skip


@pytest.mark.parametrize("memory", ["scalesim", "default"])
def test_columns_and_totals(memory):
    frame = network_frame(_small(), SystolicArray(8, 8, "ws", 4, 4, 4), memory)
    for column in CORE + BREAKDOWN_COLUMNS:
        assert column in frame.columns
    assert ("cycles_incl_prefetch" in frame.columns) == (memory == "scalesim")
    assert (frame["energy_j"] > 0).all()
    total = frame[list(BREAKDOWN_COLUMNS)].sum(axis=1)
    assert total.tolist() == pytest.approx(frame["energy_j"].tolist(), rel=1e-12)
    assert frame["macs"].tolist() == [16 * 8 * 9 * 144, 8 * 8 * 9 * 144]
    for column in ("cycles", "sram_ifmap_reads", "dram_ofmap_writes"):
        assert frame[column].dtype.kind == "i"


def test_groups_run_one_after_another():
    net = _small()
    array = SystolicArray(8, 8, "os", 4, 4, 4)
    grouped = simulate_layer(net.layer("b"), array)
    half = ConvLayer("h", 8, 12, 12, 4, 3, 3, pad=(1, 1, 1, 1))
    single = simulate_layer(half, array)
    assert grouped.repeats == 2
    assert grouped.cycles == 2 * single.cycles
    assert grouped.total("dram_filter_reads") == 2 * single.per_gemm.dram_filter_reads


def test_batch_multiplies_output_pixels():
    layer = ConvLayer("c", 4, 10, 10, 8, 3, 3)
    one = simulate_layer(layer, SystolicArray(8, 8, "os"), batch=1)
    three = simulate_layer(layer, SystolicArray(8, 8, "os"), batch=3)
    assert three.gemm.m == 3 * one.gemm.m
    assert three.per_gemm.macs == 3 * one.per_gemm.macs


def test_demand_path_through_simulate_layer():
    layer = ConvLayer("c", 3, 7, 7, 5, 3, 3, stride=2)
    array = SystolicArray(4, 4, "is", 1, 1, 1)
    fast = simulate_layer(layer, array)
    slow = simulate_layer(layer, array, demand=True)
    assert fast.per_gemm == slow.per_gemm


def test_alexnet_runs_every_layer():
    frame = network_frame(builtin_network("alexnet"), SystolicArray(12, 14, "os"))
    assert frame["layer"].tolist() == [f"conv{i}" for i in range(1, 6)] + ["fc6", "fc7", "fc8"]
    assert (frame["utilization"] <= 1).all()


def test_bad_input():
    array = SystolicArray(4, 4)
    layer = ConvLayer("c", 3, 7, 7, 5, 3, 3)
    with pytest.raises(AccelsimError, match="memory"):
        simulate_layer(layer, array, memory="lru")
    with pytest.raises(AccelsimError, match="only conv/FC"):
        simulate_layer(PoolLayer("p", 3, 8, 8, 2, 2), array)
    with pytest.raises(AccelsimError, match="cycle-by-cycle"):
        simulate_layer(layer, array, memory="default", demand=True)


def test_bandwidth_columns_equal_scalesim_bandwidth_report():
    from pathlib import Path

    from accelsim.interop.scalesim import read_scalesim_config
    from accelsim.workload.loaders import load_network

    case = (Path(__file__).resolve().parents[3] / "validation" / "data" / "scalesim_golden"
            / "alexnet_32x32_64-64-64_os")  # fmt: skip
    net = load_network(str(case / "topology.csv"))
    frame = network_frame(net, read_scalesim_config(case / "scale.cfg").array)
    lines = (case / "BANDWIDTH_REPORT.csv").read_text().splitlines()[1:]
    columns = ("bw_sram_ifmap", "bw_sram_filter", "bw_sram_ofmap", "bw_dram_ifmap",
               "bw_dram_filter", "bw_dram_ofmap")  # fmt: skip
    for i, line in enumerate(lines):
        report = [cell.strip() for cell in line.split(",")][1:7]
        assert [repr(float(frame[c][i])) for c in columns] == report

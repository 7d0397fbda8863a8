"""Costing layers without MACs: the same rule for every model, and conv/FC results untouched."""

from __future__ import annotations

import math

import pytest

import accelsim.api as api
from accelsim.errors import AccelsimError
from accelsim.hardware.config import resolve_accelerator
from accelsim.workload.non_mac import non_mac_work
from tests.workload.test_tensor_ops import residual_block


@pytest.mark.parametrize(
    ("accelerator", "model"),
    [("eyeriss", "analytical"), ("eyeriss", "rs"), ("scalesim-32x32", "systolic")],
)
def test_costed_adds_rows_in_network_order_and_leaves_conv_rows_alone(accelerator, model):
    net = residual_block()
    free = api.run(net, accelerator, model)
    costed = api.run(net, accelerator, model, non_mac="costed")
    assert list(costed["layer"]) == [layer.name for layer in net.layers]
    assert list(free["layer"]) == [layer.name for layer in net.compute_layers]
    kept = costed.set_index("layer").loc[list(free["layer"]), "energy_j"]
    assert list(kept) == list(free["energy_j"])
    extra = costed[costed["macs"] == 0]
    assert (extra["energy_j"] >= 0).all()
    assert set(extra["source"]) == {"non-MAC cost model"}


def test_costed_counts_follow_the_work():
    net = residual_block()
    acc = resolve_accelerator("eyeriss")
    work = {w.layer: w for w in non_mac_work(net)}
    frame = api.run(net, acc, "analytical", non_mac="costed").set_index("layer")
    add = frame.loc["sum"]
    assert add["dram_ifmap_accesses"] == work["sum"].input_words
    assert add["dram_ofmap_accesses"] == work["sum"].output_words
    assert add["glb_accesses"] == 2 * (work["sum"].input_words + work["sum"].output_words)
    assert add["mac_j"] == pytest.approx(work["sum"].alu_ops * acc.energy.mac_j)
    parts = ("mac_j", "rf_j", "inter_pe_j", "glb_j", "dram_j", "clock_j", "control_j")
    assert math.fsum(add[p] for p in parts) == pytest.approx(add["energy_j"])
    for view in ("half", "flat"):
        assert frame.loc[view, "energy_j"] == 0 and frame.loc[view, "latency_s"] == 0
    relu = frame.loc["relu"]  # fused: ALU only
    assert relu["dram_accesses"] == 0 and relu["mac_j"] > 0


def test_free_layers_lists_exactly_the_layers_a_free_run_leaves_out():
    net = residual_block()
    free = api.free_layers(net)
    ran = set(api.run(net, "eyeriss", "analytical")["layer"])
    assert set(free["layer"]) == {layer.name for layer in net.layers} - ran
    assert api.free_layers(net, "costed").empty


def test_a_bad_choice_is_one_line():
    with pytest.raises(AccelsimError, match="non_mac must be one of free, costed, got 'paid'"):
        api.run("alexnet", "eyeriss", "analytical", non_mac="paid")

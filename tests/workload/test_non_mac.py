"""The work of layers without MACs: views move nothing, fused activations only compute."""

from __future__ import annotations

from accelsim.workload.builtin import builtin_network
from accelsim.workload.non_mac import ALU_OPS_PER_WORD, non_mac_work
from tests.workload.test_tensor_ops import residual_block


def test_every_layer_without_macs_has_a_record_in_network_order():
    net = residual_block()
    work = non_mac_work(net)
    expected = [layer.name for layer in net.layers if layer not in net.compute_layers]
    assert [w.layer for w in work] == expected


def test_views_move_nothing_and_fused_activations_only_compute():
    work = {w.layer: w for w in non_mac_work(residual_block())}
    for view in ("half", "flat"):
        assert not work[view].moves_data and work[view].alu_ops == 0
    relu = work["relu"]  # reads the add, which has no other reader
    assert relu.fused_into == "sum" and not relu.moves_data
    assert relu.alu_ops == 8 * 16 * 16 * ALU_OPS_PER_WORD["relu"]
    gate = work["gate"]  # reads a conv that only it reads
    assert gate.fused_into == "squeeze"
    shuffled = work["shuffled"]  # a permuting copy
    assert shuffled.moves_data and shuffled.alu_ops == 0


def test_element_wise_and_pool_counts():
    work = {w.layer: w for w in non_mac_work(residual_block())}
    add = work["sum"]
    assert (add.input_words, add.output_words, add.alu_ops) == (2 * 2048, 2048, 2048)
    scale = work["scale"]  # 8 x 16 x 16 times a broadcast 8 x 1 x 1
    assert (scale.input_words, scale.alu_ops) == (2048 + 8, 2048)
    gap = work["gap"]  # a 16 x 16 average: 255 additions and a scaling per output word
    assert (gap.input_words, gap.output_words, gap.alu_ops) == (2048, 8, 8 * 256)


def test_alexnet_pools():
    work = non_mac_work(builtin_network("alexnet"))
    assert [w.layer for w in work] == ["pool1", "pool2", "pool5"]
    pool1 = work[0]  # 3 x 3 max pooling of 96 x 55 x 55 into 96 x 27 x 27
    assert (pool1.input_words, pool1.output_words) == (96 * 55 * 55, 96 * 27 * 27)
    assert pool1.alu_ops == 96 * 27 * 27 * 8

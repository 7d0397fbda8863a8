"""The partitioner is linear in the layer count; bad operating points end in one line."""

from __future__ import annotations

import math
import time

import pytest

from accelsim.api import as_accelerator
from accelsim.errors import AccelsimError
from accelsim.partition.cuts import cut_points
from accelsim.partition.model import partition_model
from accelsim.workload.builtin import builtin_network
from accelsim.workload.layer import TensorShape
from accelsim.workload.network import NetworkBuilder

EYERISS = as_accelerator("eyeriss", "analytical")


def _chain(n, skip=False):
    """n 1x1 convolutions in a row; `skip`: the last one joined with the image (a skip over
    every layer, so every cut sends two tensors)."""
    b = NetworkBuilder("chain", TensorShape(4, 4, 4))
    for i in range(n):
        b.conv(f"c{i}", 4, 1)
    if skip:
        b.concat("join", [b._last, "input"])
    return b.build()


def test_long_chain_partitions_in_seconds():
    """100k layers: cuts, bits and prefix energies are O(edges); most of the time is the
    analytical model's per-layer energies (measured about 2.5 s of 4 s on the shared machine)."""
    net = _chain(100_000)
    start = time.perf_counter()
    cuts = cut_points(net)
    model = partition_model(net, EYERISS)
    decision = model.decide(80e6, 0.78)
    elapsed = time.perf_counter() - start
    assert len(cuts) == 100_001 and cuts[-1].client_count == 100_000
    assert decision.index >= 0
    assert elapsed < 30


def test_a_skip_over_a_long_chain_stays_linear():
    net = _chain(20_000, skip=True)
    start = time.perf_counter()
    cuts = cut_points(net)
    elapsed = time.perf_counter() - start
    assert all(cut.tensors == ("input", cut.after) for cut in cuts[1:-1])
    assert cuts[-1].tensors == ("join",)
    assert elapsed < 5


def test_client_energy_is_the_prefix_sum():
    model = partition_model(builtin_network("alexnet"), EYERISS)
    per_layer = model.layer_energies.set_index("layer")["energy_j"]
    assert model.compute_j[-1] == pytest.approx(per_layer.sum())
    assert model.compute_j[0] == 0


@pytest.mark.parametrize(
    ("bitrate", "ptx"),
    [(0, 1), (1e-300, 1), (math.inf, 1), (True, 1), (80e6, -1), (80e6, 1e9), (80e6, math.nan)],
)
def test_bad_operating_point_is_refused(bitrate, ptx):
    model = partition_model(builtin_network("alexnet"), EYERISS)
    with pytest.raises(AccelsimError) as info:
        model.decide(bitrate, ptx)
    assert "\n" not in str(info.value)


def test_zero_transmit_power_gives_finite_savings():
    model = partition_model(builtin_network("alexnet"), EYERISS)
    decision = model.decide(80e6, 0.0)
    assert decision.saving_vs_cloud == 0.0
    assert math.isfinite(decision.saving_vs_local)

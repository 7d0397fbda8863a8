"""Today's networks partitioned: every cut sends exactly the live tensors, residual blocks are
the single-tensor cuts, and costed layers without MACs enter the client's energy."""

from __future__ import annotations

import math

import pytest

from accelsim.hardware.config import resolve_accelerator
from accelsim.partition.model import partition_model
from accelsim.workload.builtin import builtin_network
from accelsim.workload.network import INPUT, Network


def live_tensors(network: Network, count: int) -> set[str]:
    """Brute force: tensors produced by the first `count` layers (or the image) that a later layer
    reads, plus the network outputs among them."""
    order = [layer.name for layer in network.layers]
    client = {INPUT, *order[:count]}
    read_later = {src for layer in network.layers[count:] for src in layer.inputs}
    consumed = {src for layer in network.layers for src in layer.inputs}
    outputs = {name for name in order if name not in consumed}
    sent = (client & read_later) | (client & outputs)
    return sent if count else {INPUT}


@pytest.fixture(scope="module")
def eyeriss():
    return resolve_accelerator("eyeriss")


@pytest.mark.parametrize("name", ["resnet18", "resnet50", "mobilenet_v2"])
def test_every_cut_sends_exactly_the_live_tensors(name, eyeriss):
    net = builtin_network(name)
    model = partition_model(net, eyeriss)
    assert len(model.cuts) == len(net.layers) + 1  # every prefix: nothing of the graph ignored
    for count, tensors in zip(model.client_counts, model.tensors, strict=True):
        assert set(tensors) == live_tensors(net, count), (name, count)


@pytest.mark.parametrize(
    ("name", "boundaries"),
    [
        ("resnet18", [f"layer{s}.{b}.relu" for s in range(1, 5) for b in range(2)]),
        (
            "resnet50",
            [
                f"layer{s}.{b}.relu"
                for s, n in zip(range(1, 5), (3, 4, 6, 3), strict=True)
                for b in range(n)
            ],
        ),
        ("mobilenet_v2", ["features.3.add", "features.5.add", "features.6.add", "features.10.add"]),
    ],
)
def test_block_boundaries_are_single_tensor_cuts(name, boundaries, eyeriss):
    net = builtin_network(name)
    single = partition_model(net, eyeriss, cuts="single")
    sent = {tensors for tensors in single.tensors}
    for boundary in boundaries:
        assert (boundary,) in sent, boundary
    model = partition_model(net, eyeriss)
    inside = [t for t in model.tensors if len(t) == 2]  # inside a residual block: two tensors
    assert inside, name


def test_resnet50_best_cut_sends_every_live_tensor(eyeriss):
    net = builtin_network("resnet50")
    model = partition_model(net, eyeriss)
    decision = model.decide(80e6, 0.78)
    count = model.client_counts[decision.index]
    assert set(decision.tensors) == live_tensors(net, count)
    # the fully in-situ cut runs every layer and sends only the result
    assert model.client_counts[-1] == len(net.layers)


def test_costed_layers_without_macs_enter_the_client_energy(eyeriss):
    net = builtin_network("resnet18")
    free = partition_model(net, eyeriss)
    costed = partition_model(net, eyeriss, non_mac="costed")
    assert free.free_layers and not costed.free_layers
    extra = costed.layer_energies.set_index("layer")["energy_j"]
    added = math.fsum(extra[name] for name in free.free_layers)
    assert added > 0
    assert costed.compute_j[-1] == pytest.approx(free.compute_j[-1] + added, rel=1e-12)

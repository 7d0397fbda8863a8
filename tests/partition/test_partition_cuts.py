"""Cut points: derived from the DAG, equal to the dominators of the output, never branch-internal."""

from __future__ import annotations

from collections import deque

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from accelsim.errors import AccelsimError
from accelsim.partition.cuts import cut_points
from accelsim.workload.builtin import builtin_network
from accelsim.workload.layer import TensorShape
from accelsim.workload.network import INPUT, Network, NetworkBuilder


def dominators_of_output(network: Network) -> list[str]:
    """Tensors every input-to-output path passes through (brute force: delete and search)."""
    last = network.layers[-1].name
    consumers: dict[str, list[str]] = {INPUT: []}
    for layer in network.layers:
        consumers[layer.name] = []
        for src in layer.inputs:
            consumers[src].append(layer.name)

    def reachable_without(removed: str) -> bool:
        seen, queue = {INPUT}, deque([INPUT])
        while queue:
            node = queue.popleft()
            if node == last:
                return True
            for nxt in consumers[node]:
                if nxt != removed and nxt not in seen:
                    seen.add(nxt)
                    queue.append(nxt)
        return False

    names = [INPUT] + [layer.name for layer in network.layers]
    return [n for n in names if n in (INPUT, last) or not reachable_without(n)]


def test_alexnet_every_layer_is_a_cut():
    net = builtin_network("alexnet")
    names = [cut.name for cut in cut_points(net)]
    assert names == ["input"] + [layer.name for layer in net.layers]


def test_squeezenet_cuts_are_chain_layers_and_module_boundaries():
    names = [cut.name for cut in cut_points(builtin_network("squeezenet"))]
    fires = [f"fire{i}" for i in range(2, 10)]
    expected = ["input", "conv1", "pool1"]
    for fire in fires:
        expected += [f"{fire}/squeeze1x1", f"{fire}/concat"]
        if fire == "fire3":
            expected.append("pool3")
        if fire == "fire5":
            expected.append("pool5")
    expected += ["conv10", "pool10"]
    assert names == expected
    assert not any("expand" in name for name in names)


def test_googlenet_cuts_are_chain_layers_and_module_outputs():
    names = [cut.name for cut in cut_points(builtin_network("googlenet"))]
    modules = ["3a", "3b", "4a", "4b", "4c", "4d", "4e", "5a", "5b"]
    expected = [
        "input",
        "conv1/7x7_s2",
        "pool1/3x3_s2",
        "conv2/3x3_reduce",
        "conv2/3x3",
        "pool2/3x3_s2",
    ]
    for module in modules:
        expected.append(f"inception_{module}/output")
        if module == "3b":
            expected.append("pool3/3x3_s2")
        if module == "4e":
            expected.append("pool4/3x3_s2")
    expected += ["pool5/7x7_s1", "loss3/classifier"]
    assert names == expected
    inside = ("/1x1", "/3x3_reduce", "/5x5", "/pool_proj", "/3x3", "/pool")
    for name in names:
        if name.startswith("inception_"):
            assert name.endswith("/output")
            assert not any(name.endswith(part) for part in inside)


@pytest.mark.parametrize("name", ["alexnet", "vgg16", "googlenet", "squeezenet"])
def test_builtin_cuts_equal_dominators_and_client_sets_are_closed(name):
    net = builtin_network(name)
    cuts = cut_points(net)
    assert [cut.name for cut in cuts] == dominators_of_output(net)
    for cut in cuts:
        client = set(cut.client_layers)
        for layer in net.layers:
            if layer.name in client:
                assert all(src == INPUT or src in client for src in layer.inputs)
            else:
                assert all(
                    src == cut.name or (src != INPUT and src not in client) for src in layer.inputs
                )


def test_layer_list_is_rejected(tmp_path):
    from accelsim.workload.loaders import load_network

    path = tmp_path / "layers.csv"
    path.write_text(
        "name,input_size,in_channels,filter_size,filters,stride\na,8,3,3,4,1\nb,8,3,3,4,1\n"
    )
    with pytest.raises(AccelsimError, match="layer list"):
        cut_points(load_network(str(path)))


@st.composite
def random_dags(draw):
    """Chains of 1x1 convs, shape-keeping pools, branch-and-join modules and skip joins."""
    b = NetworkBuilder("random", TensorShape(4, 5, 5))
    made = [INPUT]
    for i in range(draw(st.integers(1, 7))):
        kind = draw(st.sampled_from(["conv", "pool", "module", "skip"]))
        if kind == "conv":
            made.append(b.conv(f"c{i}", draw(st.integers(1, 4)), 1))
        elif kind == "pool":
            made.append(b.pool(f"p{i}", 3, 1, pad=1))
        elif kind == "module":
            source = b._last
            ends = []
            for j in range(draw(st.integers(2, 3))):
                end = b.conv(f"m{i}b{j}a", draw(st.integers(1, 3)), 1, inputs=source)
                if draw(st.booleans()):
                    end = b.conv(f"m{i}b{j}b", draw(st.integers(1, 3)), 1)
                ends.append(end)
            made.append(b.concat(f"m{i}join", ends))
        else:
            earlier = draw(st.sampled_from(made))
            made.append(b.concat(f"s{i}", [b._last, earlier] if earlier != b._last else [b._last]))
    b.conv("final", 2, 1)
    return b.build()


@settings(max_examples=80, deadline=None)
@given(net=random_dags())
def test_random_dag_cuts_equal_dominators(net):
    cuts = cut_points(net)
    assert [cut.name for cut in cuts] == dominators_of_output(net)
    assert cuts[0].name == INPUT and cuts[-1].name == "final"
    assert cuts[-1].client_layers == tuple(layer.name for layer in net.layers)

"""Cut points: every prefix of the topological order sends exactly the tensors crossing it (a
brute-force definition on random DAGs with skips and dead ends); the single-tensor cuts are the
dominators of the output."""

from __future__ import annotations

from collections import deque

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from accelsim.errors import AccelsimError
from accelsim.partition.cuts import cut_points, tensor_spans
from accelsim.workload.builtin import builtin_network
from accelsim.workload.layer import TensorShape
from accelsim.workload.network import INPUT, Network, NetworkBuilder

from .dags import residual_chain, skip_dags


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


@pytest.mark.parametrize("name", ["alexnet", "vgg16"])
@pytest.mark.parametrize("choice", ["all", "single"])
def test_chain_every_layer_is_a_cut_sending_itself(name, choice):
    net = builtin_network(name)
    cuts = cut_points(net, choice)
    assert [cut.name for cut in cuts] == ["input"] + [layer.name for layer in net.layers]
    assert all(cut.tensors == (cut.name,) for cut in cuts)
    assert [cut.after for cut in cuts] == [cut.name for cut in cuts]


@pytest.mark.parametrize("name", ["googlenet", "squeezenet"])
def test_every_prefix_is_offered_and_contains_the_single_tensor_cuts(name):
    net = builtin_network(name)
    every = cut_points(net)
    assert [cut.client_count for cut in every] == list(range(len(net.layers) + 1))
    single = cut_points(net, "single")
    assert {c.tensors for c in single} <= {c.tensors for c in every}
    inside = [c for c in every if len(c.tensors) > 1]
    assert inside and all(len(set(c.tensors)) == len(c.tensors) for c in inside)
    assert len({c.name for c in every}) == len(every)


def test_squeezenet_cuts_are_chain_layers_and_module_boundaries():
    names = [cut.name for cut in cut_points(builtin_network("squeezenet"), "single")]
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
    names = [cut.name for cut in cut_points(builtin_network("googlenet"), "single")]
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
def test_builtin_single_cuts_equal_dominators_and_client_sets_are_closed(name):
    net = builtin_network(name)
    cuts = cut_points(net, "single")
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
def test_random_dag_single_cuts_equal_dominators(net):
    cuts = cut_points(net, "single")
    assert [cut.name for cut in cuts] == dominators_of_output(net)
    assert cuts[0].name == INPUT and cuts[-1].name == "final"
    assert cuts[-1].client_layers == tuple(layer.name for layer in net.layers)


def brute_force_crossing(network: Network, k: int) -> list[str]:
    """Tensors produced by the first k layers (the image always) that a later layer reads, or
    that nobody reads (network outputs), in production order: the definition, edge by edge."""
    order = [layer.name for layer in network.layers]
    client = {INPUT, *order[:k]}
    later_reads = {src for layer in network.layers[k:] for src in layer.inputs}
    read = {src for layer in network.layers for src in layer.inputs}
    return [t for t in [INPUT, *order] if t in client and (t in later_reads or t not in read)]


@settings(max_examples=150, deadline=None)
@given(net=skip_dags())
def test_every_cut_sends_exactly_the_crossing_tensors(net):
    cuts = cut_points(net)
    order = tuple(layer.name for layer in net.layers)
    assert [cut.client_count for cut in cuts] == list(range(len(order) + 1))
    read = {src for layer in net.layers for src in layer.inputs}
    outputs = [name for name in order if name not in read]
    for cut in cuts:
        k = cut.client_count
        assert list(cut.tensors) == brute_force_crossing(net, k)
        assert cut.tensors, "a cut always sends something"
        client, cloud = set(cut.client_layers), set(order[k:])
        assert client.isdisjoint(cloud) and client | cloud == set(order)
        for layer in net.layers:  # the client side is closed under producers
            if layer.name in client:
                assert all(src == INPUT or src in client for src in layer.inputs)
    assert cuts[0].tensors == (INPUT,)
    assert list(cuts[-1].tensors) == outputs  # the fully in-situ cut sends every output
    assert cuts[-1].client_layers == order


@settings(max_examples=60, deadline=None)
@given(net=skip_dags())
def test_tensor_spans_are_the_cuts_each_tensor_crosses(net):
    cuts = cut_points(net)
    for span in tensor_spans(net):
        crossed = [cut.client_count for cut in cuts if span.name in cut.tensors]
        assert crossed == list(range(span.first, span.last + 1))
        assert span.output == (span.last == len(net.layers) and span.name != INPUT)


def test_residual_blocks_send_one_tensor_at_boundaries_and_two_inside():
    net = residual_chain(3)
    cuts = {cut.after: cut for cut in cut_points(net)}
    for i in range(3):
        block_input = "stem" if i == 0 else f"b{i - 1}/out"
        assert cuts[block_input].tensors == (block_input,)
        assert cuts[f"b{i}/a"].tensors == (block_input, f"b{i}/a")
        assert cuts[f"b{i}/b"].tensors == (block_input, f"b{i}/b")
        assert cuts[f"b{i}/join"].tensors == (f"b{i}/join",)
    single = [cut.after for cut in cut_points(net, "single")]
    assert not any(name.endswith(("/a", "/b")) for name in single)
    assert single[-1] == "head"


def test_dead_end_side_outputs_are_sent_by_every_later_cut():
    """A projection written as a side branch nobody reads is a network output: no cut drops it,
    and the rest of the network after it still has cuts."""
    b = NetworkBuilder("side", TensorShape(3, 8, 8))
    b.conv("stem", 4, 3, pad=1)
    b.conv("side", 8, 1, inputs="stem")  # read by nobody
    b.conv("main", 4, 3, pad=1, inputs="stem")
    b.conv("head", 2, 1)
    net = b.build()
    names = [cut.name for cut in cut_points(net)]
    assert names == ["input", "stem", "stem+side", "side+main", "side+head"]
    assert [cut.name for cut in cut_points(net, "single")] == [
        "input",
        "stem",
        "stem+side",
        "side+main",
        "side+head",
    ]


def test_unknown_cut_choice_is_one_line():
    with pytest.raises(AccelsimError, match="cuts must be one of all, single"):
        cut_points(builtin_network("alexnet"), "some")

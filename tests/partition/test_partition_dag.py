"""The partition model on DAGs: bits are the sum over the tensors a cut sends, compute the sum over
its client layers, every output counts, and the chain networks' answers are unchanged."""

from __future__ import annotations

import json
import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from accelsim.errors import AccelsimError
from accelsim.hardware import resolve_accelerator
from accelsim.partition import partition_model, sweep
from accelsim.partition.bits import formula_bits, zero_fractions
from accelsim.partition.report import point_report
from accelsim.workload.builtin import builtin_network
from accelsim.workload.layer import TensorShape
from accelsim.workload.network import INPUT, Network, NetworkBuilder

from .dags import residual_chain, skip_dags

CONFIG8 = resolve_accelerator("eyeriss", 8)


def energy_file(tmp_path, network: Network, seed: int = 0) -> str:
    """A per-layer energy CSV for the convolutions (the other layers get no result: free)."""
    rng = np.random.default_rng(seed)
    rows = [(layer.name, float(rng.uniform(1e-6, 1e-3))) for layer in network.compute_layers]
    path = tmp_path / f"energy-{seed}.csv"
    pd.DataFrame(rows, columns=["layer", "energy_j"]).to_csv(path, index=False)
    return str(path)


def brute_bits(network: Network, tensors, input_bits, result_bits, outputs) -> float:
    """Bits of a set of tensors, one tensor at a time."""
    zeros = zero_fractions(network)
    read = {src for layer in network.layers for src in layer.inputs}
    total = 0.0
    for name in tensors:
        if name == INPUT:
            total += input_bits
        elif name not in read and outputs == "results":
            total += result_bits
        else:
            total += formula_bits(network.shape_of(name).size, zeros[name], CONFIG8.rlc)
    return total


@settings(max_examples=60, deadline=None)
@given(
    net=skip_dags(),
    outputs=st.sampled_from(["results", "tensors"]),
    result_bits=st.sampled_from([0.0, 12.5, 4096.0]),
)
def test_bits_and_compute_are_sums_over_the_cut(tmp_path_factory, net, outputs, result_bits):
    path = energy_file(tmp_path_factory.mktemp("e"), net)
    model = partition_model(
        net, CONFIG8, path, input_bits=3e4, result_bits=result_bits, outputs=outputs
    )
    energy = pd.read_csv(path).set_index("layer")["energy_j"]
    order = [layer.name for layer in net.layers]
    read = {src for layer in net.layers for src in layer.inputs}
    assert model.free_layers == tuple(n for n in order if n not in energy.index)
    assert model.cuts == tuple("+".join(t) for t in model.tensors)
    for k, tensors in enumerate(model.tensors):
        assert model.client_counts[k] == k
        expected = brute_bits(net, tensors, 3e4, result_bits, outputs)
        assert model.bits[k] == pytest.approx(expected, rel=1e-15)
        client = order[:k]
        assert model.compute_j[k] == pytest.approx(
            sum(energy.get(name, 0.0) for name in client), rel=1e-12, abs=1e-18
        )
        if k < len(order) or outputs == "tensors" or result_bits > 0:
            assert model.bits[k] > 0, f"cut {k} ({model.cuts[k]}) sends 0 bits"
    outs = [name for name in order if name not in read]
    assert list(model.tensors[-1]) == outs
    if outputs == "results":
        assert model.bits[-1] == len(outs) * result_bits
        assert model.bits_source[-1] == "result"


def test_residual_chain_bits_inside_a_block_add_the_block_input():
    net = residual_chain(2)
    model = partition_model(net, CONFIG8, input_bits=1e4)
    zeros = zero_fractions(net)

    def one(name: str) -> int:
        return formula_bits(net.shape_of(name).size, zeros[name], CONFIG8.rlc)

    k = model.after.index("b1/a")
    assert model.tensors[k] == ("b0/out", "b1/a")
    assert model.bits[k] == one("b0/out") + one("b1/a")
    assert model.after[model.cuts.index("b1/join")] == "b1/join"
    free = {"b0/join", "b1/join"}
    assert set(model.free_layers) == free
    k = model.cuts.index("b1/join")
    assert model.compute_j[k] == model.compute_j[k - 1]  # a join costs nothing


def test_multi_output_network_counts_every_output():
    """A side output nobody reads: cuts after it send it too; the last cut sends both outputs."""
    b = NetworkBuilder("two-heads", TensorShape(3, 8, 8))
    b.conv("stem", 8, 3, pad=1, ofmap_zero=0.5)
    b.conv("aux", 10, 8, inputs="stem", ofmap_zero=0.2)  # an auxiliary head, read by nobody
    b.conv("body", 8, 3, pad=1, inputs="stem")
    b.conv("head", 10, 8)
    net = b.build()
    results = partition_model(net, CONFIG8, result_bits=100.0)
    assert results.cuts == ("input", "stem", "stem+aux", "aux+body", "aux+head")
    assert results.bits[-1] == 200.0 and results.bits_source[-1] == "result"
    assert results.bits_source[3] == "formula+result"
    tensors = partition_model(net, CONFIG8, outputs="tensors")
    zeros = zero_fractions(net)
    aux = formula_bits(10, zeros["aux"], CONFIG8.rlc)
    head = formula_bits(10, zeros["head"], CONFIG8.rlc)
    assert tensors.bits[-1] == aux + head and tensors.bits_source[-1] == "formula"
    assert tensors.decide(1e3, 0.78).cut == "aux+head"
    assert partition_model(net, CONFIG8, cuts="single").cuts == results.cuts


def test_image_read_late_is_sent_as_the_image():
    """A skip from the image to the last layer: every cut also sends the compressed image."""
    b = NetworkBuilder("image-skip", TensorShape(3, 4, 4))
    b.conv("a", 3, 3, pad=1)
    b.concat("join", ["a", INPUT])
    net = b.build()
    model = partition_model(net, CONFIG8, input_bits=5000.0)
    assert model.cuts == ("input", "input+a", "join")
    zeros = zero_fractions(net)
    assert model.bits[1] == 5000.0 + formula_bits(48, zeros["a"], CONFIG8.rlc)
    assert model.bits_source[1] == "given+formula"


@pytest.mark.parametrize("name", ["alexnet", "vgg16"])
def test_chain_results_are_those_of_single_tensor_cuts(name):
    net = builtin_network(name)
    every = partition_model(net, CONFIG8)
    single = partition_model(net, CONFIG8, cuts="single")
    assert every.cuts == single.cuts == ("input", *(layer.name for layer in net.layers))
    assert np.array_equal(every.bits, single.bits)
    assert np.array_equal(every.compute_j, single.compute_j)
    assert all(count == 1 for count in every.tensor_counts)


@pytest.mark.parametrize("name", ["googlenet", "squeezenet"])
def test_more_cuts_never_cost_more(name):
    net = builtin_network(name)
    every = partition_model(net, CONFIG8)
    single = partition_model(net, CONFIG8, cuts="single")
    assert len(every.cuts) == len(net.layers) + 1 > len(single.cuts)
    for rate in np.geomspace(1e6, 1e9, 13):
        a, b = every.decide(rate, 0.78), single.decide(rate, 0.78)
        assert a.client_energy_j <= b.client_energy_j * (1 + 1e-12)


def test_reports_show_the_tensors_sent():
    net = residual_chain(2)
    model = partition_model(net, CONFIG8, input_bits=1e4)
    rate = 1e9  # fast link: cheap transmission
    points = model.points(rate, 0.78)
    assert list(points["tensors"]) == [len(t) for t in model.tensors]
    assert list(points["after"]) == list(model.after)
    data = json.loads(point_report(model, 8, rate, 0.78, None, "json"))
    best = model.decide(rate, 0.78)
    assert data["best_cut"] == best.cut and data["best_cut_tensors"] == list(best.tensors)
    assert data["best_cut_after"] == best.after
    assert data["free_layers"] == ["b0/join", "b1/join"]
    assert data["cuts"] == "all" and data["outputs"] == "results"
    text = point_report(model, 8, rate, 0.78, None, "table")
    assert "free layers (no analytical result, 0 J): 2: b0/join, b1/join" in text
    count = len(best.tensors)
    assert f"best cut sends {count} tensor" in text
    frame = sweep(model, [1e6, 1e9], [0.78])
    for row in frame.itertuples():
        assert row.best_tensors == len(model.tensors[row.best_index])


def test_bad_choices_are_one_line():
    net = builtin_network("alexnet")
    with pytest.raises(AccelsimError, match="cuts must be one of all, single"):
        partition_model(net, CONFIG8, cuts="dominators")
    with pytest.raises(AccelsimError, match="outputs must be one of results, tensors"):
        partition_model(net, CONFIG8, outputs="labels")


def test_chain_saving_is_unchanged_from_the_single_tensor_model():
    """The README's AlexNet operating point (the quoted cut and savings) stays."""
    decision = partition_model(builtin_network("alexnet"), CONFIG8).decide(80e6, 0.78)
    assert decision.cut == "pool2" and decision.tensors == ("pool2",)
    assert math.isclose(round(decision.saving_vs_cloud * 100, 1), 52.5)
    assert math.isclose(round(decision.saving_vs_local * 100, 1), 27.5)


def _full_sweep_best(model, rates, powers, bound):
    """Best cut index at each (rate, power), every cut evaluated (ties: the earlier)."""
    out = []
    for rate in rates:
        for ptx in powers:
            energy = model.compute_j + ptx / rate * model.bits
            latency = model.compute_s + model.bits / rate
            ok = latency <= bound if bound is not None else np.ones(energy.size, bool)
            out.append(int(np.argmin(np.where(ok, energy, np.inf))) if ok.any() else -1)
    return out


@settings(max_examples=80, deadline=None)
@given(data=st.data(), n=st.integers(2, 12), bounded=st.booleans())
def test_pruned_sweep_equals_every_cut_evaluated(data, n, bounded):
    """Dropping dominated cuts never changes the sweep, ties (equal cuts) included."""
    from accelsim.partition import PartitionModel

    values = st.sampled_from([0.0, 1e-4, 2e-4, 5e-4])
    compute = np.array(data.draw(st.lists(values, min_size=n, max_size=n)))
    seconds = np.array(data.draw(st.lists(values, min_size=n, max_size=n)))
    bits = np.array(
        data.draw(st.lists(st.sampled_from([0, 1e3, 5e4, 1e5]), min_size=n, max_size=n))
    )
    model = PartitionModel(
        network="random",
        cuts=tuple(f"c{i}" for i in range(n)),
        compute_j=compute,
        compute_s=seconds,
        bits=bits,
        bits_source=("x",) * n,
        energy_source="test",
        layer_energies=pd.DataFrame(),
    )
    rates, powers = [1e5, 1e6, 1e8], [0.0, 0.5, 2.0]
    bound = 1e-3 if bounded else None
    frame = sweep(model, rates, powers, bound)
    assert list(frame["best_index"]) == _full_sweep_best(model, rates, powers, bound)


def test_googlenet_sweep_evaluates_few_cuts_and_agrees():
    from accelsim.partition.sweep import candidate_cuts

    model = partition_model(builtin_network("googlenet"), CONFIG8)
    kept = candidate_cuts(model, with_latency=False)
    assert 0 in kept and len(model.cuts) - 1 in kept and len(kept) < len(model.cuts) / 2
    rates, powers = np.geomspace(1e6, 1e9, 9), [0.1, 0.78, 2.0]
    frame = sweep(model, rates, powers)
    assert list(frame["best_index"]) == _full_sweep_best(model, rates, powers, None)

"""Every model runs a network at the same images per pass unless told otherwise: the `batch`
option, else the layer's `batch_n`, else 1 (`accelsim.engine.limits.images_per_pass`); the
analytical model computes its own n only when asked (`compute_n`)."""

from __future__ import annotations

import dataclasses

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import accelsim
from accelsim.engine.limits import DEFAULT_BATCH, images_per_pass
from accelsim.errors import AccelsimError
from accelsim.workload.layer import ConvLayer, TensorShape
from accelsim.workload.network import INPUT, Network, NetworkBuilder

ALEXNET_BATCH_N = [1, 2, 6, 6, 6, 18, 18, 18]
ACCELERATOR = {"analytical": "eyeriss", "rs": "eyeriss", "systolic": "scalesim-32x32"}


def fc_network() -> Network:
    """A user network of AlexNet's fc6 and fc7 shapes, without batch_n."""
    b = NetworkBuilder("fcnet", TensorShape(256, 6, 6), input_zero=0.7)
    b.fc("fc6", 4096, ofmap_zero=0.8)
    b.fc("fc7", 4096)
    return b.build()


def small_network(batch_n=None) -> Network:
    layer = ConvLayer(name="c", in_channels=8, in_height=12, in_width=12, out_channels=16,
                      filter_height=3, filter_width=3, pad=(1, 1, 1, 1), batch_n=batch_n,
                      inputs=(INPUT,))  # fmt: skip
    return Network("small", None, (layer,))


@pytest.mark.parametrize("model", list(ACCELERATOR))
def test_a_user_network_runs_at_batch_1_in_every_model(model):
    frame = accelsim.run(small_network(), ACCELERATOR[model], model)
    assert list(frame["batch"]) == [DEFAULT_BATCH] == [1]


@pytest.mark.parametrize("model", list(ACCELERATOR))
def test_the_layer_batch_n_is_every_model_s_default(model):
    frame = accelsim.run(small_network(batch_n=3), ACCELERATOR[model], model)
    assert list(frame["batch"]) == [3]


@pytest.mark.parametrize("model", list(ACCELERATOR))
def test_builtin_networks_run_at_their_batch_n(model):
    frame = accelsim.run("alexnet", ACCELERATOR[model], model)
    assert list(frame["batch"]) == ALEXNET_BATCH_N


@pytest.mark.parametrize("model", list(ACCELERATOR))
def test_a_batch_asked_for_applies_to_every_layer(model):
    frame = accelsim.run("alexnet", ACCELERATOR[model], model, batch=2)
    assert list(frame["batch"]) == [2] * 8


def test_the_analytical_batch_is_its_n():
    frame = accelsim.run("alexnet", "eyeriss", "analytical", batch=4)
    assert (frame["n"] == 4).all()
    default = accelsim.run("alexnet", "eyeriss", "analytical")
    assert list(default["n"]) == ALEXNET_BATCH_N


def test_fc_layers_compute_316_images_only_when_asked():
    """The rule docs/cnnergy.md states: n = floor(GLB / (ifmap strip + psums of one image)); an
    FC layer's strip is 144 words and its psums 18: floor(100 kB / (162 x 2 B)) = 316 at 16 bit,
    floor(100 kB / 306 B) = 334 at 8 bit."""
    net = fc_network()
    own = accelsim.run(net, "eyeriss", "analytical")
    computed = accelsim.run(net, "eyeriss", "analytical", compute_n=True)
    assert list(own["batch"]) == [1, 1] and list(own["n_computed"]) == [316, 316]
    assert list(computed["batch"]) == [316, 316]
    assert int(100 * 1024 // ((144 + 18) * 2)) == 316
    eight = accelsim.run(net, accelsim.resolve_accelerator("eyeriss", 8), "analytical",
                         compute_n=True)  # fmt: skip
    assert list(eight["n"]) == [334, 334] == [int(100 * 1024 // (288 + 18))] * 2
    # the figures docs/cnnergy.md quotes (mJ per image)
    assert [round(v * 1e3, 3) for v in computed["energy_j"]] == [1.16, 0.272]
    assert [round(v * 1e3, 2) for v in own["energy_j"]] == [14.36, 6.14]
    ratio = own["energy_j"] / computed["energy_j"]
    assert [round(v) for v in ratio] == [12, 23]
    rs = accelsim.run(net, "eyeriss", "rs")
    assert list(rs["batch"]) == [1, 1]
    assert [round(v * 1e3, 1) for v in rs["energy_j"]] == [33.6, 14.9]


def test_batch_and_compute_n_together_are_an_error():
    with pytest.raises(AccelsimError, match="batch.*compute_n"):
        accelsim.run("alexnet", "eyeriss", "analytical", batch=2, compute_n=True)


@pytest.mark.parametrize("bad", [0, -1, 2.5, True, "2", 10**7])
def test_bad_analytical_batch_is_one_line(bad):
    with pytest.raises(AccelsimError, match="batch") as info:
        accelsim.run("alexnet", "eyeriss", "analytical", batch=bad)
    assert "\n" not in str(info.value)


def test_compare_runs_both_models_at_the_batch_asked_for():
    pair = accelsim.compare(["alexnet"], models="analytical,rs", batch=3)
    batches = pair[pair["column"] == "batch"]
    assert set(batches["a"]) == {3} and set(batches["b"]) == {3}


@settings(max_examples=50, deadline=None)
@given(batch_n=st.none() | st.integers(1, 4096), batch=st.none() | st.integers(1, 10**6))
def test_the_rule_is_the_row_stationary_simulator_s(batch_n, batch):
    from accelsim.engine.rs.simulate import layer_batch

    layer = dataclasses.replace(small_network().layers[0], batch_n=batch_n)
    expected = batch if batch is not None else (batch_n if batch_n is not None else 1)
    assert images_per_pass(layer, batch) == layer_batch(layer, batch) == expected

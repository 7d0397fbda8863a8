"""Bits per cut, the paper's operating points, the decision and the sweep."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from accelsim.api import run
from accelsim.coding.rlc import coded_bits
from accelsim.errors import AccelsimError
from accelsim.hardware import resolve_accelerator
from accelsim.partition import (
    DEFAULT_INPUT_BITS,
    PAPER_POINTS,
    PartitionModel,
    best_cut_index,
    best_cut_intervals,
    bitrate_intervals,
    implied_input_bits,
    layer_energies,
    partition_model,
    sweep,
    tensor_zero_fraction,
)
from accelsim.workload.builtin import builtin_network

ALEXNET = builtin_network("alexnet")
CONFIG8 = resolve_accelerator("eyeriss", 8)


@pytest.fixture(scope="module")
def alexnet8() -> PartitionModel:
    return partition_model(ALEXNET, CONFIG8)


# Paper reproduction ------------------------------------------------------------------------------
@pytest.mark.parametrize("point", PAPER_POINTS, ids=["80Mbps-0.78W", "60Mbps-0.5W"])
def test_alexnet_reproduces_the_paper_within_one_point(alexnet8, point):
    decision = alexnet8.decide(point.bitrate_bps, point.ptx_w)
    assert decision.cut == "pool2"
    assert abs(decision.saving_vs_cloud - point.saving_vs_cloud) < 0.01
    assert abs(decision.saving_vs_local - point.saving_vs_local) < 0.01


def test_default_input_size_is_derived_from_both_operating_points():
    local = run(ALEXNET, CONFIG8, "analytical")["energy_j"].sum()
    implied = [implied_input_bits(local, point) for point in PAPER_POINTS]
    for bits in implied:
        assert abs(bits - DEFAULT_INPUT_BITS) / DEFAULT_INPUT_BITS < 0.001
    assert abs(implied[0] - implied[1]) / implied[0] < 0.001


def test_implied_input_bits_inverts_the_savings():
    point = PAPER_POINTS[0]
    bits = implied_input_bits(2.0e-3, point)
    cloud = point.ptx_w * bits / point.bitrate_bps
    best = (1 - point.saving_vs_cloud) * cloud
    assert math.isclose(1 - best / 2.0e-3, point.saving_vs_local)
    with pytest.raises(AccelsimError):
        implied_input_bits(0.0, point)


# Bits ----------------------------------------------------------------------------------------------
def test_pool_output_zero_fraction_is_the_unpadded_input_of_the_next_conv():
    conv3 = ALEXNET.layer("conv3")
    padded_nonzero = (1 - conv3.ifmap_zero) * 15 * 15
    assert math.isclose(tensor_zero_fraction(ALEXNET, "pool2"), 1 - padded_nonzero / (13 * 13))
    assert tensor_zero_fraction(ALEXNET, "conv1") == ALEXNET.layer("conv1").ofmap_zero
    squeeze = builtin_network("squeezenet")
    assert tensor_zero_fraction(squeeze, "fire2/squeeze1x1") == pytest.approx(0.152097085790485)


def test_formula_bits_at_pool2(alexnet8):
    k = alexnet8.cuts.index("pool2")
    nonzero = round(256 * 13 * 13 * (1 - tensor_zero_fraction(ALEXNET, "pool2")))
    assert alexnet8.bits[k] == math.ceil(nonzero / 5) * 64
    assert alexnet8.bits_source[k] == "formula"
    assert alexnet8.bits[0] == DEFAULT_INPUT_BITS and alexnet8.bits[-1] == 0.0


def test_activations_give_exact_sizes(tmp_path):
    rng = np.random.default_rng(0)
    pool2 = (rng.random((256, 13, 13)) < 0.3) * rng.integers(1, 100, (256, 13, 13))
    pool2 = pool2.astype(np.int8)
    conv1 = np.zeros((96, 55, 55), dtype=np.int8)
    conv1[0, 0, 0] = 1
    np.savez(tmp_path / "acts.npz", pool2=pool2, conv1=conv1)
    model = partition_model(ALEXNET, CONFIG8, activations=tmp_path / "acts.npz")
    k = model.cuts.index("pool2")
    assert model.bits[k] == coded_bits(pool2, 8) and model.bits_source[k] == "rlc"
    assert model.bits[model.cuts.index("conv1")] == 64
    with pytest.raises(AccelsimError, match="values"):
        partition_model(ALEXNET, CONFIG8, activations={"pool2": np.zeros(5, np.int8)})
    with pytest.raises(AccelsimError, match="not a layer"):
        partition_model(ALEXNET, CONFIG8, activations={"nope": np.zeros(5, np.int8)})
    with pytest.raises(AccelsimError, match="compressed file"):
        partition_model(ALEXNET, CONFIG8, activations={"input": np.zeros(5, np.int8)})


def test_input_size_options(tmp_path):
    image = tmp_path / "cat.jpg"
    image.write_bytes(b"\xff\xd8" + bytes(998))
    assert partition_model(ALEXNET, CONFIG8, input_image=image).bits[0] == 8000
    assert partition_model(ALEXNET, CONFIG8, input_bits=5e5).bits[0] == 5e5
    with pytest.raises(AccelsimError, match="not both"):
        partition_model(ALEXNET, CONFIG8, input_bits=1.0, input_image=image)
    with pytest.raises(AccelsimError, match="does not exist"):
        partition_model(ALEXNET, CONFIG8, input_image=tmp_path / "missing.jpg")
    with pytest.raises(AccelsimError, match="input bits"):
        partition_model(ALEXNET, CONFIG8, input_bits=-3.0)


# Energy sources ------------------------------------------------------------------------------------
def test_silicon_energy_is_power_times_latency_over_batch():
    frame = layer_energies(ALEXNET, CONFIG8, "silicon").set_index("layer")
    assert frame.loc["conv1", "energy_j"] == pytest.approx(0.332 * 20.9e-3 / 4)
    assert frame.loc["conv5", "latency_s"] == pytest.approx(10.5e-3 / 4)
    assert (frame.loc[["fc6", "fc7", "fc8"], "source"] == "analytical (not measured)").all()
    assert (frame.loc[["conv1", "conv2", "conv3", "conv4", "conv5"], "source"] == "silicon").all()
    vgg = layer_energies(builtin_network("vgg16"), resolve_accelerator("eyeriss"), "silicon")
    assert vgg.set_index("layer").loc["conv1_2", "energy_j"] == pytest.approx(0.218 * 910.3e-3 / 3)
    with pytest.raises(AccelsimError, match="no silicon measurements"):
        layer_energies(builtin_network("squeezenet"), CONFIG8, "silicon")


def test_silicon_model_flags_unmeasured_layers():
    model = partition_model(ALEXNET, CONFIG8, "silicon")
    assert any("fc6, fc7, fc8" in note for note in model.notes)
    assert model.decide(80e6, 0.78).cut == "pool2"


def test_energy_file(tmp_path):
    path = tmp_path / "energy.csv"
    rows = [(layer.name, 1e-3) for layer in ALEXNET.compute_layers]
    pd.DataFrame(rows, columns=["layer", "energy_j"]).to_csv(path, index=False)
    model = partition_model(ALEXNET, CONFIG8, str(path))
    assert model.compute_j[-1] == pytest.approx(8e-3)
    assert model.compute_j[list(model.cuts).index("pool2")] == pytest.approx(2e-3)
    assert not model.has_latency
    with pytest.raises(AccelsimError, match="latency"):
        model.decide(80e6, 0.78, latency_bound_s=0.1)
    pd.DataFrame(rows[:-1], columns=["layer", "energy_j"]).to_csv(path, index=False)
    with pytest.raises(AccelsimError, match="no energy for layer 'fc8'"):
        partition_model(ALEXNET, CONFIG8, str(path))
    pd.DataFrame(rows + [("conv9", 1.0)], columns=["layer", "energy_j"]).to_csv(path, index=False)
    with pytest.raises(AccelsimError, match="'conv9' is not in network"):
        partition_model(ALEXNET, CONFIG8, str(path))
    path.write_text("layer,energy_j\nconv1,abc\n")
    with pytest.raises(AccelsimError, match="energy_j must be a number"):
        partition_model(ALEXNET, CONFIG8, str(path))
    with pytest.raises(AccelsimError, match="unknown model 'measured'"):
        partition_model(ALEXNET, CONFIG8, "measured")


def test_simulated_source_uses_the_simulator_of_the_accelerators_kind():
    model = partition_model(ALEXNET, CONFIG8, "simulated")
    rs = run(ALEXNET, CONFIG8, "rs")
    assert model.compute_j[-1] == pytest.approx(rs["energy_j"].sum(), rel=1e-12)
    assert model.compute_s[-1] == pytest.approx(rs["latency_s"].sum(), rel=1e-12)
    assert np.all(np.diff(model.compute_j) >= 0) and model.compute_j[-1] > 0
    assert model.decide(80e6, 0.78).cut in model.cuts


def test_any_model_and_its_options_drive_the_partitioner():
    systolic = resolve_accelerator("scalesim-32x32")
    for kwargs in ({}, {"memory": "default"}):
        model = partition_model(ALEXNET, systolic, "simulated", **kwargs)
        frame = run(ALEXNET, systolic, "systolic", **kwargs)
        assert model.compute_j[-1] == pytest.approx(frame["energy_j"].sum(), rel=1e-12)
        assert model.energy_source == "simulated"
    energy_mapper = partition_model(ALEXNET, CONFIG8, "rs", mapper="energy")
    chip_mapper = partition_model(ALEXNET, CONFIG8, "rs")
    assert energy_mapper.compute_j[-1] <= chip_mapper.compute_j[-1]
    with pytest.raises(AccelsimError, match="option 'memory' does not apply to model 'rs'"):
        partition_model(ALEXNET, CONFIG8, "rs", memory="default")
    with pytest.raises(AccelsimError, match="model 'analytical' evaluates spatial arrays"):
        partition_model(ALEXNET, systolic, "analytical")


# Decision and sweep --------------------------------------------------------------------------------
def brute_force(model: PartitionModel, rate: float, ptx: float, bound: float) -> int:
    energy = model.compute_j + ptx / rate * model.bits
    latency = model.compute_s + model.bits / rate
    ok = latency <= bound
    if not ok.any():
        return -1
    return int(np.argmin(np.where(ok, energy, np.inf)))


@settings(max_examples=200, deadline=None)
@given(
    steps=st.lists(st.floats(0, 1e-3), min_size=2, max_size=30),
    bits=st.data(),
    rate=st.floats(1e5, 1e10),
    ptx=st.floats(0, 5),
    bound=st.one_of(st.just(math.inf), st.floats(1e-4, 1.0)),
)
def test_decision_equals_brute_force(steps, bits, rate, ptx, bound):
    n = len(steps)
    sizes = bits.draw(st.lists(st.integers(0, 10**7), min_size=n, max_size=n))
    model = PartitionModel(
        network="random",
        cuts=tuple(f"c{i}" for i in range(n)),
        compute_j=np.cumsum([0.0] + steps[1:]),
        compute_s=np.cumsum([0.0] + steps[1:]) * 3,
        bits=np.array(sizes, dtype=float),
        bits_source=("x",) * n,
        energy_source="test",
        layer_energies=pd.DataFrame(),
    )
    expected = brute_force(model, rate, ptx, bound)
    got = best_cut_index(model.compute_j, model.compute_s, model.bits, rate, ptx, bound)
    assert got == expected
    frame = sweep(model, [rate], [ptx], None if math.isinf(bound) else bound)
    assert frame["best_index"].iloc[0] == expected


def test_sweep_rows_agree_with_decide(alexnet8):
    rates = np.geomspace(1e6, 1e9, 7)
    powers = [0.1, 0.78, 1.5]
    frame = sweep(alexnet8, rates, powers, latency_bound_s=0.03)
    assert len(frame) == 21
    for row in frame.itertuples():
        try:
            d = alexnet8.decide(row.bitrate_bps, row.ptx_w, latency_bound_s=0.03)
        except AccelsimError:
            assert row.best_index == -1 and math.isnan(row.client_energy_j)
            continue
        assert row.best_cut == d.cut
        assert row.client_energy_j == pytest.approx(d.client_energy_j)
        assert row.saving_vs_cloud == pytest.approx(d.saving_vs_cloud)
        assert row.saving_vs_local == pytest.approx(d.saving_vs_local)


def test_extremes_pick_cloud_and_in_situ(alexnet8):
    assert alexnet8.decide(1e12, 0.78).cut == "input"
    assert alexnet8.decide(1e3, 0.78).cut == "fc8"
    assert alexnet8.decide(80e6, 0.0).cut == "input"


def test_latency_bound(alexnet8):
    free = alexnet8.decide(80e6, 0.78)
    bounded = alexnet8.decide(80e6, 0.78, latency_bound_s=0.015)
    assert bounded.latency_s <= 0.015 < free.latency_s
    assert bounded.client_energy_j >= free.client_energy_j
    with pytest.raises(AccelsimError, match="no cut meets the latency bound"):
        alexnet8.decide(1e6, 0.78, latency_bound_s=1e-3)
    with pytest.raises(AccelsimError, match="bit rate"):
        alexnet8.decide(0.0, 0.78)
    with pytest.raises(AccelsimError, match="transmit power"):
        alexnet8.decide(80e6, -1.0)


@settings(max_examples=150, deadline=None)
@given(
    steps=st.lists(st.floats(0, 1e-3), min_size=2, max_size=25),
    data=st.data(),
)
def test_intervals_follow_the_decision(steps, data):
    n = len(steps)
    sizes = data.draw(st.lists(st.integers(0, 10**7), min_size=n, max_size=n))
    model = PartitionModel(
        network="random",
        cuts=tuple(f"c{i}" for i in range(n)),
        compute_j=np.cumsum([0.0] + steps[1:]),
        compute_s=np.zeros(n),
        bits=np.array(sizes, dtype=float),
        bits_source=("x",) * n,
        energy_source="test",
        layer_energies=pd.DataFrame(),
    )
    intervals = best_cut_intervals(model)
    lows = intervals["joules_per_bit_from"].to_numpy()
    highs = intervals["joules_per_bit_to"].to_numpy()
    assert lows[0] == 0.0 and math.isinf(highs[-1])
    assert np.all(lows[1:] == highs[:-1]) and np.all(highs > lows)
    for row in intervals.itertuples():
        top = (
            row.joules_per_bit_to
            if math.isfinite(row.joules_per_bit_to)
            else (row.joules_per_bit_from * 4 + 1e-6)
        )
        if np.nextafter(row.joules_per_bit_from, np.inf) >= top:
            continue  # no float strictly inside
        lam = data.draw(
            st.floats(row.joules_per_bit_from, top, exclude_min=True, exclude_max=True),
            label="lambda",
        )
        k = best_cut_index(model.compute_j, model.compute_s, model.bits, 1.0, lam, math.inf)
        energy = model.compute_j + lam * model.bits
        assert energy[row.index] == pytest.approx(energy[k], rel=1e-12, abs=1e-18)


def test_bitrate_intervals_at_the_paper_power(alexnet8):
    frame = bitrate_intervals(alexnet8, 0.78)
    assert list(frame["cut"]) == ["fc8", "fc6", "pool5", "pool2", "pool1", "input"]
    row = frame.set_index("cut").loc["pool2"]
    assert row.bitrate_from_bps < 80e6 < row.bitrate_to_bps
    assert row.bitrate_from_bps < 60e6
    for rate in (row.bitrate_from_bps * 1.001, row.bitrate_to_bps * 0.999):
        assert alexnet8.decide(rate, 0.78).cut == "pool2"
    assert alexnet8.decide(np.float32(80e6), np.float64(0.78)).cut == "pool2"

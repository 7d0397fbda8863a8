"""The comparison frame: exactly each model's own numbers, refusals recorded, never dropped."""

import math

import pandas as pd
import pytest

import accelsim
from accelsim.api import evaluate, evaluate_each
from accelsim.comparison import COMPARED_COLUMNS, FRAME_COLUMNS, TOTAL, compare, summarize
from accelsim.errors import AccelsimError
from accelsim.models.result import SUMMABLE_COLUMNS, LayerResult, Refusal
from accelsim.workload.loaders import load_network


@pytest.fixture(scope="module")
def alexnet_squeezenet():
    return compare(["alexnet", "squeezenet"], "analytical,rs")


def _values(frame, network, column, side):
    rows = frame[(frame.network == network) & (frame.column == column) & (frame.layer != TOTAL)]
    return rows.set_index("layer")[side]


@pytest.mark.parametrize("network", ["alexnet", "squeezenet"])
@pytest.mark.parametrize(("model", "side"), [("analytical", "a"), ("rs", "b")])
def test_values_are_each_models_own(alexnet_squeezenet, network, model, side):
    frame = alexnet_squeezenet
    own = accelsim.run(network, "eyeriss", model).set_index("layer")
    for column in COMPARED_COLUMNS:
        got = _values(frame, network, column, side)
        want = own.loc[got.index, column].astype(float)
        pd.testing.assert_series_equal(got, want, check_names=False)
    totals = frame[(frame.network == network) & (frame.layer == TOTAL)].set_index("column")
    for column in SUMMABLE_COLUMNS:
        assert totals.loc[column, side] == pytest.approx(own[column].sum(), rel=1e-12)


def test_frame_shape_and_ratios(alexnet_squeezenet):
    frame = alexnet_squeezenet
    assert tuple(frame.columns) == FRAME_COLUMNS
    assert (frame.status == "compared").all()
    known = frame[frame.a > 0]
    assert ((known.ratio - known.b / known.a).abs() <= 1e-12 * known.ratio.abs()).all()
    energy = frame[(frame.column == "energy_j") & (frame.layer != TOTAL)]
    assert energy.reason.str.len().gt(0).all()


def test_summary_matches_the_frame(alexnet_squeezenet):
    summary = summarize(alexnet_squeezenet).set_index(["network", "column"])
    row = summary.loc[("alexnet", "energy_j")]
    ratios = _values(alexnet_squeezenet, "alexnet", "energy_j", "ratio")
    assert row.layers_compared == row.layers == 8
    assert row.geomean == pytest.approx(math.exp(ratios.map(math.log).mean()), rel=1e-12)
    assert (row["min"], row["max"]) == (ratios.min(), ratios.max())
    assert row.network_ratio == pytest.approx(row.b_total / row.a_total, rel=1e-12)
    assert ("alexnet", "utilization") not in summary.index  # the analytical model has none


def test_arrays_move_the_simulator_not_the_analytical_latency():
    frame = compare("vgg16", "analytical,rs", arrays=[(8, 8), (12, 14), (32, 32)])
    latency = frame[(frame.column == "latency_s") & (frame.layer != TOTAL)]
    by_design = {d: g.set_index("layer") for d, g in latency.groupby("design")}
    assert set(by_design) == {"eyeriss 8x8", "eyeriss 12x14", "eyeriss 32x32"}
    small, chip, big = (by_design[f"eyeriss {s}"] for s in ("8x8", "12x14", "32x32"))
    pd.testing.assert_series_equal(small.a, chip.a)
    pd.testing.assert_series_equal(big.a, chip.a)
    assert small.b.sum() > chip.b.sum() > big.b.sum()


def test_a_refused_layer_is_recorded_with_the_reason():
    frame = compare("alexnet", "analytical,rs", arrays=[(8, 8)])
    conv1 = frame[(frame.layer == "conv1") & (frame.column == "energy_j")].iloc[0]
    assert "refused by analytical" in conv1.status and "refused by rs" in conv1.status
    assert "filter_height 11 exceeds the 8 PE rows" in conv1.status
    assert math.isnan(conv1.ratio)
    total = frame[(frame.layer == TOTAL) & (frame.column == "energy_j")].iloc[0]
    assert total.status == "7 of 8 layers compared"
    kept = frame[(frame.layer != TOTAL) & (frame.layer != "conv1") & (frame.column == "energy_j")]
    assert total.a == pytest.approx(kept.a.sum(), rel=1e-12)


def test_silicon_compares_measured_layers_only():
    frame = compare("alexnet", "silicon,rs")
    energy = frame[(frame.column == "energy_j") & (frame.layer != TOTAL)].set_index("layer")
    assert (energy.loc[[f"conv{i}" for i in range(1, 6)], "status"] == "compared").all()
    assert (energy.loc[["fc6", "fc7", "fc8"], "status"] == "not measured by silicon").all()
    assert set(summarize(frame).column) >= {"energy_j", "latency_s", "glb_accesses"}
    assert "mac_j" not in set(summarize(frame).column)  # the chip has no breakdown
    with pytest.raises(AccelsimError, match="measured on the Eyeriss chip"):
        compare("alexnet", "silicon,rs", arrays=[(8, 8)])


def test_errors():
    with pytest.raises(AccelsimError, match="given twice"):
        compare(["alexnet", "alexnet"])
    with pytest.raises(AccelsimError, match="memory"):
        compare("alexnet", "analytical,rs", memory="default")
    with pytest.raises(AccelsimError, match="systolic"):
        compare("alexnet", "analytical,systolic")
    with pytest.raises(AccelsimError):  # a mapper that does not exist refuses every layer
        compare("alexnet", "analytical,rs:mapper=nonsense")


def test_same_model_two_settings():
    frame = compare("alexnet", "rs,rs:mapper=energy")
    total = frame[(frame.layer == TOTAL) & (frame.column == "energy_j")].iloc[0]
    assert (total.model_a, total.model_b) == ("rs", "rs:mapper=energy")
    assert total.ratio <= 1.0  # the energy mapper minimises simulated energy


@pytest.mark.parametrize("model", ["analytical", "rs"])
def test_layers_alone_equal_the_network_run(model):
    network = load_network("googlenet" if model == "analytical" else "alexnet")
    whole = evaluate(network, "eyeriss", model)
    alone = [
        evaluate(network.layer_alone(layer), "eyeriss", model)[0]
        for layer in network.compute_layers
    ]
    assert alone == whole


def test_evaluate_each_is_evaluate_when_nothing_is_refused():
    assert evaluate_each("alexnet", "eyeriss", "rs") == evaluate("alexnet", "eyeriss", "rs")
    small = accelsim.resolve_accelerator("eyeriss", array=(8, 8))
    outcomes = evaluate_each("alexnet", small, "rs")
    assert isinstance(outcomes[0], Refusal) and outcomes[0].model == "rs"
    assert all(isinstance(o, LayerResult) for o in outcomes[1:])


def test_against_silicon_the_simulator_runs_at_the_chips_batch():
    from accelsim.models.silicon import silicon_batch

    frame = compare("alexnet", "silicon,rs")
    batch = frame[(frame.column == "batch") & (frame.status == "compared")]
    assert (batch.a == silicon_batch("alexnet")).all() and (batch.ratio == 1.0).all()
    pinned = compare("alexnet", "silicon,rs:batch=1")
    batch = pinned[(pinned.column == "batch") & (pinned.status == "compared")]
    assert (batch.b == 1).all() and (batch.ratio == 1 / silicon_batch("alexnet")).all()


def test_errors_that_are_not_refusals_stop_the_comparison(tmp_path):
    """Only a layer that does not fit the design is recorded as refused; a bad results file or
    option fails as it does in `accelsim energy`."""
    good = accelsim.run("alexnet", "eyeriss", "rs")
    bad = good.copy()
    bad.loc[2, "energy_j"] = -1.0
    path = tmp_path / "bad.csv"
    bad.to_csv(path, index=False)
    with pytest.raises(AccelsimError, match="layer 'conv3': energy_j must be"):
        compare("alexnet", f"analytical,{path}", arrays=[(8, 8)])
    pin = {"conv2": "m=128,n=2,e=4,p=16,q=2,r=2,t=1"}
    frame = compare("alexnet", "analytical,rs", arrays=[(8, 8)], mappings=pin)
    status = frame[frame.column == "energy_j"].set_index("layer")["status"]
    assert "refused" in status["conv1"]
    assert (status.drop(["conv1", TOTAL]) == "compared").all()
    mapped = frame[(frame.layer == "conv2") & (frame.column == "batch")].iloc[0]
    assert mapped.b == 2  # the pinned mapping's batch was used


def test_a_layer_named_total_is_refused(tmp_path):
    path = tmp_path / "net.json"
    path.write_text(
        '{"name": "n", "input": {"channels": 3, "size": 8},'
        ' "layers": [{"name": "TOTAL", "type": "conv", "filters": 4, "size": 3}]}'
    )
    with pytest.raises(AccelsimError, match="layer named 'TOTAL'"):
        compare(str(path))


def test_the_api_function_survives_importing_the_package():
    import accelsim.comparison  # noqa: F401 - the import must not shadow accelsim.compare

    for _ in range(2):
        assert len(accelsim.compare("alexnet", "analytical,rs")) > 0


def test_silicon_refuses_an_accelerator_without_control():
    small = accelsim.resolve_accelerator("eyeriss", control=False)
    with pytest.raises(AccelsimError, match="includes clock and control"):
        compare("alexnet", "silicon,rs", accelerators=small)


def test_results_file_batch_and_odd_cells(tmp_path):
    own = accelsim.run("alexnet", "eyeriss", "analytical")
    path = tmp_path / "an.csv"
    own.assign(cycles="n/a").to_csv(path, index=False)
    frame = compare("alexnet", f"analytical,{path}")
    batch = frame[(frame.column == "batch") & (frame.layer != TOTAL)]
    assert (batch.ratio == 1.0).all()
    assert (frame[frame.column == "energy_j"].ratio == 1.0).all()

"""The calibration fit: it uses nothing of the held-out set, it reproduces what it reports, and
the calibrated file it writes gives the report's numbers back. A small policy grid keeps it fast
(the full grid is `POLICY_GRID`)."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from accelsim.calibration.parameters import NO_CAP
from accelsim.cli.main import main
from accelsim.hardware import load_accelerator, resolve_accelerator
from accelsim.models import silicon
from validation.calibration.fit import calibrate, predictions, write_calibrated
from validation.calibration.report import layer_frame, summary_frame
from validation.compare import compare_silicon

GRID = ((2, 4, NO_CAP), (2, NO_CAP), (1000, 1024), (0.05, 0.1))
EYERISS = resolve_accelerator("eyeriss", 16)


@pytest.fixture(scope="module")
def fitted():
    return calibrate("alexnet", bootstrap=3, grid=GRID)


def test_cached_predictions_equal_the_comparison():
    pred = predictions(EYERISS, "vgg16")
    ref = compare_silicon("vgg16", EYERISS, analytical=False).set_index("layer")
    pd.testing.assert_frame_equal(pred[ref.columns], ref)


def test_the_fit_reproduces_the_published_alexnet_mapping(fitted):
    cal = fitted.accelerator.calibration
    assert fitted.policy_score[0] == 0  # every Table III field and every active-PE count
    assert (cal.max_pe_sets, cal.max_channel_sets, cal.glb_kb_bytes) == (4, 2, 1000)
    assert cal.fit_set == "alexnet"
    assert list(fitted.residuals["layer"]) == ["conv1", "conv2", "conv3", "conv4", "conv5"]
    assert (fitted.residuals["active_pes_diff"] == 0).all()


def test_fit_uses_nothing_of_the_held_out_set(fitted, monkeypatch):
    """Perturb every VGG-16 measurement (x1.5 or x0.5, active PEs off by one): the fitted
    parameters do not move."""
    real = silicon.silicon_frame

    def perturbed(network):
        frame = real(network)
        if network == "vgg16":
            for column in ("power_mw", "total_latency_ms", "processing_latency_ms",
                           "glb_accesses_mb", "dram_accesses_mb"):  # fmt: skip
                frame[column] = frame[column] * [1.5, 0.5][len(column) % 2]
            frame["active_pes"] = frame["active_pes"] - 1
        return frame

    monkeypatch.setattr(silicon, "silicon_frame", perturbed)
    import validation.compare as compare

    monkeypatch.setattr(compare, "silicon_frame", perturbed)
    assert silicon.silicon_frame("vgg16")["active_pes"].iloc[0] == 155
    again = calibrate("alexnet", bootstrap=3, grid=GRID)
    assert again.accelerator == fitted.accelerator
    assert again.uncertainty == fitted.uncertainty


def test_calibrated_file_reproduces_the_report(fitted, tmp_path):
    path = tmp_path / "cal.toml"
    write_calibrated(fitted, str(path))
    loaded = load_accelerator(path)
    assert loaded == fitted.accelerator
    layers = layer_frame(loaded)
    fit = layers[layers["split"] == "fit"].set_index("layer")
    for row in fitted.residuals.to_dict("records"):
        assert fit.loc[row["layer"], "latency_err"] == pytest.approx(row["latency_err"], rel=1e-12)
        assert fit.loc[row["layer"], "energy_err"] == pytest.approx(row["energy_err"], rel=1e-12)
    assert (layers["split"] == "held-out").sum() == 13
    summary = summary_frame(layers)
    held = summary[(summary["split"] == "held-out") & (summary["model"] == "calibrated")]
    lat = held.set_index("quantity").loc["latency_ms"]
    vgg = layers[layers["network"] == "vgg16"]
    assert lat["mean_abs_err"] == pytest.approx(vgg["latency_err"].abs().mean())
    out = tmp_path / "val.json"
    plot = tmp_path / "parity.png"
    args = ["validate", "silicon", "--accelerator", str(path), "--format", "json"]
    assert main([*args, "--out", str(out), "--plot", str(plot)]) == 0
    data = json.loads(out.read_text())
    assert data["fit_set"] == "alexnet" and len(data["layers"]) == 18
    got = {r["layer"]: r["latency_err"] for r in data["layers"] if r["network"] == "vgg16"}
    assert got == pytest.approx(dict(zip(vgg["layer"], vgg["latency_err"], strict=True)))
    assert plot.stat().st_size > 20_000


def test_calibrate_cli_errors_are_one_line(capsys):
    with pytest.raises(SystemExit) as info:
        main(["calibrate", "--fit", "resnet"])
    assert info.value.code == 2
    assert main(["calibrate", "--bootstrap", "-1"]) == 2
    assert main(["calibrate", "--out", "x.csv"]) == 2
    err = capsys.readouterr().err
    assert len([line for line in err.splitlines() if line]) == 3


def test_an_uncalibrated_accelerator_keeps_the_plain_comparison(capsys):
    assert main(["validate", "silicon", "--network", "alexnet", "--format", "csv"]) == 0
    assert "split" not in capsys.readouterr().out.splitlines()[0]

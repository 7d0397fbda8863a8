"""The model registry and the result contract: every model fills the shared columns, a new model
is one file, options are checked, the API and the commands agree."""

from __future__ import annotations

import math

import numpy as np
import pytest

import accelsim
import accelsim.models as models_package
from accelsim.cli.main import main
from accelsim.errors import AccelsimError
from accelsim.models import registry
from accelsim.models.result import SHARED_COLUMNS, LayerResult, results_frame
from accelsim.report import output

FLAT = """
from accelsim.models.registry import Model
from accelsim.models.result import LayerResult


def evaluate(network, accelerator, options):
    pj = options["pj_per_mac"]
    return [
        LayerResult(layer=l.name, group=l.group_label or l.name, model="flat", batch=1,
                    macs=l.macs, nonzero_macs=l.macs, energy_j=l.macs * pj * 1e-12,
                    latency_s=float("nan"))
        for l in network.compute_layers
    ]


MODEL = Model(name="flat", summary="1 pJ per MAC", kinds=("spatial", "systolic"),
              evaluate=evaluate, options={"pj_per_mac": 1.0})
"""


@pytest.fixture
def flat_model(tmp_path, monkeypatch):
    (tmp_path / "flat.py").write_text(FLAT)
    monkeypatch.setattr(models_package, "__path__", [*models_package.__path__, str(tmp_path)])
    monkeypatch.setattr(registry, "_MODELS", None)
    yield
    monkeypatch.setattr(registry, "_MODELS", None)


def test_a_new_model_is_one_file(flat_model, capsys):
    assert "flat" in registry.model_names()
    frame = accelsim.run("alexnet", "eyeriss", model="flat", pj_per_mac=2.0)
    assert frame["energy_j"].sum() == pytest.approx(724406816 * 2e-12)
    from accelsim.partition.model import partition_model

    model = partition_model(accelsim.builtin_network("alexnet"), accelsim.preset("eyeriss"), "flat")
    assert model.compute_j[-1] == pytest.approx(724406816e-12)
    assert main(["energy", "alexnet", "--model", "flat", "--format", "csv"]) == 0
    assert capsys.readouterr().out.startswith(",".join(SHARED_COLUMNS[:5]))


def test_a_new_output_format_is_one_entry(monkeypatch, capsys):
    monkeypatch.setitem(output.FORMATS, "names", lambda frame, extra, fmt: " ".join(frame["layer"]))
    assert main(["energy", "alexnet", "--format", "names"]) == 0
    assert capsys.readouterr().out == "conv1 conv2 conv3 conv4 conv5 fc6 fc7 fc8"


@pytest.mark.parametrize(
    ("model", "accelerator"),
    [
        ("analytical", "eyeriss"),
        ("rs", "eyeriss"),
        ("systolic", "scalesim-32x32"),
        ("silicon", "eyeriss"),
        ("simulated", "eyeriss-8bit"),
    ],
)
def test_every_model_fills_the_shared_columns(model, accelerator):
    frame = accelsim.run("alexnet", accelerator, model=model)
    assert list(frame.columns[: len(SHARED_COLUMNS)]) == list(SHARED_COLUMNS)
    assert len(frame) == 8
    for column in ("energy_j", "latency_s", "macs", "glb_accesses", "dram_accesses"):
        assert np.isfinite(frame[column]).all(), column
    assert (frame["energy_j"] > 0).all()
    if model != "silicon":
        parts = frame[["mac_j", "rf_j", "inter_pe_j", "glb_j", "dram_j", "clock_j", "control_j"]]
        np.testing.assert_allclose(parts.sum(axis=1), frame["energy_j"], rtol=1e-12)
        glb = frame[["glb_filter_accesses", "glb_ifmap_accesses", "glb_psum_accesses"]]
        np.testing.assert_allclose(glb.sum(axis=1), frame["glb_accesses"], rtol=1e-12)


def test_simulated_is_the_simulator_of_the_kind():
    assert registry.resolve_model("simulated", "spatial")[0].name == "rs"
    assert registry.resolve_model("simulated", "systolic")[0].name == "systolic"
    rs = accelsim.run("alexnet", "eyeriss", model="rs")
    sim = accelsim.run("alexnet", "eyeriss", model="simulated")
    assert rs.equals(sim)


def test_options_and_kinds_are_checked():
    with pytest.raises(AccelsimError, match="option 'memory' does not apply to model 'rs'"):
        accelsim.run("alexnet", "eyeriss", model="rs", memory="default")
    with pytest.raises(AccelsimError, match="evaluates spatial arrays, not systolic"):
        accelsim.run("alexnet", "tpu-v1", model="analytical")
    with pytest.raises(AccelsimError, match="evaluates systolic arrays, not spatial"):
        accelsim.run("alexnet", "eyeriss", model="systolic")
    with pytest.raises(AccelsimError, match="unknown model 'cnnergy'"):
        accelsim.run("alexnet", "eyeriss", model="cnnergy")


def test_a_user_csv_is_a_model(tmp_path):
    ref = accelsim.run("alexnet", "eyeriss", model="analytical")
    path = tmp_path / "mine.csv"
    columns = ["layer", "energy_j", "latency_s", "glb_accesses"]
    ref[columns].assign(tool="x").to_csv(path, index=False)
    mine = accelsim.run("alexnet", "eyeriss", model=str(path))
    np.testing.assert_allclose(mine["energy_j"], ref["energy_j"], rtol=1e-15)
    np.testing.assert_allclose(mine["glb_accesses"], ref["glb_accesses"], rtol=1e-15)
    assert (mine["model"] == "mine.csv").all() and (mine["tool"] == "x").all()
    assert mine["dram_accesses"].isna().all()


def test_energy_command_equals_the_api(capsys):
    import io

    import pandas as pd

    for model, flags in (("analytical", []), ("simulated", ["--accelerator", "tpu-v1"])):
        assert main(["energy", "alexnet", "--model", model, *flags, "--format", "csv"]) == 0
        cli = pd.read_csv(io.StringIO(capsys.readouterr().out))
        api = accelsim.run("alexnet", flags[1] if flags else "eyeriss", model=model)
        np.testing.assert_allclose(cli["energy_j"], api["energy_j"], rtol=1e-15)


def test_a_model_cannot_shadow_a_shared_column():
    result = LayerResult("l", "l", "m", 1, 1, 1, 1.0, 1.0, extra={"energy_j": 2.0})
    with pytest.raises(ValueError, match="redefines shared column 'energy_j'"):
        results_frame([result])
    row = LayerResult("l", "l", "m", 1, 1, 1, 1.0, 1.0).row()
    assert math.isnan(row["glb_accesses"]) and math.isnan(row["mac_j"])

"""The fuzz suite: malformed network and accelerator files through the real command line.

Each example writes a mutated file and runs `accelsim` in-process. The contract: exit 2 with
exactly one line on stderr and no traceback, or exit 0 with output that makes sense (positive
MACs, non-negative finite energies and counts). The default profile runs a few dozen examples per
test (CI); `--hypothesis-profile=explore` runs as many as asked (`HYPOTHESIS_MAX_EXAMPLES`).
"""

from __future__ import annotations

import io
import math
import os
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accelsim.cli.main import main
from accelsim.hardware.config import accelerator_to_dict
from accelsim.hardware.presets import preset

from .mutations import dump, mutated

EXAMPLES = int(os.environ.get("HYPOTHESIS_MAX_EXAMPLES", "40"))
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

NETWORK = {
    "name": "fuzznet",
    "input": {"channels": 3, "height": 16, "width": 16},
    "layers": [
        {"name": "conv1", "type": "conv", "filters": 8, "size": 3, "stride": 1, "pad": 1},
        {"name": "pool1", "type": "pool", "size": 2, "stride": 2},
        {"name": "conv2", "type": "conv", "filters": 16, "size": 3, "pad": 1, "groups": 2},
        {"name": "fc1", "type": "fc", "outputs": 10, "ifmap_zero": 0.5},
    ],
}
"""A small valid network: every layer kind the mutations can break, cheap to simulate."""

RESIDUAL = {
    "name": "fuzzres",
    "input": {"channels": 4, "height": 8, "width": 8},
    "layers": [
        {"name": "a", "type": "conv", "filters": 4, "size": 3, "pad": 1},
        {"name": "sum", "type": "add", "inputs": ["input", "a"]},
        {"name": "act", "type": "activation", "function": "relu"},
        {"name": "gap", "type": "global_pool"},
        {"name": "gate", "type": "activation", "function": "sigmoid"},
        {"name": "scaled", "type": "eltwise", "op": "mul", "inputs": ["act", "gate"]},
        {"name": "half", "type": "slice", "start": 0, "stop": 2},
        {"name": "mixed", "type": "shuffle"},
        {"name": "flat", "type": "reshape", "shape": [128, 1, 1]},
        {"name": "fc", "type": "fc", "outputs": 3},
    ],
}
"""A valid network of the layers without MACs, for the same mutations."""

SUMMED = ("macs", "energy_j", "latency_s", "rf_accesses", "glb_accesses", "dram_accesses")


def run(argv: list[str]) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        try:
            code = main(argv)
        except SystemExit as exc:  # argparse usage errors
            code = exc.code
    return code, out.getvalue(), err.getvalue()


def check_contract(code: int, out: str, err: str, what: str) -> pd.DataFrame | None:
    """Exit 2 and one clean line, or exit 0 and a CSV whose numbers make sense."""
    assert code in (0, 2), f"{what}: exit {code}\n{err[-2000:]}"
    if code == 2:
        assert out == "", f"{what}: output before the error"
        assert err.endswith("\n") and err.count("\n") == 1, f"{what}: not one line: {err[:500]!r}"
        assert "Traceback" not in err and len(err) < 500, f"{what}: {err[:500]!r}"
        return None
    frame = pd.read_csv(io.StringIO(out), keep_default_na=False, na_values=[""])
    assert len(frame) > 0 and (frame["macs"] > 0).all(), what
    for column in SUMMED:
        values = frame[column].dropna()
        assert values.map(math.isfinite).all() and (values >= 0).all(), f"{what}: {column}"
    return frame


def write(tmp: Path, doc: dict, suffix: str) -> Path | None:
    text = dump(doc, suffix)
    if text is None:
        return None
    path = tmp / f"fuzz{suffix}"
    path.write_text(text, encoding="utf-8", errors="surrogatepass")
    return path


@FUZZ
@given(doc=mutated(NETWORK), suffix=st.sampled_from((".json", ".yaml", ".toml")),
       command=st.sampled_from(("energy", "simulate")))  # fmt: skip
def test_malformed_network_files(tmp_path_factory, doc, suffix, command):
    path = write(tmp_path_factory.mktemp("net"), doc, suffix)
    if path is None:
        return
    argv = [command, str(path), "--format", "csv"]
    frame = check_contract(*run(argv), what=f"{argv} {doc}")
    if frame is not None:
        assert set(frame["layer"]) <= {layer.get("name") for layer in doc["layers"]}


@FUZZ
@given(doc=mutated(RESIDUAL), suffix=st.sampled_from((".json", ".yaml", ".toml")),
       non_mac=st.sampled_from(("free", "costed")))  # fmt: skip
def test_malformed_residual_network_files(tmp_path_factory, doc, suffix, non_mac):
    path = write(tmp_path_factory.mktemp("net"), doc, suffix)
    if path is None:
        return
    argv = ["energy", str(path), "--format", "csv", "--non-mac", non_mac]
    code, out, err = run(argv)
    if code == 0 and non_mac == "costed":  # rows without MACs are costed: check them apart
        frame = pd.read_csv(io.StringIO(out), keep_default_na=False, na_values=[""])
        assert (frame["energy_j"] >= 0).all() and (frame["macs"] >= 0).all()
        assert set(frame["layer"]) <= {layer.get("name") for layer in doc["layers"]}
        return
    frame = check_contract(code, out, err, what=f"{argv} {doc}")
    if frame is not None:
        assert set(frame["layer"]) <= {layer.get("name") for layer in doc["layers"]}


ACCELERATORS = {
    "spatial": accelerator_to_dict(preset("eyeriss")),
    "systolic": accelerator_to_dict(preset("scalesim-32x32")),
}


@FUZZ
@given(kind=st.sampled_from(tuple(ACCELERATORS)), data=st.data(),
       suffix=st.sampled_from((".json", ".yaml", ".toml")))  # fmt: skip
def test_malformed_accelerator_files(tmp_path_factory, kind, data, suffix):
    doc = data.draw(mutated(ACCELERATORS[kind]))
    tmp = tmp_path_factory.mktemp("acc")
    path = write(tmp, doc, suffix)
    if path is None:
        return
    network = write(tmp, NETWORK, ".json")
    for command in ("energy", "simulate"):
        argv = [command, str(network), "--accelerator", str(path), "--format", "csv"]
        if command == "energy" and kind == "systolic":
            argv += ["--model", "systolic"]
        check_contract(*run(argv), what=f"{argv} {doc}")


@pytest.mark.parametrize("suffix", [".json", ".yaml", ".toml"])
def test_the_base_documents_are_valid(tmp_path, suffix):
    """The fuzz starts from valid files: an unmutated one runs."""
    path = write(tmp_path, NETWORK, suffix)
    assert check_contract(*run(["simulate", str(path), "--format", "csv"]), "base") is not None

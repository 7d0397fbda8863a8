"""Bad SCALE-Sim .cfg files end in one line naming the file, the [section] key and the value."""

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from accelsim.errors import AccelsimError
from accelsim.hardware import limits as L
from accelsim.hardware.config import load_accelerator
from accelsim.interop.scalesim import read_scalesim_config

GOOD = (
    Path(__file__).resolve().parents[2]
    / "validation"
    / "data"
    / "scalesim_golden"
    / "conv_4x16_2-4-1_ws"
    / "scale.cfg"
).read_text()


def _error(path: Path, text: str) -> str:
    path.write_text(text, encoding="utf-8")
    with pytest.raises(AccelsimError) as info:
        read_scalesim_config(path)
    message = str(info.value)
    assert "\n" not in message and str(path) in message and len(message) < 400
    return message


def test_percent_and_bom_are_literal(tmp_path):
    path = tmp_path / "scale.cfg"
    path.write_bytes(b"\xef\xbb\xbf" + GOOD.replace("conv_4x16_2-4-1_ws", "run%(x)s 50%").encode())
    config = read_scalesim_config(path)
    assert config.run_name == "run%(x)s 50%" and config.array.shape == (4, 16)
    assert load_accelerator(path).name == "run%(x)s 50%"


@pytest.mark.parametrize(
    ("old", "new", "named"),
    [
        ("ArrayHeight: 4", "ArrayHeight: 100000", "ArrayHeight must be in [1, 4096], got 100000"),
        ("ArrayHeight: 4", "ArrayHeight: 4.0", "ArrayHeight must be a positive integer"),
        ("ArrayHeight: 4", "ArrayHeight: 1_0", "got '1_0'"),
        ("ArrayHeight: 4", "ArrayHeight: -4", "got '-4'"),
        ("ArrayHeight: 4", "ArrayHeight: " + "9" * 5000, "ArrayHeight"),
        ("ArrayHeight: 4", "ArrayHeight: %(x)s", "got '%(x)s'"),
        ("IfmapSramSzkB: 2", "IfmapSramSzkB: 999999999", "IfmapSramSzkB must be in"),
        ("Dataflow: ws", "Dataflow: %", "Dataflow must be one of os, ws, is, got '%'"),
        ("[architecture_presets]", "[other]", "(no [architecture_presets] section)"),
        ("[general]", "[general]\n[general]", "cannot parse"),
        ("ArrayWidth: 16", "ArrayWidth: 16\nArrayWidth: 8", "cannot parse"),
        ("run_name = conv_4x16_2-4-1_ws", "run_name = " + "x" * 300, "[general] run_name"),
        ("[general]", "stray line\n[general]", "cannot parse"),
    ],
)
def test_bad_values_are_named(tmp_path, old, new, named):
    assert old in GOOD
    assert named in _error(tmp_path / "scale.cfg", GOOD.replace(old, new, 1))


def test_not_text(tmp_path):
    path = tmp_path / "scale.cfg"
    path.write_bytes(b"\xff\xfe[general]")
    with pytest.raises(AccelsimError, match="not UTF-8"):
        read_scalesim_config(path)
    with pytest.raises(AccelsimError, match="is a directory"):
        read_scalesim_config(tmp_path)


KEYS = ["ArrayHeight", "ArrayWidth", "IfmapSramSzkB", "FilterSramSzkB", "OfmapSramSzkB", "Dataflow"]


@settings(max_examples=60)
@given(
    key=st.sampled_from(KEYS),
    value=st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=12)
    | st.integers(min_value=-5, max_value=10**12).map(str),
)
def test_fuzzed_values_give_one_line_or_a_sane_array(tmp_path_factory, key, value):
    lines = [
        f"{key}: {value}" if line.startswith(f"{key}:") else line for line in GOOD.splitlines()
    ]
    path = tmp_path_factory.getbasetemp() / "fuzzed.cfg"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    try:
        array = read_scalesim_config(path).array
    except AccelsimError as exc:
        assert "\n" not in str(exc) and str(path) in str(exc) and len(str(exc)) < 400
        return
    assert 1 <= array.rows <= L.MAX_ARRAY_DIM and 1 <= array.cols <= L.MAX_ARRAY_DIM
    assert 1 <= array.ifmap_sram_kb <= L.MAX_BUFFER_KB and array.dataflow in ("os", "ws", "is")

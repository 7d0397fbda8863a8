"""Bad per-layer energy CSVs (the `file` model, the partitioner's energy source) end in one line
naming the file, the line, the layer, the column and the value; good ones read exactly."""

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from accelsim.errors import AccelsimError
from accelsim.models.file import MAX_LAYER_ENERGY_J, MAX_LAYER_LATENCY_S, read_results
from accelsim.workload.builtin import builtin_network

ALEXNET = builtin_network("alexnet")
LAYERS = [layer.name for layer in ALEXNET.compute_layers]


def _csv(rows: list[str], header: str = "layer,energy_j,latency_s") -> str:
    return header + "\n" + "\n".join(rows) + "\n"


GOOD_ROWS = [f"{name},1e-3,2e-3" for name in LAYERS]


def _error(path, text: str) -> str:
    path.write_text(text, encoding="utf-8")
    with pytest.raises(AccelsimError) as info:
        read_results(str(path), ALEXNET)
    message = str(info.value)
    assert "\n" not in message and str(path) in message and len(message) < 400
    return message


def test_good_file_with_bom(tmp_path):
    path = tmp_path / "e.csv"
    path.write_bytes(b"\xef\xbb\xbf" + _csv(GOOD_ROWS).encode())
    results = read_results(str(path), ALEXNET)
    assert [r.layer for r in results] == LAYERS
    assert all(r.energy_j == 1e-3 and r.latency_s == 2e-3 for r in results)


@pytest.mark.parametrize(
    ("value", "column"),
    [
        ("", "empty energy_j"),
        ("-1e-3", "energy_j must be a number in (0, 1000], got '-1e-3'"),
        ("0", "energy_j must be a number in (0"),
        ("nan", "got 'nan'"),
        ("inf", "got 'inf'"),
        ("1e400", "got '1e400'"),
        ("1_0", "got '1_0'"),
        ("0x10", "got '0x10'"),
        ("5000", "got '5000'"),
    ],
)
def test_bad_energies(tmp_path, value, column):
    rows = [f"conv1,{value},2e-3", *GOOD_ROWS[1:]]
    message = _error(tmp_path / "e.csv", _csv(rows))
    assert column in message and "line 2" in message and "'conv1'" in message


@pytest.mark.parametrize("value", ["-1", "0", "inf", "nan", "1e9", "abc"])
def test_bad_latencies(tmp_path, value):
    rows = [*GOOD_ROWS[:-1], f"fc8,1e-3,{value}"]
    message = _error(tmp_path / "e.csv", _csv(rows))
    assert "latency_s must be a number in (0, 3600]" in message and "'fc8'" in message


def test_structure(tmp_path):
    path = tmp_path / "e.csv"
    assert "listed twice" in _error(path, _csv([*GOOD_ROWS, GOOD_ROWS[0]]))
    assert "column 'energy_j' appears twice" in _error(
        path, _csv(GOOD_ROWS, "layer,energy_j,energy_j")
    )
    assert "missing column 'energy_j'" in _error(path, "layer,latency_s\nconv1,1\n")
    assert "empty file" in _error(path, "")
    assert "empty layer name" in _error(path, _csv([",1e-3,1e-3", *GOOD_ROWS]))
    assert "has 4 cells" in _error(path, _csv([*GOOD_ROWS, "conv1,1,1,1"]))
    assert "no energy for layer 'fc8'" in _error(path, _csv(GOOD_ROWS[:-1]))
    partial = [*GOOD_ROWS[:-1], "fc8,1e-3,"]
    assert "latency for every conv/FC layer or for none" in _error(path, _csv(partial))
    short = [*GOOD_ROWS[:-1], "fc8,1e-3"]  # a short row is empty cells
    assert "latency for every" in _error(path, _csv(short))
    assert "rf_j is missing" in _error(
        path, _csv([f"{n},1,1,1" for n in LAYERS], "layer,energy_j,latency_s,mac_j")
    )
    path.write_bytes(b"layer,energy_j\n\xff\n")
    with pytest.raises(AccelsimError, match="not UTF-8"):
        read_results(str(path), ALEXNET)


def test_no_latency_at_all_is_unknown_latency(tmp_path):
    path = tmp_path / "e.csv"
    path.write_text(_csv([f"{n},1e-3" for n in LAYERS], "layer,energy_j"))
    assert all(math.isnan(r.latency_s) for r in read_results(str(path), ALEXNET))


CELL = st.one_of(
    st.sampled_from(["", "nan", "-0", "1e-3", "1e400", "-1", "0", "1", "inf", " 2e-3 ", "x"]),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=6),
)


@settings(max_examples=60)
@given(cells=st.lists(st.tuples(CELL, CELL), min_size=len(LAYERS), max_size=len(LAYERS)))
def test_fuzzed_cells_give_one_line_or_sane_results(tmp_path_factory, cells):
    path = tmp_path_factory.getbasetemp() / "fuzzed.csv"
    rows = [
        ",".join(['"' + c.replace('"', '""') + '"' for c in (name, *pair)])
        for name, pair in zip(LAYERS, cells, strict=True)
    ]
    path.write_text(_csv(rows), encoding="utf-8")
    try:
        results = read_results(str(path), ALEXNET)
    except AccelsimError as exc:
        assert "\n" not in str(exc) and str(path) in str(exc) and len(str(exc)) < 400
        return
    for r in results:
        assert 0 < r.energy_j <= MAX_LAYER_ENERGY_J
        assert math.isnan(r.latency_s) or 0 < r.latency_s <= MAX_LAYER_LATENCY_S

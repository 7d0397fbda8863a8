"""Malformed network files of every format end in one-line AccelsimErrors naming the file (or load
as a valid network): wrong types, non-finite and huge numbers, missing and extra keys, empty cells,
BOMs, dilation, deep nesting; and a long chain of layers loads in linear time."""

import json
import math
import time

import pytest
import tomli_w
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accelsim.errors import AccelsimError
from accelsim.workload.layer import (
    MAX_BATCH_N,
    MAX_CHANNELS,
    MAX_EXTENT,
    MAX_LAYER_MACS,
    MAX_PAD,
)
from accelsim.workload.loaders import load_network
from accelsim.workload.network import Network

BASE = {
    "name": "tiny",
    "input": {"channels": 3, "size": 16, "zero": 0.0},
    "layers": [
        {"name": "conv1", "type": "conv", "filters": 8, "size": 3, "pad": 1, "ofmap_zero": 0.5},
        {"name": "pool1", "type": "pool", "size": 2, "stride": 2, "ceil_mode": False},
        {"name": "a", "type": "conv", "filters": 4, "size": 1, "inputs": "pool1"},
        {"name": "b", "type": "conv", "filters": 4, "size": 3, "pad": [1, 1], "inputs": ["pool1"]},
        {"name": "cat", "type": "concat", "inputs": ["a", "b"]},
        {"name": "gap", "type": "global_pool", "mode": "avg"},
        {"name": "fc", "type": "fc", "outputs": 10, "batch_n": 4},
    ],
}
CSV_HEADER = "name,kind,input_size,pad,in_channels,filter_size,filters,stride,ofmap_sparsity"
CSV_ROW = ["c1", "conv", "8", "1", "3", "3", "4", "1", "0.5"]
TOPOLOGY_HEADER = (
    "Layer name, IFMAP Height, IFMAP Width, Filter Height, Filter Width, Channels, Num Filter, "
    "Strides,"
)
TOPOLOGY_ROW = ["Conv1", "31", "31", "5", "5", "96", "256", "1"]

SETTINGS = settings(max_examples=40, suppress_health_check=[HealthCheck.function_scoped_fixture])

# Values a fuzzer puts where a number, string or flag belongs
BAD_VALUES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**30), max_value=10**30),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=8),
    st.lists(st.integers(min_value=-3, max_value=40), max_size=5),
    st.dictionaries(st.text(max_size=3), st.integers(), max_size=2),
    st.sampled_from([10**400, 2**63, -(2**63), 1e300, 3.7, "3", "false", "inf", [], {}, ["conv"]]),
)
BAD_CELLS = st.one_of(
    st.sampled_from(
        [
            "",
            "inf",
            "-inf",
            "nan",
            "1e300",
            "3.7",
            "1_0",
            "0x10",
            "-3",
            "0",
            "true",
            "9" * 60,
            "٣",
            " ",
            "1e3",
            "2.0",
            "1048577",
            "65537",
            "  4  ",
        ]
    ),  # fmt: skip
    st.text(alphabet="0123456789.-+eE ", max_size=6),
)


def check_outcome(path, load=load_network):
    """Loading gives a Network or a one-line AccelsimError that names the file."""
    try:
        network = load(str(path))
    except AccelsimError as exc:
        message = str(exc)
        assert "\n" not in message
        assert str(path) in message, message
        assert len(message) < 600, message
        return None
    assert isinstance(network, Network)
    for layer in network.compute_layers:
        assert layer.macs <= MAX_LAYER_MACS
        assert all(type(v) is int for v in (layer.in_channels, layer.out_channels, layer.stride))
    return network


def write_structured(path, data):
    if path.suffix == ".json":
        path.write_text(json.dumps(data))
    elif path.suffix == ".yaml":
        path.write_text(yaml.safe_dump(data))
    else:
        path.write_text(tomli_w.dumps(data))


LAYER_KEYS = ["name", "type", "filters", "size", "stride", "pad", "groups", "inputs", "outputs",
              "mode", "ceil_mode", "ofmap_zero", "ifmap_zero", "batch_n", "group", "dilation",
              "colour"]  # fmt: skip
INPUT_KEYS = ["channels", "size", "height", "width", "zero", "depth"]


@SETTINGS
@given(
    index=st.integers(min_value=0, max_value=len(BASE["layers"]) - 1),
    key=st.sampled_from(LAYER_KEYS),
    value=BAD_VALUES,
    delete=st.booleans(),
)
def test_json_layer_fields_fuzzed(tmp_path, index, key, value, delete):
    data = json.loads(json.dumps(BASE))
    if delete:
        data["layers"][index].pop(key, None)
    else:
        data["layers"][index][key] = value
    path = tmp_path / "net.json"
    path.write_text(json.dumps(data))
    check_outcome(path)


@SETTINGS
@given(key=st.sampled_from(INPUT_KEYS + ["name", "layers", "input"]), value=BAD_VALUES)
def test_json_top_and_input_fields_fuzzed(tmp_path, key, value):
    data = json.loads(json.dumps(BASE))
    if key in INPUT_KEYS:
        data["input"][key] = value
    else:
        data[key] = value
    path = tmp_path / "net.json"
    path.write_text(json.dumps(data))
    check_outcome(path)


def _toml_safe(value):
    return value is not None and not (isinstance(value, int) and abs(value) >= 2**63)


@SETTINGS
@given(
    suffix=st.sampled_from([".yaml", ".toml"]),
    key=st.sampled_from(LAYER_KEYS),
    value=BAD_VALUES.filter(_toml_safe),
)
def test_yaml_toml_layer_fields_fuzzed(tmp_path, suffix, key, value):
    data = json.loads(json.dumps(BASE))
    data["layers"][0][key] = value
    path = tmp_path / f"net{suffix}"
    write_structured(path, data)
    check_outcome(path)


@SETTINGS
@given(
    column=st.integers(min_value=1, max_value=len(CSV_ROW) - 1),
    cell=BAD_CELLS,
    bom=st.booleans(),
    trailing=st.sampled_from(["", ",", "\n,,,,,,,,\n"]),
)
def test_layer_csv_cells_fuzzed(tmp_path, column, cell, bom, trailing):
    row = list(CSV_ROW)
    row[column] = cell
    path = tmp_path / "net.csv"
    path.write_text(("\ufeff" if bom else "") + CSV_HEADER + "\n" + ",".join(row) + trailing + "\n")
    network = check_outcome(path)
    if network is not None:  # every accepted cell is an exact integer or fraction
        layer = network.layers[0]
        assert layer.in_height == int(float(row[2])) and float(row[2]) == layer.in_height


@SETTINGS
@given(column=st.integers(min_value=1, max_value=len(TOPOLOGY_ROW) - 1), cell=BAD_CELLS)
def test_topology_cells_fuzzed(tmp_path, column, cell):
    row = list(TOPOLOGY_ROW)
    row[column] = cell
    path = tmp_path / "topo.csv"
    path.write_text("\ufeff" + TOPOLOGY_HEADER + "\n" + ", ".join(row) + ",\n")
    check_outcome(path)


@pytest.mark.parametrize(
    ("layer_patch", "message"),
    [
        ({"filters": 3.7}, "layer 1 'conv1': filters must be a valid integer, got 3.7"),
        ({"filters": True}, "filters must be a valid integer, got True"),
        ({"filters": 10**400}, "filters must be at most 1048576 \\(MAX_CHANNELS\\)"),
        ({"ofmap_zero": None}, "ofmap_zero must be a valid number, got None"),
        ({"type": ["conv"]}, "type must be one of conv, fc, pool, global_pool, concat"),
        ({"dilation": 2}, "dilation must be 1: dilated convolutions are not supported"),
        ({"pad": MAX_PAD + 1}, "pad must be an integer"),
        ({"batch_n": MAX_BATCH_N + 1}, "batch_n must be at most 4096 \\(MAX_BATCH_N\\)"),
        ({"colour": 1}, "unknown key 'colour' for a conv layer"),
        ({"group": 3}, "group must be a valid string, got 3"),
    ],
)
def test_declarative_field_errors(tmp_path, layer_patch, message):
    data = json.loads(json.dumps(BASE))
    data["layers"][0].update(layer_patch)
    path = tmp_path / "net.json"
    path.write_text(json.dumps(data))
    with pytest.raises(AccelsimError, match=message):
        load_network(str(path))


@pytest.mark.parametrize(
    ("patch", "message"),
    [
        ({"input": {"channels": 3, "size": 1e300}}, "input.size must be a valid integer"),
        ({"input": {"channels": True, "size": 8}}, "input.channels must be a valid integer"),
        ({"input": {"channels": 3, "size": MAX_EXTENT + 1}}, "input.size must be at most 65536"),
        ({"input": {"channels": 3, "size": 8, "height": 8}}, "give size or height and width"),
        ({"input": {"channels": 4096, "size": 4096}}, "MACs per image; the limit is 1e\\+12"),
        ({"layers": {"conv1": {}}}, "layers must be a valid list"),
        ({"layers": []}, "layers must not be empty"),
        ({"layers": [7]}, "layer 1: expected a table, got 7"),
        ({"name": ["x"]}, "name must be a valid string"),
    ],
)
def test_declarative_document_errors(tmp_path, patch, message):
    path = tmp_path / "net.json"
    path.write_text(json.dumps({**BASE, **patch}))
    with pytest.raises(AccelsimError, match=message):
        load_network(str(path))


def test_pool_ceil_mode_string_is_refused(tmp_path):
    data = json.loads(json.dumps(BASE))
    data["layers"][1]["ceil_mode"] = "false"
    path = tmp_path / "net.yaml"
    path.write_text(yaml.safe_dump(data))
    with pytest.raises(AccelsimError, match="layer 2 'pool1': ceil_mode must be a valid boolean"):
        load_network(str(path))


def test_json_file_is_parsed_as_json(tmp_path):
    path = tmp_path / "net.json"
    path.write_text("input: {channels: 3, size: 8}\nlayers: [{name: a, type: conv}]\n")
    with pytest.raises(AccelsimError, match="cannot parse"):
        load_network(str(path))


@pytest.mark.parametrize(
    ("suffix", "text"),
    [
        (".json", "[" * 5000 + "]" * 5000),
        (".yaml", "a: &x [1, 2]\nb: [*x, *x]\n"),
        (".json", '{"input": {"channels": NaN, "size": 8}, "layers": []}'),
        (".yaml", "input: {channels: .inf, size: 8}\nlayers: []\n"),
    ],
)
def test_nesting_aliases_and_non_finite_are_refused(tmp_path, suffix, text):
    path = tmp_path / f"net{suffix}"
    path.write_text(text)
    with pytest.raises(AccelsimError, match="cannot parse"):
        load_network(str(path))


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ("c1,conv,8,1,,3,4,1,0.5", "layer 'c1': in_channels is empty"),
        ("c1,conv,inf,1,3,3,4,1,0.5", "layer 'c1': input_size must be an integer, got 'inf'"),
        ("c1,conv,1e300,1,3,3,4,1,0.5", "input_size must be an integer, got '1e300'"),
        ("c1,conv,8,1,3.7,3,4,1,0.5", "in_channels must be an integer, got '3.7'"),
        ("c1,conv,8,1,3,3,4,1,nan", "ofmap_sparsity must be a number, got 'nan'"),
        ("c1,conv,8,1,3,3,4,1,1.5", "ofmap_sparsity must be in \\[0, 1\\], got 1.5"),
        (
            f"c1,conv,8,1,3,3,{MAX_CHANNELS + 1},1,0",
            "filters 1048577 exceeds 1048576 \\(MAX_CHANNELS\\)",
        ),
        ("c1,pool,8,1,3,3,4,1,0", "kind must be conv or fc, got 'pool'"),
        ("c1,conv,8,1,3,3,4,1,0\nc1,conv,8,1,3,3,4,1,0", "duplicate layer name 'c1'"),
    ],
)
def test_layer_csv_cell_errors(tmp_path, row, message):
    path = tmp_path / "net.csv"
    path.write_text(CSV_HEADER + "\n" + row + "\n")
    with pytest.raises(AccelsimError, match=message):
        load_network(str(path))


def test_layer_csv_from_a_spreadsheet_loads(tmp_path):
    path = tmp_path / "net.csv"
    path.write_text("\ufeff" + CSV_HEADER + ",\n" + ",".join(CSV_ROW) + ",\n,,,,,,,,,\n")
    network = load_network(str(path))
    assert [layer.name for layer in network] == ["c1"]
    assert network.layers[0].ofmap_zero == 0.5


def test_layer_csv_dilation_and_duplicate_columns(tmp_path):
    path = tmp_path / "net.csv"
    path.write_text(CSV_HEADER + ",dilation\n" + ",".join(CSV_ROW) + ",2\n")
    with pytest.raises(AccelsimError, match="dilation '2' is not supported"):
        load_network(str(path))
    path.write_text(CSV_HEADER + ",dilation\n" + ",".join(CSV_ROW) + ",1\n")
    assert len(load_network(str(path))) == 1
    path.write_text(CSV_HEADER + ",stride\n" + ",".join(CSV_ROW) + ",1\n")
    with pytest.raises(AccelsimError, match="column 'stride' appears twice"):
        load_network(str(path))


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ("Conv1, inf, 31, 5, 5, 96, 256, 1,", "IFMAP Height must be an integer, got 'inf'"),
        ("Conv1, 31, 31, 5, 5, , 256, 1,", "Channels is empty"),
        (
            "Conv1, 99999999999999999999, 31, 5, 5, 96, 256, 1,",
            "IFMAP Height 99999999999999999999 exceeds 65536",
        ),
        ("DP1, 64, 64, 3, 3, 1000000, 1000, 1,", "out_channels 1000000000 exceeds 1048576"),
    ],
)
def test_topology_errors(tmp_path, row, message):
    path = tmp_path / "topo.csv"
    path.write_text("\ufeff" + TOPOLOGY_HEADER + "\n" + row + "\n")
    with pytest.raises(AccelsimError, match=message):
        load_network(str(path))


def test_gemm_beyond_the_mac_bound_is_refused(tmp_path):
    path = tmp_path / "gemm.csv"
    path.write_text("Layer, M, N, K\ng, 65536, 65536, 65536\n")
    with pytest.raises(AccelsimError, match="MAX_LAYER_MACS"):
        load_network(str(path))


def test_real_sizes_are_admitted(tmp_path):
    data = {
        "input": {"channels": 3, "size": 1024},
        "layers": [
            {"name": "c1", "type": "conv", "filters": 64, "size": 3, "pad": 1, "batch_n": 256},
            {"name": "c2", "type": "conv", "filters": 4096, "size": 1, "stride": 8},
        ],
    }
    path = tmp_path / "big.json"
    path.write_text(json.dumps(data))
    network = load_network(str(path))
    assert network.shape_of("c2").channels == 4096


def test_non_string_network_spec_is_refused():
    with pytest.raises(AccelsimError, match="network must be a built-in name or a file path"):
        load_network(["alexnet"])


@pytest.mark.parametrize("suffix", [".json", ".csv"])
def test_a_long_chain_loads_in_linear_time(tmp_path, suffix):
    def write(n):
        path = tmp_path / f"chain{n}{suffix}"
        if suffix == ".json":
            layers = [{"name": f"c{i}", "type": "conv", "filters": 4, "size": 1} for i in range(n)]
            path.write_text(json.dumps({"input": {"channels": 4, "size": 8}, "layers": layers}))
        else:
            rows = "".join(f"c{i},8,4,1,4,1\n" for i in range(n))
            path.write_text("name,input_size,in_channels,filter_size,filters,stride\n" + rows)
        return path

    def seconds(path):
        times = []
        for _ in range(3):  # the least of 3: a loaded machine inflates single runs
            start = time.process_time()
            assert len(load_network(str(path))) > 0
            times.append(time.process_time() - start)
        return min(times)

    small, large = write(1_000), write(8_000)
    seconds(small)  # warm up
    ratio = seconds(large) / max(seconds(small), 1e-3)
    assert ratio < 8 * 3, ratio  # linear is 8; quadratic would be 64
    assert math.isfinite(ratio)


JSON_DATA = st.recursive(
    st.one_of(
        st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), st.text(max_size=4)
    ),
    lambda children: st.one_of(
        st.lists(children, max_size=4), st.dictionaries(st.text(max_size=6), children, max_size=4)
    ),
    max_leaves=12,
)


@SETTINGS
@given(where=st.sampled_from(["document", "input", "layer", "layers"]), data=JSON_DATA)
def test_arbitrary_json_structures(tmp_path, where, data):
    document = json.loads(json.dumps(BASE))
    if where == "document":
        document = data
    elif where == "input":
        document["input"] = data
    elif where == "layer":
        document["layers"][2] = data
    else:
        document["layers"] = data
    path = tmp_path / "net.json"
    path.write_text(json.dumps(document))
    check_outcome(path)

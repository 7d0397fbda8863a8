"""Loading networks from per-layer CSV, SCALE-Sim topologies and declarative JSON/TOML/YAML."""

import json

import pytest

from accelsim.errors import AccelsimError
from accelsim.workload.builtin import builtin_network
from accelsim.workload.loaders import load_network

HEADER = "name,kind,input_size,pad,in_channels,filter_size,filters,stride,output_size\n"


def test_layer_csv_roundtrips_the_packaged_files(tmp_path):
    from importlib import resources

    src = resources.files("accelsim") / "data" / "networks" / "googlenet.csv"
    path = tmp_path / "g.csv"
    path.write_text(src.read_text())
    net = load_network(str(path))
    assert net.is_layer_list
    builtin = builtin_network("googlenet")
    assert [(a.macs, a.ifmap_zero, a.padded_height) for a in net.compute_layers] == [
        (b.macs, b.ifmap_zero, b.padded_height) for b in builtin.compute_layers
    ]


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ("c1,conv,8,0,3,3,4,1,7", "out_height 7 does not follow"),
        ("c1,conv,8,0,3,11,4,1,", "filter_height 11 exceeds the padded input height 8"),
        ("c1,conv,8,0,-3,3,4,1,", "in_channels must be positive, got -3"),
        ("c1,conv,8,0.3,3,3,4,1,", "pad must be a non-negative integer or x.5"),
        ("c1,conv,eight,0,3,3,4,1,", "input_size must be an integer, got 'eight'"),
        (",conv,8,0,3,3,4,1,", "empty name"),
    ],
)
def test_layer_csv_errors(tmp_path, row, message):
    path = tmp_path / "bad.csv"
    path.write_text(HEADER + row + "\n")
    with pytest.raises(AccelsimError, match=message):
        load_network(str(path))


def test_layer_csv_unknown_and_missing_columns(tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text(
        "name,input_size,in_channels,filter_size,filters,stride,colour\nc,8,3,3,4,1,red\n"
    )
    with pytest.raises(AccelsimError, match="unknown column 'colour'"):
        load_network(str(path))
    path.write_text("name,input_size,in_channels,filter_size,filters\nc,8,3,3,4\n")
    with pytest.raises(AccelsimError, match="missing column 'stride'"):
        load_network(str(path))


def test_scalesim_topology(tmp_path):
    path = tmp_path / "topo.csv"
    path.write_text(
        "Layer name, IFMAP Height, IFMAP Width, Filter Height, Filter Width, Channels, "
        "Num Filter, Strides,\nConv1, 227, 227, 11, 11, 3, 96, 4,\n"
        "Conv2, 31, 31, 5, 5, 96, 256, 1,\n"
    )
    net = load_network(str(path))
    assert [layer.out_height for layer in net.layers] == [55, 27]
    assert net.layers[1].macs == 5 * 5 * 96 * 256 * 27 * 27


DECLARED = {
    "name": "tiny",
    "input": {"channels": 3, "size": 32, "zero": 0.0},
    "layers": [
        {"name": "conv1", "type": "conv", "filters": 16, "size": 3, "pad": 1, "ofmap_zero": 0.5},
        {"name": "pool1", "type": "pool", "size": 2, "stride": 2, "ofmap_zero": 0.4},
        {"name": "a", "type": "conv", "filters": 8, "size": 1, "inputs": "pool1"},
        {"name": "b", "type": "conv", "filters": 8, "size": 3, "pad": 1, "inputs": ["pool1"]},
        {"name": "cat", "type": "concat", "inputs": ["a", "b"]},
        {"name": "gap", "type": "global_pool"},
        {"name": "fc", "type": "fc", "outputs": 10},
    ],
}


def test_declarative_json_yaml_toml(tmp_path):
    import tomli_w
    import yaml

    paths = [tmp_path / "n.json", tmp_path / "n.yaml", tmp_path / "n.toml"]
    paths[0].write_text(json.dumps(DECLARED))
    paths[1].write_text(yaml.safe_dump(DECLARED))
    paths[2].write_text(tomli_w.dumps(DECLARED))
    nets = [load_network(str(p)) for p in paths]
    for net in nets:
        assert net.shape_of("cat").channels == 16
        assert net.shape_of("fc").channels == 10
        assert not net.is_layer_list
    assert nets[0] == nets[1] == nets[2]


@pytest.mark.parametrize(
    ("patch", "message"),
    [
        (
            {"layers": [{"name": "x", "type": "conv", "filters": 4, "size": 3, "colour": 1}]},
            "unknown key 'colour'",
        ),
        ({"layers": [{"name": "x", "type": "magic"}]}, "type must be one of"),
        (
            {"layers": [{"name": "x", "type": "conv", "filters": 4, "size": 40}]},
            "filter_height 40 exceeds",
        ),
        (
            {"layers": [{"name": "x", "type": "conv", "filters": -4, "size": 3}]},
            "layer 1 'x': filters must be greater than or equal to 1, got -4",
        ),
        (
            {"layers": [{"name": "x", "type": "conv", "filters": 4, "size": 3, "inputs": "y"}]},
            "no layer named 'y'",
        ),
        ({"input": {"channels": 3}}, "input needs height and width \\(or size\\)"),
        ({"extra": 1}, "unknown key 'extra'"),
    ],
)
def test_declarative_errors(tmp_path, patch, message):
    path = tmp_path / "n.json"
    path.write_text(json.dumps({**DECLARED, **patch}))
    with pytest.raises(AccelsimError, match=message):
        load_network(str(path))


def test_missing_file():
    with pytest.raises(AccelsimError, match="does not exist"):
        load_network("/nonexistent/net.csv")


def test_binary_file_is_a_one_line_error(tmp_path):
    path = tmp_path / "net.yaml"
    path.write_bytes(b"\x00\x01\xff")
    with pytest.raises(AccelsimError, match="is not UTF-8 text"):
        load_network(str(path))


def test_zero_fractions_flow_along_the_graph(tmp_path):
    spec = json.loads(json.dumps(DECLARED))
    spec["input"]["zero"] = 0.25
    path = tmp_path / "n.json"
    path.write_text(json.dumps(spec))
    net = load_network(str(path))
    assert net.layer("conv1").unpadded_ifmap_zero == 0.25  # the image's
    assert net.layer("a").unpadded_ifmap_zero == 0.4  # pool1's output
    assert net.layer("cat").ofmap_zero == 0.0  # a and b state no output zeros
    spec["layers"][2]["ofmap_zero"] = 0.5
    spec["layers"][3]["ofmap_zero"] = 0.75
    path.write_text(json.dumps(spec))
    net = load_network(str(path))
    assert net.layer("cat").ofmap_zero == 0.625
    assert net.layer("gap").ofmap_zero == 0.625  # a pool without a stated value keeps its input's


@pytest.mark.parametrize(
    ("patch", "message"),
    [
        ({"size": [3]}, "size must be an integer or \\[height, width\\]"),
        ({"size": "3"}, "size must be an integer or \\[height, width\\]"),
        ({"pad": 1.5}, "pad must be an integer"),
    ],
)
def test_declarative_sizes_name_the_field(tmp_path, patch, message):
    spec = json.loads(json.dumps(DECLARED))
    spec["layers"][0].update(patch)
    path = tmp_path / "n.json"
    path.write_text(json.dumps(spec))
    with pytest.raises(AccelsimError, match=message):
        load_network(str(path))

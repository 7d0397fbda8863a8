"""Measured zero fractions replace a network's own: from a CSV, real activations or a mapping;
strict parsing, one-line errors naming the file, line and column."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import accelsim
from accelsim.errors import AccelsimError
from accelsim.workload.builtin import builtin_network
from accelsim.workload.layer import TensorShape
from accelsim.workload.network import NetworkBuilder
from accelsim.workload.zeros import LayerZeros, read_zeros, with_zeros


def write(tmp_path, text: str, name: str = "zeros.csv"):
    path = tmp_path / name
    path.write_text(text)
    return path


def tiny():
    b = NetworkBuilder("tiny", TensorShape(3, 8, 8), 0.0)
    b.conv("a", 4, 3, pad=1, ofmap_zero=0.3)
    b.pool("p", 2, 2)
    b.conv("b", 4, 3, pad=1, ofmap_zero=0.2)
    b.add("sum", ["b", "p"])
    b.flatten("flat")
    b.fc("fc", 10)
    return b.build()


def test_rows_set_outputs_and_readers_follow(tmp_path):
    path = write(
        tmp_path, "layer,ofmap_zero,ifmap_zero\ninput,0.1,\na,0.6,\nb,0.5,0.25\nsum,0.4,\n"
    )
    net = with_zeros(tiny(), path)
    assert net.input_zero == 0.1 and net.layer("a").unpadded_ifmap_zero == 0.1
    assert net.layer("a").ofmap_zero == 0.6
    assert net.layer("p").ofmap_zero == 0.3  # no row: kept (b reads p, so b keeps its input)
    assert net.layer("b").unpadded_ifmap_zero == 0.25 and net.layer("b").ofmap_zero == 0.5
    # the padded fraction follows from the padding: 64 values of which 75 % non-zero in 100
    assert net.layer("b").ifmap_zero == pytest.approx(1 - 0.75 * 16 / 36)
    assert net.layer("flat").ofmap_zero == 0.4  # a flatten keeps its input's words
    assert net.layer("fc").unpadded_ifmap_zero == 0.4
    assert net.macs == tiny().macs and [x.name for x in net] == [x.name for x in tiny()]


def test_mapping_and_api_export():
    net = accelsim.with_zeros(
        builtin_network("resnet18"), {"conv1": 0.7, "fc": LayerZeros(0.0, 0.2)}
    )
    assert net.layer("conv1").ofmap_zero == 0.7 and net.layer("maxpool").ofmap_zero == 0.44
    assert net.layer("fc").unpadded_ifmap_zero == 0.2
    assert builtin_network("resnet18").layer("conv1").ofmap_zero == 0.44  # the built-in unchanged


def test_activations_give_exact_zero_fractions(tmp_path):
    conv1 = np.ones((2, 64, 112, 112), dtype=np.float32)
    conv1[:, :16] = 0.0  # a quarter of the channels
    path = tmp_path / "acts.npz"
    np.savez(path, conv1=conv1, input=np.ones((3, 224, 224), dtype=np.float16))
    net = with_zeros(builtin_network("resnet18"), path)
    assert net.layer("conv1").ofmap_zero == 0.25 and net.input_zero == 0.0
    with pytest.raises(AccelsimError, match=r"array 'conv1' has 7 values, not a whole number"):
        np.savez(tmp_path / "bad.npz", conv1=np.ones(7))
        with_zeros(builtin_network("resnet18"), tmp_path / "bad.npz")
    np.save(tmp_path / "nope.npy", np.ones(4))
    with pytest.raises(AccelsimError, match=r"array 'nope' is not a layer of network 'resnet18'"):
        with_zeros(builtin_network("resnet18"), tmp_path / "nope.npy")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", r"zeros\.csv': is empty"),
        ("layer,ofmap_zero\n", r"has no rows"),
        ("layer\nconv1\n", r"missing column 'ofmap_zero'"),
        ("layer,ofmap_zero,extra\n", r"unknown column 'extra'"),
        ("layer,ofmap_zero,layer\n", r"column 'layer' appears twice"),
        ("layer,ofmap_zero\nconv1,1.5\n", r"line 2: ofmap_zero must be in \[0, 1\], got 1.5"),
        ("layer,ofmap_zero\nconv1,nan\n", r"line 2: ofmap_zero must be a number, got 'nan'"),
        ("layer,ofmap_zero\nconv1,\n", r"line 2: ofmap_zero is empty"),
        ("layer,ofmap_zero\n,0.5\n", r"line 2: layer is empty"),
        ("layer,ofmap_zero\nconv1,0.5,0.2\n", r"line 2: 3 cells, the header has 2"),
        ("layer,ofmap_zero\nconv1,0.5\n\nconv1,0.4\n", r"line 4: layer 'conv1' appears twice"),
        ("layer,ofmap_zero\nconv1,0.5\nnope,0.1\n", r"line 3: layer 'nope' is not a layer of"),
        ("layer,ofmap_zero,ifmap_zero\nmaxpool,0.5,0.1\n", r"line 2: layer 'maxpool' is a pool"),
        ("layer,ofmap_zero,ifmap_zero\ninput,0.5,0.1\n", r"line 2: 'input' \(the image\) has no"),
        ("layer,ofmap_zero,ifmap_zero\nfc,0.1,-0.1\n", r"line 2: ifmap_zero must be in \[0, 1\]"),
    ],
)
def test_bad_files_are_one_line_errors(tmp_path, text, message):
    path = write(tmp_path, text)
    with pytest.raises(AccelsimError, match=message) as caught:
        with_zeros(builtin_network("resnet18"), path)
    assert "\n" not in str(caught.value) and f"zeros file '{path}'" in str(caught.value)


def test_bad_mappings():
    net = builtin_network("mobilenet_v2")
    with pytest.raises(AccelsimError, match=r"zeros: layer 'features.0.0': ofmap_zero must be"):
        with_zeros(net, {"features.0.0": 2.0})
    with pytest.raises(AccelsimError, match=r"zeros: layer 'x' is not a layer"):
        with_zeros(net, {"x": 0.5})
    with pytest.raises(AccelsimError, match=r"zeros must be a mapping of layer names or a file"):
        with_zeros(net, 0.5)  # type: ignore[arg-type]
    with pytest.raises(AccelsimError, match=r"ofmap_zero must be a number in \[0, 1\], got True"):
        LayerZeros(True)  # type: ignore[arg-type]


def test_a_missing_file(tmp_path):
    with pytest.raises(AccelsimError, match=r"zeros file '.*none.csv' does not exist"):
        read_zeros(tmp_path / "none.csv")


@given(
    st.dictionaries(
        st.sampled_from([layer.name for layer in builtin_network("mobilenet_v1")]),
        st.floats(0.0, 1.0),
        min_size=1,
    )
)
def test_round_trip_through_a_file_keeps_every_value(tmp_path_factory, zeros):
    """Any set of rows written with repr() reads back exactly and lands on its layers; the
    MACs and the DAG are unchanged."""
    path = tmp_path_factory.mktemp("z") / "zeros.csv"
    path.write_text("layer,ofmap_zero\n" + "".join(f"{k},{v!r}\n" for k, v in zeros.items()))
    assert {k: v.ofmap_zero for k, v in read_zeros(path).items()} == zeros
    base = builtin_network("mobilenet_v1")
    net = with_zeros(base, path)
    for name, value in zeros.items():
        assert net.layer(name).ofmap_zero == value
    effective = dict(zeros)
    if "reshape_1" not in zeros and "global_average_pooling2d" in zeros:  # a flatten passes it on
        effective["reshape_1"] = zeros["global_average_pooling2d"]
    for layer in net.compute_layers:
        (source,) = layer.inputs
        if source in effective:
            assert layer.unpadded_ifmap_zero == effective[source]
        else:
            assert layer.unpadded_ifmap_zero == base.layer(layer.name).unpadded_ifmap_zero
    assert net.macs == base.macs and net.shape_of("conv_preds") == base.shape_of("conv_preds")


@given(
    st.text(alphabet="layer,ofmap_zeroifmap_\n\"'0123456789.-+eE x\t\r\x00é", max_size=80),
    st.sampled_from(["", "layer,ofmap_zero\n", "layer,ofmap_zero,ifmap_zero\n"]),
)
def test_any_text_reads_or_fails_in_one_line(tmp_path_factory, text, header):
    path = tmp_path_factory.mktemp("z") / "zeros.csv"
    path.write_text(header + text)
    try:
        net = with_zeros(builtin_network("resnet18"), path)
    except AccelsimError as exc:
        message = str(exc)
        assert "\n" not in message and message.startswith(f"zeros file '{path}'")
    else:
        assert net.macs == builtin_network("resnet18").macs


def test_a_layer_list_takes_rows_without_chaining_them(tmp_path):
    """In a layer list every layer reads an input of its own: an `input` row sets the network's
    image fraction only, and a layer's row does not reach the next layer."""
    csv_net = tmp_path / "net.csv"
    csv_net.write_text(
        "name,input_size,in_channels,filter_size,filters,stride,ifmap_sparsity,ofmap_sparsity\n"
        "c1,8,3,3,4,1,0.1,0.2\nc2,6,4,3,4,1,0.3,0.4\n"
    )
    net = accelsim.load_network(str(csv_net))
    path = write(tmp_path, "layer,ofmap_zero\ninput,0.5\nc1,0.9\n")
    out = with_zeros(net, path)
    assert out.input_zero == 0.5 and out.layer("c1").ofmap_zero == 0.9
    assert out.layer("c1").unpadded_ifmap_zero == 0.1 and out.layer("c2").unpadded_ifmap_zero == 0.3

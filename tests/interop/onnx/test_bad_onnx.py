"""Bad ONNX files end in one AccelsimError line naming the file (and the node, when one is at
fault): truncated, not ONNX, cycles, missing inputs, zero sizes, huge sizes; and a fuzz that
mutates the bytes of a small valid model and never gets another exception."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from onnx import helper

import accelsim.interop.onnx.wire as wire
from accelsim.errors import AccelsimError
from accelsim.interop.onnx import load_onnx
from accelsim.workload.network import Network

from .models import conv_net, external, ints, model, node, save, weight


def error_of(path, **options) -> str:
    with pytest.raises(AccelsimError) as info:
        load_onnx(path, **options)
    message = str(info.value)
    assert "\n" not in message and str(path) in message, message
    return message


def test_truncated_files(tmp_path):
    data = conv_net().SerializeToString()
    for cut in (1, 7, len(data) // 3, len(data) // 2, len(data) - 1):
        path = tmp_path / "cut.onnx"
        path.write_bytes(data[:cut])
        error_of(path)


@pytest.mark.parametrize(
    ("content", "fragment"),
    [
        (b"", "is empty"),
        (b"name,input_size\nconv1,224\n", "not an ONNX model"),
        (b"\x89PNG\r\n\x1a\n" + bytes(100), "not an ONNX model"),
        (b"\x08\x07", "no graph nodes"),  # ir_version 7 and nothing else
        (b"\x3a\xff\xff\xff\xff\x0f", "runs past the end"),  # a graph of 4 GiB
        (b"\x3b", "unsupported wire type"),
    ],
)
def test_files_that_are_not_onnx(tmp_path, content, fragment):
    path = tmp_path / "x.onnx"
    path.write_bytes(content)
    assert fragment in error_of(path)


@pytest.mark.parametrize("name", [b"conv1", b"relu1", b"Gemm", b"w2"])
def test_names_that_are_not_utf8(tmp_path, name):
    """Found by the fuzz: protobuf hands invalid UTF-8 strings over as bytes."""
    data = conv_net().SerializeToString()
    assert name in data
    path = tmp_path / "names.onnx"
    path.write_bytes(data.replace(name, name[:-1] + b"\xff"))
    assert "a name is not UTF-8 text" in error_of(path)


def test_a_directory_or_a_missing_file(tmp_path):
    assert "does not exist" in error_of(tmp_path / "missing.onnx")
    (tmp_path / "dir.onnx").mkdir()
    assert "is a directory" in error_of(tmp_path / "dir.onnx")


def test_a_cycle_names_a_node_on_it(tmp_path):
    m = model(
        [
            node("Add", ["x", "b"], ["a"], "first"),
            node("Relu", ["a"], ["b"], "second"),
            node("Relu", ["b"], ["y"], "last"),
        ],
        [],
    )
    assert "node 'first' (Add) is on a cycle" in error_of(save(m, tmp_path / "c.onnx"))


def test_a_missing_input_names_the_node_and_the_tensor(tmp_path):
    m = model([node("Add", ["x", "nowhere"], ["y"], "add")], [])
    message = error_of(save(m, tmp_path / "m.onnx"))
    assert "node 'add' (Add): input 'nowhere' is not produced" in message


def test_zero_size_tensors(tmp_path):
    m = model([node("Conv", ["x", "w"], ["y"], "conv")], [external("w", 0, 3, 3, 3)])
    assert "zero size" in error_of(save(m, tmp_path / "z.onnx"))


def test_huge_dimensions(tmp_path):
    m = model([node("Conv", ["x", "w"], ["y"], "conv")], [external("w", 2**20 + 1, 3, 1, 1)])
    message = error_of(save(m, tmp_path / "h.onnx"))
    assert "node 'conv' (Conv)" in message and "out_channels" in message
    m = model([node("Relu", ["x"], ["y"], "relu")], [])
    message = error_of(save(m, tmp_path / "big.onnx"), input_shape=(4096, 65536, 65536))
    assert "MAX_TENSOR_WORDS" in message
    m = model([node("Relu", ["x"], ["y"], "relu")], [], ["N", 3, 10**12, 8])
    assert "height 1000000000000 is not in" in error_of(save(m, tmp_path / "d.onnx"))


def test_inputs_the_importer_does_not_take(tmp_path):
    from onnx import TensorProto, helper

    two = [helper.make_tensor_value_info(n, TensorProto.FLOAT, [1, 3, 8, 8]) for n in "xz"]
    m = model([node("Add", ["x", "z"], ["y"], "add")], [], inputs=two)
    assert "has 2 inputs" in error_of(save(m, tmp_path / "two.onnx"))
    m = model([node("Relu", ["x"], ["y"], "relu")], [], [1, 3])
    assert "rank 2" in error_of(save(m, tmp_path / "rank.onnx"))


def test_shape_errors_name_the_node(tmp_path):
    m = model([node("Conv", ["x", "w"], ["y"], "conv")], [weight("w", 4, 5, 3, 3)])
    message = error_of(save(m, tmp_path / "s.onnx"))
    assert "node 'conv' (Conv): 3 input channels do not match weights [4, 5, 3, 3]" in message
    m = model([node("Add", ["x", "b"], ["y"], "add")], [weight("b", 5)])
    message = error_of(save(m, tmp_path / "s.onnx"))
    assert "shape inference failed" in message and "node name: add" in message


@pytest.mark.parametrize("value", [[1, 0], "yes", 1.5])
def test_attributes_of_the_wrong_type(tmp_path, value):
    """Found by the fuzz: an integer attribute that is a list, a string, a float."""
    m = conv_net()
    gemm = m.graph.node[-1]
    del gemm.attribute[:]
    gemm.attribute.append(helper.make_attribute("transB", value))
    message = error_of(save(m, tmp_path / "a.onnx"))  # by shape inference or the importer
    assert "node 'fc' (Gemm): attribute transB must be an integer" in message or (
        "shape inference failed" in message and "node name: fc" in message
    )


def test_a_malformed_small_initializer(tmp_path):
    m = model([node("Reshape", ["x", "shape"], ["y"], "reshape")], [ints("shape", [1, -1])])
    m.graph.initializer[0].raw_data = b"\x01\x02\x03"  # 3 bytes for two int64
    del m.graph.initializer[0].int64_data[:]
    error_of(save(m, tmp_path / "bad.onnx"))


def test_weights_are_never_read(tmp_path, monkeypatch):
    """A model of 3 MB of weights: the reader reads a few kB of it."""
    m = conv_net()
    m.graph.initializer.append(weight("unused", 1024, 768))
    path = save(m, tmp_path / "w.onnx")
    read = []
    original = wire._read

    def counting(f, n):
        read.append(n)
        return original(f, n)

    monkeypatch.setattr(wire, "_read", counting)
    net = load_onnx(path)
    assert isinstance(net, Network) and net.macs == conv_net_macs()
    assert sum(read) < 64 * 1024 < path.stat().st_size // 40


def conv_net_macs() -> int:
    return 8 * 27 * 64 + 10 * 128


SMALL = conv_net().SerializeToString()


@st.composite
def mutated_bytes(draw) -> bytes:
    data = bytearray(SMALL)
    for _ in range(draw(st.integers(1, 4))):
        kind = draw(st.sampled_from(["flip", "set", "cut", "insert", "delete"]))
        if not data:
            break
        at = draw(st.integers(0, max(0, len(data) - 1)))
        if kind == "flip":
            data[at] ^= 1 << draw(st.integers(0, 7))
        elif kind == "set":
            data[at] = draw(st.sampled_from([0, 1, 0x7F, 0x80, 0xFF, 0x3A, 0x08]))
        elif kind == "cut":
            del data[at:]
        elif kind == "insert":
            data[at:at] = draw(st.binary(min_size=1, max_size=8))
        else:
            del data[at : at + draw(st.integers(1, 16))]
    return bytes(data)


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=mutated_bytes(), keep=st.sampled_from([16, wire.KEEP_TENSOR_BYTES]))
def test_mutated_bytes_import_or_fail_in_one_line(tmp_path, monkeypatch, data, keep):
    """Whatever the bytes: a network, or one AccelsimError line naming the file."""
    monkeypatch.setattr(wire, "KEEP_TENSOR_BYTES", keep)  # 16: the weights are skipped
    path = tmp_path / "fuzz.onnx"
    path.write_bytes(data)
    try:
        net = load_onnx(path)
    except AccelsimError as exc:
        message = str(exc)
        assert "\n" not in message and str(path) in message, message
        return
    assert isinstance(net, Network) and net.macs >= 0

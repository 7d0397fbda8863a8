"""Reading an ONNX file without its weights: the protobuf wire format, walked from the file.

An ONNX model is one protobuf message (`ModelProto`); its graph (field 7) holds the initializers
(field 5, `TensorProto`), which hold nearly all of a file's bytes. The importer needs only their
names, element types and dimensions (and the values of small ones, such as the target of a
Reshape), so this module copies the file message by message and leaves out the data fields of
every initializer larger than `KEEP_TENSOR_BYTES`: those bytes are skipped with a seek and never
read. What it returns is a valid, small `ModelProto` serialisation for `onnx` to parse, and the
names of the tensors whose values were left out.

Every malformed length, tag or wire type is an `AccelsimError` naming the file and the byte offset.
"""

from __future__ import annotations

from typing import BinaryIO

from accelsim.errors import AccelsimError

KEEP_TENSOR_BYTES = 1 << 16
"""Initializers up to 64 KiB (shape targets, slice bounds, clip limits, a classifier's biases)
keep their values; larger ones (weights) are reduced to name, type and dimensions."""

MODEL_GRAPH = 7
GRAPH_INITIALIZER = 5
TENSOR_NAME = 8
TENSOR_DATA_FIELDS = frozenset({4, 5, 6, 7, 9, 10, 11})
"""float_data, int32_data, string_data, int64_data, raw_data, double_data, uint64_data."""

MAX_VARINT_BYTES = 10


class WireError(Exception):
    """A malformed protobuf; `offset` is where in the file."""

    def __init__(self, message: str, offset: int) -> None:
        super().__init__(message)
        self.offset = offset


def _varint(f: BinaryIO) -> tuple[int, bytes]:
    """A varint and its bytes."""
    raw = bytearray()
    value = shift = 0
    while True:
        byte = f.read(1)
        if not byte:
            raise WireError("the file ends inside a field", f.tell())
        raw += byte
        value |= (byte[0] & 0x7F) << shift
        if not byte[0] & 0x80:
            return value, bytes(raw)
        shift += 7
        if len(raw) >= MAX_VARINT_BYTES:
            raise WireError("a varint is longer than 10 bytes", f.tell())


def _encode_varint(value: int) -> bytes:
    out = bytearray()
    while True:
        low = value & 0x7F
        value >>= 7
        if value:
            out.append(low | 0x80)
        else:
            out.append(low)
            return bytes(out)


def _read(f: BinaryIO, n: int) -> bytes:
    data = f.read(n)
    if len(data) != n:
        raise WireError(f"the file ends {n - len(data)} bytes early", f.tell())
    return data


def _field(f: BinaryIO, end: int) -> tuple[int, int, bytes, bytes, int]:
    """The next field before `end`: (number, wire type, its tag bytes, its tag and length
    bytes, payload size) for a length-delimited field; other fields have the value's bytes in
    the header and a payload size of 0."""
    start = f.tell()
    tag, tag_bytes = _varint(f)
    number, wire = tag >> 3, tag & 7
    if number == 0:
        raise WireError("field number 0", start)
    if wire == 0:
        _, value = _varint(f)
        header, size = tag_bytes + value, 0
    elif wire == 1:
        header, size = tag_bytes + _read(f, 8), 0
    elif wire == 5:
        header, size = tag_bytes + _read(f, 4), 0
    elif wire == 2:
        length, length_bytes = _varint(f)
        header, size = tag_bytes + length_bytes, length
    else:
        raise WireError(f"unsupported wire type {wire}", start)
    if f.tell() + size > end:
        raise WireError(f"a field of {size} bytes runs past the end of its message", start)
    return number, wire, tag_bytes, header, size


def _copy(f: BinaryIO, header: bytes, size: int) -> bytes:
    return header + _read(f, size) if size else header


def _tensor(f: BinaryIO, size: int, stripped: list[str]) -> bytes:
    """A TensorProto of `size` bytes; above KEEP_TENSOR_BYTES without its data fields."""
    if size <= KEEP_TENSOR_BYTES:
        return _read(f, size)
    end = f.tell() + size
    out = bytearray()
    name = b""
    while f.tell() < end:
        number, wire, tag, header, length = _field(f, end)
        if number in TENSOR_DATA_FIELDS:
            f.seek(length, 1)
            continue
        payload = _read(f, length) if length else b""
        if number == TENSOR_NAME and wire == 2:
            name = payload
        out += header + payload
    stripped.append(name.decode("utf-8", "replace"))
    return bytes(out)


def _graph(f: BinaryIO, size: int, stripped: list[str]) -> bytes:
    end = f.tell() + size
    out = bytearray()
    while f.tell() < end:
        number, wire, tag, header, length = _field(f, end)
        if number == GRAPH_INITIALIZER and wire == 2:
            tensor = _tensor(f, length, stripped)
            out += tag + _encode_varint(len(tensor)) + tensor
        else:
            out += _copy(f, header, length)
    return bytes(out)


def read_model_bytes(f: BinaryIO, size: int) -> tuple[bytes, list[str]]:
    """The ModelProto in `f` (of `size` bytes) without the data of its large initializers, and
    the names of the initializers whose data was left out. Raises WireError."""
    out = bytearray()
    stripped: list[str] = []
    while f.tell() < size:
        number, wire, tag, header, length = _field(f, size)
        if number == MODEL_GRAPH and wire == 2:
            graph = _graph(f, length, stripped)
            out += tag + _encode_varint(len(graph)) + graph
        else:
            out += _copy(f, header, length)
    return bytes(out), stripped


def strip_file(path: str, size: int, origin: str) -> tuple[bytes, list[str]]:
    """`read_model_bytes` of a file, a malformed one an AccelsimError naming `origin`."""
    try:
        with open(path, "rb") as f:
            return read_model_bytes(f, size)
    except WireError as exc:
        raise AccelsimError(f"{origin} is not an ONNX model ({exc} at byte {exc.offset})") from None
    except OSError as exc:
        raise AccelsimError(f"{origin}: {exc.strerror or exc}") from None

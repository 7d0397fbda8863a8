"""Activation files: numeric arrays load exactly; truncated, corrupt, hostile or non-numeric files
end in one line naming the file (and the array)."""

import io
import zipfile

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from accelsim.coding import activation_files
from accelsim.coding.rlc import load_activations
from accelsim.errors import AccelsimError


def _npy(array: np.ndarray, **kwargs) -> bytes:
    buffer = io.BytesIO()
    np.save(buffer, array, **kwargs)
    return buffer.getvalue()


def _npz(**arrays: np.ndarray) -> bytes:
    buffer = io.BytesIO()
    np.savez_compressed(buffer, **arrays)
    return buffer.getvalue()


def _error(path, data: bytes) -> str:
    path.write_bytes(data)
    with pytest.raises(AccelsimError) as info:
        load_activations(path)
    message = str(info.value)
    assert "\n" not in message and str(path) in message and len(message) < 400
    return message


def test_round_trip(tmp_path):
    a = np.arange(24, dtype=np.int16).reshape(2, 3, 4)
    b = np.asfortranarray(np.ones((3, 5), dtype=">f4"))
    (tmp_path / "conv1.npy").write_bytes(_npy(a))
    assert np.array_equal(load_activations(tmp_path / "conv1.npy")["conv1"], a)
    (tmp_path / "acts.npz").write_bytes(_npz(conv1=a, conv2=b, relu=a > 3))
    loaded = load_activations(tmp_path / "acts.npz")
    assert set(loaded) == {"conv1", "conv2", "relu"}
    assert np.array_equal(loaded["conv2"], b) and loaded["conv2"].dtype == np.float32
    assert loaded["relu"].dtype == np.bool_


def test_refused_contents(tmp_path):
    npy, npz = tmp_path / "a.npy", tmp_path / "a.npz"
    objects = np.array([1, "a", None], dtype=object)
    assert "not a plain number" in _error(npy, _npy(objects, allow_pickle=True))
    assert "complex128" in _error(npy, _npy(np.array([1 + 2j])))
    assert "<U2" in _error(npy, _npy(np.array(["ab"])))
    assert "not a plain number" in _error(npy, _npy(np.zeros(2, dtype=[("a", "i4")])))
    assert "non-finite value (nan)" in _error(npy, _npy(np.array([1.0, np.nan])))
    assert "non-finite value (inf)" in _error(npz, _npz(x=np.array([np.inf], np.float16)))
    assert "use a .npy or .npz" in _error(tmp_path / "a.txt", b"")


def test_truncated_and_corrupt(tmp_path):
    npy, npz = tmp_path / "a.npy", tmp_path / "a.npz"
    good = _npy(np.arange(10, dtype=np.int16))
    assert "promises 20 bytes" in _error(npy, good[:-3])
    assert "promises 20 bytes" in _error(npy, good + b"xx")
    assert "cannot read" in _error(npy, good[:20])
    assert "cannot read" in _error(npy, b"garbage")
    zipped = _npz(x=np.arange(100))
    assert "cannot read" in _error(npz, zipped[: len(zipped) // 2])
    assert "cannot read" in _error(npz, b"PK\x03\x04" + b"\0" * 40)
    with zipfile.ZipFile(npz, "w") as archive:
        archive.writestr("notes.txt", "hello")
    with pytest.raises(AccelsimError, match="'notes.txt' is not an .npy member"):
        load_activations(npz)


def _header(shape: tuple[int, ...]) -> bytes:
    text = f"{{'descr': '<i2', 'fortran_order': False, 'shape': {shape}, }}"
    text += " " * (118 - len(text)) + "\n"
    return b"\x93NUMPY\x01\x00" + len(text).to_bytes(2, "little") + text.encode()


def test_huge_claims_allocate_nothing(tmp_path, monkeypatch):
    huge = _header((100000, 100000, 100000))
    assert "limit is 256 MiB" in _error(tmp_path / "a.npy", huge + b"\0" * 16)
    monkeypatch.setattr(activation_files, "MAX_ACTIVATION_BYTES", 2**20)
    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("x.npy", _header((2**22,)) + b"\0" * 2**23)  # 8 MiB of zeros
    assert len(bomb.getvalue()) < 2**16
    assert "unpacks to 8 MiB; the limit is 1 MiB" in _error(tmp_path / "a.npz", bomb.getvalue())
    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w") as archive:  # a small member claiming a huge shape
        archive.writestr("x.npy", _header((2**22,)) + b"\0" * 64)
    assert "the limit is 1 MiB" in _error(tmp_path / "a.npz", bomb.getvalue())


def test_many_members_refused(tmp_path, monkeypatch):
    monkeypatch.setattr(activation_files, "MAX_ARRAYS", 2)
    data = _npz(a=np.zeros(1), b=np.zeros(1), c=np.zeros(1))
    assert "3 arrays, at most 2" in _error(tmp_path / "a.npz", data)


GOOD_NPZ = _npz(conv1=np.arange(12, dtype=np.uint8).reshape(3, 4), fc=np.ones(3, np.float32))
GOOD_NPY = _npy(np.arange(12, dtype=np.int16))


@settings(max_examples=60)
@given(
    npz=st.booleans(),
    cut=st.integers(min_value=0, max_value=len(GOOD_NPZ)),
    flips=st.lists(st.tuples(st.integers(min_value=0), st.integers(1, 255)), max_size=3),
)
def test_damaged_files_give_one_line_or_numeric_arrays(tmp_path_factory, npz, cut, flips):
    data = bytearray((GOOD_NPZ if npz else GOOD_NPY)[:cut])
    for position, mask in flips:
        if data:
            data[position % len(data)] ^= mask
    path = tmp_path_factory.getbasetemp() / ("damaged.npz" if npz else "damaged.npy")
    path.write_bytes(bytes(data))
    try:
        arrays = load_activations(path)
    except AccelsimError as exc:
        assert "\n" not in str(exc) and str(path) in str(exc) and len(str(exc)) < 400
        return
    for array in arrays.values():
        assert array.dtype.kind in "biuf" and array.nbytes <= activation_files.MAX_ACTIVATION_BYTES
        if array.dtype.kind == "f":
            assert np.isfinite(array).all()

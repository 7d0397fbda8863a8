"""Activation files (.npy, .npz): numeric arrays only, read without numpy's pickle path and
checked before any memory is allocated.

Each array's header (dtype, shape, order) is parsed first; its data must be exactly the bytes the
header promises, of a plain numeric dtype (bool, integers, float16/32/64), at most
`MAX_ACTIVATION_BYTES` in all; float values must be finite. A truncated, corrupt or hostile file
(a zip bomb, a header promising terabytes, an object array) ends in one line naming the file and
the array.
"""

from __future__ import annotations

import math
import os
import struct
import tokenize
import zipfile
import zlib
from pathlib import Path
from typing import IO

import numpy as np
from numpy.lib import format as npy_format

from accelsim.errors import AccelsimError
from accelsim.files.reading import input_path, short_repr

MAX_ACTIVATION_BYTES = 256 * 2**20
"""Most bytes of array data in one file (256 MiB): every feature map of VGG-16 at 16 bit is
~30 MB; more is a mistake or a decompression bomb."""

MAX_ARRAYS = 4096
"""Most arrays in one .npz: one per layer of any network accelsim reads, many times over."""

MAX_DIMS = 8
"""Most dimensions of one array (a feature map has 3 or 4: batch, channels, height, width)."""

DTYPE_KINDS = {"b": "bool", "i": "signed integer", "u": "unsigned integer", "f": "float"}
"""dtype kinds an activation may have; floats only as float16, float32 or float64."""

READ_ERRORS = (
    ValueError,
    OSError,
    EOFError,
    KeyError,
    NotImplementedError,
    RuntimeError,
    SyntaxError,
    TypeError,
    struct.error,
    tokenize.TokenError,
    zlib.error,
    zipfile.BadZipFile,
)
"""What numpy and zipfile raise on a corrupt, truncated, encrypted or unsupported file (numpy
parses the header's Python literal with `tokenize` and `ast`)."""


def _header(stream: IO[bytes], what: str) -> tuple[np.dtype, tuple[int, ...], bool]:
    """dtype, shape and Fortran order from an .npy header; checked, nothing allocated."""
    version = npy_format.read_magic(stream)
    if version == (1, 0):
        shape, fortran, dtype = npy_format.read_array_header_1_0(stream)
    elif version == (2, 0):
        shape, fortran, dtype = npy_format.read_array_header_2_0(stream)
    else:
        raise AccelsimError(f"{what}: .npy format version {version} is not supported")
    if dtype.hasobject or dtype.fields is not None or dtype.subdtype is not None:
        raise AccelsimError(f"{what}: dtype {short_repr(str(dtype))} is not a plain number")
    if dtype.kind not in DTYPE_KINDS or (dtype.kind == "f" and dtype.itemsize > 8):
        raise AccelsimError(
            f"{what}: dtype {short_repr(str(dtype))} is not an activation dtype "
            "(bool, integers, float16/32/64)"
        )
    if any(d < 0 for d in shape):
        raise AccelsimError(f"{what}: negative dimension in shape {short_repr(tuple(shape))}")
    if len(shape) > MAX_DIMS:
        raise AccelsimError(f"{what}: {len(shape)} dimensions, at most {MAX_DIMS}")
    return dtype, tuple(shape), bool(fortran)


def _read_array(stream: IO[bytes], size: int, what: str, budget: int) -> np.ndarray:
    """One array from an .npy stream of `size` bytes, its data at most `budget` bytes."""
    dtype, shape, fortran = _header(stream, what)
    nbytes = math.prod(shape) * dtype.itemsize
    if nbytes > budget:
        raise AccelsimError(
            f"{what}: shape {str(shape)[:60]} of {dtype} is {nbytes / 2**20:.0f} MiB; the "
            f"limit is {MAX_ACTIVATION_BYTES // 2**20} MiB per file"
        )
    data = stream.read(nbytes + 1)
    if len(data) != nbytes or stream.tell() != size:
        raise AccelsimError(
            f"{what}: the header promises {nbytes} bytes of data, the file holds "
            f"{size - stream.tell() + len(data)}"
        )
    array = np.frombuffer(data, dtype=dtype).reshape(shape, order="F" if fortran else "C")
    array = array.astype(dtype.newbyteorder("="), copy=True)
    if dtype.kind == "f" and not np.isfinite(array).all():
        bad = array[~np.isfinite(array)].flat[0]
        raise AccelsimError(f"{what}: holds a non-finite value ({bad})")
    return array


def load_activations(path: str | os.PathLike[str]) -> dict[str, np.ndarray]:
    """Arrays from a .npy file (keyed by the file's stem) or a .npz file (keyed by array name)."""
    p = input_path(path, "activation file")
    origin = f"activation file '{p}'"
    suffix = p.suffix.lower()
    if suffix not in (".npy", ".npz"):
        raise AccelsimError(f"{origin}: use a .npy or .npz file")
    try:
        if suffix == ".npy":
            with p.open("rb") as stream:
                size = os.fstat(stream.fileno()).st_size
                return {p.stem: _read_array(stream, size, origin, MAX_ACTIVATION_BYTES)}
        return _load_npz(p, origin)
    except AccelsimError:
        raise
    except READ_ERRORS as exc:
        reason = " ".join(str(exc).split()) or type(exc).__name__
        raise AccelsimError(f"{origin}: cannot read: {short_repr(reason, 200)}") from None


def _load_npz(p: Path, origin: str) -> dict[str, np.ndarray]:
    """Every member of an .npz (a zip of .npy files), sizes checked before decompressing."""
    arrays: dict[str, np.ndarray] = {}
    with zipfile.ZipFile(p) as archive:
        members = archive.infolist()
        if len(members) > MAX_ARRAYS:
            raise AccelsimError(f"{origin}: {len(members)} arrays, at most {MAX_ARRAYS}")
        budget = MAX_ACTIVATION_BYTES
        for info in members:
            name = info.filename
            what = f"{origin}: array {short_repr(name)}"
            if not name.endswith(".npy"):
                raise AccelsimError(f"{what} is not an .npy member")
            key = name[: -len(".npy")]
            if key in arrays:
                raise AccelsimError(f"{what} appears twice")
            if info.file_size > budget + 2**16:
                raise AccelsimError(
                    f"{what} unpacks to {info.file_size / 2**20:.0f} MiB; the limit is "
                    f"{MAX_ACTIVATION_BYTES // 2**20} MiB per file"
                )
            with archive.open(info) as stream:
                arrays[key] = _read_array(stream, info.file_size, what, budget)
            budget -= arrays[key].nbytes
    return arrays

"""Safe reading of user files: a path that is a regular file of sane size, UTF-8 text (a BOM
from a spreadsheet is dropped), and structured data parsed by the parser of its format.

JSON is parsed as JSON (NaN and Infinity refused), TOML with `tomllib`, YAML with a safe loader
that refuses aliases (a few hundred bytes of nested aliases expand to gigabytes). Nesting deeper
than `MAX_DEPTH` and unpaired surrogates (which cannot be printed or written) are refused. Every
failure is an `AccelsimError` of one line that names the file.
"""

from __future__ import annotations

import csv
import io
import json
import math
import os
import stat
from pathlib import Path
from typing import Any

from accelsim.errors import AccelsimError

MAX_FILE_BYTES = 64 * 2**20
"""Largest input file read (64 MiB): far beyond any network or accelerator description."""

MAX_DEPTH = 64
"""Deepest nesting of lists and tables accepted in a structured file."""

STRUCTURED_SUFFIXES = (".json", ".toml", ".yaml", ".yml")


def input_path(path: str | os.PathLike[str], what: str) -> Path:
    """`path` as an existing regular file of at most MAX_FILE_BYTES; else a one-line error
    saying what it is instead (missing, a directory, a device or FIFO, too large)."""
    p = Path(path)
    try:
        info = p.stat()
    except FileNotFoundError:
        raise AccelsimError(f"{what} '{p}' does not exist") from None
    except NotADirectoryError:
        raise AccelsimError(f"{what} '{p}': a part of the path is not a directory") from None
    except PermissionError:
        raise AccelsimError(f"{what} '{p}': permission denied") from None
    except OSError as exc:
        raise AccelsimError(f"{what} '{p}': {exc.strerror or exc}") from None
    if stat.S_ISDIR(info.st_mode):
        raise AccelsimError(f"{what} '{p}' is a directory, not a file")
    if not stat.S_ISREG(info.st_mode):
        raise AccelsimError(f"{what} '{p}' is not a regular file (a device, FIFO or socket)")
    if info.st_size > MAX_FILE_BYTES:
        raise AccelsimError(
            f"{what} '{p}' is {info.st_size / 2**20:.0f} MiB; the limit is "
            f"{MAX_FILE_BYTES // 2**20} MiB"
        )
    return p


def read_text(path: str | os.PathLike[str], what: str) -> str:
    """The file as UTF-8 text, a leading byte-order mark dropped."""
    p = input_path(path, what)
    try:
        data = p.read_bytes()
    except PermissionError:
        raise AccelsimError(f"{what} '{p}': permission denied") from None
    except OSError as exc:
        raise AccelsimError(f"{what} '{p}': {exc.strerror or exc}") from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise AccelsimError(
            f"{what} '{p}' is not UTF-8 text (byte {exc.start}: {data[exc.start : exc.start + 1]!r})"
        ) from None
    if "\x00" in text:
        raise AccelsimError(f"{what} '{p}' contains a NUL character: not a text file")
    return text


def read_csv(path: str | os.PathLike[str], what: str) -> list[dict[str, str]]:
    """The rows of a CSV file with a header, as dicts (BOM dropped, cells stripped)."""
    text = read_text(path, what)
    try:
        reader = csv.DictReader(io.StringIO(text, newline=""))
        rows = []
        for row in reader:
            if None in row:
                raise AccelsimError(
                    f"{what} '{path}': line {reader.line_num} has more cells than the header"
                )
            rows.append({k.strip(): (v or "").strip() for k, v in row.items() if k is not None})
    except csv.Error as exc:
        raise AccelsimError(f"{what} '{path}': cannot parse: {exc}") from None
    return rows


def _refuse_constant(name: str) -> float:
    raise ValueError(f"{name} is not a number JSON allows")


def _yaml_loader():  # noqa: ANN202 - a yaml.SafeLoader subclass, yaml imported lazily
    import yaml

    class NoAliasSafeLoader(yaml.SafeLoader):
        """A safe loader that refuses aliases (`*name`), the way to a YAML expansion bomb."""

        def compose_node(self, parent, index):  # noqa: ANN001, ANN202
            if self.check_event(yaml.AliasEvent):
                event = self.peek_event()
                raise yaml.YAMLError(
                    f"YAML aliases (*{event.anchor}) are not accepted, line "
                    f"{event.start_mark.line + 1}"
                )
            return super().compose_node(parent, index)

    return NoAliasSafeLoader


def parse_structured(text: str, suffix: str) -> Any:
    """JSON, TOML or YAML text as plain data (raises ValueError with a one-line reason)."""
    try:
        if suffix == ".json":
            return json.loads(text, parse_constant=_refuse_constant)
        if suffix == ".toml":
            import tomllib  # imported here: only a TOML file needs it

            try:
                return tomllib.loads(text)
            except tomllib.TOMLDecodeError as exc:
                raise ValueError(str(exc).splitlines()[0]) from None
        import yaml

        try:
            return yaml.load(text, Loader=_yaml_loader())  # noqa: S506 - a SafeLoader subclass
        except yaml.YAMLError as exc:
            raise ValueError(str(exc).replace("\n", " ")) from None
    except RecursionError:
        raise ValueError(f"nested deeper than {MAX_DEPTH} levels") from None
    except json.JSONDecodeError as exc:
        raise ValueError(str(exc).splitlines()[0]) from None


def check_plain(data: Any, where: str = "") -> None:
    """Nesting at most MAX_DEPTH deep, finite floats, and strings that can be written."""
    stack: list[tuple[Any, str, int]] = [(data, where, 0)]
    while stack:
        value, at, depth = stack.pop()
        if depth > MAX_DEPTH:
            raise ValueError(f"nested deeper than {MAX_DEPTH} levels")
        if isinstance(value, dict):
            for key, item in value.items():
                _check_string(key, at)
                stack.append((item, f"{at}.{key}" if at else str(key), depth + 1))
        elif isinstance(value, list):
            stack.extend((item, f"{at}[{i}]", depth + 1) for i, item in enumerate(value))
        elif isinstance(value, str):
            _check_string(value, at)
        elif isinstance(value, float) and not math.isfinite(value):
            raise ValueError(f"'{at}' is {value}: not a finite number")


def _check_string(value: Any, at: str) -> None:
    if isinstance(value, str):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            raise ValueError(f"'{at}' contains an unpaired surrogate (\\ud8xx escape)") from None


def read_structured(path: str | os.PathLike[str], what: str) -> Any:
    """A .json, .toml, .yaml or .yml file as plain data, checked by `check_plain`."""
    p = Path(path)
    suffix = p.suffix.lower()
    if suffix not in STRUCTURED_SUFFIXES:
        raise AccelsimError(
            f"{what} '{p}': unknown file type '{p.suffix}' (use {', '.join(STRUCTURED_SUFFIXES)})"
        )
    text = read_text(p, what)
    try:
        data = parse_structured(text, ".yaml" if suffix == ".yml" else suffix)
        check_plain(data)
    except ValueError as exc:
        raise AccelsimError(f"{what} '{p}': cannot parse: {_short(str(exc))}") from None
    return data


def _short(text: str, limit: int = 200) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 3] + "..."


def short_repr(value: Any, limit: int = 60) -> str:
    """`repr(value)` cut to `limit` characters, for error messages about user values (a huge
    value is not printed whole)."""
    if isinstance(value, int) and not isinstance(value, bool) and value.bit_length() > 128:
        digits = int(value.bit_length() * 0.30103) + 1  # repr of a huge int is slow or refused
        text = f"an integer of about {digits} digits"
    elif isinstance(value, str | int | float | bool) or value is None:
        text = repr(value)
    elif isinstance(value, dict | list | tuple):
        text = f"a {type(value).__name__} of {len(value)} items"
    else:
        text = f"a {type(value).__name__}"
    return text if len(text) <= limit else text[: limit - 3] + "..."

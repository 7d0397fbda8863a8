"""Writing results: atomic files, and one table rendered as text, CSV, JSON or Parquet.

A table is a DataFrame, or `Columns` (`accelsim.report.columns`), which the text formats render
without pandas."""

from __future__ import annotations

import errno
import json
import os
import stat
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from accelsim.errors import AccelsimError
from accelsim.report.columns import Columns
from accelsim.report.text_render import csv_text, json_rows, json_value, text_table

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.figure import Figure

TMP_MARKER = ".accelsim-tmp-"
"""Part of every temporary file's name (`.NAME.accelsim-tmp-XXXX`), so a user who finds one left
by a killed run knows what it is."""

MAX_TMP_NAME_CHARS = 100
"""Longest part of the output's name copied into the temporary file's name: a name near the
file system's limit (255 bytes) plus the marker would otherwise be too long to create."""


def _shown(path: str | os.PathLike[str]) -> str:
    from accelsim.files.reading import short_repr

    return short_repr(str(path), 120)


def _checked_path(path: str | os.PathLike[str], what: str, kind: str) -> Path:
    """`path` as a Path the OS can take: not empty, no NUL byte, encodable as a file name."""
    text = os.fspath(path)
    if text == "":
        raise AccelsimError(f"{what}: the {kind} name is empty")
    if "\x00" in str(text):
        raise AccelsimError(f"{what} {_shown(text)}: a {kind} name cannot contain a NUL byte")
    try:
        os.fsencode(text)
    except UnicodeError:
        raise AccelsimError(f"{what} {_shown(text)}: not a valid {kind} name") from None
    return Path(text)


def _writable(path: Path, mode: int) -> bool:
    """Whether the user may write `path`, and it is not marked read-only: a file or directory
    without any write permission bit counts as read-only even for root, who could write it."""
    return bool(mode & 0o222) and os.access(path, os.W_OK | (os.X_OK if path.is_dir() else 0))


def output_target(path: str | os.PathLike[str], what: str = "output") -> tuple[Path, bool]:
    """Where writing `path` goes, and whether it is written in place.

    A symlink is followed (its target is replaced, the link kept); an existing device, FIFO or
    socket (`/dev/null`, `/dev/stdout`) is written to directly (True), never replaced. A
    directory, a read-only file, a missing or read-only directory is a one-line error naming
    `what` and the path."""
    given = _checked_path(path, what, "file")
    target = Path(os.path.realpath(given)) if given.is_symlink() else given
    try:
        info = target.stat()
    except FileNotFoundError:
        info = None
    except OSError as exc:
        raise AccelsimError(f"{what} {_shown(given)}: {exc.strerror or exc}") from None
    if info is not None:
        if stat.S_ISDIR(info.st_mode):
            raise AccelsimError(f"{what} {_shown(given)} is a directory, not a file")
        if not stat.S_ISREG(info.st_mode):
            if not os.access(target, os.W_OK):
                raise AccelsimError(f"{what} {_shown(given)}: permission denied")
            return target, True
        if not _writable(target, info.st_mode):
            raise AccelsimError(f"{what} {_shown(given)} is read-only; not replaced")
    directory = target.parent
    if not directory.is_dir():
        raise AccelsimError(f"{what} {_shown(given)}: directory {_shown(directory)} does not exist")
    if not _writable(directory, directory.stat().st_mode):
        raise AccelsimError(
            f"{what} {_shown(given)}: directory {_shown(directory)} is not writable"
        )
    return target, False


def _check_reader(target: Path, path: str | os.PathLike[str], what: str) -> None:
    """A FIFO nobody reads would block the write forever: an error instead."""
    if not stat.S_ISFIFO(target.stat().st_mode):
        return
    try:
        os.close(os.open(target, os.O_WRONLY | os.O_NONBLOCK))
    except OSError as exc:
        if exc.errno == errno.ENXIO:
            raise AccelsimError(f"{what} {_shown(path)}: a FIFO that no process reads") from None
        raise


def write_atomic(
    path: str | os.PathLike[str], write: Callable[[str], None], what: str = "output"
) -> None:
    """Call `write(tmp_path)` on a temporary file beside `path`, then rename it into place.

    The target of a symlink is replaced (the link stays); a device or FIFO is written to directly.
    The temporary file is removed on any failure."""
    target, in_place = output_target(path, what)
    if in_place:
        try:
            _check_reader(target, path, what)
            write(str(target))
        except OSError as exc:
            raise AccelsimError(f"cannot write {_shown(path)}: {exc.strerror or exc}") from None
        return
    name = target.name[:MAX_TMP_NAME_CHARS]
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{name}{TMP_MARKER}", dir=target.parent)
    except OSError as exc:
        raise AccelsimError(f"cannot write {_shown(path)}: {exc.strerror or exc}") from None
    os.close(fd)
    try:
        write(tmp)
        os.chmod(tmp, _file_mode(target))
        os.replace(tmp, target)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise AccelsimError(f"cannot write {_shown(path)}: {exc.strerror or exc}") from None
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _file_mode(target: Path) -> int:
    """The mode the file should have: an existing file's, else the default under the umask."""
    try:
        return target.stat().st_mode & 0o7777
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


def write_text_atomic(path: str | os.PathLike[str], text: str | bytes) -> None:
    """Write text (or bytes, for a binary format) atomically."""

    def _write(tmp: str) -> None:
        if isinstance(text, bytes):
            Path(tmp).write_bytes(text)
        else:
            Path(tmp).write_text(text)

    write_atomic(path, _write)


def frame_to_records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    return [{k: json_value(v) for k, v in row.items()} for row in frame.to_dict("records")]


def render_csv(
    frame: pd.DataFrame | Columns, extra: dict[str, Any] | None, float_format: str
) -> str:
    """CSV with full float precision (round-trips every value); `extra` is not part of CSV."""
    if isinstance(frame, Columns):
        return csv_text(frame)
    return frame.to_csv(index=False, float_format="%.17g")


def render_json(
    frame: pd.DataFrame | Columns, extra: dict[str, Any] | None, float_format: str
) -> str:
    """`{**extra, "layers": [rows]}` when `extra` is given, else a list of rows; NaN as null."""
    rows = json_rows(frame) if isinstance(frame, Columns) else frame_to_records(frame)
    payload: Any = rows if extra is None else {**extra, "layers": rows}
    return json.dumps(payload, indent=2) + "\n"


def render_table(
    frame: pd.DataFrame | Columns, extra: dict[str, Any] | None, float_format: str
) -> str:
    """An aligned text table, floats through `float_format`."""
    if isinstance(frame, Columns):
        return text_table(frame, float_format)
    import pandas as pd

    shown = frame.copy()
    for column in shown.columns:
        if pd.api.types.is_float_dtype(shown[column]):
            shown[column] = shown[column].map(lambda v: float_format.format(v))
    return shown.to_string(index=False) + "\n"


PARQUET_METADATA_KEY = b"accelsim"
"""Schema metadata key of a Parquet output under which the run's header (`extra`) is stored as
JSON: what the JSON format puts before its rows."""


def render_parquet(
    frame: pd.DataFrame | Columns, extra: dict[str, Any] | None, float_format: str
) -> bytes:
    """Parquet (full precision, typed columns) via pyarrow; `extra` goes to the schema metadata."""
    try:
        import pyarrow as pa
        import pyarrow.parquet as pq
    except ImportError:
        raise AccelsimError(
            "--format parquet needs pyarrow: pip install 'accelsim[parquet]'"
        ) from None
    if isinstance(frame, Columns):
        frame = frame.to_frame()
    table = pa.Table.from_pandas(frame, preserve_index=False)
    if extra is not None:
        metadata = dict(table.schema.metadata or {})
        metadata[PARQUET_METADATA_KEY] = json.dumps(extra, default=json_value).encode()
        table = table.replace_schema_metadata(metadata)
    sink = pa.BufferOutputStream()
    pq.write_table(table, sink)
    return sink.getvalue().to_pybytes()


FORMATS: dict[str, Callable[[pd.DataFrame | Columns, dict[str, Any] | None, str], str | bytes]] = {
    "table": render_table,
    "csv": render_csv,
    "json": render_json,
    "parquet": render_parquet,
}
"""Output formats by name (`--format`); a new format is one function and one entry here."""

BINARY_FORMATS = ("parquet",)
"""Formats written to a file only (`--out`), never to a terminal."""

TEXT_FORMATS = tuple(f for f in FORMATS if f not in BINARY_FORMATS)


def render(
    frame: pd.DataFrame | Columns,
    fmt: str,
    extra: dict[str, Any] | None = None,
    float_format: str = "{:.6g}",
) -> str | bytes:
    """Render rows (a DataFrame, or `Columns`, which need no pandas for the text formats) in a
    format of `FORMATS` (bytes for a binary one)."""
    if fmt not in FORMATS:
        raise AccelsimError(f"unknown format '{fmt}' (choose from {', '.join(FORMATS)})")
    return FORMATS[fmt](frame, extra, float_format)


def emit(text: str | bytes, out: str | None) -> None:
    """Print to stdout, or write atomically to `out` (a binary format needs `out`)."""
    if out is None:
        if isinstance(text, bytes):
            raise AccelsimError("a binary format (parquet) needs --out FILE")
        sys.stdout.write(text)
    else:
        write_text_atomic(out, text)


def check_image_path(path: str | os.PathLike[str], what: str = "plot") -> str:
    """The image format of a plot path (from its suffix); an unknown one is an error."""
    from matplotlib.backend_bases import FigureCanvasBase

    suffix = Path(path).suffix.lstrip(".").lower() or "png"
    supported = FigureCanvasBase.get_supported_filetypes()
    if suffix not in supported:
        raise AccelsimError(
            f"{what} {_shown(path)}: unknown image type {_shown('.' + suffix)} (use one of "
            f"{', '.join('.' + k for k in sorted(supported))})"
        )
    return suffix


def check_output_directory(path: str | os.PathLike[str], what: str) -> Path:
    """An output directory that exists and is writable, or can be created (its nearest existing
    ancestor is a writable directory); else a one-line error naming `what` and the path."""
    given = _checked_path(path, what, "directory")
    probe = given
    while True:
        if probe.exists():
            if not probe.is_dir():
                kind = "is not a directory" if probe == given else f"{_shown(probe)} is a file"
                raise AccelsimError(f"{what} {_shown(given)}: {kind}")
            if not _writable(probe, probe.stat().st_mode):
                raise AccelsimError(f"{what} {_shown(given)}: {_shown(probe)} is not writable")
            return given
        if probe.parent == probe:
            return given
        probe = probe.parent


def save_figure(figure: Figure, path: str | os.PathLike[str]) -> None:
    """Save a matplotlib figure atomically (format from the suffix of `path`).

    Needs no pyplot and switches no backend: `savefig` picks the canvas for the format. A figure
    made with pyplot (only if some caller already imported it) is closed afterwards, so pyplot
    does not keep it alive; a bare `matplotlib.figure.Figure` needs no closing.
    """
    try:
        suffix = check_image_path(path)

        def _write(tmp: str) -> None:
            figure.savefig(tmp, format=suffix, dpi=150, bbox_inches="tight")

        write_atomic(path, _write)
    finally:
        pyplot = sys.modules.get("matplotlib.pyplot")
        if pyplot is not None:
            pyplot.close(figure)

"""Writing results: atomic files, and one table rendered as text, CSV or JSON."""

from __future__ import annotations

import json
import math
import os
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd

from accelsim.errors import AccelsimError

FORMATS = ("table", "csv", "json")


def write_atomic(path: str | os.PathLike[str], write: Callable[[str], None]) -> None:
    """Call `write(tmp_path)` on a temporary file beside `path`, then rename it into place."""
    target = Path(path)
    directory = target.parent if str(target.parent) else Path(".")
    if not directory.is_dir():
        raise AccelsimError(f"output directory '{directory}' does not exist")
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=target.suffix, dir=directory)
    except OSError as exc:
        raise AccelsimError(f"cannot write '{target}': {exc.strerror}") from None
    os.close(fd)
    try:
        write(tmp)
        os.chmod(tmp, _file_mode(target))
        os.replace(tmp, target)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise AccelsimError(f"cannot write '{target}': {exc.strerror or exc}") from None
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


def write_text_atomic(path: str | os.PathLike[str], text: str) -> None:
    def _write(tmp: str) -> None:
        Path(tmp).write_text(text)

    write_atomic(path, _write)


def _json_value(value: Any) -> Any:
    if hasattr(value, "item"):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def frame_to_records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    return [{k: _json_value(v) for k, v in row.items()} for row in frame.to_dict("records")]


def render(
    frame: pd.DataFrame, fmt: str, extra: dict[str, Any] | None = None, float_format: str = "{:.6g}"
) -> str:
    """Render rows as an aligned text table, CSV (full precision) or JSON.

    JSON is `{"layers": [...rows...], **extra}` when `extra` is given, else a list of rows.
    """
    if fmt == "csv":
        return frame.to_csv(index=False, float_format="%.17g")
    if fmt == "json":
        rows = frame_to_records(frame)
        payload: Any = rows if extra is None else {**extra, "layers": rows}
        return json.dumps(payload, indent=2) + "\n"
    if fmt == "table":
        shown = frame.copy()
        for column in shown.columns:
            if pd.api.types.is_float_dtype(shown[column]):
                shown[column] = shown[column].map(lambda v: float_format.format(v))
        return shown.to_string(index=False) + "\n"
    raise AccelsimError(f"unknown format '{fmt}' (choose from {', '.join(FORMATS)})")


def emit(text: str, out: str | None) -> None:
    """Print to stdout, or write atomically to `out`."""
    if out is None:
        sys.stdout.write(text)
    else:
        write_text_atomic(out, text)


def check_image_path(path: str | os.PathLike[str]) -> str:
    """The image format of a plot path (from its suffix); an unknown one is an error."""
    from matplotlib.backend_bases import FigureCanvasBase

    suffix = Path(path).suffix.lstrip(".").lower() or "png"
    supported = FigureCanvasBase.get_supported_filetypes()
    if suffix not in supported:
        raise AccelsimError(
            f"plot '{path}': unknown image type '.{suffix}' (use one of "
            f"{', '.join('.' + k for k in sorted(supported))})"
        )
    return suffix


def save_figure(figure: Any, path: str | os.PathLike[str]) -> None:
    """Save a matplotlib figure atomically (format from the suffix) and close it."""
    import matplotlib.pyplot as plt

    try:
        suffix = check_image_path(path)
    except AccelsimError:
        plt.close(figure)
        raise

    def _write(tmp: str) -> None:
        figure.savefig(tmp, format=suffix, dpi=150, bbox_inches="tight")

    try:
        write_atomic(path, _write)
    finally:
        plt.close(figure)

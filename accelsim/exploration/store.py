"""The result store: every finished evaluation of a sweep, kept as it finishes.

An SQLite database (Python's own `sqlite3`: transactions survive a killed process) with one row
per task key. A sweep writes each finished chunk of tasks in one transaction and, when it
starts, evaluates only the keys the store lacks, so an interrupted sweep resumes where it
stopped, with nothing lost and nothing evaluated twice.
"""

from __future__ import annotations

import json
import math
import os
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

from accelsim.errors import AccelsimError

SCHEMA = "CREATE TABLE IF NOT EXISTS outcomes (key TEXT PRIMARY KEY, outcome TEXT NOT NULL)"

LOOKUP_BATCH = 500
"""Keys looked up per query (SQLite limits the parameters of one statement)."""

BUSY_TIMEOUT_S = 60.0
"""How long a writer waits for another sweep sharing the store to finish its transaction."""


def default_store_path() -> Path:
    """`$ACCELSIM_CACHE_DIR/explore.sqlite`, else under `$XDG_CACHE_HOME` or `~/.cache`."""
    root = os.environ.get("ACCELSIM_CACHE_DIR")
    if not root:
        base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
        root = str(Path(base) / "accelsim")
    return Path(root) / "explore.sqlite"


def _json_default(value: Any) -> Any:
    if hasattr(value, "item"):  # a numpy scalar that is no float subclass (an int64, a bool_)
        return value.item()
    raise TypeError(f"cannot store a {type(value).__name__}")


def encode_outcome(outcome: dict[str, Any]) -> str:
    """An outcome as JSON text; NaN (a value the model does not know) as null."""
    if "row" in outcome:
        row = outcome["row"]
        outcome = {"row": {k: (None if v != v else v) for k, v in row.items()}}  # NaN != NaN
    return json.dumps(outcome, allow_nan=False, default=_json_default)


def decode_outcome(text: str) -> dict[str, Any]:
    outcome = json.loads(text)
    if "row" in outcome:
        outcome["row"] = {k: (math.nan if v is None else v) for k, v in outcome["row"].items()}
    return outcome


class Store:
    """Stored outcomes by task key, in an SQLite file (or in memory with `path=None`)."""

    def __init__(self, path: str | os.PathLike[str] | None) -> None:
        self.path = None if path is None else Path(path)
        target = ":memory:"
        if self.path is not None:
            if self.path.is_dir():
                raise AccelsimError(f"--store '{self.path}' is a directory, not a file")
            try:
                self.path.parent.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise AccelsimError(f"--store '{self.path}': {exc.strerror or exc}") from None
            target = str(self.path)
        try:
            self._db = sqlite3.connect(target, timeout=BUSY_TIMEOUT_S)
            self._db.execute(SCHEMA)
            self._db.commit()
        except sqlite3.DatabaseError as exc:
            raise AccelsimError(f"--store '{self.path}': not a result store ({exc})") from None

    def lookup(self, keys: Sequence[str]) -> dict[str, dict[str, Any]]:
        """The stored outcomes of `keys` (those stored)."""
        return {key: decode_outcome(text) for key, text in self.lookup_encoded(keys).items()}

    def lookup_encoded(self, keys: Sequence[str]) -> dict[str, str]:
        """`lookup`, as the stored text."""
        found: dict[str, str] = {}
        for start in range(0, len(keys), LOOKUP_BATCH):
            batch = list(keys[start : start + LOOKUP_BATCH])
            marks = ",".join("?" * len(batch))
            query = f"SELECT key, outcome FROM outcomes WHERE key IN ({marks})"
            for key, text in self._db.execute(query, batch):
                found[key] = text
        return found

    def add(self, outcomes: Iterable[tuple[str, dict[str, Any]]]) -> None:
        """Store finished outcomes in one transaction (a key already stored is kept)."""
        self.add_encoded((key, encode_outcome(outcome)) for key, outcome in outcomes)

    def add_encoded(self, outcomes: Iterable[tuple[str, str]]) -> None:
        """`add`, for outcomes already encoded (`encode_outcome`)."""
        with self._db:
            self._db.executemany("INSERT OR IGNORE INTO outcomes VALUES (?, ?)", list(outcomes))

    def __len__(self) -> int:
        return int(self._db.execute("SELECT COUNT(*) FROM outcomes").fetchone()[0])

    def keys(self) -> Iterator[str]:
        for (key,) in self._db.execute("SELECT key FROM outcomes"):
            yield key

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

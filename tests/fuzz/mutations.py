"""Malformed inputs for the fuzz suite: a valid document, one field replaced by a nasty value.

A nasty value is what a user, a spreadsheet or a script really produces: non-finite or huge
numbers, floats where integers belong, booleans and strings for numbers, nulls, empty and nested
containers, negative and zero sizes, very long strings. A mutation replaces one leaf, deletes a
key, or adds an unknown one, anywhere in the document.
"""

from __future__ import annotations

import copy
import json
import math
from typing import Any

from hypothesis import strategies as st

NASTY = (
    math.inf,
    -math.inf,
    math.nan,
    1e300,
    -1e300,
    5e-324,
    2**63,
    2**64 + 1,
    10**30,
    -1,
    0,
    0.0,
    -0.0,
    3.7,
    0.5,
    1e-9,
    True,
    False,
    None,
    "",
    "false",
    "true",
    "3",
    "1e300",
    "inf",
    "nan",
    "conv",
    "x" * 1_000,
    "\u00e9\u4e2d\U0001f600",
    [],
    [1, 2],
    ["conv"],
    {},
    {"a": 1},
    1_000_000_000,
    65_536,
    4097,
)


def leaf_paths(doc: Any, prefix: tuple = ()) -> list[tuple]:
    """Every path to a value in `doc` (dict keys and list indices), containers included."""
    paths = [prefix] if prefix else []
    if isinstance(doc, dict):
        for key, value in doc.items():
            paths += leaf_paths(value, (*prefix, key))
    elif isinstance(doc, list):
        for index, value in enumerate(doc):
            paths += leaf_paths(value, (*prefix, index))
    return paths


def _parent(doc: Any, path: tuple) -> Any:
    for step in path[:-1]:
        doc = doc[step]
    return doc


@st.composite
def mutated(draw: st.DrawFn, base: dict) -> dict:
    """`base` with one to three mutations (replace a value, delete a key, add an unknown key)."""
    doc = copy.deepcopy(base)
    for _ in range(draw(st.integers(1, 3))):
        paths = leaf_paths(doc)
        if not paths:
            break
        path = draw(st.sampled_from(paths))
        parent = _parent(doc, path)
        action = draw(st.sampled_from(("replace", "replace", "replace", "delete", "add")))
        if action == "replace":
            parent[path[-1]] = copy.deepcopy(draw(st.sampled_from(NASTY)))
        elif action == "delete":
            if isinstance(parent, dict):
                del parent[path[-1]]
            elif len(parent) > 1:
                parent.pop(path[-1])
        elif isinstance(parent, dict):
            key = draw(st.sampled_from(("dilation", "Channels", "extra", "", "type")))
            parent[key] = copy.deepcopy(draw(st.sampled_from(NASTY)))
    return doc


def dump(doc: Any, suffix: str) -> str | None:
    """`doc` as JSON, YAML or TOML text; None when the format cannot hold it (TOML: no null)."""
    if suffix == ".json":
        return json.dumps(doc, allow_nan=True)
    if suffix == ".yaml":
        import yaml

        return yaml.safe_dump(doc, allow_unicode=True)
    import tomli_w

    try:
        return tomli_w.dumps(doc)
    except (TypeError, ValueError):
        return None

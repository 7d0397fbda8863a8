"""Model `file`: per-layer results from a user's CSV (e.g. another tool's, or measurements).

Required columns: `layer`, `energy_j` (J per image). Optional: `latency_s`, `batch` (images
processed together, default 1) and any shared column
of the result contract (`accelsim.models.result.SHARED_COLUMNS`, same units: per image); other
columns are kept as the model's own. One row per conv/FC layer of the network, each once.
"""

from __future__ import annotations

import csv
import io
import math
import os
import re
from pathlib import Path

from accelsim.energy.record import BREAKDOWN_COLUMNS, EnergyBreakdown
from accelsim.errors import AccelsimError
from accelsim.files.reading import read_text, short_repr
from accelsim.hardware.accelerator import Accelerator
from accelsim.models.registry import Model
from accelsim.models.result import DRAM_OPERANDS, GLB_OPERANDS, SHARED_COLUMNS, LayerResult
from accelsim.workload.network import Network

NAME = "file"
NUMERIC = (
    "energy_j",
    "latency_s",
    "macs",
    "nonzero_macs",
    "rf_accesses",
    "inter_pe_transfers",
    "glb_accesses",
    "dram_accesses",
    "utilization",
    "active_pes",
    *(f"glb_{op}_accesses" for op in GLB_OPERANDS),
    *(f"dram_{op}_accesses" for op in DRAM_OPERANDS),
    *BREAKDOWN_COLUMNS,
)


MAX_LAYER_ENERGY_J = 1e3
"""Most energy of one layer per image (1 kJ): ~1e14 MACs at 10 pJ, beyond any CNN layer."""

MAX_LAYER_LATENCY_S = 3600.0
"""Longest latency of one layer per image (an hour): no accelerator runs a layer that slowly."""

MAX_COUNT = 1e18
"""Largest MAC or access count of one layer (VGG-16's largest layer has ~2e9 MACs)."""

NUMBER_PATTERN = re.compile(r"[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]{1,4})?", re.ASCII)
"""A decimal number as spreadsheets and pandas write it (no `_`, `nan`, `inf` or hex)."""

REQUIRED = ("layer", "energy_j")

MAX_BATCH = 1_000_000
"""Most images a row's `batch` may say were processed together (the engines' limit)."""


def _batch(origin: str, line: int, name: str, text: str) -> int:
    """The `batch` cell: images processed together, a positive integer (empty: 1)."""
    if not text:
        return 1
    if not (text.isascii() and text.isdigit() and 1 <= int(text) <= MAX_BATCH):
        raise AccelsimError(
            f"{origin}: line {line}, layer {short_repr(name)}: batch must be an integer in "
            f"[1, {MAX_BATCH}], got {short_repr(text)}"
        )
    return int(text)


def _bounds(column: str) -> tuple[float, float, bool]:
    """(low, high, low excluded) for a numeric column: a layer takes time and energy, counts
    are non-negative, the utilization is a fraction."""
    if column == "energy_j":
        return 0.0, MAX_LAYER_ENERGY_J, True
    if column == "latency_s":
        return 0.0, MAX_LAYER_LATENCY_S, True
    if column in BREAKDOWN_COLUMNS:
        return 0.0, MAX_LAYER_ENERGY_J, False
    if column == "utilization":
        return 0.0, 1.0, False
    return 0.0, MAX_COUNT, False


def _number(origin: str, line: int, name: str, column: str, text: str) -> float:
    """A cell as a float in its column's bounds (empty: NaN, the value is not known)."""
    if not text:
        return math.nan
    value = float(text) if NUMBER_PATTERN.fullmatch(text) else math.nan
    low, high, low_open = _bounds(column)
    if not (math.isfinite(value) and low <= value <= high and not (low_open and value == low)):
        bracket = "(" if low_open else "["
        raise AccelsimError(
            f"{origin}: line {line}, layer {short_repr(name)}: {column} must be a number in "
            f"{bracket}{low:g}, {high:g}], got {short_repr(text)}"
        )
    return value


def _rows(path: Path, origin: str) -> list[tuple[int, dict[str, str]]]:
    """(line number, row) of the CSV, the header checked: required columns, no duplicates."""
    text = read_text(path, "results file")
    try:
        reader = csv.reader(io.StringIO(text, newline=""))
        header = [cell.strip() for cell in next(reader, [])]
        if not header:
            raise AccelsimError(f"{origin}: empty file (expected a header {','.join(REQUIRED)})")
        for i, column in enumerate(header):
            if column in header[:i]:
                raise AccelsimError(f"{origin}: column {short_repr(column)} appears twice")
        for column in REQUIRED:
            if column not in header:
                raise AccelsimError(f"{origin}: missing column '{column}'")
        rows = []
        for cells in reader:
            if not any(cell.strip() for cell in cells):
                continue
            if len(cells) > len(header):
                raise AccelsimError(
                    f"{origin}: line {reader.line_num} has {len(cells)} cells, the header "
                    f"{len(header)}"
                )
            cells = [cell.strip() for cell in cells] + [""] * (len(header) - len(cells))
            rows.append((reader.line_num, dict(zip(header, cells, strict=True))))
    except csv.Error as exc:
        raise AccelsimError(f"{origin}: cannot parse: {short_repr(str(exc), 200)}") from None
    return rows


def read_results(path: str, network: Network) -> list[LayerResult]:
    """The CSV's rows as layer results, checked against the network's conv/FC layers."""
    if not isinstance(path, str | os.PathLike):
        raise AccelsimError(f"results file must be a path, got {short_repr(path)}")
    p = Path(path)
    origin = f"results file '{p}'"
    layers = {layer.name: layer for layer in network.compute_layers}
    known = {layer.name for layer in network.layers}
    seen: dict[str, dict] = {}
    for line, record in _rows(p, origin):
        name = record["layer"]
        if not name:
            raise AccelsimError(f"{origin}: line {line}: empty layer name")
        if name not in known:
            raise AccelsimError(
                f"{origin}: line {line}: layer {short_repr(name)} is not in network "
                f"'{network.name}'"
            )
        if name in seen:
            raise AccelsimError(f"{origin}: line {line}: layer {short_repr(name)} is listed twice")
        values: dict = {
            column: _number(origin, line, name, column, record.get(column, ""))
            for column in NUMERIC
        }
        if math.isnan(values["energy_j"]):
            raise AccelsimError(f"{origin}: line {line}, layer {short_repr(name)}: empty energy_j")
        given = [c for c in BREAKDOWN_COLUMNS if not math.isnan(values[c])]
        if given and len(given) != len(BREAKDOWN_COLUMNS):
            missing = next(c for c in BREAKDOWN_COLUMNS if c not in given)
            raise AccelsimError(
                f"{origin}: line {line}, layer {short_repr(name)}: give all of the energy "
                f"breakdown or none ({missing} is missing)"
            )
        values["breakdown"] = (
            EnergyBreakdown(**{c: values[c] for c in BREAKDOWN_COLUMNS}) if given else None
        )
        values["batch"] = _batch(origin, line, name, record.get("batch", ""))
        values["extra"] = {k: v for k, v in record.items() if k not in SHARED_COLUMNS}
        values["line"] = line
        seen[name] = values
    for name in layers:
        if name not in seen:
            raise AccelsimError(f"{origin}: no energy for layer '{name}'")
    timed = [name for name in layers if not math.isnan(seen[name]["latency_s"])]
    if timed and len(timed) != len(layers):
        untimed = next(name for name in layers if name not in timed)
        raise AccelsimError(
            f"{origin}: line {seen[untimed]['line']}, layer {short_repr(untimed)}: latency_s is "
            "empty; give a latency for every conv/FC layer or for none"
        )
    results = []
    for name, layer in layers.items():
        v = seen[name]
        macs = v["macs"] if not math.isnan(v["macs"]) else layer.macs
        results.append(
            LayerResult(
                layer=name,
                group=layer.group_label or name,
                model=p.name,
                batch=v["batch"],
                macs=macs,
                nonzero_macs=v["nonzero_macs"],
                energy_j=v["energy_j"],
                latency_s=v["latency_s"],
                rf_accesses=v["rf_accesses"],
                inter_pe_transfers=v["inter_pe_transfers"],
                glb={op: v[f"glb_{op}_accesses"] for op in GLB_OPERANDS},
                dram={op: v[f"dram_{op}_accesses"] for op in DRAM_OPERANDS},
                glb_total=v["glb_accesses"],
                dram_total=v["dram_accesses"],
                utilization=v["utilization"],
                active_pes=v["active_pes"],
                breakdown=v["breakdown"],
                extra=v["extra"],
            )
        )
    return results


def evaluate(network: Network, accelerator: Accelerator, options: dict) -> list[LayerResult]:
    if not options["path"]:
        raise AccelsimError("model 'file' needs the path of a CSV of per-layer results")
    return read_results(options["path"], network)


MODEL = Model(
    name=NAME,
    summary="per-layer results from a CSV (layer, energy_j[, latency_s, shared columns])",
    kinds=("spatial", "systolic"),
    evaluate=evaluate,
    options={"path": None},
    option_help={"path": "the CSV file"},
)

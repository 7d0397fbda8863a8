"""Model `file`: per-layer results from a user's CSV (e.g. another tool's, or measurements).

Required columns: `layer`, `energy_j` (J per image). Optional: `latency_s` and any shared column
of the result contract (`accelsim.models.result.SHARED_COLUMNS`, same units: per image); other
columns are kept as the model's own. One row per conv/FC layer of the network, each once.
"""

from __future__ import annotations

import math
from pathlib import Path

from accelsim.energy.record import BREAKDOWN_COLUMNS, EnergyBreakdown
from accelsim.errors import AccelsimError
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


def read_results(path: str, network: Network) -> list[LayerResult]:
    """The CSV's rows as layer results, checked against the network's conv/FC layers."""
    import pandas as pd

    p = Path(path)
    origin = f"results file '{p}'"
    if not p.is_file():
        raise AccelsimError(f"{origin} does not exist")
    try:
        frame = pd.read_csv(p, encoding="utf-8-sig", dtype=str, keep_default_na=False)
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as exc:
        raise AccelsimError(f"{origin}: cannot parse: {str(exc).splitlines()[0]}") from None
    frame.columns = [str(c).strip() for c in frame.columns]
    for column in ("layer", "energy_j"):
        if column not in frame.columns:
            raise AccelsimError(f"{origin}: missing column '{column}'")
    layers = {layer.name: layer for layer in network.compute_layers}
    known = {layer.name for layer in network.layers}
    seen: dict[str, dict] = {}
    for record in frame.to_dict("records"):
        name = record["layer"].strip()
        if name not in known:
            raise AccelsimError(f"{origin}: layer '{name}' is not in network '{network.name}'")
        if name in seen:
            raise AccelsimError(f"{origin}: layer '{name}' is listed twice")
        values = {}
        for column in NUMERIC:
            text = str(record.get(column, "")).strip()
            if not text:
                values[column] = math.nan
                continue
            try:
                values[column] = float(text)
            except ValueError:
                raise AccelsimError(
                    f"{origin}: layer '{name}': {column} must be a number, got '{text}'"
                ) from None
        energy = values["energy_j"]
        if not (math.isfinite(energy) and energy >= 0):
            raise AccelsimError(
                f"{origin}: layer '{name}': energy_j must be a non-negative number, got {energy}"
            )
        latency = values["latency_s"]
        if not math.isnan(latency) and not (math.isfinite(latency) and latency >= 0):
            raise AccelsimError(
                f"{origin}: layer '{name}': latency_s must be a non-negative number, got {latency}"
            )
        given = [c for c in BREAKDOWN_COLUMNS if not math.isnan(values[c])]
        if given and len(given) != len(BREAKDOWN_COLUMNS):
            missing = next(c for c in BREAKDOWN_COLUMNS if c not in given)
            raise AccelsimError(
                f"{origin}: layer '{name}': give all of the energy breakdown or none "
                f"({missing} is missing)"
            )
        values["breakdown"] = (
            EnergyBreakdown(**{c: values[c] for c in BREAKDOWN_COLUMNS}) if given else None
        )
        values["extra"] = {k: v for k, v in record.items() if k not in SHARED_COLUMNS}
        seen[name] = values
    for name in layers:
        if name not in seen:
            raise AccelsimError(f"{origin}: no energy for layer '{name}'")
    results = []
    for name, layer in layers.items():
        v = seen[name]
        macs = v["macs"] if not math.isnan(v["macs"]) else layer.macs
        results.append(
            LayerResult(
                layer=name,
                group=layer.group_label or name,
                model=p.name,
                batch=1,
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

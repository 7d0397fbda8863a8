"""Per-layer client energy and latency from a chosen source.

- `analytical`: the CNNergy model, `accelsim.analytical.cnnergy.network_frame`.
- `simulated`: the row-stationary simulator, `accelsim.engine.rs.network_frame`.
- `silicon`: Eyeriss chip measurements (JSSC 2017, 65 nm, 16 bit) for the CONV layers of AlexNet and
  VGG-16: energy per image = chip power x total latency / batch. The chip was not measured on FC
  layers (nor on other networks): those layers take the analytical value and are flagged
  `analytical (not measured)`. Chip power excludes DRAM, so silicon layers carry no DRAM energy.
- a CSV file with columns `layer,energy_j` (optional `latency_s`): one row per conv/FC layer.

Every source returns a frame with `layer`, `energy_j`, `latency_s` (NaN when unknown) and `source`,
one row per conv/FC layer; pooling and concatenation cost nothing.
"""

from __future__ import annotations

import importlib
import math
from pathlib import Path

import pandas as pd

from accelsim.errors import AccelsimError
from accelsim.hardware.config import AcceleratorConfig
from accelsim.workload.network import Network

ENERGY_SOURCES = ("analytical", "simulated", "silicon")

"""Packaged chip measurements per network, with the batch they were measured at (JSSC 2017)."""

SILICON_BITS = 16
NOT_MEASURED = "analytical (not measured)"
_COLUMNS = ["layer", "energy_j", "latency_s", "source"]


def _model_frame(frame: pd.DataFrame, network: Network, source: str) -> pd.DataFrame:
    for column in ("layer", "energy_j"):
        if column not in frame.columns:
            raise AccelsimError(f"{source} energies: missing column '{column}'")
    out = pd.DataFrame(
        {"layer": frame["layer"].astype(str), "energy_j": frame["energy_j"].astype(float)}
    )
    out["latency_s"] = frame["latency_s"].astype(float) if "latency_s" in frame else math.nan
    out["source"] = source
    return _check_layers(out, network, source)


def _check_layers(frame: pd.DataFrame, network: Network, origin: str) -> pd.DataFrame:
    """One finite, non-negative energy per conv/FC layer; only the network's layers."""
    known = {layer.name for layer in network.layers}
    for name in frame["layer"]:
        if name not in known:
            raise AccelsimError(f"{origin}: layer '{name}' is not in network '{network.name}'")
    duplicated = frame["layer"][frame["layer"].duplicated()]
    if len(duplicated):
        raise AccelsimError(f"{origin}: layer '{duplicated.iloc[0]}' is listed twice")
    listed = set(frame["layer"])
    for layer in network.compute_layers:
        if layer.name not in listed:
            raise AccelsimError(f"{origin}: no energy for layer '{layer.name}'")
    for name, energy in zip(frame["layer"], frame["energy_j"], strict=True):
        if not (math.isfinite(energy) and energy >= 0):
            raise AccelsimError(
                f"{origin}: layer '{name}': energy_j must be a non-negative number, got {energy}"
            )
    return frame.reset_index(drop=True)


def analytical_energies(network: Network, config: AcceleratorConfig) -> pd.DataFrame:
    from accelsim.analytical.cnnergy import network_frame

    return _model_frame(network_frame(network, config), network, "analytical")


def simulated_energies(network: Network, config: AcceleratorConfig) -> pd.DataFrame:
    try:
        module = importlib.import_module("accelsim.engine.rs")
    except ModuleNotFoundError as exc:
        if exc.name != "accelsim.engine.rs":
            raise
        raise AccelsimError(
            "energy source 'simulated' needs the row-stationary simulator "
            "(accelsim.engine.rs), which is not available in this build"
        ) from None
    if not hasattr(module, "network_frame"):
        raise AccelsimError(
            "energy source 'simulated': the row-stationary simulator (accelsim.engine.rs) "
            "has no network_frame in this build"
        )
    return _model_frame(module.network_frame(network, config), network, "simulated")


def silicon_rows(network: str) -> tuple[tuple[dict[str, str], ...], int]:
    """The chip's measurements of a network (rows keyed by column) and their batch size, from the
    validation data (`validation/data/`, with its provenance)."""
    from validation.silicon import SILICON, silicon_batch, silicon_frame

    if network not in SILICON:
        raise AccelsimError(
            f"no silicon measurements for network '{network}' (measured: {', '.join(SILICON)})"
        )
    frame = silicon_frame(network).drop(columns="layer").rename(columns={"chip_layer": "layer"})
    rows = tuple({k: str(v) for k, v in row.items()} for row in frame.to_dict("records"))
    return rows, silicon_batch(network)


def silicon_energies(network: Network, config: AcceleratorConfig) -> pd.DataFrame:
    """Chip power x latency / batch for measured CONV layers; analytical for the rest (flagged)."""
    rows, batch = silicon_rows(network.name.lower())
    measured = {row["layer"].lower().replace("-", "_"): row for row in rows}
    fallback = analytical_energies(network, config).set_index("layer")
    out = []
    for layer in network.compute_layers:
        row = measured.pop(layer.name, None)
        if row is None:
            base = fallback.loc[layer.name]
            out.append((layer.name, base["energy_j"], base["latency_s"], NOT_MEASURED))
            continue
        chip_macs = float(row["macs_g"]) * 1e9 / batch
        if abs(chip_macs - layer.macs) > 0.03 * layer.macs:
            raise AccelsimError(
                f"silicon energies: layer '{layer.name}' has {layer.macs} MACs per image, the "
                f"measured layer {chip_macs:.4g}; the network is not the one measured"
            )
        latency = float(row["total_latency_ms"]) * 1e-3 / batch
        out.append((layer.name, float(row["power_mw"]) * 1e-3 * latency, latency, "silicon"))
    if measured:
        raise AccelsimError(
            f"silicon energies: measured layer '{next(iter(measured))}' is not "
            f"in network '{network.name}'"
        )
    return pd.DataFrame(out, columns=_COLUMNS)


def file_energies(path: str, network: Network) -> pd.DataFrame:
    """A user's CSV with `layer,energy_j` (and optionally `latency_s`), joules per image."""
    p = Path(path)
    if not p.is_file():
        raise AccelsimError(f"energy file '{p}' does not exist")
    origin = f"energy file '{p}'"
    try:
        frame = pd.read_csv(p)
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as exc:
        raise AccelsimError(f"{origin}: cannot parse: {str(exc).splitlines()[0]}") from None
    frame.columns = [str(c).strip() for c in frame.columns]
    for column in ("layer", "energy_j"):
        if column not in frame.columns:
            raise AccelsimError(f"{origin}: missing column '{column}'")
    out = pd.DataFrame({"layer": frame["layer"].astype(str).str.strip()})
    for column in ("energy_j", "latency_s"):
        if column not in frame.columns:
            out[column] = math.nan
            continue
        values = pd.to_numeric(frame[column], errors="coerce")
        bad = values.isna() & frame[column].notna()
        if bad.any():
            raise AccelsimError(
                f"{origin}: layer '{out['layer'][bad].iloc[0]}': {column} must "
                f"be a number, got '{frame[column][bad].iloc[0]}'"
            )
        out[column] = values.astype(float)
    out["source"] = p.name
    return _check_layers(out, network, origin)


def layer_energies(
    network: Network, config: AcceleratorConfig, source: str = "analytical"
) -> pd.DataFrame:
    """Per-layer client energy (J per image) and latency (s) from `source` (a name or a CSV path)."""
    if source == "analytical":
        return analytical_energies(network, config)
    if source == "simulated":
        return simulated_energies(network, config)
    if source == "silicon":
        return silicon_energies(network, config)
    if Path(source).suffix.lower() == ".csv":
        return file_energies(source, network)
    raise AccelsimError(
        f"unknown energy source '{source}' (choose from "
        f"{', '.join(ENERGY_SOURCES)}, or a .csv file with layer,energy_j)"
    )

"""The held-out validation of a calibrated accelerator: per measured layer, the calibrated model,
the uncalibrated one and CNNergy against the chip, for the fit set and the held-out set apart;
mean and max absolute errors; and how much the answer depends on the split (the reverse split
and leave-one-layer-out, `split_study`).

Errors are (model - measured) / measured; active PEs are compared exactly (difference in PEs).
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd

from accelsim.calibration.parameters import Calibration
from accelsim.errors import AccelsimError
from accelsim.hardware import Accelerator
from accelsim.hardware.energy import eyeriss_energy
from accelsim.models.silicon import SILICON

QUANTITIES = {
    "latency_ms": ("total latency", "ms, batch"),
    "processing_latency_ms": ("processing latency", "ms, batch"),
    "energy_mj": ("on-chip energy (power x latency)", "mJ per image"),
    "power_mw": ("power", "mW"),
    "glb_mb": ("GLB accesses", "MB, batch"),
    "dram_mb": ("DRAM accesses", "MB, batch"),
    "active_pes": ("active PEs", "PEs"),
}
"""The quantities compared: column -> (label, unit)."""

RELATIVE = tuple(q for q in QUANTITIES if q != "active_pes")
ANALYTICAL = ("latency_ms", "energy_mj", "power_mw", "glb_mb", "dram_mb")
"""What CNNergy predicts (no processing latency, no mapping)."""

MODELS = ("calibrated", "uncalibrated", "cnnergy")


def uncalibrated(config: Accelerator) -> Accelerator:
    """The same array with the built-in calibration and CNNergy's 16-bit energy table."""
    return replace(config, calibration=Calibration(), energy=eyeriss_energy(16), name="eyeriss")


def _short(key: str) -> str:
    return key.rsplit("_", 1)[0] if key != "active_pes" else key


def layer_frame(config: Accelerator) -> pd.DataFrame:
    """One row per measured layer of both networks: split, the calibrated figures and the chip's,
    and the error of every model."""
    from validation.calibration.fit import predictions
    from validation.compare import compare_silicon

    fit_set = config.calibration.fit_set
    if not fit_set:
        raise AccelsimError(
            f"validate silicon: accelerator '{config.name}' is not calibrated (no "
            "calibration.fit_set); run accelsim calibrate --out FILE first"
        )
    base = uncalibrated(config)
    parts = []
    for network in SILICON:
        cal = predictions(config, network)
        unc = predictions(base, network)
        ana = compare_silicon(network, base, analytical=True).set_index("layer")
        ana["power_mw_analytical"] = (
            ana["energy_mj_analytical"] * ana["batch"] / ana["latency_ms_analytical"] * 1e3
        )
        ana["power_mw_chip"] = cal["power_mw_chip"]
        out = pd.DataFrame(index=cal.index)
        out.insert(0, "network", network)
        out["split"] = "fit" if network == fit_set else "held-out"
        out["mapping"] = cal["mapping"]
        for q in QUANTITIES:
            out[q] = cal[q]
            out[f"{q}_chip"] = cal[f"{q}_chip"]
            if q == "active_pes":
                out["active_pes_diff"] = cal[q] - cal[f"{q}_chip"]
                out["active_pes_diff_uncalibrated"] = unc[q] - unc[f"{q}_chip"]
                continue
            out[f"{_short(q)}_err"] = cal[q] / cal[f"{q}_chip"] - 1.0
            out[f"{_short(q)}_err_uncalibrated"] = unc[q] / unc[f"{q}_chip"] - 1.0
            if q in ANALYTICAL:
                out[f"{_short(q)}_err_cnnergy"] = ana[f"{q}_analytical"] / ana[f"{q}_chip"] - 1.0
        parts.append(out.reset_index())
    return pd.concat(parts, ignore_index=True)


def summary_frame(layers: pd.DataFrame) -> pd.DataFrame:
    """Mean and max absolute error per split, model and quantity (active PEs: layers exact)."""
    rows = []
    for split in ("fit", "held-out"):
        part = layers[layers["split"] == split]
        network = part["network"].iloc[0]
        for model in MODELS:
            suffix = "" if model == "calibrated" else f"_{model}"
            for q in QUANTITIES:
                if q == "active_pes":
                    if model == "cnnergy":
                        continue
                    diff = part[f"active_pes_diff{suffix}"]
                    rows.append(_row(split, network, model, q, np.nan, np.nan, len(part),
                                     int((diff == 0).sum())))  # fmt: skip
                    continue
                column = f"{_short(q)}_err{suffix}"
                if column not in part:
                    continue
                err = part[column].abs()
                rows.append(_row(split, network, model, q, err.mean(), err.max(), len(part)))
    return pd.DataFrame(rows)


def _row(split, network, model, q, mean, worst, count, exact=None) -> dict:
    return {
        "split": split,
        "network": network,
        "model": model,
        "quantity": q,
        "mean_abs_err": float(mean),
        "max_abs_err": float(worst),
        "layers": count,
        "exact": exact if exact is not None else np.nan,
    }


def split_study(
    network: str, base: Accelerator, grid: tuple[tuple, ...] | None = None
) -> pd.DataFrame:
    """How much the answer depends on the split: the reverse split (fit on the other measured
    network, predict `network`) and leave-one-layer-out on `network` (fit on its other layers,
    predict the one left out). One row per study and predicted layer, errors per quantity."""
    from validation.calibration.fit import POLICY_GRID, calibrate, policy_table, predictions

    grid = grid or POLICY_GRID
    base = uncalibrated(base)
    rows = []
    others = [n for n in SILICON if n != network]
    for other in others:
        result = calibrate(other, base=base, bootstrap=0, grid=grid)
        pred = predictions(result.accelerator, network)
        rows += _errors(f"reverse: fit {other}, predict {network}", pred, pred.index)
    table = policy_table(base, network, grid)
    layers = list(table[0][1].index)
    for left in layers:
        keep = [name for name in layers if name != left]
        result = calibrate(network, keep, base=base, bootstrap=0, table=table)
        pred = predictions(result.accelerator, network)
        rows += _errors(f"leave-one-out on {network}", pred, [left])
    return pd.DataFrame(rows)


def _errors(study: str, pred: pd.DataFrame, layers) -> list[dict]:
    out = []
    for layer in layers:
        row: dict[str, object] = {"study": study, "layer": layer}
        for q in RELATIVE:
            row[f"{_short(q)}_err"] = float(pred.loc[layer, q] / pred.loc[layer, f"{q}_chip"] - 1)
        row["active_pes_diff"] = int(
            pred.loc[layer, "active_pes"] - pred.loc[layer, "active_pes_chip"]
        )
        out.append(row)
    return out


def split_summary(study: pd.DataFrame) -> pd.DataFrame:
    """Mean and max absolute error of each study and quantity."""
    rows = []
    for name, part in study.groupby("study", sort=False):
        for q in RELATIVE:
            err = part[f"{_short(q)}_err"].abs()
            rows.append({"study": name, "quantity": q, "mean_abs_err": float(err.mean()),
                         "max_abs_err": float(err.max()), "layers": len(part)})  # fmt: skip
    return pd.DataFrame(rows)

"""`accelsim calibrate`: fit the RS model's calibration on one set of measured layers only.

Two stages, both on the fit set's layers and nothing else:

1. Policy (the mapper, integers and the on-chip weight's grid), by enumeration: the `energy`
   mapper at each of `GLB_KB_BYTES`, and the `chip` mapper at every combination of
   `PE_SET_CAPS` x `CHANNEL_SET_CAPS` x `GLB_KB_BYTES` x `ONCHIP_WEIGHT_GRID`, map the fit
   layers; a combination scores (mismatches, sse): `mismatches` counts the mapping fields that
   differ from the published mapping (AlexNet, Table III) plus the active-PE counts that differ
   from the measured ones; `sse` is the sum of squared log errors of total and processing
   latency, GLB and DRAM accesses at the uncalibrated energies. Ties (combinations the fit set
   cannot tell apart) go to the `energy` mapper (it has no parameter to fit), then to the tightest caps (a cap is a bound on the compiler's choices, and
   the largest value the fit set shows is the estimate of a bound), then to the GLB's physical
   kB (25 banks of 512 x 64 bit = 100 x 1024 bytes), then to the median on-chip weight.
2. Continuous parameters (`CONTINUOUS`), by `scipy.optimize.least_squares` in log space within
   bounds: residuals are the log errors of total latency, processing latency and on-chip energy
   of each fit layer, plus soft priors (the CNNergy per-access energies, a DRAM link at full
   rate) divided by their spreads. Uncertainty: a case bootstrap over the fit layers (each
   resample refitted from the optimum), reported as the standard deviation and the 2.5 / 97.5 %
   quantiles.

The held-out layers are never evaluated here.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from itertools import product

import numpy as np
import pandas as pd

from accelsim.calibration.parameters import (
    CHANNEL_SET_CAPS,
    DEFAULT_BOOTSTRAP,
    ENERGY_PRIOR_SIGMA,
    FITTED_ENERGY_FIELDS,
    GLB_KB_BYTES,
    ONCHIP_WEIGHT_GRID,
    PARAMETERS,
    PE_SET_CAPS,
    Calibration,
)
from accelsim.errors import AccelsimError
from accelsim.hardware import Accelerator, resolve_accelerator
from accelsim.models.silicon import SILICON, chip_mapping_frame

POLICY_FIELDS = ("mapper", "max_pe_sets", "max_channel_sets", "glb_kb_bytes", "onchip_weight")
CONTINUOUS = ("static_power_w", "dram_link_efficiency", *FITTED_ENERGY_FIELDS)
"""The continuous parameters, in the order of the optimiser's vector."""

STATIC_POWER_FLOOR_W = 1e-4
"""Least static power the log-space fit may reach (0.1 mW, under 0.1 % of the chip's power)."""

RESIDUAL_QUANTITIES = ("latency_ms", "processing_latency_ms", "energy_mj")
SCORE_QUANTITIES = ("latency_ms", "processing_latency_ms", "glb_mb", "dram_mb")
MAPPING_COLUMNS = ("m", "n", "e", "p", "q", "r", "t")


@dataclass(frozen=True)
class FitResult:
    """A calibration fitted on `layers` of `network`, with what the fit saw."""

    network: str
    layers: tuple[str, ...]
    accelerator: Accelerator
    policy_score: tuple[int, float]
    policy_tested: int
    policy_ties: int
    uncertainty: dict[str, dict[str, float]]
    residuals: pd.DataFrame  # one row per fit layer: relative errors of every quantity
    cost: float
    bootstrap: int
    extra_provenance: dict[str, object] = field(default_factory=dict)

    def provenance(self) -> dict[str, object]:
        """The record a calibrated accelerator file carries (plain TOML values)."""
        cal = self.accelerator.calibration
        params: dict[str, object] = {}
        for name in POLICY_FIELDS:
            params[name] = {"value": getattr(cal, name), "method": "enumerated on the fit set"}
        for name in CONTINUOUS:
            value = _value(self.accelerator, name)
            entry: dict[str, object] = {"value": value, "method": "least squares, log space"}
            entry.update(self.uncertainty.get(name, {}))
            prior = _prior(name)
            if prior is not None:
                entry["prior"], entry["prior_sigma_log"] = prior
            params[name] = entry
        residuals = {
            row["layer"]: {k: float(row[k]) for k in self.residuals.columns if k != "layer"}
            for row in self.residuals.to_dict("records")
        }
        return {
            "fit_set": self.network,
            "fit_layers": list(self.layers),
            "source": "Chen et al., IEEE JSSC 52(1) 2017"
            + (", Tables III and V" if self.network == "alexnet" else ", Table VI"),
            "policy": {
                "combinations_tested": self.policy_tested,
                "combinations_tied": self.policy_ties,
                "mismatches": self.policy_score[0],
                "score_sse": self.policy_score[1],
            },
            "optimiser": "scipy.optimize.least_squares (trf, bounded, log space, priors as "
            "soft residuals)",
            "cost": self.cost,
            "bootstrap_resamples": self.bootstrap,
            "parameters": params,
            "residuals": residuals,
            **self.extra_provenance,
        }


def _value(acc: Accelerator, name: str) -> float:
    if name in FITTED_ENERGY_FIELDS:
        return float(getattr(acc.energy, name))
    return float(getattr(acc.calibration, name))


def _prior(name: str) -> tuple[float, float] | None:
    """(value, spread in log units) of a continuous parameter's prior, None without one."""
    if name in FITTED_ENERGY_FIELDS:
        return float(getattr(resolve_accelerator("eyeriss", 16).energy, name)), ENERGY_PRIOR_SIGMA
    info = PARAMETERS[name]
    return None if info.prior is None else (float(info.prior), float(info.prior_sigma))


_RUNS: dict[tuple, tuple[np.ndarray, np.ndarray, int]] = {}
"""Engine runs (counts, cycles by cause, total) by layer, mapping and effective array: a fit
evaluates the same mappings many times with other energies."""


def predictions(config: Accelerator, network: str) -> pd.DataFrame:
    """The model's figures for every measured layer of `network`, as `validation.compare`'s
    `compare_silicon` gives them (a test checks it), indexed by layer, with power. Engine runs
    are cached (`_RUNS`), so only the mapper and the energy are recomputed."""
    from accelsim.calibration.effective import applied
    from accelsim.engine.rs.plan import make_plan
    from accelsim.engine.rs.run import run_plan
    from accelsim.engine.rs.simulate import build_result, choose_mapping
    from accelsim.models.silicon import silicon_batch, silicon_frame
    from validation.compare import silicon_network, silicon_row, with_errors

    cfg = applied(config)
    batch = silicon_batch(network)
    net = silicon_network(network)
    rows = []
    for _, meas in silicon_frame(network).iterrows():
        layer = net.layer(meas["layer"])
        first = net.reads_image(layer)
        mapping = choose_mapping(layer, cfg, batch, first)  # the calibration's mapper
        key = (network, layer.name, str(mapping), cfg.hardware, cfg.rlc)
        if key not in _RUNS:
            plan = make_plan(layer, cfg.hardware, mapping, batch, first, cfg.rlc)
            _RUNS[key] = run_plan(plan, "fast")
        res = build_result(layer, cfg, mapping, batch, "fast", *_RUNS[key])
        rows.append(silicon_row(meas, res, cfg))
    frame = with_errors(pd.DataFrame(rows)).set_index("layer")
    frame["power_mw"] = frame["energy_mj"] * frame["batch"] / frame["latency_ms"] * 1e3
    frame["power_mw_chip"] = (
        frame["energy_mj_chip"] * frame["batch"] / frame["latency_ms_chip"] * 1e3
    )
    return frame


def fit_layers(network: str, layers: Sequence[str] | None = None) -> tuple[str, ...]:
    """The fit set: the named layers of a measured network (default: all its CONV layers)."""
    from accelsim.models.silicon import silicon_frame

    if network not in SILICON:
        raise AccelsimError(
            f"calibrate: --fit must be one of {', '.join(SILICON)}, got '{network}'"
        )
    every = tuple(silicon_frame(network)["layer"])
    if layers is None:
        return every
    unknown = [name for name in layers if name not in every]
    if unknown or not layers:
        raise AccelsimError(
            f"calibrate: {network} has no measured layer '{unknown[0] if unknown else ''}'"
        )
    return tuple(layers)


def _log_err(frame: pd.DataFrame, key: str) -> np.ndarray:
    return np.log(frame[key].to_numpy(float) / frame[f"{key}_chip"].to_numpy(float))


def _mismatches(frame: pd.DataFrame, network: str) -> int:
    count = int((frame["active_pes"] != frame["active_pes_chip"]).sum())
    if network == "alexnet":
        table = chip_mapping_frame().set_index("layer").loc[frame.index]
        for layer, text in frame["mapping"].items():
            mapping = dict(item.split("=") for item in text.split(","))
            count += sum(int(mapping[k]) != int(table.loc[layer, k]) for k in MAPPING_COLUMNS)
    return count


POLICY_GRID = (PE_SET_CAPS, CHANNEL_SET_CAPS, GLB_KB_BYTES, ONCHIP_WEIGHT_GRID)
"""The values enumerated for the `chip` mapper's fields (`POLICY_FIELDS` after the mapper)."""


def policy_combinations(grid: tuple[tuple, ...] = POLICY_GRID) -> list[dict[str, object]]:
    """The `energy` mapper at each GLB convention (its other fields, which only the `chip`
    mapper reads, at their defaults), then the `chip` mapper at every combination of `grid`."""
    default = Calibration()
    energy = [
        {"mapper": "energy", "max_pe_sets": default.max_pe_sets,
         "max_channel_sets": default.max_channel_sets, "glb_kb_bytes": kb,
         "onchip_weight": default.onchip_weight}
        for kb in grid[2]
    ]  # fmt: skip
    chip = [dict(zip(POLICY_FIELDS, ("chip", *values), strict=True)) for values in product(*grid)]
    return energy + chip


def policy_table(
    base: Accelerator, network: str, grid: tuple[tuple, ...] = POLICY_GRID
) -> list[tuple[dict[str, object], pd.DataFrame]]:
    """Every policy combination (`policy_combinations`) and its predictions for every measured
    layer of `network` (uncalibrated continuous parameters). Computed once per network: any fit
    set of its layers (leave-one-out included) scores these rows."""
    rows = []
    for combo in policy_combinations(grid):
        acc = replace(base, calibration=replace(base.calibration, **combo))
        rows.append((combo, predictions(acc, network)))
    return rows


def choose_policy(
    table: list[tuple[dict[str, object], pd.DataFrame]], network: str, layers: Sequence[str]
) -> tuple[dict[str, object], tuple[int, float], int]:
    """The policy combination the fit layers choose (module docstring), its score and how many
    combinations tied with it."""
    scored = []
    for combo, frame in table:
        part = frame.loc[list(layers)]
        sse = float(sum(np.sum(_log_err(part, k) ** 2) for k in SCORE_QUANTITIES))
        scored.append(((_mismatches(part, network), round(sse, 12)), combo))
    best = min(score for score, _ in scored)
    tied = [combo for score, combo in scored if score == best]
    weights = sorted({float(c["onchip_weight"]) for c in tied})

    def rule(c: dict[str, object]) -> tuple:
        median = weights[(len(weights) - 1) // 2]
        return (c["mapper"] != "energy", c["max_pe_sets"], c["max_channel_sets"],
                -int(c["glb_kb_bytes"]), abs(math.log(float(c["onchip_weight"]) / median)))  # fmt: skip

    return min(tied, key=rule), best, len(tied)


def with_continuous(base: Accelerator, x: np.ndarray) -> Accelerator:
    """`base` with the continuous parameters exp(x) (`CONTINUOUS` order); inter_pe_pj follows
    rf_pj at CNNergy's 2 : 1."""
    values = dict(zip(CONTINUOUS, np.exp(x), strict=True))
    static = float(values.pop("static_power_w"))
    eff = min(1.0, float(values.pop("dram_link_efficiency")))
    energy = {k: float(v) for k, v in values.items()}
    energy["inter_pe_pj"] = 2.0 * energy["rf_pj"]
    cal = replace(base.calibration, static_power_w=static, dram_link_efficiency=eff)
    return replace(base, energy=replace(base.energy, **energy), calibration=cal)


def _bounds() -> tuple[np.ndarray, np.ndarray]:
    lo, hi = [], []
    for name in CONTINUOUS:
        if name in FITTED_ENERGY_FIELDS:
            prior = _prior(name)[0]
            lo.append(math.log(prior / 20))
            hi.append(math.log(prior * 20))
        elif name == "static_power_w":
            lo.append(math.log(STATIC_POWER_FLOOR_W))
            hi.append(math.log(PARAMETERS[name].high))
        else:
            lo.append(math.log(PARAMETERS[name].low))
            hi.append(math.log(PARAMETERS[name].high))
    return np.array(lo), np.array(hi)


def _start() -> np.ndarray:
    x = []
    for name in CONTINUOUS:
        prior = _prior(name)
        x.append(math.log(prior[0]) if prior else math.log(0.01))
    lo, hi = _bounds()
    return np.clip(np.array(x), lo + 1e-9, hi - 1e-9)


def _priors(x: np.ndarray) -> np.ndarray:
    out = []
    for name, xi in zip(CONTINUOUS, x, strict=True):
        prior = _prior(name)
        if prior is not None:
            out.append((xi - math.log(prior[0])) / prior[1])
    return np.array(out)


def least_squares_solver():
    """`scipy.optimize.least_squares`. scipy is an optional extra (`accelsim[calibrate]`): only
    calibration uses it, and numba imports part of it whenever it is installed, which costs every
    simulator command a few hundred ms of start-up."""
    try:
        from scipy.optimize import least_squares
    except ImportError:
        raise AccelsimError(
            "calibrate needs scipy, an optional extra: pip install 'accelsim[calibrate]'"
        ) from None
    return least_squares


def fit_continuous(
    base: Accelerator,
    network: str,
    layers: Sequence[str],
    x0: np.ndarray | None = None,
    weights: np.ndarray | None = None,
) -> tuple[np.ndarray, float]:
    """Least squares of the continuous parameters on the fit layers; returns (x, cost).
    `weights` (per fit layer) multiplies each layer's residuals (the bootstrap's counts)."""
    least_squares = least_squares_solver()

    layers = list(layers)
    w = np.ones(len(layers)) if weights is None else np.asarray(weights, float)

    def residuals(x: np.ndarray) -> np.ndarray:
        frame = predictions(with_continuous(base, x), network).loc[layers]
        data = [np.sqrt(w) * _log_err(frame, k) for k in RESIDUAL_QUANTITIES]
        return np.concatenate([*data, _priors(x)])

    lo, hi = _bounds()
    start = _start() if x0 is None else np.clip(x0, lo + 1e-9, hi - 1e-9)
    sol = least_squares(residuals, start, bounds=(lo, hi), diff_step=1e-3, x_scale=1.0,
                        xtol=1e-6, ftol=1e-8, max_nfev=200)  # fmt: skip
    return sol.x, float(sol.cost)


def calibrate(
    network: str = "alexnet",
    layers: Sequence[str] | None = None,
    base: Accelerator | None = None,
    bootstrap: int = DEFAULT_BOOTSTRAP,
    seed: int = 0,
    table: list[tuple[dict[str, object], pd.DataFrame]] | None = None,
    grid: tuple[tuple, ...] = POLICY_GRID,
) -> FitResult:
    """Fit the calibration on `layers` of `network` (default: all its measured CONV layers)."""
    least_squares_solver()  # no scipy: the error before any work
    if isinstance(bootstrap, bool) or not isinstance(bootstrap, int) or bootstrap < 0:
        raise AccelsimError(
            f"calibrate: --bootstrap must be a non-negative integer, got {bootstrap!r}"
        )
    chosen_layers = fit_layers(network, layers)
    base = base or resolve_accelerator("eyeriss", 16)
    if base.kind != "spatial" or base.bits != 16:
        raise AccelsimError(
            f"calibrate: the chip is a 16-bit spatial array; '{base.name}' is a {base.bits}-bit "
            f"{base.kind} array"
        )
    base = replace(base, calibration=Calibration())
    table = table if table is not None else policy_table(base, network, grid)
    combo, score, ties = choose_policy(table, network, chosen_layers)
    policy = replace(base, calibration=replace(base.calibration, **combo))
    x, cost = fit_continuous(policy, network, chosen_layers)
    fitted = with_continuous(policy, x)
    name = f"{base.name}-calibrated-{network}"
    fitted = replace(
        fitted,
        name=name,
        hardware=replace(fitted.hardware, name=name),
        calibration=replace(fitted.calibration, fit_set=network),
        energy=replace(fitted.energy, name=f"{base.energy.name}-calibrated-{network}"),
    )
    uncertainty = _bootstrap(policy, network, chosen_layers, x, bootstrap, seed)
    frame = predictions(fitted, network).loc[list(chosen_layers)]
    residuals = pd.DataFrame({"layer": list(chosen_layers)})
    for key in (
        "latency_ms",
        "processing_latency_ms",
        "energy_mj",
        "power_mw",
        "glb_mb",
        "dram_mb",
    ):
        err = frame[key].to_numpy(float) / frame[f"{key}_chip"].to_numpy(float) - 1.0
        residuals[key.rsplit("_", 1)[0] + "_err"] = err
    residuals["active_pes_diff"] = (frame["active_pes"] - frame["active_pes_chip"]).to_numpy()
    return FitResult(
        network=network,
        layers=chosen_layers,
        accelerator=fitted,
        policy_score=score,
        policy_tested=len(table),
        policy_ties=ties,
        uncertainty=uncertainty,
        residuals=residuals,
        cost=cost,
        bootstrap=bootstrap,
    )


def _bootstrap(
    policy: Accelerator,
    network: str,
    layers: tuple[str, ...],
    x: np.ndarray,
    count: int,
    seed: int,
) -> dict[str, dict[str, float]]:
    """Case bootstrap over the fit layers: resample them with replacement, refit from `x`."""
    if count == 0:
        return {}
    rng = np.random.default_rng(seed)
    draws = []
    for _ in range(count):
        weights = np.bincount(rng.integers(0, len(layers), len(layers)), minlength=len(layers))
        xb, _ = fit_continuous(policy, network, layers, x0=x, weights=weights)
        draws.append(np.exp(xb))
    values = np.array(draws)
    out = {}
    for i, name in enumerate(CONTINUOUS):
        col = values[:, i]
        out[name] = {
            "bootstrap_std": float(col.std(ddof=1)) if count > 1 else 0.0,
            "bootstrap_q025": float(np.quantile(col, 0.025)),
            "bootstrap_q975": float(np.quantile(col, 0.975)),
        }
    return out


def write_calibrated(result: FitResult, path: str) -> None:
    """The calibrated accelerator file (TOML or YAML by suffix) with its provenance, atomically."""
    from pathlib import Path

    from accelsim.hardware.config import accelerator_to_dict
    from accelsim.report.output import write_text_atomic

    data = accelerator_to_dict(result.accelerator)
    data["provenance"] = result.provenance()
    suffix = Path(path).suffix.lower()
    if suffix == ".toml":
        import tomli_w

        text = tomli_w.dumps(data)
    elif suffix in (".yaml", ".yml"):
        import yaml

        text = yaml.safe_dump(data, sort_keys=False)
    else:
        raise AccelsimError(f"calibrate: --out must be a .toml or .yaml file, got '{path}'")
    write_text_atomic(path, text)


def calibrated_text(result: FitResult) -> str:
    """The calibrated accelerator file as TOML text (with provenance)."""
    import tomli_w

    from accelsim.hardware.config import accelerator_to_dict

    data = accelerator_to_dict(result.accelerator)
    data["provenance"] = result.provenance()
    return tomli_w.dumps(data)

"""Two models on the same networks and designs, column by column: the comparison frame.

One row per (design, network, layer, column) and one `TOTAL` row per (design, network, column),
with both models' values (`a`, `b`), their ratio b / a, whether the layer was compared, and for
energy and latency the reason they differ (`accelsim.compare.attribution`). Every value is the
model's own result-contract value (per image), so a network total equals what `accelsim energy
--model` reports for that model when no layer is refused.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

from accelsim.comparison.attribution import energy_reason, is_stall_cause, latency_reason
from accelsim.comparison.choices import (
    ModelChoice,
    defining_model,
    model_name,
    parse_choices,
    route_options,
)
from accelsim.comparison.designs import Design, expand_designs
from accelsim.comparison.ratios import as_number, ratio
from accelsim.errors import AccelsimError
from accelsim.hardware.accelerator import Accelerator
from accelsim.models.result import SHARED_COLUMNS, SUMMABLE_COLUMNS, LayerResult
from accelsim.workload.network import Network

COMPARED_COLUMNS = tuple(
    c for c in SHARED_COLUMNS if c not in ("layer", "group", "model", "mapping")
)
"""The shared columns a comparison puts side by side: all numeric ones, `batch` (images per pass)
included, so a difference in batch shows."""

FRAME_COLUMNS = (
    "design",
    "accelerator",
    "kind",
    "dataflow",
    "array",
    "bits",
    "network",
    "layer",
    "group",
    "column",
    "model_a",
    "model_b",
    "a",
    "b",
    "ratio",
    "status",
    "reason",
)
"""The columns of the comparison frame, in order."""

TOTAL = "TOTAL"
COMPARED = "compared"
ANALYTICAL_THROUGHPUT_OPTION = "macs_per_s"
REPORTS_OPTION = "reports_dir"


def _silicon_refusal(design: Design) -> str | None:
    """The chip was measured at one design point; on any other its numbers do not apply."""
    from accelsim.hardware.presets import preset

    chip = preset("eyeriss")
    if design.accelerator.hardware != chip.hardware:
        return (
            f"silicon: measured on the Eyeriss chip ({chip.bits} bit, 12x14 PEs), not on "
            f"'{design.label}'"
        )
    if not design.accelerator.energy.include_control:
        return "silicon: the chip's measured energy includes clock and control (no --no-control)"
    return None


def _outcomes(
    choice: ModelChoice, options: dict[str, Any], network: Network, design: Design
) -> dict[str, LayerResult | str]:
    """Layer name -> the model's result, or why the layer was not evaluated."""
    from accelsim.api import evaluate_each
    from accelsim.models.silicon import NAME as SILICON
    from accelsim.models.silicon import NOT_MEASURED

    name = model_name(choice, design.accelerator.kind)
    refusal = _silicon_refusal(design) if name == SILICON else None
    if refusal is not None:
        return {
            layer.name: f"refused by {choice.label}: {refusal}" for layer in network.compute_layers
        }
    outcomes: dict[str, LayerResult | str] = {}
    for out in evaluate_each(network, design.accelerator, choice.model, **options):
        if not isinstance(out, LayerResult):
            outcomes[out.layer] = f"refused by {choice.label}: {out.reason}"
        elif name == SILICON and out.extra.get("source") == NOT_MEASURED:
            outcomes[out.layer] = f"not measured by {choice.label}"
        else:
            outcomes[out.layer] = out
    return outcomes


def _cycle_columns(row: Mapping[str, Any]) -> tuple[str, ...]:
    """A simulator's cycle counts, summed over layers for the network's latency reason."""
    return tuple(k for k in row if k == "cycles" or is_stall_cause(k))


def _rows_for(
    network: Network,
    design: Design,
    choices: tuple[ModelChoice, ModelChoice],
    sides: tuple[dict[str, LayerResult | str], dict[str, LayerResult | str]],
    throughput: Mapping[str, float],
) -> list[dict[str, Any]]:
    label_a, label_b = choices[0].label, choices[1].label
    head = {**design.columns(), "network": network.name}
    rows: list[dict[str, Any]] = []
    total_a: dict[str, float] = dict.fromkeys(SUMMABLE_COLUMNS, 0.0)
    total_b: dict[str, float] = dict.fromkeys(SUMMABLE_COLUMNS, 0.0)
    compared = 0
    layers = network.compute_layers
    for layer in layers:
        out_a, out_b = sides[0][layer.name], sides[1][layer.name]
        row_a = out_a.row() if isinstance(out_a, LayerResult) else {}
        row_b = out_b.row() if isinstance(out_b, LayerResult) else {}
        problems = [o for o in (out_a, out_b) if isinstance(o, str)]
        status = "; ".join(problems) if problems else COMPARED
        reasons = {}
        if not problems:
            compared += 1
            for total, row in ((total_a, row_a), (total_b, row_b)):
                for column in (*SUMMABLE_COLUMNS, *_cycle_columns(row)):
                    total[column] = total.get(column, 0.0) + as_number(row[column])
            reasons = {
                "energy_j": energy_reason(row_a, row_b, label_b),
                "latency_s": latency_reason(row_a, row_b, label_a, label_b, throughput),
            }
        for column in COMPARED_COLUMNS:
            a = float(row_a.get(column, math.nan))
            b = float(row_b.get(column, math.nan))
            rows.append(
                {
                    **head,
                    "layer": layer.name,
                    "group": layer.group_label or layer.name,
                    "column": column,
                    "model_a": label_a,
                    "model_b": label_b,
                    "a": a,
                    "b": b,
                    "ratio": ratio(a, b) if not problems else math.nan,
                    "status": status,
                    "reason": reasons.get(column, ""),
                }
            )
    status = COMPARED if compared == len(layers) else f"{compared} of {len(layers)} layers compared"
    for column in SUMMABLE_COLUMNS:
        a = total_a[column] if compared else math.nan
        b = total_b[column] if compared else math.nan
        reason = ""
        if compared and column == "energy_j":
            reason = energy_reason(total_a, total_b, label_b)
        elif compared and column == "latency_s":
            reason = latency_reason(total_a, total_b, label_a, label_b, throughput)
        rows.append(
            {
                **head,
                "layer": TOTAL,
                "group": TOTAL,
                "column": column,
                "model_a": label_a,
                "model_b": label_b,
                "a": a,
                "b": b,
                "ratio": ratio(a, b),
                "status": status,
                "reason": reason,
            }
        )
    return rows


def _throughputs(
    choices: tuple[ModelChoice, ModelChoice], options: list[dict[str, Any]], kind: str
) -> dict[str, float]:
    """Model label -> the fixed MAC/s of a model that assumes one (the analytical model)."""
    from accelsim.models.registry import models

    fixed = {}
    for choice, chosen in zip(choices, options, strict=True):
        model = models().get(model_name(choice, kind))
        if model is not None and ANALYTICAL_THROUGHPUT_OPTION in model.options:
            default = model.options[ANALYTICAL_THROUGHPUT_OPTION]
            fixed[choice.label] = float(chosen.get(ANALYTICAL_THROUGHPUT_OPTION, default))
    return fixed


def _at_chip_batch(
    choices: tuple[ModelChoice, ModelChoice],
    routed: list[dict[str, Any]],
    net: Network,
    design: Design,
) -> list[dict[str, Any]]:
    """Against `silicon`, the other model runs at the batch the chip was measured at, unless a
    batch (or the analytical model's computed n) was asked for: per-image latency and energy
    depend on the images per pass."""
    from accelsim.models.registry import models
    from accelsim.models.silicon import NAME as SILICON
    from accelsim.models.silicon import silicon_batch

    names = [model_name(c, design.accelerator.kind) for c in choices]
    if SILICON not in names or _silicon_refusal(design) is not None:
        return routed
    try:
        batch = silicon_batch(net.name.lower())
    except AccelsimError:
        return routed  # no measurements: silicon refuses the network
    registry = models()
    return [
        {**chosen, "batch": batch}
        if name != SILICON
        and "batch" in getattr(registry.get(name), "options", {})
        and chosen.get("batch") is None
        and not chosen.get("compute_n")  # the analytical model asked for its own n
        else chosen
        for name, chosen in zip(names, routed, strict=True)
    ]


def compare(
    networks: Sequence[Network | str] | Network | str,
    models: str | Sequence[str] = ("analytical", "rs"),
    accelerators: Sequence[Accelerator | str | None] | Accelerator | str | None = None,
    arrays: Sequence[tuple[int, int]] | None = None,
    **options: Any,
):
    """Both models on every network and design: the comparison frame (`FRAME_COLUMNS`).

    `models` is 'A,B' or two specs (`rs:mapper=energy` sets a model's option); the ratio is
    B / A. `accelerators` are presets, files or `Accelerator`s (default: the first model's
    default array); `arrays` evaluates each at these sizes too. `options` go to every chosen
    model that takes them (one that neither takes is an error); against `silicon`, the other
    model runs at the chip's measured batch unless one is given. A layer a model refuses on a
    design (a filter taller than the array, a layer the chip was not measured on) is a row with
    the refusal as its status and NaN ratios; a model that refuses everything is an error.
    """
    import pandas as pd

    from accelsim.api import as_network

    choices = parse_choices(models)
    if isinstance(networks, Network | str):
        networks = [networks]
    nets = [as_network(n) for n in networks]
    if not nets:
        raise AccelsimError("compare: no network given")
    for net in nets:
        for layer in net.compute_layers:
            if layer.name == TOTAL:
                raise AccelsimError(
                    f"compare: network '{net.name}' has a layer named '{TOTAL}', the name of the "
                    "network-total rows; rename the layer"
                )
    names = [n.name for n in nets]
    for name in names:
        if names.count(name) > 1:
            raise AccelsimError(f"compare: network '{name}' is given twice")
    if isinstance(accelerators, Accelerator | str):
        accelerators = [accelerators]
    designs = expand_designs(list(accelerators or []), arrays, defining_model(choices))
    rows: list[dict[str, Any]] = []
    evaluated = dict.fromkeys((c.label for c in choices), False)
    first_refusal: dict[str, str] = {}
    for design in designs:
        kind = design.accelerator.kind
        routed = route_options(choices, options, kind)
        if any(chosen.get(REPORTS_OPTION) is not None for chosen in routed):
            raise AccelsimError(
                f"compare: '{REPORTS_OPTION}' writes one run's SCALE-Sim reports; use `accelsim "
                "simulate --scalesim-reports DIR` for them"
            )
        throughput = _throughputs(choices, routed, kind)
        for net in nets:
            chosen_options = _at_chip_batch(choices, routed, net, design)
            sides = tuple(
                _outcomes(choice, chosen, net, design)
                for choice, chosen in zip(choices, chosen_options, strict=True)
            )
            for choice, side in zip(choices, sides, strict=True):
                for out in side.values():
                    if isinstance(out, LayerResult):
                        evaluated[choice.label] = True
                    else:
                        first_refusal.setdefault(choice.label, out)
            rows += _rows_for(net, design, choices, sides, throughput)  # type: ignore[arg-type]
    for label, any_layer in evaluated.items():
        if not any_layer:
            raise AccelsimError(first_refusal.get(label, f"model '{label}' evaluated no layer"))
    return pd.DataFrame(rows, columns=list(FRAME_COLUMNS))

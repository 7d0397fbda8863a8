"""The Python API: evaluate a network on an accelerator with any registered model.

    import accelsim
    frame = accelsim.run("alexnet", "eyeriss", model="analytical")       # a DataFrame
    frame = accelsim.run("vgg16", "eyeriss", model="rs", batch=3, mapper="energy")
    frame = accelsim.run("alexnet", "tpu-v1", model="systolic", memory="default")
    results = accelsim.evaluate(network, accelerator, model="simulated")  # LayerResult records
    frame = accelsim.compare(["alexnet", "vgg16"], models=("analytical", "rs"))  # model vs model

Networks are a `Network`, a built-in name or a file path; accelerators an `Accelerator`, a preset
name or a file path. Every model fills the same columns (`accelsim.models.result`).
"""

from __future__ import annotations

from typing import Any

from accelsim.errors import AccelsimError, LayerRefused
from accelsim.files.reading import short_repr
from accelsim.hardware.accelerator import Accelerator
from accelsim.hardware.config import resolve_accelerator
from accelsim.models.registry import model_options, models, resolve_model
from accelsim.models.result import LayerResult, Refusal, results_frame
from accelsim.workload.network import Network


def as_network(network: Network | str) -> Network:
    """A network, a built-in network's name, or a network file, with at least one conv/FC layer."""
    if isinstance(network, str):
        from accelsim.workload.loaders import load_network

        network = load_network(network)
    if not isinstance(network, Network):
        raise AccelsimError(f"expected a network, a built-in name or a file, got {network!r}")
    if not network.compute_layers:
        raise AccelsimError(f"network '{network.name}' has no conv or fc layer to evaluate")
    return network


def default_dataflow(model: str | None) -> str | None:
    """The dataflow whose default preset a model runs on when no accelerator is named: a
    systolic one for a model of systolic arrays only (scalesim-32x32), else None (eyeriss)."""
    spec = models().get(model or "")
    return "os" if spec is not None and "spatial" not in spec.kinds else None


def as_accelerator(accelerator: Accelerator | str | None, model: str = "analytical") -> Accelerator:
    """An accelerator, a preset name or a file; None is the default array for `model`'s kind."""
    if isinstance(accelerator, Accelerator):
        return accelerator
    if accelerator is None:
        return resolve_accelerator(None, dataflow=default_dataflow(model))
    return resolve_accelerator(accelerator)


NON_MAC_CHOICES = ("free", "costed")
"""What the layers without MACs cost: `free` (listed by `free_layers`, CNNergy's convention) or
`costed` (each gets a result from `accelsim.energy.non_mac`)."""


def check_non_mac(value: object) -> str:
    if not isinstance(value, str) or value not in NON_MAC_CHOICES:
        raise AccelsimError(
            f"non_mac must be one of {', '.join(NON_MAC_CHOICES)}, got {short_repr(value)}"
        )
    return value


def evaluate(
    network: Network | str,
    accelerator: Accelerator | str | None = None,
    model: str = "analytical",
    non_mac: str = "free",
    **options: Any,
) -> list[LayerResult]:
    """Every conv/FC layer of `network` on `accelsim` by `model`, as result records; with
    `non_mac="costed"` also every layer without MACs (pooling, element-wise, ...), in network
    order, costed by `accelsim.energy.non_mac`.

    `options` are the model's (see `accelsim.models.registry.models()[name].options`); one the
    model does not take is an error.
    """
    check_non_mac(non_mac)
    net = as_network(network)
    acc = as_accelerator(accelerator, model)
    spec, fixed = resolve_model(model, acc.kind)
    results = spec.evaluate(net, acc, model_options(spec, {**fixed, **options}))
    return with_non_mac(net, acc, spec.name, results, non_mac)


def with_non_mac(
    network: Network, accelerator: Accelerator, model: str, results: list, non_mac: str
) -> list:
    """`results` (of the conv/FC layers), with the non-MAC layers' costs in network order when
    `non_mac` is `costed`."""
    if non_mac == "free":
        return results
    from accelsim.energy.non_mac import non_mac_result
    from accelsim.workload.non_mac import non_mac_work

    costed = {
        work.layer: non_mac_result(work, accelerator, model) for work in non_mac_work(network)
    }
    if not costed:
        return results
    by_name = {result.layer: result for result in results}
    out = []
    for layer in network.layers:
        if layer.name in costed:
            out.append(costed[layer.name])
        elif layer.name in by_name:
            out.append(by_name.pop(layer.name))
    out.extend(by_name.values())  # a model's result for a name not in the network: kept
    return out


FREE_LAYER_COLUMNS = (
    "layer",
    "kind",
    "op",
    "input_words",
    "output_words",
    "alu_ops",
    "moves_data",
    "note",
)
"""Columns of `free_layers`."""


def free_layer_rows(network: Network | str, non_mac: str = "free") -> list[dict[str, Any]]:
    """The rows of `free_layers` as dicts (keys `FREE_LAYER_COLUMNS`), without pandas."""
    from accelsim.workload.non_mac import non_mac_work

    check_non_mac(non_mac)
    net = as_network(network)
    if non_mac == "costed":
        return []
    return [
        {
            "layer": w.layer,
            "kind": w.kind,
            "op": w.op,
            "input_words": w.input_words,
            "output_words": w.output_words,
            "alu_ops": w.alu_ops,
            "moves_data": w.moves_data,
            "note": w.reason,
        }
        for w in non_mac_work(net)
    ]


def free_layers(network: Network | str, non_mac: str = "free"):
    """The layers a run treats as free (none when `non_mac` is `costed`): one row per layer
    without MACs, with its kind, operation, words, ALU operations and why it costs nothing here."""
    import pandas as pd

    return pd.DataFrame(free_layer_rows(network, non_mac), columns=list(FREE_LAYER_COLUMNS))


def evaluate_each(
    network: Network | str,
    accelerator: Accelerator | str | None = None,
    model: str = "analytical",
    non_mac: str = "free",
    **options: Any,
) -> list[LayerResult | Refusal]:
    """`evaluate`, except that a layer the model cannot evaluate on this accelerator (a
    `LayerRefused`: it does not fit the array or its buffers) is a `Refusal` with the model's
    reason instead of an error for the whole network. Any other error (a bad option, a bad
    file, a work limit) is raised as it is.

    Models evaluate layers independently, so when a layer is refused, each layer is evaluated
    alone (`Network.layer_alone`), which gives the same result for the layers that pass; an
    option that names layers (`mappings`) keeps the entries of that layer.
    """
    check_non_mac(non_mac)
    net = as_network(network)
    acc = as_accelerator(accelerator, model)
    spec, fixed = resolve_model(model, acc.kind)
    chosen = model_options(spec, {**fixed, **options})
    try:
        return with_non_mac(net, acc, spec.name, list(spec.evaluate(net, acc, chosen)), non_mac)
    except LayerRefused:
        pass
    outcomes: list[LayerResult | Refusal] = []
    for layer in net.compute_layers:
        try:
            (result,) = spec.evaluate(net.layer_alone(layer), acc, _for_layer(chosen, layer.name))
        except LayerRefused as exc:
            result = Refusal(layer.name, layer.group_label or layer.name, spec.name, str(exc))
        outcomes.append(result)
    return with_non_mac(net, acc, spec.name, outcomes, non_mac)


LAYER_KEYED_OPTIONS = ("mappings",)
"""Options that are a dict keyed by layer name (`*` for every layer)."""


def _for_layer(options: dict[str, Any], name: str) -> dict[str, Any]:
    """The options for evaluating one layer alone: layer-keyed ones cut to that layer."""
    cut = dict(options)
    for key in LAYER_KEYED_OPTIONS:
        value = cut.get(key)
        if isinstance(value, dict):
            cut[key] = {k: v for k, v in value.items() if k in (name, "*")} or None
    return cut


def run(
    network: Network | str,
    accelerator: Accelerator | str | None = None,
    model: str = "analytical",
    non_mac: str = "free",
    **options: Any,
):
    """`evaluate` as a DataFrame: one row per conv/FC layer (and per non-MAC layer when
    `non_mac="costed"`), the shared columns first."""
    return results_frame(evaluate(network, accelerator, model, non_mac, **options))

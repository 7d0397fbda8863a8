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


def evaluate(
    network: Network | str,
    accelerator: Accelerator | str | None = None,
    model: str = "analytical",
    **options: Any,
) -> list[LayerResult]:
    """Every conv/FC layer of `network` on `accelerator` by `model`, as result records.

    `options` are the model's (see `accelsim.models.registry.models()[name].options`); one the
    model does not take is an error.
    """
    net = as_network(network)
    acc = as_accelerator(accelerator, model)
    spec, fixed = resolve_model(model, acc.kind)
    return spec.evaluate(net, acc, model_options(spec, {**fixed, **options}))


def evaluate_each(
    network: Network | str,
    accelerator: Accelerator | str | None = None,
    model: str = "analytical",
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
    net = as_network(network)
    acc = as_accelerator(accelerator, model)
    spec, fixed = resolve_model(model, acc.kind)
    chosen = model_options(spec, {**fixed, **options})
    try:
        return list(spec.evaluate(net, acc, chosen))
    except LayerRefused:
        pass
    outcomes: list[LayerResult | Refusal] = []
    for layer in net.compute_layers:
        try:
            (result,) = spec.evaluate(net.layer_alone(layer), acc, _for_layer(chosen, layer.name))
        except LayerRefused as exc:
            result = Refusal(layer.name, layer.group_label or layer.name, spec.name, str(exc))
        outcomes.append(result)
    return outcomes


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
    **options: Any,
):
    """`evaluate` as a DataFrame: one row per conv/FC layer, the shared columns first."""
    return results_frame(evaluate(network, accelerator, model, **options))

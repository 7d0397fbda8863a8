"""Model `rs`: the cycle-level row-stationary simulator of a spatial (Eyeriss-like) array.

Options: `batch` (images per layer run; default the layer's `batch_n`, else 1), `engine`
(`fast` or `trace`), `mapper` (`chip` or `energy`), `mappings` (layer name -> RSMapping or its
text `m=..,n=..,...`; a key `*` pins every layer not named).
"""

from __future__ import annotations

from accelsim.errors import AccelsimError
from accelsim.files.reading import short_repr
from accelsim.hardware.accelerator import Accelerator
from accelsim.models.registry import Model, check_choice
from accelsim.models.result import LayerResult
from accelsim.workload.network import Network

ALL_LAYERS = "*"


def pinned_mappings(network: Network, mappings: dict | None) -> dict:
    """Layer name -> RSMapping for the layers `mappings` pins (`*` = every other layer)."""
    from dataflows.row_stationary import RSMapping, parse_mapping

    if not mappings:
        return {}
    names = [layer.name for layer in network.compute_layers]
    for key in mappings:
        if key != ALL_LAYERS and key not in names:
            raise AccelsimError(f"mapping: no conv/FC layer named '{key}'")
    parsed = {
        key: value if isinstance(value, RSMapping) else parse_mapping(str(value))
        for key, value in mappings.items()
    }
    every = parsed.get(ALL_LAYERS)
    return {name: parsed.get(name, every) for name in names if name in parsed or every}


def check_options(options: dict) -> dict:
    """Strict option values: batch a positive int (or None), known engine and mapper, mappings a
    dict of layer name -> RSMapping or mapping text (parsed here, so bad text fails first)."""
    from accelsim.engine.limits import check_batch
    from accelsim.engine.rs.run import ENGINES
    from dataflows.row_stationary import POLICIES, RSMapping, parse_mapping

    out = dict(options)
    if out["batch"] is not None:
        check_batch(out["batch"], "option 'batch'")
    check_choice("engine", out["engine"], ENGINES)
    if out["mapper"] is not None:  # None: the accelerator's calibration names it
        check_choice("mapper", out["mapper"], POLICIES)
    mappings = out["mappings"]
    if mappings is not None:
        if not isinstance(mappings, dict):
            raise AccelsimError(
                f"option 'mappings' must be a dict of layer name -> mapping, got "
                f"{short_repr(mappings)}"
            )
        parsed = {}
        for key, value in mappings.items():
            if not isinstance(key, str):
                raise AccelsimError(
                    f"option 'mappings': layer names are strings, got {short_repr(key)}"
                )
            if isinstance(value, RSMapping):
                parsed[key] = value
            elif isinstance(value, str):
                try:
                    parsed[key] = parse_mapping(value)
                except AccelsimError as exc:
                    raise AccelsimError(f"option 'mappings' of '{key}': {exc}") from None
            else:
                raise AccelsimError(
                    f"option 'mappings' of '{key}': an RSMapping or text m=..,n=..,e=..,p=..,"
                    f"q=..,r=..,t=.., got {short_repr(value)}"
                )
        out["mappings"] = parsed
    return out


def evaluate(network: Network, accelerator: Accelerator, options: dict) -> list[LayerResult]:
    from accelsim.engine.rs.simulate import layer_result, simulate_network

    results = simulate_network(
        network,
        accelerator,
        batch=options["batch"],
        engine=options["engine"],
        policy=options["mapper"],
        mappings=pinned_mappings(network, options["mappings"]),
    )
    return [layer_result(res) for res in results]


MODEL = Model(
    name="rs",
    summary="cycle-level simulator of a spatial PE array, row-stationary dataflow",
    kinds=("spatial",),
    evaluate=evaluate,
    options={"batch": None, "engine": "fast", "mapper": None, "mappings": None},
    option_help={
        "batch": "images processed together (default: the layer's batch_n, else 1)",
        "engine": "fast (pass by pass) or trace (cycle by cycle); identical results",
        "mapper": "energy (lowest simulated energy over every legal mapping) or chip (the "
        "Eyeriss chip's choices); default: the accelerator's calibration names it (energy "
        "unless calibrated otherwise)",
        "mappings": "layer -> m=..,n=..,e=..,p=..,q=..,r=..,t=.. (key * for every layer)",
    },
    table_columns=(
        "layer",
        "batch",
        "mapping",
        "active_pes",
        "cycles",
        "latency_s",
        "utilization",
        "macs",
        "glb_reads",
        "glb_writes",
        "dram_reads",
        "dram_writes",
        "energy_j",
    ),  # fmt: skip
    plot="accelsim.engine.rs.plots:plot_layers",
    check_options=check_options,
)

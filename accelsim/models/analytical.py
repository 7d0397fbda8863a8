"""Model `analytical`: CNNergy (NeuPart, TVLSI 2020) on a spatial array, per image.

`batch` is CNNergy's n, the images per pass its schedule assumes: the `batch` option for every
layer, else the layer's `batch_n`, else 1, the rule every model follows
(`accelsim.engine.limits.images_per_pass`); with `compute_n`, the n the schedule computes (as many
images as the GLB holds, `docs/cnnergy.md`). Model columns: the schedule and pass counts.
"""

from __future__ import annotations

import math
from dataclasses import fields

from accelsim.analytical.cnnergy import MACS_PER_S, evaluate_network
from accelsim.errors import AccelsimError
from accelsim.files.reading import short_repr
from accelsim.hardware.accelerator import Accelerator
from accelsim.models.registry import Model, check_flag
from accelsim.models.result import LayerResult
from accelsim.workload.network import Network

NAME = "analytical"


def check_options(options: dict) -> dict:
    """Strict option values: batch a positive int (or None), compute_n a bool (not with a batch),
    macs_per_s a finite positive number."""
    from accelsim.engine.limits import check_batch

    if options["batch"] is not None:
        check_batch(options["batch"], "option 'batch'")
    check_flag("compute_n", options["compute_n"])
    if options["compute_n"] and options["batch"] is not None:
        raise AccelsimError(
            "options 'batch' and 'compute_n' both set the images per pass: give one of them"
        )
    rate = options["macs_per_s"]
    if isinstance(rate, bool) or not isinstance(rate, int | float) or not 0 < rate < math.inf:
        raise AccelsimError(
            f"option 'macs_per_s' must be a positive finite number, got {short_repr(rate)}"
        )
    return dict(options)


def evaluate(network: Network, accelerator: Accelerator, options: dict) -> list[LayerResult]:
    results = evaluate_network(
        network,
        accelerator,
        compute_n=options["compute_n"],
        macs_per_s=options["macs_per_s"],
        batch=options["batch"],
    )
    made: dict[int, LayerResult] = {}  # CNNergy shares one result among equal layers
    out = []
    for res in results:
        key = id(res.schedule)
        if key not in made:
            made[key] = _result(res)
        out.append(_renamed(made[key], res.layer, res.group))
    return out


def _renamed(result: LayerResult, layer: str, group: str) -> LayerResult:
    """A copy of `result` for another layer of the same shape. Its dicts are shared: results are
    frozen and their mappings read-only by contract (nothing in accelsim writes to them)."""
    if result.layer == layer and result.group == group:
        return result
    clone = object.__new__(type(result))  # a field-for-field copy, without copy's machinery
    clone.__dict__.update(result.__dict__)
    object.__setattr__(clone, "layer", layer)
    object.__setattr__(clone, "group", group)
    return clone


def _result(res) -> LayerResult:  # noqa: ANN001 - a CnnergyLayer
    sch = res.schedule
    sched = {f.name: getattr(sch, f.name) for f in fields(sch)}  # flat: asdict deep-copies
    for key in ("n", "n_computed", "rules"):
        sched.pop(key)
    extra = {
        "n": sch.n,
        "n_computed": sch.n_computed,
        "energy_j_computed_n": res.energy_j_computed_n,
        **sched,
        "total_kb": sch.total_kb,
        "z_passes": res.z_passes,
        "filter_passes": res.filter_passes,
        "y_passes": res.y_passes,
        "x_passes": res.x_passes,
        "rules": "+".join(sch.rules) or "none",
        "group_schedule": res.group_schedule,
    }
    return LayerResult(
        layer=res.layer,
        group=res.group,
        model=NAME,
        batch=sch.n,
        macs=res.macs,
        nonzero_macs=res.nonzero_macs,
        energy_j=res.energy_j,
        latency_s=res.latency_s,
        breakdown=res.energy,
        rf_accesses=res.rf_accesses,
        inter_pe_transfers=res.inter_pe_transfers,
        glb={
            "filter": res.glb_filter_accesses,
            "ifmap": res.glb_ifmap_accesses,
            "psum": res.glb_psum_accesses,
        },
        dram={
            "filter": res.dram_filter_accesses,
            "ifmap": res.dram_ifmap_accesses,
            "ofmap": res.dram_ofmap_accesses,
        },
        extra=extra,
    )


MODEL = Model(
    name=NAME,
    summary="CNNergy, the analytical energy model (reproduces its MATLAB reference)",
    kinds=("spatial",),
    evaluate=evaluate,
    options={"batch": None, "compute_n": False, "macs_per_s": MACS_PER_S},
    option_help={
        "batch": "images per pass of every layer (default: the layer's batch_n, else 1)",
        "compute_n": "use the images per pass the schedule computes (as many as the GLB holds) "
        "instead of batch / batch_n",
        "macs_per_s": "throughput assumed for latency (default 23.1e9, Eyeriss on AlexNet)",
    },
    check_options=check_options,
)

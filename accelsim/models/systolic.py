"""Model `systolic`: the systolic-array simulator (OS/WS/IS), SCALE-Sim 3.0.0-compatible.

Options: `batch` (images per GEMM; default the layer's `batch_n`, else 1, the rule every model
follows: `accelsim.engine.limits.images_per_pass`), `memory` (`scalesim`: SCALE-Sim's CALC-mode memory
model counter for counter; `default`: sound double-buffered SRAMs), `cycle_by_cycle` (replay every
cycle, small layers only), `reports_dir` (also write SCALE-Sim's three report CSVs there),
`counts` (`exact`: replay the demand stream; `closed-form`: the same counters from the fold
structure, for design-space sweeps; results say so in the `counts` and `approximate` columns).
"""

from __future__ import annotations

from accelsim.errors import AccelsimError
from accelsim.files.reading import short_repr
from accelsim.hardware.accelerator import Accelerator
from accelsim.models.registry import Model, check_choice, check_flag
from accelsim.models.result import LayerResult
from accelsim.workload.network import Network


def check_options(options: dict) -> dict:
    """Strict option values: batch a positive int (or None), a known memory model, a bool
    cycle_by_cycle, reports_dir a path (or None), a known way of counting, and no option the
    closed forms cannot honour (they replay no cycle and write no SCALE-Sim report)."""
    import os

    from accelsim.engine.limits import check_batch
    from accelsim.engine.systolic.closed_form import COUNTS
    from accelsim.engine.systolic.engine import MEMORY_MODELS

    if options["batch"] is not None:
        check_batch(options["batch"], "option 'batch'")
    check_choice("memory", options["memory"], MEMORY_MODELS)
    check_flag("cycle_by_cycle", options["cycle_by_cycle"])
    reports = options["reports_dir"]
    if reports is not None and not isinstance(reports, str | os.PathLike):
        raise AccelsimError(
            f"option 'reports_dir' must be a directory path, got {short_repr(reports)}"
        )
    check_choice("counts", options["counts"], COUNTS)
    if options["counts"] == "closed-form":
        if options["cycle_by_cycle"]:
            raise AccelsimError(
                "option 'cycle_by_cycle' replays every cycle: it needs counts 'exact', not "
                "'closed-form'"
            )
        if reports is not None:
            raise AccelsimError(
                "option 'reports_dir' writes SCALE-Sim's reports from the exact replay: it "
                "needs counts 'exact', not 'closed-form'"
            )
    return dict(options)


def evaluate(network: Network, accelerator: Accelerator, options: dict) -> list[LayerResult]:
    from accelsim.engine.limits import images_per_pass
    from accelsim.engine.systolic.engine import check_systolic, layer_result, simulate_network

    array = check_systolic(accelerator)
    memory = options["memory"]
    batches = [images_per_pass(layer, options["batch"]) for layer in network.compute_layers]
    if options["reports_dir"] is not None and memory != "scalesim":
        raise AccelsimError("SCALE-Sim reports need memory 'scalesim'")
    if options["cycle_by_cycle"] and memory != "scalesim":
        raise AccelsimError("the cycle-by-cycle path models memory 'scalesim' only")
    results = simulate_network(network, array, memory, batches, options["cycle_by_cycle"],
                               options["counts"])  # fmt: skip
    if options["reports_dir"] is not None:
        from accelsim.interop.scalesim import write_scalesim_reports

        counters = [r.per_gemm for r in results for _ in range(r.repeats)]
        write_scalesim_reports(counters, array, options["reports_dir"])
    return [
        layer_result(layer, res, accelerator, batch)
        for layer, res, batch in zip(network.compute_layers, results, batches, strict=True)
    ]


MODEL = Model(
    name="systolic",
    summary="systolic array (OS/WS/IS) simulator, SCALE-Sim 3.0.0 counter for counter",
    kinds=("systolic",),
    evaluate=evaluate,
    options={
        "batch": None,
        "memory": "scalesim",
        "cycle_by_cycle": False,
        "reports_dir": None,
        "counts": "exact",
    },  # fmt: skip
    option_help={
        "batch": "images processed together (default: the layer's batch_n, else 1)",
        "memory": "scalesim (SCALE-Sim's CALC mode, exactly) or default (double-buffered SRAMs)",
        "cycle_by_cycle": "replay every cycle: same numbers, slow, small layers only",
        "reports_dir": "also write SCALE-Sim's COMPUTE/BANDWIDTH/DETAILED_ACCESS reports here",
        "counts": "exact (replay the demand stream) or closed-form (the same counters from the "
        "fold structure, for sweeps; see the counts and approximate columns)",
    },
    table_columns=(
        "layer",
        "batch",
        "cycles",
        "cycles_incl_prefetch",
        "latency_s",
        "utilization",
        "macs",
        "sram_ifmap_reads",
        "sram_filter_reads",
        "sram_ofmap_writes",
        "dram_ifmap_reads",
        "dram_filter_reads",
        "dram_ofmap_writes",
        "energy_j",
    ),  # fmt: skip
    plot="accelsim.report.systolic_plot:plot_systolic_layers",
    check_options=check_options,
    ignores=(
        "ifmap_zero",
        "ifmap_zero_unpadded",
        "ofmap_zero",
        "reads_image",
        "input_zero",
    ),  # SCALE-Sim's model moves every word: no zero gating, no coding
)

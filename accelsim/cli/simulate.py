"""`accelsim simulate NETWORK`: the cycle-level simulator of the accelerator's kind, layer by layer.

A spatial array (e.g. `eyeriss`) runs the row-stationary simulator (model `rs`), a systolic one
(e.g. `scalesim-32x32`, `tpu-v1`, a SCALE-Sim `.cfg`, or any accelerator with `--dataflow
os|ws|is`) the systolic simulator (model `systolic`).
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from accelsim.cli.common import (
    accelerator_from_args,
    add_accelerator_arguments,
    add_model_arguments,
    add_network_argument,
    add_non_mac_argument,
    add_onnx_arguments,
    add_output_arguments,
    add_zeros_argument,
    check_model_options,
    model_options_from_args,
    network_from_args,
)
from accelsim.errors import AccelsimError
from accelsim.files.reading import short_repr
from accelsim.models.registry import SIMULATED
from accelsim.report.output import emit, render

if TYPE_CHECKING:
    from accelsim.report.columns import Columns
    from accelsim.workload.network import Network


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser("simulate", help="simulate a network on an accelerator, layer by layer")
    add_network_argument(parser)
    add_zeros_argument(parser)
    add_onnx_arguments(parser)
    add_accelerator_arguments(parser)
    add_output_arguments(parser, plot_help="save a per-layer chart of cycles and energy (PNG)")
    add_model_arguments(parser)
    add_non_mac_argument(parser)
    group = parser.add_argument_group("row-stationary trace")
    group.add_argument(
        "--trace-plot",
        metavar="FILE.png",
        default=None,
        help="rs: plot PE and bus activity over time of one layer (trace engine)",
    )
    group.add_argument(
        "--trace-layer",
        metavar="NAME",
        default=None,
        help="layer for --trace-plot (default: the first conv/FC layer)",
    )
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from accelsim.api import evaluate, free_layer_rows
    from accelsim.models.registry import model_plot, resolve_model
    from accelsim.models.result import results_columns
    from accelsim.report.columns import column_sum
    from accelsim.report.tables import (
        free_layers_note,
        free_layers_records,
        layer_table,
        run_header,
    )

    network = network_from_args(args)
    accelerator = accelerator_from_args(args)
    model, _ = resolve_model(SIMULATED, accelerator.kind)
    if args.trace_layer is not None and not args.trace_plot:
        raise AccelsimError("--trace-layer picks the layer of --trace-plot; give --trace-plot")
    if args.trace_plot and model.name != "rs":
        raise AccelsimError(
            f"--trace-plot applies to model rs, not to model '{model.name}' "
            f"({accelerator.kind} array)"
        )
    if args.trace_layer is not None:
        layer = network.layer(args.trace_layer) if args.trace_layer in _names(network) else None
        if layer is None or layer not in network.compute_layers:
            raise AccelsimError(
                f"--trace-layer: {short_repr(args.trace_layer)} is not a conv/FC layer of "
                f"{network.name}"
            )
    options = model_options_from_args(args)
    check_model_options(model.name, accelerator.kind, options)
    table = results_columns(evaluate(network, accelerator, model.name, args.non_mac, **options))
    free = free_layer_rows(network, args.non_mac)
    hw = accelerator.hardware
    what = (
        f"{network.name} on {accelerator.name} ({'x'.join(map(str, hw.shape))} "
        f"{accelerator.kind} array, {hw.dataflow}, model {model.name})"
    )
    if args.format == "table":
        latency_s, energy_j = (
            column_sum(table[c], table.kinds[c]) for c in ("latency_s", "energy_j")
        )
        text = layer_table(
            table,
            model.table_columns,
            f"{what}: cycles and buffer/DRAM words per batch; latency_s and energy_j per "
            f"image; total latency {latency_s * 1e3:.4g} ms, energy "
            f"{energy_j * 1e3:.4g} mJ per image",
        ) + free_layers_note(free)
    else:
        header = run_header(
            network.name,
            accelerator,
            model.name,
            options=options,
            non_mac=args.non_mac,
            free_layers=free_layers_records(free),
        )
        text = render(table, args.format, extra=header)
    traced = _traced_layer(table, args.trace_layer) if args.trace_plot else None
    emit(text, args.out)
    if args.plot:
        model_plot(model)(table.to_frame(), what, args.plot)
    if traced is not None:
        from accelsim.engine.rs.trace_plot import save_trace_plot

        name, mapping, batch = traced
        save_trace_plot(network, accelerator, mapping, batch, name, args.trace_plot)
    return 0


def _names(network: Network) -> set[str]:
    return {layer.name for layer in network.layers}


def _traced_layer(table: Columns, name: str | None) -> tuple[str, str, int]:
    """The layer --trace-plot replays (name, mapping, batch); one the trace replay cannot run in
    its cycle limit is an error naming the layer, before any output."""
    from accelsim.engine.rs.trace import TRACE_MAX_CYCLES

    name = name or str(table["layer"][0])
    if name not in table["layer"]:
        raise AccelsimError(f"--trace-layer: {short_repr(name)} is not a conv/FC layer")
    i = table["layer"].index(name)
    cycles = int(table["cycles"][i])
    if cycles > TRACE_MAX_CYCLES:
        raise AccelsimError(
            f"--trace-plot: layer {name} takes {cycles} cycles, more than the cycle-by-cycle "
            f"replay's limit of {TRACE_MAX_CYCLES}; pick a smaller layer with --trace-layer"
        )
    return name, str(table["mapping"][i]), int(table["batch"][i])

"""`accelsim simulate NETWORK`: the cycle-level simulator of the accelerator's kind, layer by layer.

A spatial array (e.g. `eyeriss`) runs the row-stationary simulator (model `rs`), a systolic one
(e.g. `scalesim-32x32`, `tpu-v1`, a SCALE-Sim `.cfg`, or any accelerator with `--dataflow
os|ws|is`) the systolic simulator (model `systolic`).
"""

from __future__ import annotations

import argparse

from accelsim.cli.common import (
    accelerator_from_args,
    add_accelerator_arguments,
    add_model_arguments,
    add_network_argument,
    add_output_arguments,
    check_model_options,
    model_options_from_args,
)
from accelsim.errors import AccelsimError
from accelsim.models.registry import SIMULATED
from accelsim.report.output import emit, render


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser("simulate", help="simulate a network on an accelerator, layer by layer")
    add_network_argument(parser)
    add_accelerator_arguments(parser)
    add_output_arguments(parser, plot_help="save a per-layer chart of cycles and energy (PNG)")
    add_model_arguments(parser)
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
    from accelsim.api import as_network, evaluate
    from accelsim.models.registry import model_plot, resolve_model
    from accelsim.models.result import results_frame
    from accelsim.report.tables import layer_table, run_header

    network = as_network(args.network)
    accelerator = accelerator_from_args(args)
    model, _ = resolve_model(SIMULATED, accelerator.kind)
    if (args.trace_plot or args.trace_layer) and model.name != "rs":
        raise AccelsimError(
            f"--trace-plot applies to model rs, not to model '{model.name}' "
            f"({accelerator.kind} array)"
        )
    options = model_options_from_args(args)
    check_model_options(model.name, accelerator.kind, options)
    frame = results_frame(evaluate(network, accelerator, model.name, **options))
    hw = accelerator.hardware
    what = (
        f"{network.name} on {accelerator.name} ({'x'.join(map(str, hw.shape))} "
        f"{accelerator.kind} array, {hw.dataflow}, model {model.name})"
    )
    if args.format == "table":
        text = layer_table(
            frame,
            model.table_columns,
            f"{what}: cycles and buffer/DRAM words per batch; latency_s and energy_j per "
            f"image; total latency {frame['latency_s'].sum() * 1e3:.4g} ms, energy "
            f"{frame['energy_j'].sum() * 1e3:.4g} mJ per image",
        )
    else:
        header = run_header(network.name, accelerator, model.name, options=options)
        text = render(frame, args.format, extra=header)
    emit(text, args.out)
    if args.plot:
        model_plot(model)(frame, what, args.plot)
    if args.trace_plot:
        from accelsim.engine.rs.trace_plot import save_trace_plot

        name = args.trace_layer or str(frame["layer"].iloc[0])
        row = frame[frame["layer"] == name]
        if row.empty:
            raise AccelsimError(f"--trace-layer: '{name}' is not a conv/FC layer")
        batch = int(row["batch"].iloc[0])
        save_trace_plot(network, accelerator, row["mapping"].iloc[0], batch, name, args.trace_plot)
    return 0

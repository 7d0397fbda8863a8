"""`accelsim energy NETWORK`: energy per image of every conv/FC layer, by any model."""

from __future__ import annotations

import argparse

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
from accelsim.models.registry import model_names
from accelsim.report.output import emit, render


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser("energy", help="energy per image of every conv/FC layer")
    add_network_argument(parser)
    add_zeros_argument(parser)
    add_onnx_arguments(parser)
    add_accelerator_arguments(parser)
    add_output_arguments(parser, plot_help="save a stacked bar chart of the energy breakdown (PNG)")
    parser.add_argument(
        "--model",
        default="analytical",
        metavar="MODEL|FILE.csv",
        help=f"one of {', '.join(model_names())} (simulated: the simulator of the "
        "accelerator's kind), or a CSV of per-layer results (default: analytical)",
    )
    parser.add_argument(
        "--by-group",
        action="store_true",
        help="sum layers that share a group label (inception and fire modules)",
    )
    add_model_arguments(parser)
    add_non_mac_argument(parser)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from accelsim.api import evaluate, free_layer_rows
    from accelsim.models.result import results_columns
    from accelsim.report.columns import Columns
    from accelsim.report.tables import (
        energy_table,
        free_layers_note,
        free_layers_records,
        group_sums,
        run_header,
        totals,
    )

    network = network_from_args(args)
    accelerator = accelerator_from_args(args, args.model)
    options = model_options_from_args(args)
    check_model_options(args.model, accelerator.kind, options)
    full = results_columns(evaluate(network, accelerator, args.model, args.non_mac, **options))
    free = free_layer_rows(network, args.non_mac)
    # summing groups as pandas does takes pandas (its sums are compensated); the rest does not
    grouped = group_sums(full.to_frame()) if args.by_group else None
    table = full if grouped is None else Columns.from_frame(grouped)
    bits = accelerator.bits
    if args.format == "table":
        text = energy_table(
            table,
            f"{network.name} on {accelerator.name} ({bits} bit), model: {args.model}; energy per "
            f"image in mJ, accesses per image in {bits}-bit words, batch = images per pass",
        ) + free_layers_note(free)
    else:
        header = run_header(
            network.name,
            accelerator,
            args.model,
            totals=totals(table),
            non_mac=args.non_mac,
            free_layers=free_layers_records(free),
        )
        text = render(table if grouped is None else grouped, args.format, extra=header)
    emit(text, args.out)
    if args.plot:
        from accelsim.report.energy_plot import plot_energy_breakdown

        frame = full.to_frame() if grouped is None else grouped
        plotted = group_sums(frame) if (not args.by_group and len(full) > 24) else frame
        plot_energy_breakdown(
            plotted,
            f"{network.name}: energy per image on {accelerator.name} ({bits} bit, {args.model})",
            args.plot,
        )
    return 0

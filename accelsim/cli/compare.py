"""`accelsim compare NETWORK... --models A,B`: two models side by side, layer by layer.

Prints, per design and network, each quantity's totals from both models, their ratio and how the
per-layer ratios spread, and why the models differ; `--format csv|json|parquet` gives one row per
layer and quantity (`--summary`: one per network and quantity).
"""

from __future__ import annotations

import argparse

from accelsim.cli.common import (
    MODEL_OPTION_FLAGS,
    add_accelerator_arguments,
    add_model_arguments,
    add_output_arguments,
    bounded_int,
    model_options_from_args,
)
from accelsim.errors import AccelsimError

DEFAULT_MODELS = "analytical,rs"
DEFAULT_TOP = 3

MAX_TOP = 1000
"""Largest --top: more layers than any network has; the table lists each."""


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser(
        "compare",
        help="two models side by side: per-layer and network ratios, and why they differ",
    )
    parser.add_argument(
        "networks",
        nargs="+",
        metavar="NETWORK",
        help="built-in network names (see `accelsim networks`) or network files",
    )
    parser.add_argument(
        "--models",
        default=DEFAULT_MODELS,
        metavar="A,B",
        help="the two models (ratio = B / A): analytical, rs, systolic, silicon, simulated, or "
        "a .csv of per-layer results; NAME:key=value sets a model's option, e.g. "
        f"rs:mapper=energy (default: {DEFAULT_MODELS})",
    )
    add_accelerator_arguments(parser, many=True)
    add_output_arguments(
        parser, plot_help="save the per-layer ratio chart (energy, latency, GLB, DRAM; log scale)"
    )
    parser.add_argument(
        "--heatmap",
        metavar="FILE.png",
        default=None,
        help="save a heat map of the network energy ratio over designs x networks (of the first "
        "--columns quantity when energy_j is not among them)",
    )
    parser.add_argument(
        "--columns",
        default=None,
        metavar="COL,...",
        help="quantities to compare (shared result columns, e.g. energy_j,latency_s,"
        "glb_accesses); default: all in csv/json/parquet, the energy breakdown, latency and "
        "accesses in the table",
    )
    parser.add_argument(
        "--summary",
        action="store_true",
        help="csv/json/parquet: one row per network and quantity instead of per layer",
    )
    parser.add_argument(
        "--top",
        type=bounded_int(0, MAX_TOP, "a number of layers"),
        default=None,
        metavar="K",
        help=f"table: list the K layers furthest apart in energy per network (default {DEFAULT_TOP})",
    )
    add_model_arguments(parser)
    parser.set_defaults(run=run)


def _columns(text: str | None) -> tuple[str, ...] | None:
    from accelsim.comparison import COMPARED_COLUMNS

    if text is None:
        return None
    columns = tuple(dict.fromkeys(part.strip() for part in text.split(",") if part.strip()))
    for column in columns:
        if column not in COMPARED_COLUMNS:
            raise AccelsimError(
                f"--columns: '{column}' is not a compared column (choose from "
                f"{', '.join(COMPARED_COLUMNS)})"
            )
    if not columns:
        raise AccelsimError("--columns: no column given")
    return columns


def run(args: argparse.Namespace) -> int:
    from accelsim.cli.common import accelerators_from_args, arrays_from_args
    from accelsim.comparison import compare, summarize
    from accelsim.comparison.choices import defining_model, parse_choices
    from accelsim.models.result import SUMMABLE_COLUMNS
    from accelsim.report.compare_table import TABLE_COLUMNS, compare_report
    from accelsim.report.output import emit, render

    if args.top is not None and args.format != "table":
        raise AccelsimError(f"--top lists layers in the table; --format {args.format} has them all")
    top = DEFAULT_TOP if args.top is None else args.top
    if args.scalesim_reports is not None:
        raise AccelsimError(
            f"{MODEL_OPTION_FLAGS['reports_dir']} writes one run's reports; use `accelsim "
            "simulate` for them"
        )
    if args.summary and args.format == "table":
        raise AccelsimError("--summary selects the rows of csv/json/parquet; the table is one")
    columns = _columns(args.columns)
    choices = parse_choices(args.models)
    accelerators = accelerators_from_args(args, defining_model(choices))
    heat = "energy_j" if columns is None or "energy_j" in columns else columns[0]
    if args.heatmap and heat not in SUMMABLE_COLUMNS:
        raise AccelsimError(
            f"--heatmap colours network totals; '{heat}' has none (put a summable quantity such "
            "as energy_j first in --columns)"
        )
    frame = compare(
        args.networks,
        models=choices,
        accelerators=accelerators,
        arrays=arrays_from_args(args),
        **model_options_from_args(args),
    )
    summary = summarize(frame)
    if args.format == "table":  # every quantity summarized: the batch note needs `batch`
        text = compare_report(frame, summary, columns or TABLE_COLUMNS, top)
    else:
        if columns is not None:
            frame = frame[frame["column"].isin(columns)].reset_index(drop=True)
            summary = summary[summary["column"].isin(columns)].reset_index(drop=True)
        header = {
            "model_a": choices[0].label,
            "model_b": choices[1].label,
            "ratio": f"{choices[1].label} / {choices[0].label}",
            "networks": list(dict.fromkeys(frame["network"])),
            "designs": list(dict.fromkeys(frame["design"])),
        }
        if args.format == "json":  # the summary beside the rows, or the summary alone
            import json

            from accelsim.report.output import frame_to_records

            header["summary"] = frame_to_records(summary)
            if not args.summary:
                header["layers"] = frame_to_records(frame)
            text = json.dumps(header, indent=2) + "\n"
        else:
            text = render(summary if args.summary else frame, args.format, extra=header)
    emit(text, args.out)
    if args.plot:
        from accelsim.report.compare_plot import plot_layer_ratios

        if columns is None:
            plot_layer_ratios(frame, args.plot)
        else:
            plot_layer_ratios(frame, args.plot, columns=columns)
    if args.heatmap:
        from accelsim.report.compare_plot import plot_ratio_heatmap

        plot_ratio_heatmap(frame, args.heatmap, column=heat)
    return 0

"""`accelsim energy NETWORK`: per-layer energy from the analytical model (or the simulator)."""

from __future__ import annotations

import argparse

import pandas as pd

from accelsim.cli.common import (
    add_accelerator_arguments,
    add_network_argument,
    add_output_arguments,
    config_from_args,
    network_from_args,
)
from accelsim.energy.record import BREAKDOWN_COLUMNS
from accelsim.errors import AccelsimError
from accelsim.report.output import emit, render

CORE_COLUMNS = [
    "layer",
    "group",
    "macs",
    "nonzero_macs",
    "energy_j",
    "latency_s",
    "rf_accesses",
    "glb_accesses",
    "dram_accesses",
    *BREAKDOWN_COLUMNS,
]
SUM_COLUMNS = [
    "macs",
    "nonzero_macs",
    "energy_j",
    "latency_s",
    "rf_accesses",
    "glb_accesses",
    "dram_accesses",
    *BREAKDOWN_COLUMNS,
]
TABLE_COLUMNS = [
    "layer",
    "macs",
    "energy_mj",
    "mac_mj",
    "rf_mj",
    "inter_pe_mj",
    "glb_mj",
    "dram_mj",
    "clock_mj",
    "control_mj",
    "glb_accesses",
    "dram_accesses",
]


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser("energy", help="energy per image of every conv/FC layer")
    add_network_argument(parser)
    add_accelerator_arguments(parser)
    add_output_arguments(parser, plot_help="save a stacked bar chart of the energy breakdown (PNG)")
    parser.add_argument(
        "--model",
        choices=("analytical", "simulated"),
        default="analytical",
        help="analytical: CNNergy (default); simulated: the row-stationary simulator",
    )
    parser.add_argument(
        "--by-group",
        action="store_true",
        help="sum layers that share a group label (inception and fire modules)",
    )
    parser.add_argument(
        "--compute-n",
        action="store_true",
        help="analytical: compute the images per pass instead of using the network's batch_n",
    )
    parser.set_defaults(run=run)


def energy_frame(network, config, model: str, compute_n: bool = False) -> pd.DataFrame:
    """The per-layer energy table of a model (one row per conv/FC layer, per image)."""
    if model == "analytical":
        from accelsim.analytical.cnnergy import network_frame

        return network_frame(network, config, compute_n=compute_n)
    try:
        from accelsim.engine.rs import network_frame as simulated_frame
    except ImportError:
        raise AccelsimError("the simulated model is not available in this build") from None
    return simulated_frame(network, config)


def group_sums(frame: pd.DataFrame) -> pd.DataFrame:
    """Rows summed per group label, in order of first appearance (as the reference reports)."""
    summed = frame.groupby("group", sort=False)[SUM_COLUMNS].sum().reset_index()
    return summed.rename(columns={"group": "layer"}).assign(group=lambda f: f["layer"])


def run(args: argparse.Namespace) -> int:
    network = network_from_args(args)
    config = config_from_args(args)
    full = energy_frame(network, config, args.model, args.compute_n)
    frame = group_sums(full) if args.by_group else full
    totals = {column: float(frame[column].sum()) for column in SUM_COLUMNS}
    if args.format == "table":
        shown = frame.copy()
        shown["energy_mj"] = shown["energy_j"] * 1e3
        for column in BREAKDOWN_COLUMNS:
            shown[column.replace("_j", "_mj")] = shown[column] * 1e3
        total_row = {c: (shown[c].sum() if c != "layer" else "TOTAL") for c in TABLE_COLUMNS}
        shown = pd.concat([shown[TABLE_COLUMNS], pd.DataFrame([total_row])], ignore_index=True)
        header = (
            f"# {network.name} on {config.name} ({config.hardware.bits} bit), model: "
            f"{args.model}; energy per image in mJ, accesses per image in "
            f"{config.hardware.bits}-bit words\n"
        )
        text = header + render(shown, "table", float_format="{:.4g}")
    elif args.format == "json":
        columns = [c for c in frame.columns if c in CORE_COLUMNS] + [
            c for c in frame.columns if c not in CORE_COLUMNS
        ]
        text = render(
            frame[columns],
            "json",
            extra={
                "network": network.name,
                "accelerator": config.name,
                "bits": config.hardware.bits,
                "model": args.model,
                "control": not args.no_control,
                "totals": totals,
            },
        )
    else:
        columns = [c for c in frame.columns if c in CORE_COLUMNS] + [
            c for c in frame.columns if c not in CORE_COLUMNS
        ]
        text = render(frame[columns], "csv")
    emit(text, args.out)
    if args.plot:
        from accelsim.report.energy_plot import plot_energy_breakdown

        plotted = group_sums(full) if (not args.by_group and len(full) > 24) else frame
        plot_energy_breakdown(
            plotted,
            f"{network.name}: energy per image on {config.name} "
            f"({config.hardware.bits} bit, {args.model})",
            args.plot,
        )
    return 0

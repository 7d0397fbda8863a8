"""`accelsim simulate NETWORK --dataflow rs`: the row-stationary Eyeriss simulator.

Options added here: `--engine fast|trace`, `--mapper chip|energy`, `--mapping [LAYER:]m=..,n=..,
e=..,p=..,q=..,r=..,t=..` (repeatable; without LAYER it pins every conv/FC layer),
`--trace-plot FILE.png` and `--trace-layer NAME` (per-cycle PE and bus activity of one layer).
"""

from __future__ import annotations

import argparse

import pandas as pd

from accelsim.cli.common import config_from_args, network_from_args
from accelsim.errors import AccelsimError
from accelsim.report.output import emit, render

TABLE_COLUMNS = (
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
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("row-stationary (--dataflow rs)")
    group.add_argument(
        "--engine",
        choices=("fast", "trace"),
        default="fast",
        help="fast: pass by pass in numba (default); trace: cycle by cycle, for "
        "small layers; both give identical counts and cycles",
    )
    group.add_argument(
        "--mapper",
        choices=("chip", "energy"),
        default="chip",
        help="chip: reproduce the Eyeriss chip's mapping choices (default); "
        "energy: lowest simulated total energy, ties by fewest cycles",
    )
    group.add_argument(
        "--mapping",
        action="append",
        default=[],
        metavar="[LAYER:]m=..,...,t=..",
        help="pin the RS mapping (all seven of m,n,e,p,q,r,t) of LAYER, or of "
        "every conv/FC layer without LAYER; repeatable",
    )
    group.add_argument(
        "--trace-plot",
        metavar="FILE.png",
        default=None,
        help="plot PE and bus activity over time of one layer (trace engine)",
    )
    group.add_argument(
        "--trace-layer",
        metavar="NAME",
        default=None,
        help="layer for --trace-plot (default: the first conv/FC layer)",
    )


def _pins(specs: list[str], layer_names: list[str]) -> dict[str, object]:
    from dataflows.row_stationary import parse_mapping

    pins: dict[str, object] = {}
    for spec in specs:
        head, sep, tail = spec.partition(":")
        if sep:
            if head not in layer_names:
                raise AccelsimError(f"--mapping: no conv/FC layer named '{head}'")
            pins[head] = parse_mapping(tail)
        else:
            mp = parse_mapping(spec)
            for name in layer_names:
                pins.setdefault(name, mp)
    return pins


def simulate_frame(args: argparse.Namespace) -> tuple[pd.DataFrame, object, object]:
    """Simulate every conv/FC layer of the network with the options in `args`."""
    from accelsim.engine.rs.simulate import network_frame

    network = network_from_args(args)
    config = config_from_args(args)
    pins = _pins(args.mapping, [layer.name for layer in network.compute_layers])
    frame = network_frame(network, config, args.batch, args.engine, args.mapper, pins)
    return frame, network, config


def run(args: argparse.Namespace) -> int:
    frame, network, config = simulate_frame(args)
    shown = frame[list(TABLE_COLUMNS)] if args.format == "table" else frame
    extra = {
        "network": network.name,
        "accelerator": config.name,
        "dataflow": "rs",
        "engine": args.engine,
        "mapper": args.mapper,
        "batch": args.batch if args.batch is not None else "per layer (batch_n, else 1)",
    }
    text = render(shown, args.format, extra=extra)
    if args.format == "table":
        text = (
            f"# {network.name} on {config.name} (row-stationary, {args.engine} engine, "
            f"{args.mapper} mapper): cycles and GLB/DRAM words per batch; latency_s and energy_j "
            f"per image; total latency {frame['latency_s'].sum() * 1e3:.4g} ms, energy "
            f"{frame['energy_j'].sum() * 1e3:.4g} mJ per image\n" + text
        )
    emit(text, args.out)
    if args.plot:
        from accelsim.engine.rs.plots import plot_layers

        plot_layers(
            frame,
            f"{network.name} on {config.name} (row-stationary, batch {extra['batch']})",
            args.plot,
        )
    if args.trace_plot:
        _trace_plot(args, network, config, frame)
    return 0


def _trace_plot(args, network, config, frame: pd.DataFrame) -> None:
    from accelsim.engine.rs.plan import make_plan
    from accelsim.engine.rs.plots import plot_trace
    from accelsim.engine.rs.simulate import layer_batch
    from accelsim.engine.rs.trace import simulate_trace
    from dataflows.row_stationary import parse_mapping

    name = args.trace_layer or frame["layer"].iloc[0]
    layer = network.layer(name)
    row = frame[frame["layer"] == name]
    if row.empty:
        raise AccelsimError(f"--trace-layer: '{name}' is not a conv/FC layer")
    mapping = parse_mapping(row["mapping"].iloc[0])
    batch = layer_batch(layer, args.batch)
    plan = make_plan(layer, config.hardware, mapping, batch, network.reads_image(layer))
    run = simulate_trace(plan, record=True)
    plot_trace(
        run.activity,
        config.hardware,
        f"{network.name} {name}: {mapping} (batch {batch}, {run.total} cycles)",
        args.trace_plot,
    )

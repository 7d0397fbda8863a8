"""`accelsim networks`: list the built-in networks."""

from __future__ import annotations

import argparse

from accelsim.report.output import TEXT_FORMATS, emit, render


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser(
        "networks",
        help="list the built-in networks (zeros: measured zero fractions, or the documented "
        "defaults; docs/networks.md)",
    )
    parser.add_argument("--format", choices=TEXT_FORMATS, default="table")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    import pandas as pd

    from accelsim.workload.builtin import BUILTIN_NETWORKS, BUILTIN_SOURCES, builtin_network

    rows = []
    for name in BUILTIN_NETWORKS:
        net = builtin_network(name)
        shape = net.input_shape
        rows.append(
            {
                "network": name,
                "input": f"{shape.channels}x{shape.height}x{shape.width}",
                "layers": len(net),
                "conv_fc_layers": len(net.compute_layers),
                "macs": net.macs,
                "zeros": BUILTIN_SOURCES[name][1],
                "source": BUILTIN_SOURCES[name][0],
            }
        )
    emit(render(pd.DataFrame(rows), args.format), None)
    return 0

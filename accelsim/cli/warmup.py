"""`accelsim warmup`: compile the simulators' kernels into numba's cache once, ahead of use."""

from __future__ import annotations

import argparse

from accelsim.report.output import TEXT_FORMATS, emit, render


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser(
        "warmup",
        help="compile the simulators' numba kernels into numba's on-disk cache (optional: "
        "later runs load them instead of compiling or interpreting)",
    )
    parser.add_argument("--format", choices=TEXT_FORMATS, default="table")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from accelsim.report.columns import Columns
    from accelsim.warmup import warm_up

    rows = [{"path": w.path, "seconds": w.seconds} for w in warm_up()]
    table = Columns.from_rows(rows, ("path", "seconds"))
    emit(render(table, args.format, float_format="{:.2f}"), None)
    return 0

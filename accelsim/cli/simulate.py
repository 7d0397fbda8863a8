"""`accelsim simulate`: run a network through a simulator.

`--dataflow rs` (default) uses the row-stationary Eyeriss simulator (`simulate_rs`); `os`, `ws`
and `is` use the systolic-array simulator (`simulate_systolic`). Each of those modules adds its own
options with `add_arguments(parser)` and runs with `run(args)`.
"""

from __future__ import annotations

import argparse
import importlib

from accelsim.cli.common import (
    add_accelerator_arguments,
    add_network_argument,
    add_output_arguments,
    positive_int,
)
from accelsim.errors import AccelsimError

ENGINES = {
    "rs": "accelsim.cli.simulate_rs",
    "os": "accelsim.cli.simulate_systolic",
    "ws": "accelsim.cli.simulate_systolic",
    "is": "accelsim.cli.simulate_systolic",
}


def _modules() -> list:
    found = []
    for name in dict.fromkeys(ENGINES.values()):
        try:
            found.append(importlib.import_module(name))
        except ModuleNotFoundError as exc:
            if exc.name != name:
                raise
    return found


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser("simulate", help="simulate a network on an accelerator, layer by layer")
    add_network_argument(parser)
    add_accelerator_arguments(parser)
    add_output_arguments(parser, plot_help="save a per-layer chart of cycles and energy (PNG)")
    parser.add_argument(
        "--dataflow",
        choices=tuple(ENGINES),
        default="rs",
        help="rs: Eyeriss row-stationary (default); os/ws/is: systolic array "
        "output-, weight- or input-stationary",
    )
    parser.add_argument(
        "--batch",
        type=positive_int,
        default=None,
        help="images processed together (default: the model's own choice)",
    )
    for module in _modules():
        module.add_arguments(parser)
    defaults = {dest: parser.get_default(dest) for options in ONLY_FOR.values() for dest in options}
    parser.set_defaults(run=run, option_defaults=defaults)


ONLY_FOR = {
    "rs": ("engine", "mapper", "mapping", "trace_plot", "trace_layer"),
    "os|ws|is": (
        "array",
        "sram_kb",
        "memory",
        "cycle_by_cycle",
        "scalesim_config",
        "scalesim_reports",
    ),
}
"""Options that apply to one family of dataflows only; given with another, they are an error."""


def check_options(args: argparse.Namespace) -> None:
    """Reject an option of the other dataflow family rather than ignore it."""
    family = "rs" if args.dataflow == "rs" else "os|ws|is"
    for owner, options in ONLY_FOR.items():
        if owner == family:
            continue
        for dest in options:
            if getattr(args, dest, None) != args.option_defaults.get(dest):
                flag = "--" + dest.replace("_", "-")
                raise AccelsimError(
                    f"{flag} applies to --dataflow {owner}, not to --dataflow {args.dataflow}"
                )


def run(args: argparse.Namespace) -> int:
    check_options(args)
    name = ENGINES[args.dataflow]
    try:
        module = importlib.import_module(name)
    except ModuleNotFoundError:
        raise AccelsimError(f"dataflow '{args.dataflow}' is not available in this build") from None
    return module.run(args)

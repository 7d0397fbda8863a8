"""`accelsim accelerator [PRESET|FILE]`: print an accelerator as TOML or YAML (a file to edit).

Any preset, accelerator file or SCALE-Sim `.cfg` (converted) prints in accelsim's format.
"""

from __future__ import annotations

import argparse

from accelsim.cli.common import accelerator_from_args, add_accelerator_arguments
from accelsim.report.output import emit


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser(
        "accelerator",
        help="print an accelerator (a preset, a file or a SCALE-Sim .cfg) as TOML/YAML",
    )
    parser.add_argument(
        "spec",
        nargs="?",
        default=None,
        metavar="PRESET|FILE",
        help="a preset, a .toml/.yaml/.json file or a SCALE-Sim .cfg (default: eyeriss)",
    )
    add_accelerator_arguments(parser)
    parser.add_argument("--format", choices=("toml", "yaml"), default="toml")
    parser.add_argument("--out", metavar="FILE", default=None, help="write to FILE atomically")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from accelsim.errors import AccelsimError
    from accelsim.hardware.config import accelerator_text

    if args.spec is not None:
        if args.accelerator is not None or args.scalesim_config is not None:
            raise AccelsimError(
                "give the accelerator once: as PRESET|FILE, --accelerator or --scalesim-config"
            )
        args.accelerator = args.spec
    emit(accelerator_text(accelerator_from_args(args), args.format), args.out)
    return 0

"""`accelsim accelerator [PRESET|FILE]`: print a configuration as TOML or YAML (a template to edit)."""

from __future__ import annotations

import argparse

import tomli_w
import yaml

from accelsim.hardware.config import PRESETS, config_to_dict, resolve_config
from accelsim.report.output import emit


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser(
        "accelerator", help="print an accelerator configuration (a preset or a file) as TOML/YAML"
    )
    parser.add_argument(
        "accelerator",
        nargs="?",
        default="eyeriss",
        metavar="PRESET|FILE",
        help=f"a preset ({', '.join(PRESETS)}) or a .toml/.yaml file",
    )
    parser.add_argument("--bits", type=int, choices=(8, 16), default=None)
    parser.add_argument("--format", choices=("toml", "yaml"), default="toml")
    parser.add_argument("--out", metavar="FILE", default=None, help="write to FILE atomically")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    data = config_to_dict(resolve_config(args.accelerator, args.bits))
    text = tomli_w.dumps(data) if args.format == "toml" else yaml.safe_dump(data, sort_keys=False)
    emit(text, args.out)
    return 0

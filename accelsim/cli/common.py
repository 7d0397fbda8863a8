"""Arguments and helpers shared by the subcommands."""

from __future__ import annotations

import argparse

from accelsim.errors import AccelsimError
from accelsim.hardware.config import AcceleratorConfig, resolve_config
from accelsim.report.output import FORMATS
from accelsim.workload.loaders import load_network
from accelsim.workload.network import Network


def add_network_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "network",
        metavar="NETWORK",
        help="built-in network name (see `accelsim networks`) or a network file "
        "(.csv, SCALE-Sim topology .csv, .json, .toml, .yaml)",
    )


def add_accelerator_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--accelerator",
        default="eyeriss",
        metavar="PRESET|FILE",
        help="accelerator preset (eyeriss, eyeriss-8bit) or a .toml/.yaml file (default: eyeriss)",
    )
    parser.add_argument(
        "--bits",
        type=int,
        choices=(8, 16),
        default=None,
        help="data width; picks the preset's 8- or 16-bit variant",
    )
    parser.add_argument(
        "--no-control", action="store_true", help="leave out clock and control energy"
    )


def add_output_arguments(parser: argparse.ArgumentParser, plot_help: str) -> None:
    parser.add_argument(
        "--format", choices=FORMATS, default="table", help="output format (default: table)"
    )
    parser.add_argument(
        "--out",
        metavar="FILE",
        default=None,
        help="write the output to FILE (atomically) instead of stdout",
    )
    parser.add_argument("--plot", metavar="FILE.png", default=None, help=plot_help)


def network_from_args(args: argparse.Namespace) -> Network:
    network = load_network(args.network)
    if not network.compute_layers:
        raise AccelsimError(f"network '{network.name}' has no conv or fc layer to evaluate")
    return network


def config_from_args(args: argparse.Namespace) -> AcceleratorConfig:
    return resolve_config(args.accelerator, args.bits, control=not args.no_control)


def positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a positive integer, got '{text}'") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a positive integer, got {value}")
    return value


def positive_float(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a positive number, got '{text}'") from None
    if not value > 0 or value == float("inf"):
        raise argparse.ArgumentTypeError(f"expected a positive number, got {text}")
    return value


__all__ = [
    "AccelsimError",
    "add_accelerator_arguments",
    "add_network_argument",
    "add_output_arguments",
    "config_from_args",
    "network_from_args",
    "positive_float",
    "positive_int",
]

"""`accelsim partition`: where to cut a CNN between a mobile client and the cloud.

Without `--sweep`: the client energy at every cut for one (bit rate, transmit power), the best cut,
and its saving against a fully cloud run (send the image) and a fully in-situ run (the whole network
on the client). With `--sweep`: the best cut over a grid of bit rates (log spaced) and transmit
powers, as a tidy table; `--plot` draws the best-cut map and the saving over bit rate.
"""

from __future__ import annotations

import argparse
import math
from typing import TYPE_CHECKING

from accelsim.cli.common import (
    accelerator_from_args,
    add_accelerator_arguments,
    add_model_arguments,
    add_network_argument,
    add_output_arguments,
    check_model_options,
    model_options_from_args,
    positive_float,
)
from accelsim.errors import AccelsimError
from accelsim.models.registry import model_names
from accelsim.report.output import emit

if TYPE_CHECKING:
    from accelsim.partition.model import PartitionModel


def non_negative_float(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number, got '{text}'") from None
    if not (math.isfinite(value) and value >= 0):
        raise argparse.ArgumentTypeError(f"expected a non-negative number, got {text}")
    return value


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser(
        "partition",
        help="choose where to cut a CNN between a mobile client and the cloud",
        description="Client energy at every cut point (compute on the client + transmit power x "
        "bits / bit rate), the best cut, and its saving over fully cloud and fully in-situ runs.",
    )
    add_network_argument(parser)
    add_accelerator_arguments(parser)
    add_output_arguments(
        parser,
        plot_help="save a chart (PNG): client energy per cut, stacked "
        "compute vs transmit; with --sweep the best-cut map and saving curve",
    )
    parser.add_argument(
        "--bitrate",
        type=positive_float,
        default=80e6,
        metavar="BPS",
        help="effective bit rate in bit/s (default: 80e6)",
    )
    parser.add_argument(
        "--ptx",
        type=non_negative_float,
        default=0.78,
        metavar="W",
        help="transmit power in W (default: 0.78)",
    )
    parser.add_argument(
        "--energy",
        default="analytical",
        metavar="SOURCE|FILE.csv",
        help=f"per-layer client energy from a model ({', '.join(model_names())}; simulated: "
        "the simulator of the accelerator's kind; silicon: Eyeriss chip data for the CONV "
        "layers of alexnet and vgg16, other layers analytical), or a CSV with "
        "layer,energy_j[,latency_s] (default: analytical)",
    )
    image = parser.add_mutually_exclusive_group()
    image.add_argument(
        "--input-bits",
        type=positive_float,
        default=None,
        metavar="N",
        help="size of the image sent by a fully cloud run, in bits "
        "(default: 1.14e6, derived from the NeuPart paper)",
    )
    image.add_argument(
        "--input-bytes", type=positive_float, default=None, metavar="N", help="the same, in bytes"
    )
    image.add_argument(
        "--input-image",
        default=None,
        metavar="FILE.jpg",
        help="take the image size from a compressed image file",
    )
    parser.add_argument(
        "--activations",
        default=None,
        metavar="FILE.npz",
        help="real activations (.npz keyed by layer name, or .npy named after "
        "the layer): exact RLC sizes for those cuts instead of the formula",
    )
    parser.add_argument(
        "--result-bits",
        type=non_negative_float,
        default=0.0,
        metavar="N",
        help="bits a fully in-situ run sends (the result; default 0)",
    )
    parser.add_argument(
        "--latency-bound",
        type=positive_float,
        default=None,
        metavar="S",
        help="only cuts whose client latency (compute + transmit) is within S seconds",
    )
    parser.add_argument(
        "--sweep",
        action="store_true",
        help="sweep bit rate and transmit power instead of one operating point",
    )
    parser.add_argument(
        "--bitrate-range",
        nargs=3,
        type=float,
        default=(1e6, 1e9, 61),
        metavar=("LOW", "HIGH", "N"),
        help="sweep: N bit rates from LOW to HIGH bit/s, log spaced (default: 1e6 1e9 61)",
    )
    parser.add_argument(
        "--ptx-range",
        nargs=3,
        type=float,
        default=(0.05, 2.0, 40),
        metavar=("LOW", "HIGH", "N"),
        help="sweep: N transmit powers from LOW to HIGH W, evenly spaced (default: 0.05 2.0 40)",
    )
    add_model_arguments(parser)
    parser.set_defaults(run=run)


def _count(value: float, option: str) -> int:
    if not (float(value).is_integer() and value >= 1):
        raise AccelsimError(f"{option}: N must be a positive integer, got {value:g}")
    return int(value)


def build_model(args: argparse.Namespace) -> PartitionModel:
    from accelsim.api import as_network
    from accelsim.partition.model import partition_model

    network = as_network(args.network)
    config = accelerator_from_args(args, args.energy)
    options = model_options_from_args(args)
    check_model_options(args.energy, config.kind, options)
    args.word_bits = config.bits
    input_bits = args.input_bits
    if args.input_bytes is not None:
        input_bits = args.input_bytes * 8
    return partition_model(
        network,
        config,
        energy=args.energy,
        input_bits=input_bits,
        input_image=args.input_image,
        activations=args.activations,
        result_bits=args.result_bits,
        **options,
    )


def run(args: argparse.Namespace) -> int:
    from accelsim.partition.report import point_report, sweep_report
    from accelsim.partition.sweep import linear_range, log_range, sweep

    model = build_model(args)
    bound = args.latency_bound
    if args.sweep:
        low, high, n = args.bitrate_range
        rates = log_range(low, high, _count(n, "--bitrate-range"))
        low, high, n = args.ptx_range
        powers = linear_range(low, high, _count(n, "--ptx-range"))
        frame = sweep(model, rates, powers, bound)
        text = sweep_report(model, args.word_bits, frame, bound, args.format)
        if args.plot:
            from accelsim.partition.plots import save_sweep_plot

            save_sweep_plot(model, frame, args.ptx, args.plot, bound)
    else:
        text = point_report(model, args.word_bits, args.bitrate, args.ptx, bound, args.format)
        if args.plot:
            from accelsim.partition.plots import save_cut_energy_plot

            save_cut_energy_plot(model, args.bitrate, args.ptx, args.plot, bound)
    emit(text, args.out)
    return 0


__all__ = ["build_model", "register", "run"]

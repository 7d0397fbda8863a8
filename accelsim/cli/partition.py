"""`accelsim partition`: where to cut a CNN between a mobile client and the cloud.

Without `--sweep`: the client energy at every cut for one (bit rate, transmit power), the best cut,
and its saving against a fully cloud run (send the image) and a fully in-situ run (the whole network
on the client). With `--sweep`: the best cut over a grid of bit rates (log spaced) and transmit
powers, as a tidy table; `--plot` draws the best-cut map and the saving over bit rate.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from accelsim.cli.common import (
    accelerator_from_args,
    add_accelerator_arguments,
    add_model_arguments,
    add_network_argument,
    add_non_mac_argument,
    add_onnx_arguments,
    add_output_arguments,
    add_zeros_argument,
    bounded_float,
    bounded_int,
    check_model_options,
    model_options_from_args,
    network_from_args,
)
from accelsim.errors import AccelsimError
from accelsim.models.registry import model_names
from accelsim.report.output import emit

if TYPE_CHECKING:
    from accelsim.partition.model import PartitionModel


DEFAULT_BITRATE_BPS = 80e6
"""--bitrate when not given (the NeuPart paper's operating point)."""

DEFAULT_PTX_W = 0.78
"""--ptx when not given (the NeuPart paper's operating point)."""

MIN_BITRATE_BPS = 1.0
"""Slowest --bitrate (1 bit/s): below it an image takes days to send, and energies per bit
overflow the printed units."""

MAX_BITRATE_BPS = 1e12
"""Fastest --bitrate (1 Tbit/s): beyond any wireless link a mobile client has."""

MIN_PTX_W = 1e-6
"""Lowest --ptx (1 uW, -30 dBm): below any radio's transmit power; at 0 W sending is free and the
saving against a fully cloud run is undefined (0 / 0)."""

MAX_PTX_W = 100.0
"""Highest --ptx (100 W): far above a phone's (about 1 W) or a base station's per-link power."""

MAX_MESSAGE_BITS = 1e12
"""Largest --input-bits / --result-bits (10^12 bits, 125 GB): beyond any image or result, and
well inside the range where bit counts are exact integers."""

MIN_LATENCY_BOUND_S = 1e-9
"""Shortest --latency-bound (1 ns): less than one clock cycle of any accelerator."""

MAX_LATENCY_BOUND_S = 1e6
"""Longest --latency-bound (10^6 s, 11.6 days): a bound above it bounds nothing."""

DEFAULT_BITRATE_RANGE = ("1e6", "1e9", "61")
DEFAULT_PTX_RANGE = ("0.05", "2.0", "40")

bitrate_value = bounded_float(MIN_BITRATE_BPS, MAX_BITRATE_BPS, "a bit rate in bit/s")
ptx_value = bounded_float(MIN_PTX_W, MAX_PTX_W, "a transmit power in W")
message_bits = bounded_float(0.0, MAX_MESSAGE_BITS, "a number of bits")
image_bits = bounded_float(0.0, MAX_MESSAGE_BITS, "a number of bits", low_open=True)
image_bytes = bounded_float(0.0, MAX_MESSAGE_BITS / 8, "a number of bytes", low_open=True)
latency_bound = bounded_float(MIN_LATENCY_BOUND_S, MAX_LATENCY_BOUND_S, "a latency in s")


def sweep_range(
    flag: str, value: Callable[[str], float], values: Sequence[str]
) -> tuple[float, float, int]:
    """`LOW HIGH N` of a sweep flag: LOW <= HIGH, each in the flag's range, N points (a whole
    number from 1 to MAX_SWEEP_POINTS)."""
    from accelsim.partition.sweep import MAX_SWEEP_POINTS

    low_text, high_text, count_text = values
    try:
        low, high = value(low_text), value(high_text)
        count = bounded_int(1, MAX_SWEEP_POINTS, "a positive integer N")(count_text)
    except argparse.ArgumentTypeError as exc:
        raise AccelsimError(f"{flag}: {exc}") from None
    if low > high:
        raise AccelsimError(f"{flag}: LOW {low:g} is above HIGH {high:g}")
    return low, high, count


SWEEP_ONLY = {"bitrate_range": "--bitrate-range", "ptx_range": "--ptx-range"}
"""Options that apply with --sweep only."""

POINT_ONLY = {"bitrate": "--bitrate"}
"""Options that apply without --sweep only (the sweep takes its bit rates from
--bitrate-range)."""


def check_mode(args: argparse.Namespace) -> None:
    """An option of the other mode (one operating point vs --sweep) is an error naming it."""
    if args.sweep:
        for option, flag in POINT_ONLY.items():
            if getattr(args, option) is not None:
                raise AccelsimError(
                    f"{flag} sets one operating point; with --sweep use --bitrate-range"
                )
        if args.ptx is not None and not args.plot:
            raise AccelsimError(
                "--ptx with --sweep sets the power of the --plot saving curve; without --plot "
                "use --ptx-range"
            )
    else:
        for option, flag in SWEEP_ONLY.items():
            if getattr(args, option) is not None:
                raise AccelsimError(f"{flag} applies with --sweep only")


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser(
        "partition",
        help="choose where to cut a CNN between a mobile client and the cloud",
        description="Client energy at every cut point (compute on the client + transmit power x "
        "bits / bit rate), the best cut, and its saving over fully cloud and fully in-situ runs.",
    )
    add_network_argument(parser)
    add_zeros_argument(parser)
    add_onnx_arguments(parser)
    add_accelerator_arguments(parser)
    add_output_arguments(
        parser,
        plot_help="save a chart (PNG): client energy per cut, stacked "
        "compute vs transmit; with --sweep the best-cut map and saving curve",
    )
    parser.add_argument(
        "--bitrate",
        type=bitrate_value,
        default=None,
        metavar="BPS",
        help=f"effective bit rate in bit/s, {MIN_BITRATE_BPS:g} to {MAX_BITRATE_BPS:g} "
        f"(default: {DEFAULT_BITRATE_BPS:g})",
    )
    parser.add_argument(
        "--ptx",
        type=ptx_value,
        default=None,
        metavar="W",
        help=f"transmit power in W, {MIN_PTX_W:g} to {MAX_PTX_W:g} (default: {DEFAULT_PTX_W:g}); "
        "with --sweep the power of the --plot saving curve",
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
        type=image_bits,
        default=None,
        metavar="N",
        help="size of the image sent by a fully cloud run, in bits "
        "(default: 1.14e6, derived from the NeuPart paper)",
    )
    image.add_argument(
        "--input-bytes", type=image_bytes, default=None, metavar="N", help="the same, in bytes"
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
        type=message_bits,
        default=0.0,
        metavar="N",
        help="bits of each network output's result (a fully in-situ run sends one per output; "
        "default 0)",
    )
    parser.add_argument(
        "--cuts",
        choices=("all", "single"),
        default="all",
        help="all: every prefix of the network's layer order, each sending every tensor the "
        "cloud still needs (default); single: only the cuts sending one tensor (plus outputs "
        "already produced), the dominators of the output",
    )
    parser.add_argument(
        "--outputs",
        choices=("results", "tensors"),
        default="results",
        help="how a network output (a layer nobody reads) is sent: its result, --result-bits "
        "each (default), or its RLC-coded tensor",
    )
    parser.add_argument(
        "--latency-bound",
        type=latency_bound,
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
        default=None,
        metavar=("LOW", "HIGH", "N"),
        help="sweep: N bit rates from LOW to HIGH bit/s, log spaced (default: 1e6 1e9 61)",
    )
    parser.add_argument(
        "--ptx-range",
        nargs=3,
        default=None,
        metavar=("LOW", "HIGH", "N"),
        help="sweep: N transmit powers from LOW to HIGH W, evenly spaced (default: 0.05 2.0 40)",
    )
    add_model_arguments(parser)
    add_non_mac_argument(parser)
    parser.set_defaults(run=run)


def build_model(args: argparse.Namespace) -> PartitionModel:
    from accelsim.partition.model import partition_model

    network = network_from_args(args)
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
        cuts=args.cuts,
        outputs=args.outputs,
        non_mac=args.non_mac,
        **options,
    )


def run(args: argparse.Namespace) -> int:
    from accelsim.partition.report import point_report, sweep_report
    from accelsim.partition.sweep import check_sweep_size, linear_range, log_range, sweep

    check_mode(args)
    ranges = {}
    if args.sweep:
        ranges["rates"] = sweep_range(
            "--bitrate-range", bitrate_value, args.bitrate_range or DEFAULT_BITRATE_RANGE
        )
        ranges["powers"] = sweep_range(
            "--ptx-range", ptx_value, args.ptx_range or DEFAULT_PTX_RANGE
        )
        check_sweep_size(ranges["rates"][2], ranges["powers"][2])
    bitrate = DEFAULT_BITRATE_BPS if args.bitrate is None else args.bitrate
    ptx = DEFAULT_PTX_W if args.ptx is None else args.ptx
    model = build_model(args)
    bound = args.latency_bound
    if args.sweep:
        rates = log_range(*ranges["rates"])
        powers = linear_range(*ranges["powers"])
        frame = sweep(model, rates, powers, bound)
        text = sweep_report(model, args.word_bits, frame, bound, args.format)
        if args.plot:
            from accelsim.partition.plots import save_sweep_plot

            save_sweep_plot(model, frame, ptx, args.plot, bound)
    else:
        text = point_report(model, args.word_bits, bitrate, ptx, bound, args.format)
        if args.plot:
            from accelsim.partition.plots import save_cut_energy_plot

            save_cut_energy_plot(model, bitrate, ptx, args.plot, bound)
    emit(text, args.out)
    return 0


__all__ = ["build_model", "register", "run"]

"""`accelsim partition`: where to cut a CNN between a mobile client and the cloud.

Without `--sweep`: the client energy at every cut for one (bit rate, transmit power), the best cut,
and its saving against a fully cloud run (send the image) and a fully in-situ run (the whole network
on the client). With `--sweep`: the best cut over a grid of bit rates (log spaced) and transmit
powers, as a tidy table; `--plot` draws the best-cut map and the saving over bit rate.
"""

from __future__ import annotations

import argparse
import json
import math
from typing import Any

from accelsim.cli.common import (
    add_accelerator_arguments,
    add_network_argument,
    add_output_arguments,
    config_from_args,
    network_from_args,
    positive_float,
)
from accelsim.errors import AccelsimError
from accelsim.partition.model import PartitionModel, partition_model
from accelsim.partition.sweep import bitrate_intervals, linear_range, log_range, sweep
from accelsim.report.output import emit, frame_to_records, render


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
        help="per-layer client energy: analytical (CNNergy), simulated "
        "(row-stationary simulator), silicon (Eyeriss chip data, CONV layers of "
        "alexnet and vgg16; other layers analytical), or a CSV with "
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
    parser.set_defaults(run=run)


def _count(value: float, option: str) -> int:
    if not (float(value).is_integer() and value >= 1):
        raise AccelsimError(f"{option}: N must be a positive integer, got {value:g}")
    return int(value)


def _plain(value: Any) -> Any:
    """A JSON-ready scalar: numpy scalars unwrapped, non-finite floats as null."""
    if hasattr(value, "item"):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def build_model(args: argparse.Namespace) -> PartitionModel:
    network = network_from_args(args)
    config = config_from_args(args)
    args.word_bits = config.hardware.bits
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
    )


def _header(model: PartitionModel, args: argparse.Namespace) -> dict[str, Any]:
    return {
        "network": model.network,
        "energy_source": model.energy_source,
        "bits": int(args.word_bits),
        "input_bits": float(model.bits[0]),
        "input_bits_source": model.bits_source[0],
        "latency_bound_s": args.latency_bound,
        "notes": list(model.notes),
    }


def run_point(model: PartitionModel, args: argparse.Namespace) -> str:
    decision = model.decide(args.bitrate, args.ptx, args.latency_bound)
    points = model.points(args.bitrate, args.ptx, args.latency_bound)
    if not model.has_latency:
        points = points.drop(columns=["latency_s", "meets_bound"])
    elif args.latency_bound is None:
        points = points.drop(columns=["meets_bound"])
    if (points["bits"] % 1 == 0).all():
        points["bits"] = points["bits"].astype("int64")
    summary = {
        **_header(model, args),
        "bitrate_bps": args.bitrate,
        "ptx_w": args.ptx,
        "best_cut": decision.cut,
        "client_energy_j": decision.client_energy_j,
        "compute_j": decision.compute_j,
        "transmit_j": decision.transmit_j,
        "latency_s": decision.latency_s if model.has_latency else None,
        "cloud_energy_j": decision.cloud_energy_j,
        "local_energy_j": decision.local_energy_j,
        "saving_vs_cloud": decision.saving_vs_cloud,
        "saving_vs_local": decision.saving_vs_local,
    }
    if args.plot:
        from accelsim.partition.plots import save_cut_energy_plot

        save_cut_energy_plot(model, args.bitrate, args.ptx, args.plot, args.latency_bound)
    intervals = bitrate_intervals(model, args.ptx) if args.ptx > 0 else None
    if args.format == "json":
        payload = {k: _plain(v) for k, v in summary.items()}
        if intervals is not None:
            payload["bitrate_intervals"] = frame_to_records(intervals)
        payload["points"] = frame_to_records(points)
        return json.dumps(payload, indent=2) + "\n"
    if args.format == "csv":
        return render(points, "csv")
    lines = [
        f"network {model.network}, {summary['bits']} bit, energy: {model.energy_source}, "
        f"{args.bitrate / 1e6:g} Mbps, {args.ptx:g} W",
        f"best cut: {decision.cut}  client energy {decision.client_energy_j * 1e3:.4g} mJ "
        f"(compute {decision.compute_j * 1e3:.4g} + transmit {decision.transmit_j * 1e3:.4g})",
        f"saving vs fully cloud: {decision.saving_vs_cloud * 100:.1f} %   "
        f"vs fully in-situ: {decision.saving_vs_local * 100:.1f} %",
    ]
    if intervals is not None:
        steps = [intervals["cut"].iloc[0]]
        for row in intervals.iloc[1:].itertuples():
            steps.append(f"{row.bitrate_from_bps / 1e6:.4g} Mbps < {row.cut}")
        lines.append(
            f"best cut by bit rate at {args.ptx:g} W (no latency bound): " + " < ".join(steps)
        )
    lines += [f"note: {note}" for note in model.notes]
    return "\n".join(lines) + "\n\n" + render(points, "table")


def run_sweep(model: PartitionModel, args: argparse.Namespace) -> str:
    low, high, n = args.bitrate_range
    rates = log_range(low, high, _count(n, "--bitrate-range"))
    low, high, n = args.ptx_range
    powers = linear_range(low, high, _count(n, "--ptx-range"))
    frame = sweep(model, rates, powers, args.latency_bound)
    if args.plot:
        from accelsim.partition.plots import save_sweep_plot

        save_sweep_plot(model, frame, args.ptx, args.plot, args.latency_bound)
    if args.format == "json":
        payload = {k: _plain(v) for k, v in _header(model, args).items()}
        payload["sweep"] = frame_to_records(frame)
        return json.dumps(payload, indent=2) + "\n"
    return render(frame, args.format)


def run(args: argparse.Namespace) -> int:
    model = build_model(args)
    text = run_sweep(model, args) if args.sweep else run_point(model, args)
    emit(text, args.out)
    return 0


__all__ = ["build_model", "register", "run"]

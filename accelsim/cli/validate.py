"""`accelsim validate silicon`: the RS simulator and CNNergy next to the Eyeriss chip's measurements.

Prints, per CONV layer of AlexNet (batch 4) and/or VGG-16 (batch 3): active PEs, total latency,
GLB and DRAM accesses (MB of 10^6 bytes) simulated vs measured vs analytical, with the relative
error of each (see `validation.compare`).
"""

from __future__ import annotations

import argparse

import pandas as pd

from accelsim.cli.common import add_output_arguments, config_from_args
from accelsim.errors import AccelsimError
from accelsim.report.output import emit, render

TABLE_COLUMNS = (
    "network",
    "layer",
    "active_pes",
    "active_pes_chip",
    "latency_ms",
    "latency_ms_chip",
    "latency_err",
    "latency_err_analytical",
    "processing_latency_err",
    "glb_mb",
    "glb_mb_chip",
    "glb_err",
    "dram_mb",
    "dram_mb_chip",
    "dram_err",
    "energy_err",
    "energy_err_analytical",
)


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser("validate", help="compare the models with published measurements")
    kinds = parser.add_subparsers(dest="what", metavar="WHAT", parser_class=type(parser))
    kinds.required = True
    sil = kinds.add_parser(
        "silicon",
        help="RS simulator and CNNergy vs the Eyeriss chip (JSSC "
        "2017): latency, GLB/DRAM accesses, active PEs, per CONV layer",
    )
    sil.add_argument(
        "--network",
        choices=("alexnet", "vgg16", "all"),
        default="all",
        help="which measured network (default: all)",
    )
    sil.add_argument(
        "--accelerator",
        default="eyeriss",
        metavar="PRESET|FILE",
        help="a 16-bit accelerator to compare (default: eyeriss; the chip ran 16-bit data)",
    )
    sil.set_defaults(bits=None, no_control=False)
    add_output_arguments(
        sil, plot_help="save a chart of simulated, measured and analytical latency per layer (PNG)"
    )
    sil.set_defaults(run=run_silicon)


def silicon_table(args: argparse.Namespace) -> pd.DataFrame:
    from validation.compare import compare_silicon

    config = config_from_args(args)
    if config.hardware.bits != 16:
        raise AccelsimError(
            f"validate silicon: the chip ran 16-bit data; '{config.name}' is "
            f"{config.hardware.bits}-bit"
        )
    networks = ("alexnet", "vgg16") if args.network == "all" else (args.network,)
    parts = []
    for network in networks:
        part = compare_silicon(network, config, engine="fast")
        part.insert(0, "network", network)
        parts.append(part)
    return pd.concat(parts, ignore_index=True)


def run_silicon(args: argparse.Namespace) -> int:
    frame = silicon_table(args)
    shown = frame[list(TABLE_COLUMNS)] if args.format == "table" else frame
    extra = {
        "reference": "Chen et al., IEEE JSSC 52(1) 2017, Tables III, V, VI",
        "accelerator": config_from_args(args).name,
    }
    emit(render(shown, args.format, extra=extra, float_format="{:.3g}"), args.out)
    if args.plot:
        _plot(frame, args.plot)
    return 0


def _plot(frame: pd.DataFrame, path: str) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import numpy as np

    from accelsim.report.output import save_figure

    fig, ax = plt.subplots(figsize=(max(8, 0.7 * len(frame)), 4.8))
    x = np.arange(len(frame))
    w = 0.28
    ax.bar(x - w, frame["latency_ms_chip"], w, label="measured (chip)", color="black")
    ax.bar(x, frame["latency_ms"], w, label="simulated (RS, fast)", color="tab:blue")
    ax.bar(
        x + w, frame["latency_ms_analytical"], w, label="analytical (CNNergy)", color="tab:orange"
    )
    top = frame[["latency_ms_chip", "latency_ms", "latency_ms_analytical"]].max(axis=1)
    for xi, err, y in zip(x, frame["latency_err"], top, strict=True):
        ax.annotate(f"{err:+.0%}", (xi, y * 1.12), ha="center", fontsize=7, color="tab:blue")
    labels = [f"{n}\n{layer}" for n, layer in zip(frame["network"], frame["layer"], strict=True)]
    ax.set_xticks(x, labels, fontsize=7)
    ax.set_yscale("log")
    ax.set_ylim(top=top.max() * 2)
    ax.set_ylabel("total latency of the batch (ms, log scale)")
    ax.set_title(
        "Eyeriss CONV layers: simulated vs measured (JSSC 2017) vs analytical latency\n"
        "(blue figures: simulated error vs measured)"
    )
    ax.legend(fontsize=8)
    fig.tight_layout()
    save_figure(fig, path)

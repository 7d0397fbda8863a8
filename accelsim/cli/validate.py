"""`accelsim validate silicon`: the RS simulator and CNNergy next to the Eyeriss chip's measurements.

Prints, per CONV layer of AlexNet (batch 4) and/or VGG-16 (batch 3): active PEs, total latency,
GLB and DRAM accesses (MB of 10^6 bytes) simulated vs measured vs analytical, with the relative
error of each. The comparison lives in `validation.compare` (imported only by this command and the
tests); the chip data it reads ship in the package (`accelsim.models.silicon`).
"""

from __future__ import annotations

import argparse

from accelsim.cli.common import accelerator_from_args, add_output_arguments
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
    from accelsim.models.silicon import SILICON

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
        choices=(*SILICON, "all"),
        default="all",
        help="which measured network (default: all)",
    )
    sil.add_argument(
        "--accelerator",
        default=None,
        metavar="PRESET|FILE",
        help="a 16-bit spatial accelerator to compare (default: eyeriss; the chip ran 16-bit data)",
    )
    add_output_arguments(
        sil, plot_help="save a chart of simulated, measured and analytical latency per layer (PNG)"
    )
    sil.set_defaults(run=run_silicon)


def run_silicon(args: argparse.Namespace) -> int:
    from accelsim.models.silicon import SILICON
    from validation.compare import compare_all

    accelerator = accelerator_from_args(args)
    networks = tuple(SILICON) if args.network == "all" else (args.network,)
    frame = compare_all(accelerator, engine="fast", networks=networks)
    shown = frame[list(TABLE_COLUMNS)] if args.format == "table" else frame
    extra = {
        "reference": "Chen et al., IEEE JSSC 52(1) 2017, Tables III, V, VI",
        "accelerator": accelerator.name,
    }
    emit(render(shown, args.format, extra=extra, float_format="{:.3g}"), args.out)
    if args.plot:
        from validation.plots import plot_silicon_latency

        plot_silicon_latency(frame, args.plot)
    return 0

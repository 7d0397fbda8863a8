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
    sil.add_argument(
        "--table", choices=("layers", "summary", "splits"), default="layers",
        help="with a calibrated --accelerator and --format csv|parquet: which table to write "
        "(per layer; mean/max errors per split, model and quantity; the reverse split and "
        "leave-one-layer-out errors recorded by accelsim calibrate). table and json show all",
    )  # fmt: skip
    add_output_arguments(
        sil,
        plot_help="save a chart of simulated, measured and analytical latency per layer (PNG); "
        "with a calibrated --accelerator, a parity plot of every quantity",
    )
    sil.set_defaults(run=run_silicon)


def run_silicon(args: argparse.Namespace) -> int:
    from accelsim.models.silicon import SILICON
    from validation.compare import compare_all

    accelerator = accelerator_from_args(args)
    if accelerator.kind == "spatial" and accelerator.calibration.fit_set:
        return run_calibrated(args, accelerator)
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


CALIBRATED_COLUMNS = (
    "network", "split", "layer", "active_pes", "active_pes_chip", "latency_ms", "latency_ms_chip",
    "latency_err", "latency_err_uncalibrated", "latency_err_cnnergy", "processing_latency_err",
    "energy_err", "energy_err_uncalibrated", "energy_err_cnnergy", "power_err", "glb_err",
    "dram_err",
)  # fmt: skip
"""The columns of the per-layer table (--format table) of a calibrated accelerator."""


def _provenance(spec: str | None) -> dict:
    """The [provenance] table of an accelerator file ({} for a preset or a file without one)."""
    from accelsim.files.reading import read_structured
    from accelsim.hardware.config import FILE_SUFFIXES

    if spec is None or not str(spec).lower().endswith(FILE_SUFFIXES):
        return {}
    data = read_structured(spec, "accelerator file")
    prov = data.get("provenance", {}) if isinstance(data, dict) else {}
    return prov if isinstance(prov, dict) else {}


def run_calibrated(args: argparse.Namespace, accelerator) -> int:
    """The held-out report of a calibrated accelerator (`validation.calibration.report`)."""
    import pandas as pd

    from accelsim.errors import AccelsimError
    from validation.calibration.report import layer_frame, summary_frame

    if args.network != "all":
        raise AccelsimError("validate silicon: a calibrated accelerator is validated on both "
                            "measured networks; drop --network")  # fmt: skip
    if accelerator.bits != 16:
        raise AccelsimError(f"validate silicon: the chip ran 16-bit data; '{accelerator.name}' "
                            f"is {accelerator.bits}-bit")  # fmt: skip
    layers = layer_frame(accelerator)
    summary = summary_frame(layers)
    splits = pd.DataFrame(_provenance(args.accelerator).get("splits", []))
    extra = {
        "reference": "Chen et al., IEEE JSSC 52(1) 2017, Tables III, V, VI",
        "accelerator": accelerator.name,
        "fit_set": accelerator.calibration.fit_set,
    }
    if args.format == "table":
        text = render(layers[list(CALIBRATED_COLUMNS)], "table", float_format="{:.3g}")
        text += (
            "\n# mean and max |error| per split, model and quantity (active PEs: layers exact)\n"
        )
        text += render(summary, "table", float_format="{:.3g}")
        if len(splits):
            text += "\n# dependence on the split (recorded by accelsim calibrate)\n"
            text += render(splits, "table", float_format="{:.3g}")
        emit(text, args.out)
    elif args.format == "json":
        extra["summary"] = render_records(summary)
        extra["splits"] = render_records(splits)
        emit(render(layers, "json", extra=extra), args.out)
    else:
        chosen = {"layers": layers, "summary": summary, "splits": splits}[args.table]
        emit(render(chosen, args.format, extra=extra), args.out)
    if args.plot:
        from validation.calibration.plots import plot_parity

        plot_parity(layers, args.plot, accelerator.name)
    return 0


def render_records(frame) -> list:
    from accelsim.report.output import frame_to_records

    return frame_to_records(frame)

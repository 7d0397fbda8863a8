"""Arguments shared by the subcommands, and turning them into library inputs.

Choices come from the registries (presets, dataflows, models, output formats), never retyped.
"""

from __future__ import annotations

import argparse
import math
import re
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from accelsim.errors import AccelsimError
from accelsim.hardware.accelerator import DATAFLOW_KIND, Accelerator
from accelsim.hardware.presets import PRESETS
from accelsim.report.output import FORMATS

if TYPE_CHECKING:
    from accelsim.workload.network import Network

MODEL_OPTION_FLAGS = {
    "batch": "--batch",
    "engine": "--engine",
    "mapper": "--mapper",
    "mappings": "--mapping",
    "memory": "--memory",
    "cycle_by_cycle": "--cycle-by-cycle",
    "reports_dir": "--scalesim-reports",
    "compute_n": "--compute-n",
}
"""Model options (`accelsim.models.registry.Model.options`) and the flag that sets each."""


def add_network_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "network",
        metavar="NETWORK",
        help="built-in network name (see `accelsim networks`) or a network file "
        "(.csv, SCALE-Sim topology .csv, .json, .toml, .yaml, .onnx)",
    )


def add_zeros_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--zeros",
        metavar="FILE",
        default=None,
        help="measured zero fractions replacing the network's: a CSV of "
        "layer,ofmap_zero[,ifmap_zero] (row 'input' for the image), or real activations "
        "(.npz keyed by layer name, .npy named after the layer); docs/networks.md",
    )


def add_onnx_arguments(parser: argparse.ArgumentParser) -> None:
    """The options of an ONNX network file (docs/onnx.md)."""
    group = parser.add_argument_group("ONNX network files")
    group.add_argument(
        "--input-shape",
        type=input_shape,
        metavar="CxHxW",
        default=None,
        help="the image size of an .onnx model (default: the model's; needed when its height "
        "or width is symbolic)",
    )
    group.add_argument(
        "--allow-unknown",
        action="store_true",
        help="pass nodes of operators the importer does not know through as free reshapes "
        "(listed in a warning line on stderr)",
    )


def input_shape(text: str) -> tuple[int, int, int]:
    """--input-shape: CxHxW, each within the network bounds (argparse `type=`)."""
    from accelsim.interop.onnx import parse_input_shape

    try:
        return parse_input_shape(text)
    except AccelsimError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def network_from_args(args: argparse.Namespace) -> Network:
    """The network argument as a network with a conv/FC layer: an .onnx file imported with
    --input-shape and --allow-unknown (the nodes passed through named on one stderr line), then
    the --zeros file's fractions when given."""
    from accelsim.api import as_network

    spec = args.network
    shape = getattr(args, "input_shape", None)
    allow = getattr(args, "allow_unknown", False)
    if spec.lower().endswith(".onnx"):
        from accelsim.interop.onnx import import_onnx, passed_through_message

        result = import_onnx(spec, shape, allow)
        if result.passed_through:
            from accelsim.cli.main import one_line

            sys.stderr.write(
                one_line(f"accelsim: warning: {passed_through_message(result)}") + "\n"
            )
        network = as_network(result.network)
    elif shape is not None or allow:
        flag = "--input-shape" if shape is not None else "--allow-unknown"
        raise AccelsimError(f"{flag} applies to ONNX network files (.onnx)")
    else:
        network = as_network(spec)
    if getattr(args, "zeros", None) is None:
        return network
    from accelsim.workload.zeros import with_zeros

    return with_zeros(network, args.zeros)


def add_accelerator_arguments(parser: argparse.ArgumentParser, many: bool = False) -> None:
    """The accelerator flags; with `many`, --accelerator repeats and --array takes a list (one
    design per accelerator and array size)."""
    group = parser.add_argument_group("accelerator")
    group.add_argument(
        "--accelerator",
        default=None,
        action="append" if many else "store",
        metavar="PRESET|FILE",
        help=f"a preset ({', '.join(PRESETS)}), an accelerator file (.toml/.yaml/.json) or a "
        "SCALE-Sim .cfg (default: eyeriss; scalesim-32x32 with a systolic --dataflow)"
        + ("; repeatable" if many else ""),
    )
    group.add_argument(
        "--bits",
        type=int,
        choices=(8, 16),
        default=None,
        help="data width; picks the preset's 8- or 16-bit variant",
    )
    group.add_argument(
        "--dataflow",
        choices=tuple(DATAFLOW_KIND),
        default=None,
        help="rs: a spatial array, row-stationary; os/ws/is: a systolic array, output-, "
        "weight- or input-stationary (default: the accelerator's)",
    )
    group.add_argument(
        "--array",
        type=array_sizes,
        metavar="ROWSxCOLS" + (",..." if many else ""),
        default=None,
        help="override the array size (PE rows x columns, or systolic rows x columns)"
        + ("; a comma-separated list evaluates each size" if many else ""),
    )
    group.add_argument(
        "--sram-kb",
        type=sram_sizes,
        metavar="I,F,O",
        default=None,
        help="override a systolic array's ifmap, filter and ofmap SRAM sizes (kB)",
    )
    group.add_argument(
        "--scalesim-config",
        metavar="FILE.cfg",
        default=None,
        help="a SCALE-Sim config as the accelerator (the same as --accelerator FILE.cfg)",
    )
    group.add_argument(
        "--no-control", action="store_true", help="leave out clock and control energy"
    )


def add_model_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of the models; each applies to the models that take it (an error otherwise)."""
    group = parser.add_argument_group("model options (each applies to the models named)")
    group.add_argument(
        "--batch",
        type=batch_size,
        default=None,
        help=f"analytical, rs, systolic: images processed together, 1 to {MAX_BATCH} (default: "
        "the layer's batch_n, else 1)",
    )
    group.add_argument(
        "--engine",
        default=None,
        help="rs: fast (pass by pass, default) or trace (cycle by cycle); identical results",
    )
    group.add_argument(
        "--mapper",
        default=None,
        help="rs: energy (the lowest simulated total energy over every legal mapping, ties by "
        "fewest cycles) or chip (the Eyeriss chip's mapping choices); default: the "
        "accelerator's calibration's mapper (energy unless a calibration says chip)",
    )
    group.add_argument(
        "--mapping",
        action="append",
        default=None,
        metavar="[LAYER:]m=..,...,t=..",
        help="rs: pin the mapping (all seven of m,n,e,p,q,r,t) of LAYER, or of every conv/FC "
        "layer without LAYER; repeatable",
    )
    group.add_argument(
        "--memory",
        default=None,
        help="systolic: scalesim (SCALE-Sim 3.0.0's CALC-mode memory model, counter for "
        "counter, default) or default (sound double-buffered SRAMs)",
    )
    group.add_argument(
        "--cycle-by-cycle",
        action="store_true",
        default=None,
        help="systolic: replay every cycle (same numbers, slow, small layers only)",
    )
    group.add_argument(
        "--scalesim-reports",
        metavar="DIR",
        default=None,
        help="systolic: also write SCALE-Sim's COMPUTE_REPORT.csv, BANDWIDTH_REPORT.csv and "
        "DETAILED_ACCESS_REPORT.csv into DIR (memory scalesim)",
    )
    group.add_argument(
        "--compute-n",
        action="store_true",
        default=None,
        help="analytical: use the images per pass its schedule computes (as many as the GLB "
        "holds) instead of --batch / the layer's batch_n / 1",
    )


def add_non_mac_argument(parser: argparse.ArgumentParser) -> None:
    """`--non-mac free|costed`: what pooling, element-wise, activation and reshape layers cost."""
    parser.add_argument(
        "--non-mac",
        choices=("free", "costed"),
        default="free",
        help="layers without MACs (pooling, element-wise, activations, reshapes): free (listed, "
        "default; CNNergy's convention) or costed (their DRAM/buffer traffic and ALU operations)",
    )


def add_output_arguments(parser: argparse.ArgumentParser, plot_help: str) -> None:
    parser.add_argument(
        "--format", choices=tuple(FORMATS), default="table", help="output format (default: table)"
    )
    parser.add_argument(
        "--out",
        metavar="FILE",
        default=None,
        help="write the output to FILE (atomically) instead of stdout",
    )
    parser.add_argument("--plot", metavar="FILE.png", default=None, help=plot_help)


def accelerator_from_args(args: argparse.Namespace, model: str | None = None) -> Accelerator:
    """The accelerator the options describe: --accelerator (or --scalesim-config), --bits,
    and the --dataflow/--array/--sram-kb overrides. Without --accelerator and --dataflow, the
    default is the preset of the kind `model` evaluates (eyeriss, or scalesim-32x32 for a model of
    systolic arrays only)."""
    from accelsim.api import default_dataflow
    from accelsim.hardware.config import resolve_accelerator
    from accelsim.hardware.systolic import parse_array, parse_sram_kb

    spec = getattr(args, "accelerator", None)
    cfg = getattr(args, "scalesim_config", None)
    if cfg is not None:
        if spec is not None:
            raise AccelsimError("give --accelerator or --scalesim-config, not both")
        if not cfg.lower().endswith(".cfg"):
            raise AccelsimError(f"--scalesim-config: expected a SCALE-Sim .cfg file, got '{cfg}'")
        spec = cfg
    array = getattr(args, "array", None)
    sram = getattr(args, "sram_kb", None)
    dataflow = getattr(args, "dataflow", None)
    if spec is None and dataflow is None:
        dataflow = default_dataflow(model)
    return resolve_accelerator(
        spec,
        getattr(args, "bits", None),
        control=not getattr(args, "no_control", False),
        dataflow=dataflow,
        array=parse_array(array) if array is not None else None,
        sram_kb=parse_sram_kb(sram) if sram is not None else None,
    )


def accelerators_from_args(args: argparse.Namespace, model: str | None = None) -> list[Accelerator]:
    """Each --accelerator (repeatable) with the --bits/--dataflow/--sram-kb/--no-control
    overrides; the --array list is left to the caller (`arrays_from_args`)."""
    specs = args.accelerator or [None]
    if args.scalesim_config is not None:
        if args.accelerator:
            raise AccelsimError("give --accelerator or --scalesim-config, not both")
        specs = [None]
    accelerators = []
    for spec in specs:
        single = argparse.Namespace(**{**vars(args), "accelerator": spec, "array": None})
        accelerators.append(accelerator_from_args(single, model))
    return accelerators


def arrays_from_args(args: argparse.Namespace) -> list[tuple[int, int]] | None:
    """The --array list (`8x8,12x14`), each size checked; None when not given."""
    from accelsim.hardware.systolic import parse_array

    if args.array is None:
        return None
    sizes = [parse_array(part.strip()) for part in args.array.split(",")]
    for size in sizes:
        if sizes.count(size) > 1:
            raise AccelsimError(f"--array: {size[0]}x{size[1]} is given twice")
    return sizes


def mapping_pins(specs: list[str] | None) -> dict[str, str] | None:
    """`--mapping [LAYER:]spec` values as {layer or '*': spec} (the rs model checks them); a
    layer pinned twice, or two pins without a layer, is an error."""
    if not specs:
        return None
    pins: dict[str, str] = {}
    for spec in specs:
        head, sep, tail = spec.partition(":")
        key = head.strip() if sep else "*"
        if sep and not key:
            raise AccelsimError(f"--mapping {_quoted(spec)}: the layer name before ':' is empty")
        if key in pins:
            which = "without a layer" if key == "*" else f"for layer {_quoted(key)}"
            raise AccelsimError(f"--mapping is given twice {which}")
        pins[key] = tail if sep else spec
    return pins


def model_options_from_args(args: argparse.Namespace) -> dict[str, Any]:
    """The model options the user gave (flags left at their default are not passed)."""
    given = {
        "batch": getattr(args, "batch", None),
        "engine": getattr(args, "engine", None),
        "mapper": getattr(args, "mapper", None),
        "mappings": mapping_pins(getattr(args, "mapping", None)),
        "memory": getattr(args, "memory", None),
        "cycle_by_cycle": getattr(args, "cycle_by_cycle", None),
        "reports_dir": getattr(args, "scalesim_reports", None),
        "compute_n": getattr(args, "compute_n", None),
    }
    return {key: value for key, value in given.items() if value is not None}


def check_model_options(model: str, kind: str, options: dict[str, Any]) -> None:
    """An option the chosen model does not take is an error naming the flag."""
    from accelsim.models.registry import foreign_option, resolve_model

    spec, _ = resolve_model(model, kind)
    foreign = foreign_option(spec, options)
    if foreign is not None:
        key, owners = foreign
        from accelsim.files.reading import short_repr

        shown = f"'{spec.name}'" if spec.name == model else f"{short_repr(model)} ({spec.name})"
        raise AccelsimError(
            f"{MODEL_OPTION_FLAGS.get(key, key)} applies to model {' and '.join(owners)}, "
            f"not to model {shown} ({kind} array)"
        )


MAX_BATCH = 64
"""Largest --batch: images an edge accelerator processes together (the Eyeriss chip ran 3-4,
the published accelerator studies up to a few tens); the simulators' work grows with the batch,
and AlexNet at batch 256 already takes about a minute."""

MAX_FLAG_CHARS = 40
"""Longest numeric flag value quoted in an error (a longer one is shortened)."""


def _quoted(text: str) -> str:
    from accelsim.files.reading import short_repr

    return short_repr(text, MAX_FLAG_CHARS)


def bounded_int(low: int, high: int, what: str = "an integer") -> Callable[[str], int]:
    """An argparse `type=`: a whole number (no float, no bool) in [low, high]."""

    def parse(text: str) -> int:
        stripped = text.strip()
        if not re.fullmatch(r"[+-]?\d{1,30}", stripped):
            raise argparse.ArgumentTypeError(f"expected {what}, got {_quoted(text)}")
        value = int(stripped)
        if not low <= value <= high:
            raise argparse.ArgumentTypeError(
                f"expected {what} from {low} to {high}, got {_quoted(text)}"
            )
        return value

    return parse


def bounded_float(
    low: float, high: float, what: str = "a number", low_open: bool = False
) -> Callable[[str], float]:
    """An argparse `type=`: a finite number in [low, high] (or (low, high] with `low_open`)."""

    def parse(text: str) -> float:
        try:
            value = float(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected {what}, got {_quoted(text)}") from None
        above = value > low if low_open else value >= low
        if not (math.isfinite(value) and above and value <= high):
            bounds = (
                f"{'above' if low_open else 'from'} {low:g} {'and at most' if low_open else 'to'}"
            )
            raise argparse.ArgumentTypeError(
                f"expected {what} {bounds} {high:g}, got {_quoted(text)}"
            )
        return value

    return parse


MAX_ARRAY_SIDE = 1024
"""Most PE rows or columns of --array: four times the side of the largest array built (the TPU
v1's 256x256); the simulators' work grows with the PE count."""

MAX_SRAM_KB = 2**20
"""Largest SRAM of --sram-kb (1 GiB each): forty times the TPU v1's 24 MiB unified buffer."""


def array_sizes(text: str) -> str:
    """--array: ROWSxCOLS (or a comma-separated list of them), each side 1 to MAX_ARRAY_SIDE;
    the text is returned for the commands to split."""
    from accelsim.hardware.systolic import parse_array

    for part in text.split(","):
        try:
            if not re.fullmatch(r"[0-9 xX]*", part):  # ASCII digits only
                raise AccelsimError(part)
            rows, cols = parse_array(part)
        except AccelsimError:
            raise argparse.ArgumentTypeError(
                f"expected ROWSxCOLS (e.g. 32x32), got {_quoted(part)}"
            ) from None
        if max(rows, cols) > MAX_ARRAY_SIDE:
            raise argparse.ArgumentTypeError(
                f"expected at most {MAX_ARRAY_SIDE} rows and columns, got {_quoted(part)}"
            )
    return text


def sram_sizes(text: str) -> str:
    """--sram-kb: IFMAP,FILTER,OFMAP (or one for all three) kB, each 1 to MAX_SRAM_KB."""
    from accelsim.hardware.systolic import parse_sram_kb

    try:
        if not re.fullmatch(r"[0-9 ,]*", text):  # ASCII digits only: int('¹') fails
            raise AccelsimError(text)
        sizes = parse_sram_kb(text)
    except AccelsimError:
        raise argparse.ArgumentTypeError(
            f"expected IFMAP,FILTER,OFMAP positive integers (kB), got {_quoted(text)}"
        ) from None
    if max(sizes) > MAX_SRAM_KB:
        raise argparse.ArgumentTypeError(
            f"expected at most {MAX_SRAM_KB} kB each, got {_quoted(text)}"
        )
    return text


positive_int = bounded_int(1, 2**31 - 1, "a positive integer")
"""A positive whole number (argparse `type=`)."""

batch_size = bounded_int(1, MAX_BATCH, "a batch size")
"""--batch (argparse `type=`)."""

positive_float = bounded_float(0.0, sys.float_info.max, "a positive number", low_open=True)
"""A positive finite number (argparse `type=`)."""

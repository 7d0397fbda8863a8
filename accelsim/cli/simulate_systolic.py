"""Systolic-array options of `accelsim simulate` (`--dataflow os|ws|is`) and their run.

    accelsim simulate alexnet --dataflow os --array 32x32 --sram-kb 64,64,64 --memory scalesim
    accelsim simulate topology.csv --dataflow ws --scalesim-config scale.cfg --scalesim-reports out/

Built-in networks have padding; the array sees the padded ifmap. SCALE-Sim topologies have none.
"""

from __future__ import annotations

import argparse

from accelsim.cli.common import config_from_args, network_from_args
from accelsim.errors import AccelsimError
from accelsim.hardware.systolic import SystolicArray, parse_array, parse_sram_kb
from accelsim.report.output import emit, render

DEFAULT_ARRAY = "32x32"
DEFAULT_SRAM_KB = "64,64,64"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("systolic array (--dataflow os|ws|is)")
    group.add_argument(
        "--array",
        metavar="ROWSxCOLS",
        default=None,
        help=f"array size (default {DEFAULT_ARRAY}, or the --scalesim-config's)",
    )
    group.add_argument(
        "--sram-kb",
        metavar="I,F,O",
        default=None,
        help="ifmap, filter and ofmap SRAM sizes in kB of 1024 words (default "
        f"{DEFAULT_SRAM_KB}, or the --scalesim-config's)",
    )
    group.add_argument(
        "--memory",
        choices=("scalesim", "default"),
        default="scalesim",
        help="scalesim: SCALE-Sim 3.0.0's CALC-mode memory model, counter for "
        "counter (default); default: sound double-buffered SRAMs",
    )
    group.add_argument(
        "--cycle-by-cycle",
        action="store_true",
        help="replay every cycle (SCALE-Sim-style demand matrices) instead of the fast path: "
        "same numbers, slow, small layers only",
    )
    group.add_argument(
        "--scalesim-config",
        metavar="FILE.cfg",
        default=None,
        help="take the array and SRAM sizes from a SCALE-Sim config (its Dataflow must match --dataflow)",
    )
    group.add_argument("--scalesim-reports", metavar="DIR", default=None,
                       help="also write SCALE-Sim's COMPUTE_REPORT.csv, BANDWIDTH_REPORT.csv and "
                       "DETAILED_ACCESS_REPORT.csv into DIR (scalesim memory model)")  # fmt: skip


def array_from_args(args: argparse.Namespace, clock_hz: float) -> SystolicArray:
    """The array the options describe; a SCALE-Sim config gives defaults, flags override them."""
    rows, cols = parse_array(args.array or DEFAULT_ARRAY)
    sram = parse_sram_kb(args.sram_kb or DEFAULT_SRAM_KB)
    if args.scalesim_config:
        from accelsim.interop.scalesim import read_scalesim_config

        cfg = read_scalesim_config(args.scalesim_config, clock_hz).array
        if cfg.dataflow != args.dataflow:
            raise AccelsimError(f"--dataflow {args.dataflow} contradicts Dataflow: {cfg.dataflow} "
                                f"in '{args.scalesim_config}'")  # fmt: skip
        if args.array is None:
            rows, cols = cfg.rows, cfg.cols
        if args.sram_kb is None:
            sram = (cfg.ifmap_sram_kb, cfg.filter_sram_kb, cfg.ofmap_sram_kb)
    return SystolicArray(rows, cols, args.dataflow, *sram, clock_hz=clock_hz)


def _plot(frame, path: str, title: str) -> None:  # noqa: ANN001
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from accelsim.report.output import save_figure

    fig, (ax1, ax2) = plt.subplots(2, 1, figsize=(max(6, 0.6 * len(frame)), 6), sharex=True)
    x = range(len(frame))
    ax1.bar(x, frame["cycles"], color="tab:blue")
    ax1.set_ylabel("cycles")
    ax1.set_title(title)
    ax2.bar(x, frame["energy_j"] * 1e3, color="tab:orange")
    ax2.set_ylabel("energy per image (mJ)")
    ax2.set_xticks(list(x))
    ax2.set_xticklabels(frame["layer"], rotation=45, ha="right")
    ax2.set_xlabel("layer")
    save_figure(fig, path)


TABLE_COLUMNS = (
    "layer", "cycles", "cycles_incl_prefetch", "latency_s", "utilization", "macs",
    "sram_ifmap_reads", "sram_filter_reads", "sram_ofmap_writes", "dram_ifmap_reads",
    "dram_filter_reads", "dram_ofmap_writes", "energy_j",
)  # fmt: skip
"""Columns of the text table; csv and json carry every column."""


def run(args: argparse.Namespace) -> int:
    from accelsim.engine.systolic.engine import results_frame, simulate_network

    network = network_from_args(args)
    config = config_from_args(args)
    array = array_from_args(args, config.hardware.clock_hz)
    if args.scalesim_reports and args.memory != "scalesim":
        raise AccelsimError("--scalesim-reports needs --memory scalesim")
    batch = args.batch or 1
    if args.cycle_by_cycle and args.memory != "scalesim":
        raise AccelsimError("--cycle-by-cycle needs --memory scalesim")
    results = simulate_network(network, array, args.memory, batch, args.cycle_by_cycle)
    frame = results_frame(network, results, array, config, args.memory, batch)
    if args.scalesim_reports:
        from accelsim.interop.scalesim import write_scalesim_reports

        counters = [r.per_gemm for r in results for _ in range(r.repeats)]
        write_scalesim_reports(counters, array, args.scalesim_reports)
    title = (f"{network.name} on a {array.rows}x{array.cols} {array.dataflow.upper()} systolic "
             f"array ({args.memory} memory)")  # fmt: skip
    if args.plot:
        _plot(frame, args.plot, title)
    extra = {"network": network.name, "array": f"{array.rows}x{array.cols}",
             "dataflow": array.dataflow, "memory": args.memory, "batch": batch,
             "sram_kb": [array.ifmap_sram_kb, array.filter_sram_kb, array.ofmap_sram_kb],
             "total_cycles": int(frame["cycles"].sum()),
             "total_energy_j": float(frame["energy_j"].sum())}  # fmt: skip
    if args.format == "table":
        shown = frame[[c for c in TABLE_COLUMNS if c in frame.columns]]
        text = (f"# {title}, SRAM {array.ifmap_sram_kb:g}/{array.filter_sram_kb:g}/"
                f"{array.ofmap_sram_kb:g} kB, batch {batch}: cycles and SRAM/DRAM words per batch; "
                f"latency_s and energy_j per image; total {extra['total_cycles']} cycles, "
                f"{extra['total_energy_j'] * 1e3:.4g} mJ per image\n"
                + render(shown, "table"))  # fmt: skip
    else:
        text = render(frame, args.format, extra=extra)
    emit(text, args.out)
    return 0

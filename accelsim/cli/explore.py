"""`accelsim explore NETWORK... [axes]`: sweep designs, one row per design point and network.

Axes take comma-separated lists (`--array 8x8,16x16`, `--glb-kb 54,108`), integer axes also
ranges (`--rows 8:64:8`); `--spec FILE` gives a sweep in TOML/YAML/JSON and a flag replaces
its key. Finished evaluations are kept in a store (default: the user cache), so an interrupted
sweep resumes, and a repeated one costs nothing.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from accelsim.cli.common import add_output_arguments, bounded_int, positive_float
from accelsim.errors import AccelsimError

MAX_TOP = 100_000


def register(sub: argparse._SubParsersAction) -> None:
    from accelsim.exploration.executors import MAX_JOBS
    from accelsim.exploration.names import HEAT_METRICS, RANK_COLUMNS
    from accelsim.hardware.presets import PRESETS

    parser = sub.add_parser(
        "explore",
        help="sweep designs (dataflows, arrays, buffers, models): energy, latency, area, Pareto",
    )
    parser.add_argument(
        "networks",
        nargs="*",
        metavar="NETWORK",
        help="built-in network names or network files (or `networks` in --spec)",
    )
    parser.add_argument(
        "--spec", metavar="FILE", default=None, help="a sweep file (.toml/.yaml/.json)"
    )
    axes = parser.add_argument_group("design axes (comma-separated lists)")
    axes.add_argument(
        "--accelerator",
        action="append",
        default=None,
        metavar="PRESET|FILE",
        help=f"a base design: a preset ({', '.join(PRESETS)}) or an accelerator file; repeatable "
        "(default: eyeriss for rs, scalesim-32x32 for os/ws/is)",
    )
    axes.add_argument("--dataflow", metavar="LIST", help="rs (spatial), os, ws, is (systolic)")
    axes.add_argument("--array", metavar="RxC,...", help="array sizes, e.g. 8x8,12x14,32x32")
    axes.add_argument(
        "--rows", metavar="LIST|A:B:S", help="array rows (with --cols: their product)"
    )
    axes.add_argument("--cols", metavar="LIST|A:B:S", help="array columns")
    axes.add_argument("--glb-kb", metavar="LIST", help="spatial arrays: the whole GLB in kB")
    axes.add_argument(
        "--sram-kb", metavar="LIST", help="systolic arrays: SRAM kB, each N or IFMAP/FILTER/OFMAP"
    )
    axes.add_argument("--spad-ifmap", metavar="LIST", help="spatial arrays: ifmap spad words")
    axes.add_argument("--spad-filter", metavar="LIST", help="spatial arrays: filter spad words")
    axes.add_argument("--spad-psum", metavar="LIST", help="spatial arrays: psum spad words")
    axes.add_argument("--bits", metavar="LIST", help="8,16: each preset's variant of that width")
    axes.add_argument(
        "--no-control", action="store_true", help="leave out clock and control energy"
    )
    models = parser.add_argument_group("models")
    models.add_argument(
        "--model",
        metavar="LIST",
        help="analytical, simulated (rs or systolic, by array kind), rs, systolic; several give "
        "rows side by side (default: simulated)",
    )
    models.add_argument("--batch", metavar="LIST", help="rs, systolic: images per pass")
    models.add_argument(
        "--mapper",
        metavar="LIST",
        help="rs: energy, chip (default: the accelerator's calibration's, energy unless it says chip)",
    )
    models.add_argument("--memory", metavar="LIST", help="systolic: scalesim (default), default")
    models.add_argument(
        "--counts",
        metavar="LIST",
        help="systolic: exact (default) or closed-form (the fast path; named in the rows)",
    )
    models.add_argument("--engine", default=None, help="rs: fast (default) or trace")
    add_output_arguments(
        parser,
        plot_help="save the Pareto chart (energy vs latency, colour = dataflow, size = area)",
    )
    parser.add_argument(
        "--heatmap", metavar="FILE.png", default=None, help="save a heat map over rows x columns"
    )
    parser.add_argument(
        "--heatmap-metric",
        choices=tuple(HEAT_METRICS),
        default="energy_j",
        help="what the heat map shows (default: energy_j)",
    )
    parser.add_argument(
        "--layers", action="store_true", help="one row per layer (csv/json/parquet) instead"
    )
    select = parser.add_argument_group("selection (per image)")
    select.add_argument("--max-area-mm2", type=positive_float, default=None, metavar="A")
    select.add_argument("--max-power-w", type=positive_float, default=None, metavar="P")
    select.add_argument("--max-latency-s", type=positive_float, default=None, metavar="T")
    select.add_argument(
        "--top",
        type=bounded_int(1, MAX_TOP, "a number of design points"),
        default=None,
        metavar="K",
        help="keep the K best evaluated points per network (by --rank)",
    )
    select.add_argument(
        "--rank",
        choices=RANK_COLUMNS,
        default=None,
        help="what --top ranks by (default: edp_js)",
    )
    where = parser.add_argument_group("execution")
    where.add_argument(
        "--jobs",
        type=bounded_int(1, MAX_JOBS, "a number of processes"),
        default=None,
        metavar="N",
        help="worker processes (default 1: this process; with --dask local: its workers)",
    )
    where.add_argument(
        "--dask",
        metavar="ADDRESS|local",
        default=None,
        help="run on a Dask cluster (tcp://HOST:PORT), or start a LocalCluster ('local'); needs "
        "pip install 'accelsim[dask]'",
    )
    where.add_argument(
        "--store",
        metavar="FILE",
        default=None,
        help="where finished evaluations are kept (default: $ACCELSIM_CACHE_DIR or "
        "~/.cache/accelsim/explore.sqlite)",
    )
    where.add_argument(
        "--no-store", action="store_true", help="keep results in memory only (no resume)"
    )
    where.add_argument("--quiet", action="store_true", help="no progress bar")
    parser.set_defaults(run=run)


AXIS_FLAGS: dict[str, tuple[str, str]] = {
    "dataflow": ("dataflows", "names"),
    "array": ("arrays", "arrays"),
    "rows": ("rows", "ints"),
    "cols": ("cols", "ints"),
    "glb_kb": ("glb_kb", "numbers"),
    "sram_kb": ("sram_kb", "srams"),
    "spad_ifmap": ("spad_ifmap_words", "ints"),
    "spad_filter": ("spad_filter_words", "ints"),
    "spad_psum": ("spad_psum_words", "ints"),
    "bits": ("bits", "ints"),
    "batch": ("batch", "ints"),
    "mapper": ("mappers", "names"),
    "memory": ("memory", "names"),
    "counts": ("counts", "names"),
    "model": ("models", "names"),
}
"""Axis flags (argparse attribute) -> (Space field, how the list is parsed)."""


def _parsers() -> dict[str, Callable[[str, str], tuple]]:
    from accelsim.exploration.space import (
        parse_int_axis,
        parse_names,
        parse_number_axis,
        parse_sram_axis,
    )
    from accelsim.hardware.systolic import parse_array

    def arrays(text: str, what: str) -> tuple:
        return tuple(parse_array(part) for part in text.split(","))

    return {
        "names": parse_names,
        "ints": parse_int_axis,
        "numbers": parse_number_axis,
        "srams": parse_sram_axis,
        "arrays": arrays,
    }


def space_fields(args: argparse.Namespace) -> tuple[list[str], dict[str, Any]]:
    """The networks and Space fields of --spec, replaced by the flags given."""
    if args.spec is not None:  # its schema (pydantic) only for a --spec file
        from accelsim.exploration.spec import read_sweep_file

    networks, fields = ([], {}) if args.spec is None else read_sweep_file(args.spec)
    parsers = _parsers()
    for attr, (field, kind) in AXIS_FLAGS.items():
        text = getattr(args, attr)
        if text is not None:
            flag = "--" + attr.replace("_", "-")
            fields[field] = parsers[kind](text, flag)
    if args.array is not None:  # a flag's array list replaces the file's rows/cols too
        fields.pop("rows", None), fields.pop("cols", None)
    elif args.rows is not None or args.cols is not None:
        fields.pop("arrays", None)
    if args.accelerator is not None:
        fields["accelerators"] = tuple(args.accelerator)
    if args.no_control:
        fields["control"] = False
    if args.engine is not None:
        fields["options"] = {**fields.get("options", {}), "engine": args.engine}
    return list(args.networks) or networks, fields


@contextmanager
def progress_bar(quiet: bool) -> Iterator[Callable[[int, int], None] | None]:
    """A tqdm bar on stderr (rate and ETA) when stderr is a terminal and not --quiet."""
    if quiet or not sys.stderr.isatty():
        yield None
        return
    from tqdm import tqdm

    bar = tqdm(total=0, unit="eval", desc="explore", file=sys.stderr, dynamic_ncols=True)

    def update(done: int, total: int) -> None:
        if bar.total != total:
            bar.total = total
        bar.update(done - bar.n)

    try:
        yield update
    finally:
        bar.close()


def run(args: argparse.Namespace) -> int:
    from accelsim.exploration import Constraints, Space, Store, explore
    from accelsim.exploration.executors import executor_for
    from accelsim.exploration.frame import best
    from accelsim.exploration.store import default_store_path
    from accelsim.report.output import emit, render

    if args.layers and (args.plot or args.heatmap):
        raise AccelsimError("--plot and --heatmap draw design points; --layers lists layers")
    selecting = [
        flag
        for flag, value in (
            ("--top", args.top),
            ("--max-area-mm2", args.max_area_mm2),
            ("--max-power-w", args.max_power_w),
            ("--max-latency-s", args.max_latency_s),
        )
        if value is not None
    ]
    if args.layers and selecting:
        raise AccelsimError(f"{selecting[0]} selects design points; --layers lists every layer")
    if args.layers and args.format == "table":
        raise AccelsimError("--layers is for csv/json/parquet (a row per layer)")
    if args.rank is not None and args.top is None:
        raise AccelsimError("--rank orders the points --top keeps; give --top K")
    rank = args.rank or "edp_js"
    if args.store is not None and args.no_store:
        raise AccelsimError("give --store FILE or --no-store, not both")
    networks, fields = space_fields(args)
    if not networks:
        raise AccelsimError("explore: give a NETWORK (or `networks` in the --spec file)")
    space = Space(**fields)
    constraints = Constraints(args.max_area_mm2, args.max_power_w, args.max_latency_s)
    store = None if args.no_store else Store(args.store or default_store_path())
    try:
        with executor_for(args.jobs, args.dask) as executor, progress_bar(args.quiet) as progress:
            frame = explore(
                space,
                networks,
                executor,
                store=store,
                layers=args.layers,
                constraints=constraints,
                progress=progress,
            )
    finally:
        if store is not None:
            store.close()
    shown = frame if args.top is None else best(frame, args.top, rank)
    if args.format == "table":
        from accelsim.report.explore_table import explore_report

        text: str | bytes = explore_report(shown, args.top, rank)
    else:
        header = {"networks": list(dict.fromkeys(shown["network"])), "rows": len(shown)}
        text = render(shown, args.format, extra=None if args.format == "json" else header)
    emit(text, args.out)
    if args.plot:  # every point, whatever --top shows
        from accelsim.report.explore_plot import plot_pareto

        plot_pareto(frame, args.plot)
    if args.heatmap:
        from accelsim.report.explore_plot import plot_heatmap

        plot_heatmap(frame, args.heatmap, args.heatmap_metric)
    return 0

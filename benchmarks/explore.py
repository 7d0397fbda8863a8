"""Throughput of `accelsim explore`: distinct layer evaluations per second, per model.

Usage: python benchmarks/explore.py [--repeat N] [--jobs N]   (rewrites benchmarks/explore.md)

Each model sweeps AlexNet and VGG-16 (24 conv/FC layers) over a grid of array sizes, with no
result store (every evaluation is done), once in this process and once on a process pool of
`--jobs` workers (default: the CPU count). The pool's workers are started and warmed up (numba
kernels loaded) before timing, as a long sweep amortises that. A layer-config is one distinct
(layer, design) evaluation; `covered` counts every (layer, design) pair the sweep reports,
identical layers included, so covered / evaluated is what the per-design deduplication saves.
"""

from __future__ import annotations

import argparse
import datetime
import os
import platform
import statistics
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from accelsim.exploration import Space
from accelsim.exploration.run import plan, sweep
from accelsim.report.output import write_text_atomic
from accelsim.workload.builtin import builtin_network

NETWORKS = ("alexnet", "vgg16")

CASES = (
    ("analytical", Space(rows=tuple(range(12, 76)), cols=tuple(range(12, 28)), models=("analytical",))),
    ("rs, chip mapper", Space(rows=tuple(range(12, 20)), cols=tuple(range(12, 20)), mappers=("chip",))),
    ("rs, energy mapper", Space(rows=tuple(range(12, 16)), cols=tuple(range(12, 16)))),
    ("systolic OS, memory scalesim (exact)", Space(dataflows=("os",), rows=(16, 32), cols=(16, 32))),
    ("systolic WS, memory scalesim (exact)", Space(dataflows=("ws",), rows=(16, 32), cols=(16, 32))),
    ("systolic OS, memory default (exact)", Space(dataflows=("os",), rows=(16, 32), cols=(16, 32), memory=("default",))),
    ("systolic OS/WS/IS, memory scalesim, closed-form", Space(dataflows=("os", "ws", "is"), rows=tuple(range(8, 72, 8)), cols=tuple(range(8, 72, 8)), counts=("closed-form",))),
)  # fmt: skip
"""(what, space): each sweep is sized to take seconds, not minutes."""


TINY = (
    Space(arrays=((12, 14),), models=("analytical", "simulated")),
    Space(dataflows=("os", "ws", "is"), arrays=((8, 8),), memory=("scalesim", "default")),
)
"""One tiny sweep of each model: what loads every kernel the sweeps use."""


def _warm(pool: ProcessPoolExecutor, jobs: int) -> None:
    """Compile every kernel into numba's cache in this process (no call interpreted), then
    start every worker, which finds them cached, and load its kernels."""
    from accelsim import kernel_tier

    with kernel_tier.forced("compiled"):
        for space in TINY:
            sweep(space, ["alexnet"])
    for space in TINY:
        for _ in range(jobs):
            sweep(space, ["alexnet"], pool)


def _time(space: Space, networks, executor, repeat: int) -> list[float]:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        sweep(space, networks, executor)
        times.append(time.perf_counter() - start)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    args = parser.parse_args()
    networks = [builtin_network(n) for n in NETWORKS]
    lines = []
    with ProcessPoolExecutor(args.jobs) as pool:
        _warm(pool, args.jobs)
        sweep(CASES[0][1], networks)  # warm this process too
        for what, space in CASES:
            points, keys, tasks = plan(space, networks)
            covered = sum(len(k) for k in keys.values())
            serial = _time(space, networks, None, args.repeat)
            parallel = _time(space, networks, pool, args.repeat)
            rate_1 = len(tasks) / min(serial)
            rate_n = len(tasks) / min(parallel)
            print(f"{what}: {len(tasks)} evaluations, 1 process {rate_1:,.0f}/s, "
                  f"{args.jobs} processes {rate_n:,.0f}/s")  # fmt: skip
            lines.append(
                f"| {what} | {len(points)} | {covered:,} | {len(tasks):,} | "
                f"{min(serial):.2f} s ({statistics.median(serial):.2f}) | {rate_1:,.0f} | "
                f"{min(parallel):.2f} s ({statistics.median(parallel):.2f}) | {rate_n:,.0f} |"
            )
    when = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC")
    text = "\n".join(
        [
            "# accelsim explore: throughput",
            "",
            "`python benchmarks/explore.py` sweeps AlexNet and VGG-16 (24 conv/FC layers) over "
            "grids of array sizes with",
            "each model, no result store, once in one process and once on a warmed process "
            f"pool of {args.jobs} workers;",
            f"best (median) of {args.repeat} repeats. A layer-config is one distinct (layer, "
            "design) evaluation; `covered` counts",
            "every (layer, design) pair reported, identical layers included.",
            "",
            f"Measured {when} on {platform.machine()}, {os.cpu_count()} CPUs, Python "
            f"{platform.python_version()}, load average {os.getloadavg()[0]:.2f} at the end "
            "(other work on the machine slows the pool most):",
            "",
            f"| model | design points | covered | evaluated | 1 process | layer-configs/s | "
            f"{args.jobs} processes | layer-configs/s |",
            "|---|---|---|---|---|---|---|---|",
            *lines,
            "",
        ]
    )
    write_text_atomic(Path(__file__).with_suffix(".md"), text)


if __name__ == "__main__":
    main()

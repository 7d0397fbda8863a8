"""Benchmark of tiered kernel execution (`accelsim.kernel_tier`) on the RS simulator.

Run: `python benchmarks/kernel_tier.py [--repeats N]` (rewrites benchmarks/kernel_tier.md).

Two tables. (1) `accelsim simulate NET --batch 4` in fresh processes with an empty numba cache,
with the tiers chosen as by default (`auto`) and with every kernel compiled (`compiled`): what a
first run costs either way (min and median wall seconds of the repeats). (2) In one process,
every call of the two RS kernels run interpreted: the estimated interpreted seconds the tier
choice used against the measured ones, summed per network and as the range of the per-call
ratio, so that the estimate constants (`INTERPRETED_*_SECONDS`) stay honest.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

NETWORKS = ("alexnet", "vgg16")
BATCH = 4
OUT = Path(__file__).with_suffix(".md")

CHILD = """
import sys, time
from accelsim import kernel_tier
from accelsim.cli.main import main
with kernel_tier.forced(sys.argv[1]):
    try:
        main(["simulate", sys.argv[2], "--batch", sys.argv[3]])
    except SystemExit:
        pass
"""


def first_run(network: str, tier: str) -> float:
    """Wall seconds of one `simulate` in a fresh process with an empty numba cache."""
    cache = tempfile.mkdtemp(prefix="numba-cache-")
    try:
        env = dict(os.environ, NUMBA_CACHE_DIR=cache)
        t0 = time.perf_counter()
        subprocess.run([sys.executable, "-c", CHILD, tier, network, str(BATCH)], env=env,
                       check=True, stdout=subprocess.DEVNULL)  # fmt: skip
        return time.perf_counter() - t0
    finally:
        shutil.rmtree(cache, ignore_errors=True)


def estimates(network: str) -> dict[str, list[tuple[float, float]]]:
    """(estimated, measured) interpreted seconds of every RS kernel call of a simulation."""
    import accelsim.engine.rs.fast as fast
    import dataflows.row_stationary.search as search
    from accelsim import kernel_tier
    from accelsim.api import evaluate

    calls: dict[str, list[tuple[float, float]]] = {"simulate_layer": [], "best_candidates": []}

    def measured(kernel, seconds):
        python = kernel_tier.interpreted(kernel)

        def timed(*args):
            t0 = time.perf_counter()
            result = python(*args)
            calls[kernel.__name__].append((seconds, time.perf_counter() - t0))
            return result

        return timed

    originals = fast.kernel_for, search.kernel_for
    fast.kernel_for = search.kernel_for = measured
    try:
        evaluate(network, "eyeriss", model="rs", batch=BATCH)
    finally:
        fast.kernel_for, search.kernel_for = originals
    return calls


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--out", default=str(OUT))
    args = parser.parse_args()
    lines = [
        "# Tiered kernels: first runs and the interpreted-time estimates",
        "",
        f"`python benchmarks/kernel_tier.py --repeats {args.repeats}` on {platform.machine()}, "
        f"{os.cpu_count()} cores, Python {platform.python_version()}; batch {BATCH}.",
        "",
        "| first run, empty numba cache | auto (min / median) | compiled (min / median) |",
        "|---|---|---|",
    ]
    for net in NETWORKS:
        cells = []
        for tier in ("auto", "compiled"):
            times = [first_run(net, tier) for _ in range(args.repeats)]
            cells.append(f"{min(times):.2f} / {statistics.median(times):.2f} s")
        lines.append(f"| `accelsim simulate {net} --batch {BATCH}` | {cells[0]} | {cells[1]} |")
        print(lines[-1], flush=True)
    lines += [
        "",
        "| kernel, network | calls | estimated | measured | measured / estimated per call |",
        "|---|---|---|---|---|",
    ]
    for net in NETWORKS:
        for kernel, rows in estimates(net).items():
            est = sum(r[0] for r in rows)
            got = sum(r[1] for r in rows)
            ratios = [r[1] / r[0] for r in rows if r[0] > 0]
            lines.append(
                f"| `{kernel}`, {net} | {len(rows)} | {est:.3f} s | {got:.3f} s | "
                f"{min(ratios):.2f} - {max(ratios):.2f} |"
            )
            print(lines[-1], flush=True)
    Path(args.out).write_text("\n".join(lines) + "\n")
    print(json.dumps({"written": args.out}))
    return 0


if __name__ == "__main__":
    sys.exit(main())

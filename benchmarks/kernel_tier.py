"""Benchmark of tiered kernel execution (`accelsim.kernel_tier`) on the RS simulator.

Run: `python benchmarks/kernel_tier.py [--repeats N]` (rewrites benchmarks/kernel_tier.md).

Three tables. (1) `accelsim simulate NET --batch 4` in fresh processes, with an empty numba cache
and with one the compiled tier filled, the tiers chosen as by default (`auto`) and with every
kernel compiled (`compiled`): what a run costs either way (min and median wall seconds of the
repeats); and what `import numba` and a first cached kernel cost a fresh process. (2) What compiling
each RS kernel takes (numba's compile events, empty cache) against the constant the tier choice
uses (`COMPILE_SECONDS`, `CANDIDATES_COMPILE_SECONDS`). (3) In one process,
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

COMPILE_TIMES = """
import json, sys, time
from numba.core import event
from accelsim import kernel_tier
from accelsim.api import evaluate
took = {}

class Timer(event.Listener):
    def on_start(self, ev):
        self.start = getattr(self, "start", {})
        self.start[ev.data["dispatcher"].py_func.__name__] = time.perf_counter()

    def on_end(self, ev):
        name = ev.data["dispatcher"].py_func.__name__
        took.setdefault(name, time.perf_counter() - self.start[name])

event.register("numba:compile", Timer())
with kernel_tier.forced("compiled"):
    evaluate(sys.argv[1], "eyeriss", model="rs", batch=int(sys.argv[2]))
print(json.dumps({k: took[k] for k in ("simulate_layer", "best_candidates")}))
"""

NUMBA_START = """
import sys, time
from accelsim import kernel_tier
from accelsim.engine.rs import fast
from accelsim.engine.rs.plan import make_plan
from accelsim.hardware import resolve_accelerator
from accelsim.workload.layer import ConvLayer
from dataflows.row_stationary import RSMapping
layer = ConvLayer("c", 6, 15, 15, 8, 3, 3, stride=1, pad=(1, 1, 1, 1))
mapping = RSMapping(m=8, n=1, e=5, p=2, q=2, r=1, t=2)
hw = resolve_accelerator("eyeriss").hardware
plan = fast.kernel_plan(make_plan(layer, hw, mapping, 1, first_layer=False))
assert "numba" not in sys.modules
start = time.perf_counter()
with kernel_tier.forced("compiled"):
    fast.simulate_fast(plan)
print(time.perf_counter() - start)
"""

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


def first_run(network: str, tier: str, cache: str | None = None) -> float:
    """Wall seconds of one `simulate` in a fresh process, with `cache` as numba's cache
    directory (default: a new empty one)."""
    empty = cache is None
    cache = cache or tempfile.mkdtemp(prefix="numba-cache-")
    try:
        env = dict(os.environ, NUMBA_CACHE_DIR=cache)
        t0 = time.perf_counter()
        subprocess.run([sys.executable, "-c", CHILD, tier, network, str(BATCH)], env=env,
                       check=True, stdout=subprocess.DEVNULL)  # fmt: skip
        return time.perf_counter() - t0
    finally:
        if empty:
            shutil.rmtree(cache, ignore_errors=True)


def numba_start(cache: str) -> float:
    """Seconds from a process without numba to the end of a first call of a cached kernel."""
    env = dict(os.environ, NUMBA_CACHE_DIR=cache)
    done = subprocess.run([sys.executable, "-c", NUMBA_START], env=env, check=True,
                          capture_output=True, text=True)  # fmt: skip
    return float(done.stdout)


def compile_times() -> dict[str, float]:
    """Seconds numba takes to compile each RS kernel (with what it calls), empty cache."""
    cache = tempfile.mkdtemp(prefix="numba-cache-")
    try:
        env = dict(os.environ, NUMBA_CACHE_DIR=cache)
        done = subprocess.run([sys.executable, "-c", COMPILE_TIMES, "alexnet", str(BATCH)],
                              env=env, check=True, capture_output=True, text=True)  # fmt: skip
        return json.loads(done.stdout)
    finally:
        shutil.rmtree(cache, ignore_errors=True)


def estimates(network: str) -> dict[str, list[tuple[float, float]]]:
    """(estimated, measured) interpreted seconds of every RS kernel call of a simulation."""
    import accelsim.engine.rs.fast as fast
    import dataflows.row_stationary.search as search
    from accelsim import kernel_tier
    from accelsim.api import evaluate

    calls: dict[str, list[tuple[float, float]]] = {"simulate_layer": [], "best_candidates": []}

    def measured(kernel, seconds, compile_seconds):
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
        "| `accelsim simulate`, fresh process | empty cache, auto | empty cache, compiled "
        "| cache filled, auto | cache filled, compiled |",
        "|---|---|---|---|---|",
    ]

    def cell(times: list[float]) -> str:
        return f"{min(times):.2f} / {statistics.median(times):.2f} s"

    filled = tempfile.mkdtemp(prefix="numba-cache-")
    try:
        for net in NETWORKS:
            cells = [cell([first_run(net, tier) for _ in range(args.repeats)])
                     for tier in ("auto", "compiled")]  # fmt: skip
            first_run(net, "compiled", filled)  # fill the cache
            cells += [cell([first_run(net, tier, filled) for _ in range(args.repeats)])
                      for tier in ("auto", "compiled")]  # fmt: skip
            lines.append(f"| `{net} --batch {BATCH}` | " + " | ".join(cells) + " |")
            print(lines[-1], flush=True)
        from accelsim.kernel_tier import NUMBA_START_SECONDS

        start = [numba_start(filled) for _ in range(args.repeats)]
        lines += [
            "",
            "(min / median of the repeats.) `import numba` and a first call of a cached kernel "
            f"in a fresh process: {cell(start)} (`NUMBA_START_SECONDS` = {NUMBA_START_SECONDS} s).",
        ]
        print(lines[-1], flush=True)
    finally:
        shutil.rmtree(filled, ignore_errors=True)
    from accelsim.engine.rs.fast import COMPILE_SECONDS
    from dataflows.row_stationary.search import CANDIDATES_COMPILE_SECONDS

    constants = {"simulate_layer": COMPILE_SECONDS, "best_candidates": CANDIDATES_COMPILE_SECONDS}
    runs = [compile_times() for _ in range(args.repeats)]
    lines += ["", "| kernel | compile (min / median) | constant |", "|---|---|---|"]
    for kernel, constant in constants.items():
        took = [run[kernel] for run in runs]
        lines.append(f"| `{kernel}` | {min(took):.2f} / {statistics.median(took):.2f} s | "
                     f"{constant} s |")  # fmt: skip
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

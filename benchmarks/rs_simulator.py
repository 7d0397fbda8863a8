"""Benchmark of the RS simulator's fast engine on VGG-16 (batch 3) and of numba's cache.

Run: `python benchmarks/rs_simulator.py` (rewrites benchmarks/rs_simulator.md).

1. Cold: a new process with an empty numba cache directory, kernels tiered as by default
   (`accelsim.kernel_tier`: interpreted until compiling would have been cheaper), and the same
   with every kernel compiled (which fills the cache).
2. Warm start: a third process with that cache (loads compiled kernels from disk).
3. In process, every kernel compiled: all 16 conv/FC layers of VGG-16, mapper + simulation
   (`accelsim.run(..., model="rs", mapper="chip")`), and the simulation alone with the mappings fixed (median of 7 runs).
"""

from __future__ import annotations

import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

CHILD = r"""
import json, sys, time
t0 = time.perf_counter()
import accelsim
from accelsim import kernel_tier
t1 = time.perf_counter()
with kernel_tier.forced(sys.argv[1]):
    frame = accelsim.run("vgg16", "eyeriss", model="rs", batch=3, mapper="chip")
t2 = time.perf_counter()
print(json.dumps({"import_s": t1 - t0, "first_network_s": t2 - t1,
                  "cycles": int(frame["cycles"].sum())}))
"""


def child(cache_dir: str, tier: str = "auto") -> dict:
    env = {**os.environ, "NUMBA_CACHE_DIR": cache_dir}
    t0 = time.perf_counter()
    out = subprocess.run(
        [sys.executable, "-c", CHILD, tier], env=env, capture_output=True, text=True, check=True
    )
    wall = time.perf_counter() - t0
    return {**json.loads(out.stdout.strip().splitlines()[-1]), "process_s": wall}


def in_process(repeats: int = 7) -> dict:
    from accelsim import kernel_tier

    with kernel_tier.forced("compiled"):
        return _in_process(repeats)


def _in_process(repeats: int) -> dict:
    from accelsim.api import run
    from accelsim.engine.rs.plan import make_plan
    from accelsim.engine.rs.run import run_plan
    from accelsim.hardware import resolve_accelerator
    from accelsim.workload.builtin import builtin_network
    from dataflows.row_stationary import parse_mapping

    config = resolve_accelerator("eyeriss")
    net = builtin_network("vgg16")
    frame = run(net, config, "rs", batch=3, mapper="chip")  # compile / load
    full = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        run(net, config, "rs", batch=3, mapper="chip")
        full.append(time.perf_counter() - t0)
    plans = [
        make_plan(layer, config.hardware, parse_mapping(m), 3, net.reads_image(layer), config.rlc)
        for layer, m in zip(net.compute_layers, frame["mapping"], strict=True)
    ]
    engine = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        for plan in plans:
            run_plan(plan, "fast")
        engine.append(time.perf_counter() - t0)
    return {
        "run_s": statistics.median(full),
        "engine_only_s": statistics.median(engine),
        "simulated_cycles": int(frame["cycles"].sum()),
        "passes": int(frame["passes"].sum()),
    }


def main() -> None:
    with tempfile.TemporaryDirectory() as cache:
        cold = child(cache)  # interprets: fills no cache
        compiled = child(cache, "compiled")
        warm = child(cache)
    inproc = in_process()
    lines = [
        "# RS simulator speed (fast engine, VGG-16, batch 3)",
        "",
        f"Measured by `benchmarks/rs_simulator.py` on {platform.machine()}, Python "
        f"{platform.python_version()}, {os.cpu_count()} CPUs, "
        f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}.",
        "",
        "| what | time |",
        "|---|---|",
        f"| VGG-16, all 16 conv/FC layers, mapper + simulation (`accelsim.run`), after "
        f"compilation, median of 7 | {inproc['run_s']:.3f} s |",
        f"| the same, simulation only (mappings fixed), median of 7 | "
        f"{inproc['engine_only_s'] * 1e3:.1f} ms |",
        f"| new process, empty numba cache: import + first VGG-16 (tiered kernels) | "
        f"{cold['import_s'] + cold['first_network_s']:.2f} s (process {cold['process_s']:.2f} s) |",
        f"| the same, every kernel compiled | {compiled['import_s'] + compiled['first_network_s']:.2f}"
        f" s (process {compiled['process_s']:.2f} s) |",
        f"| second process, numba cache on disk: import + first VGG-16 | "
        f"{warm['import_s'] + warm['first_network_s']:.2f} s (process {warm['process_s']:.2f} s) |",
        "",
        f"The simulation covers {inproc['simulated_cycles']:,} core cycles "
        f"({inproc['simulated_cycles'] / 200e6:.2f} s of chip time at 200 MHz) in "
        f"{inproc['passes']:,} processing passes.",
        "",
    ]
    text = "\n".join(lines)
    from accelsim.report.output import write_text_atomic

    write_text_atomic(Path(__file__).with_name("rs_simulator.md"), text)
    print(text)


if __name__ == "__main__":
    main()

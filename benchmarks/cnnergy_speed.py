"""Time the CNNergy analytical model over all four built-in networks (after import).

Usage: python benchmarks/cnnergy_speed.py [--repeat N]   (rewrites benchmarks/cnnergy_speed.md)
The best and median wall time of one pass over AlexNet, VGG-16, GoogLeNet and SqueezeNet
(108 conv/FC layers) at 16 and 8 bit, and the per-layer cost.
"""

from __future__ import annotations

import argparse
import datetime
import os
import platform
import statistics
import time
from pathlib import Path

from accelsim.analytical.cnnergy import evaluate_network
from accelsim.hardware import resolve_accelerator
from accelsim.report.output import write_text_atomic
from accelsim.workload.builtin import builtin_network

NETWORKS = ("alexnet", "vgg16", "googlenet", "squeezenet")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    networks = [builtin_network(name) for name in NETWORKS]
    layers = sum(len(net.compute_layers) for net in networks)
    rows = []
    for bits in (16, 8):
        config = resolve_accelerator("eyeriss", bits)
        times = []
        for _ in range(args.repeat):
            start = time.perf_counter()
            for net in networks:
                evaluate_network(net, config)
            times.append(time.perf_counter() - start)
        best, median = min(times), statistics.median(times)
        print(
            f"{bits:>2} bit, {layers} layers: best {best * 1e3:.2f} ms, median {median * 1e3:.2f} ms"
        )
        rows.append(
            f"| {bits} | {best * 1e3:.2f} ms | {median * 1e3:.2f} ms | {best / layers * 1e6:.1f} us |"
        )
    when = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC")
    text = "\n".join(
        [
            "# CNNergy analytical model: speed",
            "",
            "`python benchmarks/cnnergy_speed.py` — one pass of the analytical model over all four "
            "built-in",
            "networks (AlexNet, VGG-16, GoogLeNet, SqueezeNet: 108 conv/FC layers), after import, "
            f"{args.repeat} repeats.",
            "",
            f"Measured {when} on {platform.machine()}, {os.cpu_count()} CPUs, Python "
            f"{platform.python_version()}:",
            "",
            "| bits | best | median | per layer |",
            "|---|---|---|---|",
            *rows,
            "",
            "Each layer is evaluated twice (once with the computed images per pass n, once with the "
            "network's",
            "`batch_n`), as the reference implementation does.",
            "",
        ]
    )
    write_text_atomic(Path(__file__).with_suffix(".md"), text)


if __name__ == "__main__":
    main()

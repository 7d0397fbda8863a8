"""Time the CNNergy analytical model over all four built-in networks (after import).

Usage: python benchmarks/cnnergy_speed.py [--repeat N]
Prints the best and median wall time of one pass over AlexNet, VGG-16, GoogLeNet and SqueezeNet
(108 conv/FC layers) at 16 and 8 bit, and the per-layer cost.
"""

from __future__ import annotations

import argparse
import statistics
import time

from accelsim.analytical.cnnergy import evaluate_network
from accelsim.hardware import resolve_accelerator
from accelsim.workload.builtin import builtin_network

NETWORKS = ("alexnet", "vgg16", "googlenet", "squeezenet")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    networks = [builtin_network(name) for name in NETWORKS]
    layers = sum(len(net.compute_layers) for net in networks)
    for bits in (16, 8):
        config = resolve_accelerator("eyeriss", bits)
        times = []
        for _ in range(args.repeat):
            start = time.perf_counter()
            for net in networks:
                evaluate_network(net, config)
            times.append(time.perf_counter() - start)
        print(
            f"{bits:>2} bit: all four networks ({layers} layers): best {min(times) * 1e3:.2f} ms, "
            f"median {statistics.median(times) * 1e3:.2f} ms, "
            f"{min(times) / layers * 1e6:.1f} us per layer"
        )


if __name__ == "__main__":
    main()

"""Time the run-time partition decision and the sweeps.

Usage: python benchmarks/partition_decision.py [--repeat N] [--write]
For each built-in network at 8 bit (analytical energies): the cuts offered (every prefix of the
layer order, and how many of them send one tensor), the one-off precomputation
(`partition_model`), the best cut for a new (bit rate, transmit power) through the compiled kernel
(`best_cut_index`) and through `PartitionModel.decide` (which also builds the result record), with
and without a latency bound, and a vectorised sweep over 61 x 40 and 1000 x 1000 operating points;
then the precomputation of a 100,000-layer chain (cuts and bits alone, and with the analytical
model's energies). `--write` also records the figures in benchmarks/partition_decision.md.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import time
from pathlib import Path

import numpy as np

from accelsim.hardware import resolve_accelerator
from accelsim.partition import best_cut_index, linear_range, log_range, partition_model, sweep
from accelsim.partition.cuts import cut_points
from accelsim.workload.builtin import builtin_network
from accelsim.workload.layer import TensorShape
from accelsim.workload.network import NetworkBuilder

CHAIN_LAYERS = 100_000

NETWORKS = ("alexnet", "vgg16", "googlenet", "squeezenet")


def per_call(fn, calls: int, repeat: int) -> tuple[float, float]:
    """Best and median seconds per call over `repeat` batches of `calls` calls."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        for _ in range(calls):
            fn()
        times.append((time.perf_counter() - start) / calls)
    return min(times), statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--write", action="store_true")
    args = parser.parse_args()
    config = resolve_accelerator("eyeriss", 8)
    rng = np.random.default_rng(1)
    rates = rng.uniform(1e6, 1e9, 1000)
    powers = rng.uniform(0.05, 2.0, 1000)
    rows = []
    for name in NETWORKS:
        network = builtin_network(name)
        build, _ = per_call(
            lambda network=network: partition_model(network, config), 1, args.repeat
        )
        model = partition_model(network, config)
        single = len(cut_points(network, "single"))
        cj, cs, bits = model.compute_j, model.compute_s, model.bits
        best_cut_index(cj, cs, bits, 80e6, 0.78, np.inf)  # compile / load from cache
        state = {"i": 0}

        def kernel(cj=cj, cs=cs, bits=bits, state=state) -> None:
            i = state["i"] = (state["i"] + 1) % 1000
            best_cut_index(cj, cs, bits, rates[i], powers[i], np.inf)

        def decide(model=model, state=state) -> None:
            i = state["i"] = (state["i"] + 1) % 1000
            model.decide(rates[i], powers[i])

        def decide_bounded(model=model, state=state) -> None:
            i = state["i"] = (state["i"] + 1) % 1000
            model.decide(rates[i] + 1e8, powers[i], latency_bound_s=1.0)

        k_best, k_med = per_call(kernel, 20000, args.repeat)
        d_best, d_med = per_call(decide, 20000, args.repeat)
        b_best, _ = per_call(decide_bounded, 20000, args.repeat)
        small, _ = per_call(
            lambda model=model: sweep(model, log_range(1e6, 1e9, 61), linear_range(0.05, 2.0, 40)),
            5,
            args.repeat,
        )
        big, _ = per_call(
            lambda model=model: sweep(
                model, log_range(1e6, 1e9, 1000), linear_range(0.05, 2.0, 1000)
            ),
            1,
            3,
        )
        rows.append(
            (
                name,
                len(model.cuts),
                single,
                build * 1e3,
                k_best * 1e6,
                k_med * 1e6,
                d_best * 1e6,
                d_med * 1e6,
                b_best * 1e6,
                small * 1e3,
                big,
            )
        )
        print(
            f"{name:10s} {len(model.cuts):3d} cuts ({single} single-tensor): precompute {build * 1e3:7.2f} ms | kernel "
            f"{k_best * 1e6:.2f} us (median {k_med * 1e6:.2f}) | decide {d_best * 1e6:.2f} us "
            f"(median {d_med * 1e6:.2f}), bounded {b_best * 1e6:.2f} us | sweep 61x40 "
            f"{small * 1e3:.2f} ms, 1000x1000 {big:.3f} s"
        )
    chain = long_chain()
    if args.write:
        write_markdown(rows, chain, args.repeat)


def long_chain() -> tuple[float, float]:
    """Seconds to find the cuts and bits of a CHAIN_LAYERS-layer chain, and to precompute its
    whole partition model (with the analytical energies)."""
    from accelsim.partition.cuts import cut_sets, tensor_spans
    from accelsim.partition.model import _cut_bits, _tensor_bits

    b = NetworkBuilder("chain", TensorShape(4, 4, 4))
    for i in range(CHAIN_LAYERS):
        b.conv(f"c{i}", 4, 1)
    network = b.build()
    config = resolve_accelerator("eyeriss", 8)
    start = time.perf_counter()
    spans = tensor_spans(network)
    cut_sets(spans, CHAIN_LAYERS)
    sized = _tensor_bits(network, spans, config, (1e6, "given"), 0.0, "results", {})
    _cut_bits(spans, sized, CHAIN_LAYERS, "given")
    cuts = time.perf_counter() - start
    start = time.perf_counter()
    partition_model(network, config).decide(80e6, 0.78)
    whole = time.perf_counter() - start
    print(
        f"chain of {CHAIN_LAYERS} layers: cuts and bits {cuts:.2f} s, partition_model {whole:.2f} s"
    )
    return cuts, whole


def write_markdown(rows: list[tuple], chain: tuple[float, float], repeat: int) -> None:
    lines = [
        "# Partition decision: speed",
        "",
        "`python benchmarks/partition_decision.py --write` — built-in networks at 8 bit, analytical "
        "energies. Precompute: `partition_model` (cut points, energies, bits; done once per network "
        "and configuration). Kernel: the compiled `best_cut_index` on the precomputed arrays for a "
        "new (bit rate, transmit power), the run-time decision itself. Decide: "
        "`PartitionModel.decide`, which checks its arguments and returns a `Decision` record; "
        "bounded: with a latency bound. Times per call, best (and median) of "
        f"{repeat} batches of 20000 calls at random operating points. Sweep: `sweep` over a "
        "61 x 40 and a 1000 x 1000 grid of (bit rate, transmit power). Cuts: every prefix of the "
        "layer order (`--cuts all`, the default), and in parentheses those sending one tensor "
        "(`--cuts single`).",
        "",
        f"Measured {time.strftime('%Y-%m-%d')} on {platform.processor() or platform.machine()}, "
        f"Python {platform.python_version()}, NumPy {np.__version__}, load average "
        f"{os.getloadavg()[0]:.2f} at the end (a shared machine):",
        "",
        "| network | cuts | precompute (ms) | kernel (us) | decide (us) | decide, bounded (us) "
        "| sweep 61x40 (ms) | sweep 1000x1000 (s) |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for name, cuts, single, build, kb, km, db, dm, bb, small, big in rows:
        lines.append(
            f"| {name} | {cuts} ({single}) | {build:.2f} | {kb:.2f} ({km:.2f}) | {db:.2f} ({dm:.2f}) "
            f"| {bb:.2f} | {small:.2f} | {big:.3f} |"
        )
    lines += [
        "",
        f"A chain of {CHAIN_LAYERS:,} 1x1 convolutions: cuts and bits {chain[0]:.2f} s, the whole "
        f"`partition_model` (with the analytical energies of every layer) {chain[1]:.2f} s.",
    ]
    path = Path(__file__).with_suffix(".md")
    path.write_text("\n".join(lines) + "\n")
    print(f"wrote {path}")


if __name__ == "__main__":
    main()

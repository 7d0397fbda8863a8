"""Benchmark of the exact RS `energy` mapper: time and simulations per layer.

Run: `python benchmarks/rs_energy_mapper.py [--repeats N]` (rewrites benchmarks/rs_energy_mapper.md).

For every built-in network on two designs (Eyeriss: 12x14, 16 bit, 100 kB GLB; and a 32x32,
8-bit array with 100 kB), each layer at its own batch, in one process after a warm-up run:
the wall time of choosing every layer's mapping (minimum of the repeats), the simulations the
search ran per layer (min / median / max), and the same wall time with the `chip` policy, which
ranks and simulates nothing.
"""

from __future__ import annotations

import argparse
import platform
import statistics
import time
from dataclasses import replace
from pathlib import Path

NETWORKS = ("alexnet", "vgg16", "googlenet", "squeezenet", "resnet18", "resnet50",
            "mobilenet_v1", "mobilenet_v2")  # fmt: skip
OUT = Path(__file__).with_suffix(".md")


def design(rows: int, cols: int, bits: int):
    """Eyeriss at `bits` with a rows x cols array (100 kB of ifmap/psum GLB)."""
    from accelsim.hardware.presets import eyeriss

    base = eyeriss(bits)
    hw = replace(base.hardware, name=f"rs-{rows}x{cols}-{bits}b", pe_rows=rows, pe_cols=cols)
    return replace(base, name=hw.name, hardware=hw)


def map_network(network: str, config, policy: str) -> tuple[float, list[int]]:
    """Wall time of mapping every layer, and the simulations per layer (`energy` policy)."""
    import accelsim.engine.rs.simulate as sim
    from accelsim.errors import LayerRefused
    from accelsim.workload.builtin import builtin_network

    net = builtin_network(network)
    sims = []
    count = [0]
    original = sim.simulated_energy

    def counted(*args, **kwargs):
        count[0] += 1
        return original(*args, **kwargs)

    sim.simulated_energy = counted
    try:
        t0 = time.perf_counter()
        for layer in net.compute_layers:
            count[0] = 0
            batch, first = sim.layer_batch(layer, None), net.reads_image(layer)
            try:
                sim.choose_mapping(layer, config, batch, first, policy)
            except LayerRefused:
                continue
            sims.append(count[0])
        return time.perf_counter() - t0, sims
    finally:
        sim.simulated_energy = original


def measure(repeats: int) -> list[dict]:
    from accelsim import kernel_tier

    with kernel_tier.forced("compiled"):  # steady state: no call interpreted
        return _measure(repeats)


def _measure(repeats: int) -> list[dict]:
    rows = []
    for label, config in (
        ("12x14, 16 bit", design(12, 14, 16)),
        ("32x32, 8 bit", design(32, 32, 8)),
    ):
        for network in NETWORKS:
            map_network(network, config, "energy")  # compile, fill the pair-table cache
            times, sims = [], []
            for _ in range(repeats):
                wall, sims = map_network(network, config, "energy")
                times.append(wall)
            chip = min(map_network(network, config, "chip")[0] for _ in range(repeats))
            rows.append({
                "design": label, "network": network, "layers": len(sims),
                "energy_s": min(times), "chip_s": chip,
                "sims_min": min(sims), "sims_median": statistics.median(sims),
                "sims_max": max(sims), "sims_total": sum(sims),
            })  # fmt: skip
            print(rows[-1], flush=True)
    return rows


def render(rows: list[dict], repeats: int) -> str:
    lines = [
        "# RS `energy` mapper: time and simulations per layer",
        "",
        f"`python benchmarks/rs_energy_mapper.py --repeats {repeats}` on {platform.machine()}, "
        f"Python {platform.python_version()}. Each layer at its own batch; wall time of mapping "
        "every layer of the network in one process after a warm-up (minimum of the repeats).",
        "",
        "| design | network | layers | `energy` mapper | simulations per layer (min / median / max)"
        " | simulations in all | `chip` policy |",
        "|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        lines.append(
            f"| {r['design']} | {r['network']} | {r['layers']} | {r['energy_s']:.3f} s | "
            f"{r['sims_min']} / {r['sims_median']:g} / {r['sims_max']} | {r['sims_total']} | "
            f"{r['chip_s']:.3f} s |"
        )
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    text = render(measure(args.repeats), args.repeats)
    tmp = OUT.with_suffix(".md.tmp")
    tmp.write_text(text)
    tmp.replace(OUT)
    print(text)


if __name__ == "__main__":
    main()

"""Measure the closed forms against the exact path: the errors docs/systolic.md quotes, and speed.

    python tests/engine/systolic/measure_closed_form.py errors   # reference sweep + random layers
    python tests/engine/systolic/measure_closed_form.py speed    # layers/s, closed form vs exact

Errors: over the stored reference sweep (AlexNet, VGG-16; `closed_form_reference.py`) and over
random layers drawn like the property test's, for every approximate counter: its relative error
(dram_ifmap_reads), or its error as a fraction of the layer's cycles (dram_ifmap_stop); also the
layer's total DRAM traffic. Speed: warm layer-configs per second on one thread, closed form and
exact path interleaved in the same run, best of several repetitions per network.
"""

from __future__ import annotations

import random
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).parent))
from closed_form_reference import configs, gemms, key, load  # noqa: E402

from accelsim.engine.systolic.closed_form import default_closed_form, scalesim_closed_form  # noqa: E402
from accelsim.engine.systolic.scalesim_memory import simulate_gemm  # noqa: E402
from accelsim.errors import AccelsimError  # noqa: E402
from accelsim.hardware.systolic import SystolicArray  # noqa: E402
from dataflows.systolic import ConvGemm  # noqa: E402


def _dram(c) -> int:
    return c.dram_ifmap_reads + c.dram_filter_reads + c.dram_ofmap_writes + c.dram_ofmap_reads


def _errors(pairs) -> dict[str, np.ndarray]:
    reads, stop, dram = [], [], []
    for exact, closed in pairs:
        reads.append(abs(closed.dram_ifmap_reads - exact.dram_ifmap_reads) / exact.dram_ifmap_reads)
        stop.append(abs(closed.dram_ifmap_stop - exact.dram_ifmap_stop) / exact.cycles)
        dram.append(abs(_dram(closed) - _dram(exact)) / _dram(exact))
    return {"reads": np.array(reads), "stop": np.array(stop), "dram": np.array(dram)}


def _show(title: str, errs: dict[str, np.ndarray], total: int) -> None:
    n = len(errs["reads"])
    print(f"{title}: {n} approximate GEMMs of {total}")
    for name, values in errs.items():
        if n:
            print(f"  {name:5s} max {values.max():.4%}  mean {values.mean():.4%}  "
                  f"p90 {np.quantile(values, 0.9):.4%}")  # fmt: skip


SMALL_BUFFER = 1024
"""Buffers below 1 kB (SCALE-Sim allows 100 words; an accelerator's SRAMs are whole kB) make
windows of 50 to 450 words, a regime of its own in the measured errors."""


def random_layer(rng: random.Random) -> tuple[ConvGemm, SystolicArray, tuple[int, int, int]]:
    """A layer, array and SCALE-Sim buffer sizes drawn like `test_random_layers_scalesim`."""
    h, w = rng.randint(1, 16), rng.randint(1, 16)
    gemm = ConvGemm("g", h, w, rng.randint(1, min(h, 6)), rng.randint(1, min(w, 6)),
                    rng.randint(1, 24), rng.randint(1, 24), rng.randint(1, 4),
                    batch=rng.randint(1, 3), ceil_outputs=rng.random() < 0.5)  # fmt: skip
    array = SystolicArray(rng.randint(1, 20), rng.randint(1, 20), rng.choice(["os", "ws", "is"]))
    return gemm, array, (rng.randint(100, 8192), rng.randint(100, 8192), rng.randint(2, 400))


def errors(samples: int = 20000) -> None:
    golden()
    random_layers(samples)
    reference = load()
    by_net: dict[str, list] = {"alexnet": [], "vgg16": []}
    counts = {"alexnet": 0, "vgg16": 0}
    for config in configs():
        if config.memory != "scalesim":
            continue
        for gemm in gemms(config):
            result = scalesim_closed_form(gemm, config.array())
            counts[config.network] += 1
            if result.approximate:
                by_net[config.network].append((reference[key(config, gemm)], result.counters))
    for net, pairs in by_net.items():
        _show(net, _errors(pairs), counts[net])
    _show("both networks", _errors(by_net["alexnet"] + by_net["vgg16"]), sum(counts.values()))


def golden() -> None:
    from golden_cases import case_array, case_dirs, case_gemms

    pairs, total = [], 0
    for case in case_dirs():
        array = case_array(case)
        for gemm in case_gemms(case):
            result = scalesim_closed_form(gemm, array)
            total += 1
            if result.approximate:
                pairs.append((simulate_gemm(gemm, array), result.counters))
    _show("SCALE-Sim golden runs", _errors(pairs), total)


def random_layers(samples: int) -> None:
    rng = random.Random(2026)
    pairs: dict[bool, list] = {True: [], False: []}
    totals = {True: 0, False: 0}
    for _ in range(samples):
        gemm, array, words = random_layer(rng)
        try:
            exact = simulate_gemm(gemm, array, words)
        except AccelsimError:
            continue
        small = words[0] < SMALL_BUFFER
        totals[small] += 1
        result = scalesim_closed_form(gemm, array, words)
        if result.approximate:
            pairs[small].append((exact, result.counters))
    _show("random layers, ifmap buffer of 1 kB or more", _errors(pairs[False]), totals[False])
    _show("random layers, ifmap buffer below 1 kB", _errors(pairs[True]), totals[True])


def speed(arrays=((32, 32),), repeats: int = 3) -> None:
    """Warm layer-configs per second on one thread: the engine's GEMM counters (closed form vs
    the exact replay with one worker thread), and the whole Python API call with the closed
    form (`accelsim.api.evaluate`, result records and energy included)."""
    from accelsim.api import evaluate
    from accelsim.engine.systolic.default_memory import simulate_gemm_default
    from accelsim.engine.systolic.scalesim_memory import simulate_gemms
    from accelsim.hardware.config import resolve_accelerator, with_overrides
    from accelsim.workload.builtin import builtin_network
    from dataflows.systolic import layer_gemms

    base = resolve_accelerator("scalesim-32x32")
    for rows, cols in arrays:
        for net_name in ("alexnet", "vgg16"):
            layers = builtin_network(net_name).compute_layers
            for df in ("os", "ws", "is"):
                array = SystolicArray(rows, cols, df)
                acc = with_overrides(base, dataflow=df, array=(rows, cols))
                for memory in ("scalesim", "default"):
                    gs = [layer_gemms(la, ceil_outputs=memory == "scalesim").gemm for la in layers]
                    closed = scalesim_closed_form if memory == "scalesim" else default_closed_form

                    def run_closed(gs=gs, closed=closed, array=array):
                        return [closed(g, array) for g in gs]

                    def run_exact(gs=gs, memory=memory, array=array):
                        if memory == "scalesim":
                            return simulate_gemms(gs, array, workers=1)
                        return [simulate_gemm_default(g, array) for g in gs]

                    def run_api(acc=acc, memory=memory, net_name=net_name):
                        return evaluate(net_name, acc, "systolic", memory=memory,
                                        counts="closed-form")  # fmt: skip

                    best = {}
                    for fn in (run_closed, run_exact, run_api):
                        fn()  # warm up (numba compilation)
                    for _ in range(repeats):
                        for fn in (run_closed, run_exact, run_api):
                            start = time.perf_counter()
                            fn()
                            elapsed = time.perf_counter() - start
                            best[fn] = min(best.get(fn, elapsed), elapsed)
                    n = len(gs)
                    print(f"{net_name:7s} {rows}x{cols} {df} {memory:8s} closed-form "
                          f"{n / best[run_closed]:8.0f}/s  (API {n / best[run_api]:6.0f}/s)  "
                          f"exact {n / best[run_exact]:7.1f}/s", flush=True)  # fmt: skip


if __name__ == "__main__":
    {"errors": errors, "speed": speed}[sys.argv[1] if len(sys.argv) > 1 else "errors"]()

"""Compile the simulators' numba kernels into numba's on-disk cache ahead of use.

Optional: a first small run interprets its cold kernels (`accelsim.kernel_tier`) and a large
one compiles what it needs. Warming up once after installing makes every later run load
compiled kernels instead (about 0.2 s for numba's start-up, then milliseconds a kernel): worth it
before many medium runs (VGG-16 on the RS simulator, any systolic run), which would otherwise
each compile.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

WARMUP_NETWORK = "alexnet"
"""The network every path runs: it reaches every kernel of the paths below."""

PATHS: tuple[tuple[str, str, str | None, dict], ...] = (
    ("rs (energy mapper, fast engine)", "eyeriss", None, {}),
    *(
        (f"systolic {df}, {memory} memory", "scalesim-32x32", df, {"memory": memory})
        for df in ("os", "ws", "is")
        for memory in ("scalesim", "default")
    ),
)
"""(what, accelerator, dataflow, model options): the simulations `warm_up` runs compiled."""


@dataclass(frozen=True)
class WarmedPath:
    path: str
    seconds: float  # compiling (or loading) its kernels and running the network once


def warm_up(network: str = WARMUP_NETWORK) -> list[WarmedPath]:
    """Run `network` through every path in `PATHS` with every kernel compiled (and cached)."""
    from accelsim import kernel_tier
    from accelsim.api import evaluate
    from accelsim.hardware.config import resolve_accelerator

    done = []
    with kernel_tier.forced("compiled"):
        for what, accelerator, dataflow, options in PATHS:
            start = time.perf_counter()
            acc = resolve_accelerator(accelerator, dataflow=dataflow)
            evaluate(network, acc, "rs" if dataflow is None else "systolic", **options)
            done.append(WarmedPath(what, time.perf_counter() - start))
    return done

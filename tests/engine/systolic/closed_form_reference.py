"""The exact path's counters on AlexNet and VGG-16 over a sweep, stored for `test_closed_form`.

The exact path needs minutes for VGG-16 on small arrays (75 s for one IS network on 8 x 8 with the
default memory), the closed forms milliseconds, so the test compares against these stored exact
counters, and re-derives a sample of them with the exact path to keep the file honest. Rewrite it
after any change to the exact path:

    python tests/engine/systolic/closed_form_reference.py

The sweep: arrays 8x8, 12x14, 32x32, 128x128 and 16x64; the three dataflows; SRAMs of 64, 16 and
256/32/8 kB (ifmap/filter/ofmap); both memory models at 8 bits, the default model also at 16 bits;
batch 1, and batch 2 on 12x14 and 32x32. Layers of the same GEMM shape are stored once.
"""

from __future__ import annotations

import gzip
import json
import sys
from dataclasses import astuple, dataclass, fields
from pathlib import Path

from accelsim.engine.systolic.counters import GemmCounters
from accelsim.hardware.systolic import SystolicArray
from accelsim.workload.builtin import builtin_network
from dataflows.systolic import ConvGemm, layer_gemms

REFERENCE = Path(__file__).parent / "data" / "closed_form_reference.json.gz"
NETWORKS = ("alexnet", "vgg16")
ARRAYS = ((8, 8), (12, 14), (32, 32), (128, 128), (16, 64))
SRAMS = ((64, 64, 64), (16, 16, 16), (256, 32, 8))
FIELDS = tuple(f.name for f in fields(GemmCounters))


@dataclass(frozen=True)
class Config:
    """One point of the sweep (a whole network under one accelerator and memory model)."""

    network: str
    rows: int
    cols: int
    dataflow: str
    memory: str
    sram_kb: tuple[int, int, int]
    bits: int = 8
    batch: int = 1

    def array(self) -> SystolicArray:
        return SystolicArray(self.rows, self.cols, self.dataflow, *self.sram_kb, bits=self.bits)

    @property
    def label(self) -> str:
        kb = "-".join(map(str, self.sram_kb))
        return (f"{self.network} {self.rows}x{self.cols} {self.dataflow} {self.memory} {kb}kB "
                f"{self.bits}b batch{self.batch}")  # fmt: skip


def configs() -> list[Config]:
    """Every point of the sweep."""
    out = []
    for net in NETWORKS:
        for rows, cols in ARRAYS:
            for df in ("os", "ws", "is"):
                for kb in SRAMS:
                    for memory in ("scalesim", "default"):
                        out.append(Config(net, rows, cols, df, memory, kb))
                out.append(Config(net, rows, cols, df, "default", SRAMS[0], bits=16))
                if (rows, cols) in ((12, 14), (32, 32)):
                    for memory in ("scalesim", "default"):
                        out.append(Config(net, rows, cols, df, memory, SRAMS[0], batch=2))
    return out


def gemms(config: Config) -> list[ConvGemm]:
    """The network's GEMMs of distinct shape, in layer order (SCALE-Sim's output size rule for
    the scalesim model, as the engine maps them)."""
    seen: dict[tuple, ConvGemm] = {}
    for layer in builtin_network(config.network).compute_layers:
        gemm = layer_gemms(layer, config.batch, ceil_outputs=config.memory == "scalesim").gemm
        seen.setdefault(astuple(gemm)[1:], gemm)
    return list(seen.values())


def key(config: Config, gemm: ConvGemm) -> str:
    return f"{config.label} {gemm.name}"


def exact_counters(config: Config, gemm: ConvGemm) -> GemmCounters:
    from accelsim.engine.systolic.default_memory import simulate_gemm_default
    from accelsim.engine.systolic.scalesim_memory import simulate_gemm

    if config.memory == "scalesim":
        return simulate_gemm(gemm, config.array())
    return simulate_gemm_default(gemm, config.array())


def load() -> dict[str, GemmCounters]:
    rows = json.loads(gzip.decompress(REFERENCE.read_bytes()))
    return {k: GemmCounters(**dict(zip(FIELDS, v, strict=True))) for k, v in rows.items()}


def main() -> None:
    rows = {}
    todo = configs()
    for i, config in enumerate(todo):
        for gemm in gemms(config):
            rows[key(config, gemm)] = list(astuple(exact_counters(config, gemm)))
        print(f"{i + 1}/{len(todo)} {config.label}", file=sys.stderr, flush=True)
    REFERENCE.parent.mkdir(exist_ok=True)
    REFERENCE.write_bytes(gzip.compress(json.dumps(rows, sort_keys=True).encode(), mtime=0))


if __name__ == "__main__":
    main()

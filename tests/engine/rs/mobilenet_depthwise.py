"""The depthwise layers of MobileNet v1 and v2 (224 x 224 input) on Eyeriss, mapped one channel
at a time (the mapper without group sets, `GROUP_SETS_MAX_CHANNELS = 0`) and with group sets,
under both mapper policies: the table `docs/rs-simulator.md` quotes.

`python tests/engine/rs/mobilenet_depthwise.py` prints the table (batch 1, fast engine);
`tests/engine/rs/test_rs_depthwise_docs.py` checks that the page quotes it as printed.
"""

from __future__ import annotations

from dataclasses import dataclass
from unittest import mock

from accelsim.engine.rs import simulate_layer
from accelsim.engine.rs.result import RSLayerResult
from accelsim.hardware import resolve_accelerator
from accelsim.workload.layer import ConvLayer
from dataflows.row_stationary import groups

# (network, input height = width, channels, stride, how many such layers the network has)
LAYERS = (
    ("v1", 112, 32, 1, 1),
    ("v1", 112, 64, 2, 1),
    ("v1", 56, 128, 1, 1),
    ("v1", 56, 128, 2, 1),
    ("v1", 28, 256, 1, 1),
    ("v1", 28, 256, 2, 1),
    ("v1", 14, 512, 1, 5),
    ("v1", 14, 512, 2, 1),
    ("v1", 7, 1024, 1, 1),
    ("v2", 112, 32, 1, 1),
    ("v2", 112, 96, 2, 1),
    ("v2", 56, 144, 1, 1),
    ("v2", 56, 144, 2, 1),
    ("v2", 28, 192, 1, 2),
    ("v2", 28, 192, 2, 1),
    ("v2", 14, 384, 1, 4),
    ("v2", 14, 576, 1, 2),
    ("v2", 14, 576, 2, 1),
    ("v2", 7, 960, 1, 3),
)

HEADER = (
    "| net | depthwise layer | x | mapper | mapping: one channel -> group sets | active PEs "
    "| utilization % | latency ms | DRAM link busy % |"
)


def depthwise(size: int, channels: int, stride: int) -> ConvLayer:
    """A 3x3 depthwise layer, pad 1: groups = channels = filters."""
    return ConvLayer(
        f"dw{size}x{channels}s{stride}", channels, size, size, channels, 3, 3,
        stride=stride, pad=(1, 1, 1, 1), groups=channels,
    )  # fmt: skip


@dataclass(frozen=True)
class Pair:
    """One layer under one policy: mapped one channel at a time, and with group sets."""

    before: RSLayerResult
    after: RSLayerResult


def link_busy(res: RSLayerResult) -> float:
    """Fraction of the layer's cycles the 64-bit, 60 MHz DRAM link is transferring."""
    return -(-res.dram_accesses // 4) * 10 / 3 / res.cycles


def simulate(layer: ConvLayer, policy: str) -> Pair:
    config = resolve_accelerator("eyeriss")
    with mock.patch.object(groups, "GROUP_SETS_MAX_CHANNELS", 0):
        before = simulate_layer(layer, config, batch=1, policy=policy)
    return Pair(before, simulate_layer(layer, config, batch=1, policy=policy))


def table_rows() -> list[str]:
    rows = []
    for net, size, channels, stride, count in LAYERS:
        layer = depthwise(size, channels, stride)
        for policy in ("chip", "energy"):
            pair = simulate(layer, policy)
            b, a = pair.before, pair.after
            cells = (
                f"{net}", f"{size}x{size}x{channels} s{stride}", f"{count}", policy,
                f"{b.mapping} -> g={a.mapping.g}, e={a.mapping.e}",
                f"{b.active_pes} -> {a.active_pes}",
                f"{100 * b.utilization:.2f} -> {100 * a.utilization:.2f}",
                f"{b.latency_s * 1e3:.2f} -> {a.latency_s * 1e3:.2f}",
                f"{100 * link_busy(b):.0f} -> {100 * link_busy(a):.0f}",
            )  # fmt: skip
            rows.append("| " + " | ".join(cells) + " |")
    return rows


def totals() -> dict[tuple[str, str], tuple[float, float]]:
    """Latency (ms) of every depthwise layer of each network, before and after, per policy."""
    out: dict[tuple[str, str], tuple[float, float]] = {}
    for net, size, channels, stride, count in LAYERS:
        layer = depthwise(size, channels, stride)
        for policy in ("chip", "energy"):
            pair = simulate(layer, policy)
            b, a = out.get((net, policy), (0.0, 0.0))
            out[net, policy] = (
                b + count * pair.before.latency_s * 1e3,
                a + count * pair.after.latency_s * 1e3,
            )
    return out


def total_lines() -> list[str]:
    return [
        f"- MobileNet {net}, every depthwise layer, `{policy}` mapper: {b:.1f} ms -> {a:.1f} ms"
        for (net, policy), (b, a) in totals().items()
    ]


if __name__ == "__main__":
    print("\n".join([HEADER, "|" + "---|" * 9, *table_rows(), "", *total_lines()]))

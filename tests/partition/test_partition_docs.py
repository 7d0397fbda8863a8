"""docs/partition.md and the README's partition section quote what the partitioner computes today:
cut counts, the results against the paper, the best cut over bit rate, the energy sources."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from accelsim.hardware import resolve_accelerator
from accelsim.partition import best_cut_intervals, bitrate_intervals, cut_points, partition_model
from accelsim.workload.builtin import builtin_network

ROOT = Path(__file__).resolve().parents[2]
DOC = (ROOT / "docs" / "partition.md").read_text()
README = (ROOT / "README.md").read_text()
CONFIG8 = resolve_accelerator("eyeriss", 8)
LABELS = {
    "AlexNet": "alexnet",
    "VGG-16": "vgg16",
    "GoogLeNet": "googlenet",
    "SqueezeNet": "squeezenet",
}


def flat(text: str) -> str:
    return " ".join(text.split())


def test_cut_table_counts_the_cuts():
    for label, name in LABELS.items():
        net = builtin_network(name)
        every, single = cut_points(net), cut_points(net, "single")
        several = sum(len(cut.tensors) > 1 for cut in every)
        free = len(partition_model(net, CONFIG8).free_layers)
        row = f"| {label} | {len(net.layers)} | {len(every)} | {several} | {len(single)} | {free} |"
        assert row in DOC, row
    goog = cut_points(builtin_network("googlenet"))
    squeeze = cut_points(builtin_network("squeezenet"))
    count = lambda cuts: sum(len(c.tensors) > 1 for c in cuts)  # noqa: E731
    quoted = (
        f"{count(goog)} of GoogLeNet's {len(goog)} cuts and {count(squeeze)} of SqueezeNet's "
        f"{len(squeeze)} send several tensors"
    )
    assert quoted in flat(README)
    assert max(len(c.tensors) for c in goog) == 4 and "(up to 4 tensors" in DOC


def _cell(decision) -> str:
    return f"{decision.saving_vs_cloud * 100:.1f} % / {decision.saving_vs_local * 100:.1f} %"


@pytest.mark.parametrize(
    ("label", "rate", "ptx", "point"),
    [
        ("AlexNet", 80e6, 0.78, "80 Mbps, 0.78 W"),
        ("AlexNet", 60e6, 0.5, "60 Mbps, 0.5 W"),
        ("SqueezeNet", 80e6, 0.78, "80 Mbps, 0.78 W"),
    ],
)
def test_results_against_the_paper(label, rate, ptx, point):
    model = partition_model(builtin_network(LABELS[label]), CONFIG8)
    d = model.decide(rate, ptx)
    assert f"| {label} | {point} | {d.cut} | {_cell(d)} |" in DOC
    assert f"| {label} | {point} | {d.cut} | {_cell(d)} |" in README
    single = partition_model(builtin_network(LABELS[label]), CONFIG8, cuts="single")
    assert single.decide(rate, ptx).cut == d.cut


def _crossovers(name: str) -> list[tuple[str, float | None]]:
    frame = bitrate_intervals(partition_model(builtin_network(name), CONFIG8), 0.78)
    steps = [(frame["cut"].iloc[0], None)]
    steps += [(row.cut, row.bitrate_from_bps / 1e6) for row in frame.iloc[1:].itertuples()]
    return steps


@pytest.mark.parametrize("label", ["AlexNet", "SqueezeNet", "GoogLeNet"])
def test_best_cut_over_bit_rate(label):
    section = DOC[DOC.index("Best cut over bit rate at 0.78 W") :]
    line = re.search(rf"^- {label}: (.*?)(?=^- |^$)", section, re.M | re.S).group(1)
    line = flat(line).rstrip(".")
    quoted = [float(x) for x in re.findall(r"([\d.]+) Mbps", line)]
    steps = _crossovers(LABELS[label])
    assert len(quoted) == len(steps) - 1
    for value, (cut, rate) in zip(quoted, steps[1:], strict=True):
        assert float(f"{rate:.4g}") == pytest.approx(value, rel=1e-12)
        assert cut in line or (cut != "input" and label == "GoogLeNet")
    for cut, _ in steps[1:-1]:
        assert cut in line


@pytest.mark.parametrize("bits", [8, 16])
@pytest.mark.parametrize("name", ["googlenet", "squeezenet"])
def test_no_cut_inside_a_module_is_ever_best(name, bits):
    model = partition_model(builtin_network(name), resolve_accelerator("eyeriss", bits))
    envelope = best_cut_intervals(model)
    assert all(len(model.tensors[k]) == 1 for k in envelope["index"])


def test_energy_source_bullets():
    """The per-layer simulator / analytical ratios the bullets under the table quote."""
    import accelsim

    config = resolve_accelerator("eyeriss", 8)
    ana = accelsim.run("alexnet", config, "analytical").set_index("layer")["energy_j"]
    sim = accelsim.run("alexnet", config, "rs").set_index("layer")["energy_j"]
    err = 100 * (sim / ana - 1)
    conv = -err[["conv3", "conv4", "conv5"]]
    fc = err[["fc6", "fc7", "fc8"]]
    text = flat(DOC)
    assert (
        f"AlexNet conv1 and conv2 within {abs(err['conv1']):.1f} % and {abs(err['conv2']):.1f} %"
        in text
    )
    assert f"conv3 to conv5 {conv.min():.0f}-{conv.max():.0f} % below the analytical" in text
    assert f"FC layers {fc.min():.0f}-{fc.max():.0f} % above" in text


def test_energy_source_table():
    net = builtin_network("alexnet")
    for bits in (8, 16):
        config = resolve_accelerator("eyeriss", bits)
        for source in ("analytical", "simulated", "silicon"):
            model = partition_model(net, config, source)
            a, b = model.decide(80e6, 0.78), model.decide(60e6, 0.5)
            row = (
                f"| {bits} | {source} | {a.cut}, {_cell(a)} | {b.cut}, {_cell(b)} | "
                f"{model.compute_j[-1] * 1e3:.3f} mJ |"
            )
            assert row in DOC, row
            if bits == 8:
                cloud, local = _cell(a).split(" / ")
                assert re.search(
                    rf"\| `{source}` \(.*?\) \| {a.cut} \| {cloud} \| {local} \|", README
                ), source
    squeeze = builtin_network("squeezenet")
    quoted = flat(DOC)
    for source in ("analytical", "simulated"):
        model = partition_model(squeeze, CONFIG8, source)
        d = model.decide(80e6, 0.78)
        text = f"{source} {d.cut}, {_cell(d)} (in-situ {model.compute_j[-1] * 1e3:.3f} mJ)"
        assert text in quoted, text

"""docs/networks.md states what the code does: the MAC and parameter totals, the default zero
fractions, the packaged networks' measured ones it compares them with, the analytical totals."""

from __future__ import annotations

from pathlib import Path

import pytest

import accelsim
from accelsim.workload.builtin import BUILTIN_NETWORKS, builtin_network
from accelsim.workload.default_zeros import DENSE_ZERO, IMAGE_ZERO, RELU_ZERO

ROOT = Path(__file__).resolve().parents[2]
PAGE = (ROOT / "docs" / "networks.md").read_text()
NEW = ["resnet18", "resnet50", "mobilenet_v1", "mobilenet_v2"]


def row(first_cell: str) -> list[str]:
    for line in PAGE.splitlines():
        if line.startswith(f"| {first_cell} |"):
            return [cell.strip() for cell in line.strip("|").split("|")]
    raise AssertionError(f"docs/networks.md has no table row for {first_cell}")


@pytest.mark.parametrize("name", NEW)
def test_mac_and_parameter_totals(name):
    net = builtin_network(name)
    cells = row(f"`{name}`")
    assert cells[1] == f"{net.macs:,}"
    convs = [layer for layer in net.compute_layers if layer.kind == "conv"]
    bn = 4 if name == "mobilenet_v1" else 2
    params = sum(layer.filter_words for layer in net.compute_layers)
    params += bn * sum(layer.out_channels for layer in convs) + 1000
    assert cells[4].startswith(f"{params:,} ")


def test_every_builtin_is_described():
    for name in BUILTIN_NETWORKS:
        assert f" {name} " in PAGE


def test_default_zero_table():
    assert row("the image")[1] == f"{IMAGE_ZERO:.1f}"
    assert (
        row("a ReLU or ReLU6 output (fused into its convolution, or after a residual add)")[1]
        == f"{RELU_ZERO:.2f}"
    )
    dense = next(line for line in PAGE.splitlines() if line.startswith("| a convolution output"))
    assert dense.split("|")[2].strip() == f"{DENSE_ZERO:.1f}"


@pytest.mark.parametrize(
    ("label", "name"),
    [
        ("AlexNet", "alexnet"),
        ("VGG-16", "vgg16"),
        ("GoogLeNet", "googlenet"),
        ("SqueezeNet", "squeezenet"),
    ],  # fmt: skip
)
def test_packaged_measured_zero_fractions(label, name):
    layers = builtin_network(name).compute_layers[1:]
    zeros = [layer.unpadded_ifmap_zero for layer in layers]
    sizes = [layer.input_shape.size for layer in layers]
    weighted = sum(z * s for z, s in zip(zeros, sizes, strict=True)) / sum(sizes)
    assert row(label)[1:] == [f"{sum(zeros) / len(zeros):.3f}", f"{weighted:.3f}"]


@pytest.mark.parametrize("name", NEW)
def test_analytical_column(name):
    frame = accelsim.run(name, "eyeriss", model="analytical")
    energy, latency = _analytical_cell(name)
    assert energy == f"{frame['energy_j'].sum() * 1e3:.4g} mJ"
    assert latency == f"{frame['latency_s'].sum() * 1e3:.4g} ms"


def _analytical_cell(name: str) -> tuple[str, str]:
    lines = [line for line in PAGE.splitlines() if line.startswith(f"| `{name}` |")]
    cells = [cell.strip() for cell in lines[-1].strip("|").split("|")]  # the energy table
    energy, latency = cells[1].split(", ")
    return energy, latency

"""Optional (skipped without torch and torchvision, which the test extra does not install):
torchvision classifiers exported to ONNX import with the conv/FC MACs that forward hooks on the
PyTorch model count, among them the usual references (ResNet-50 4.089 G, ResNet-18 1.814 G,
MobileNet v2 301 M)."""

from __future__ import annotations

import pytest

pytest.importorskip("torch")
pytest.importorskip("torchvision")

from .torch_macs import compare  # noqa: E402

REFERENCE = {"resnet18": 1_814_073_344, "resnet50": 4_089_184_256, "mobilenet_v2": 300_774_272}


@pytest.mark.parametrize(
    "name",
    [
        "resnet18",
        "resnet50",
        "mobilenet_v2",
        "shufflenet_v2_x0_5",
        "efficientnet_b0",
        "googlenet",
        "squeezenet1_1",
    ],  # fmt: skip
)
def test_imported_macs_equal_forward_hooks(tmp_path, name):
    expected, got, layers, _ = compare(name, tmp_path)
    assert got == expected and layers > 10
    if name in REFERENCE:
        assert got == REFERENCE[name]

"""MACs of torchvision classifiers two ways: forward hooks on the PyTorch model (Conv2d and
Linear) and the conv/FC layers of its ONNX export imported by accelsim.

Used by the optional test (skipped without torch) and, as a script, to check every torchvision
classification model: `python tests/interop/onnx/torch_macs.py [NAME ...]` prints one line per
model (its MACs both ways, or why it did not import).
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path


def hook_macs(model, size: int = 224) -> int:
    """Multiply-accumulates of Conv2d and Linear modules in one forward pass of a 1-image batch."""
    import torch

    total = 0

    def conv_hook(module, inputs, output):
        nonlocal total
        kh, kw = module.kernel_size
        total += output.numel() * (module.in_channels // module.groups) * kh * kw

    def linear_hook(module, inputs, output):
        nonlocal total
        total += output.numel() * module.in_features

    handles = []
    for module in model.modules():
        if isinstance(module, torch.nn.Conv2d):
            handles.append(module.register_forward_hook(conv_hook))
        elif isinstance(module, torch.nn.Linear):
            handles.append(module.register_forward_hook(linear_hook))
    with torch.no_grad():
        model(torch.zeros(1, 3, size, size))
    for handle in handles:
        handle.remove()
    return total


def export(model, path: Path, size: int = 224, opset: int = 17) -> None:
    import warnings

    import torch

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        torch.onnx.export(
            model, (torch.zeros(1, 3, size, size),), str(path), dynamo=False,
            opset_version=opset, input_names=["image"], dynamic_axes={"image": {0: "batch"}},
        )  # fmt: skip


def compare(name: str, directory: Path, size: int = 224) -> tuple[int, int, int, float]:
    """(hook MACs, imported MACs, layers, import seconds) of torchvision model `name`."""
    import torchvision

    from accelsim.interop.onnx import load_onnx

    model = torchvision.models.get_model(name, weights=None).eval()
    expected = hook_macs(model, size)
    path = directory / f"{name}.onnx"
    export(model, path, size)
    start = time.perf_counter()
    network = load_onnx(path)
    seconds = time.perf_counter() - start
    return expected, network.macs, len(network.layers), seconds


def main(names: list[str]) -> int:
    import torchvision

    names = names or torchvision.models.list_models(module=torchvision.models)
    with tempfile.TemporaryDirectory() as tmp:
        for name in names:
            try:
                expected, got, layers, seconds = compare(name, Path(tmp))
            except Exception as exc:  # report and go on with the next model
                print(f"{name}\tFAILED\t{' '.join(str(exc).split())[:300]}", flush=True)
                continue
            verdict = "equal" if expected == got else "DIFFER"
            print(f"{name}\t{verdict}\t{expected}\t{got}\t{layers}\t{seconds:.2f}s", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

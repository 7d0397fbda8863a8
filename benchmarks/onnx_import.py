"""Importing a large ONNX model: time and peak memory of `accelsim.interop.onnx.load_onnx` on a
VGG-16 with its 138 M float32 weights embedded (about 553 MB), against `onnx.load` of the same file.

Usage: python benchmarks/onnx_import.py [--repeat N]   (rewrites onnx_import.md)

The model is built with onnx.helper and random weights in a temporary directory (deleted at the
end; never committed). Each measurement runs in a fresh process: the peak resident set (VmHWM)
after the imports of Python, numpy and onnx, and after the load, and the load's wall time; the
least of `--repeat` runs (default 3) is reported, the file in the page cache after the first.
"""

from __future__ import annotations

import argparse
import datetime
import os
import platform
import subprocess
import sys
import tempfile
from pathlib import Path

STAGES = [(64, 2), (128, 2), (256, 3), (512, 3), (512, 3)]
"""VGG-16: filters and 3 x 3 convolutions per stage, a 2 x 2 max pool after each."""

PROBE = """
import sys, time
def hwm():
    for line in open('/proc/self/status'):
        if line.startswith('VmHWM:'):
            return int(line.split()[1]) / 1024
import numpy, onnx
from accelsim.interop.onnx import load_onnx
before = hwm()
start = time.perf_counter()
if sys.argv[1] == 'accelsim':
    net = load_onnx(sys.argv[2])
    assert net.macs == 15_470_264_320, net.macs
else:
    model = onnx.load(sys.argv[2])
seconds = time.perf_counter() - start
print(before, hwm(), seconds)
"""


def build_vgg16(path: Path) -> int:
    """Writes VGG-16 with random float32 weights; returns the weight count."""
    import numpy as np
    import onnx
    from onnx import TensorProto, helper, numpy_helper

    rng = np.random.default_rng(0)
    nodes, inits, x, channels = [], [], "x", 3

    def add_weight(name: str, *dims: int) -> None:
        inits.append(numpy_helper.from_array(rng.random(dims, dtype=np.float32), name))

    for stage, (filters, convs) in enumerate(STAGES, start=1):
        for i in range(1, convs + 1):
            name = f"conv{stage}_{i}"
            add_weight(f"{name}.w", filters, channels, 3, 3)
            add_weight(f"{name}.b", filters)
            nodes.append(helper.make_node("Conv", [x, f"{name}.w", f"{name}.b"], [name],
                                          name=name, pads=[1, 1, 1, 1]))  # fmt: skip
            nodes.append(helper.make_node("Relu", [name], [f"{name}.r"], name=f"relu{stage}_{i}"))
            x, channels = f"{name}.r", filters
        nodes.append(helper.make_node("MaxPool", [x], [f"pool{stage}"], name=f"pool{stage}",
                                      kernel_shape=[2, 2], strides=[2, 2]))  # fmt: skip
        x = f"pool{stage}"
    nodes.append(helper.make_node("Flatten", [x], ["flat"], name="flatten"))
    x, size = "flat", 512 * 7 * 7
    for i, outputs in ((6, 4096), (7, 4096), (8, 1000)):
        add_weight(f"fc{i}.w", outputs, size)
        add_weight(f"fc{i}.b", outputs)
        out = "y" if i == 8 else f"fc{i}"
        nodes.append(helper.make_node("Gemm", [x, f"fc{i}.w", f"fc{i}.b"], [out], name=f"fc{i}",
                                      transB=1))  # fmt: skip
        if i != 8:
            nodes.append(helper.make_node("Relu", [out], [f"{out}.r"], name=f"relu{i}"))
            out = f"{out}.r"
        x, size = out, outputs
    graph = helper.make_graph(
        nodes, "vgg16",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["N", 3, 224, 224])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, ["N", 1000])], inits,
    )  # fmt: skip
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    onnx.save(model, str(path))
    return sum(int(np.prod(t.dims)) for t in inits)


def measure(which: str, path: Path, repeat: int) -> tuple[float, float, float]:
    """Least (RSS after imports MiB, peak RSS MiB, seconds) of `repeat` fresh processes."""
    runs = []
    for _ in range(repeat):
        out = subprocess.run([sys.executable, "-c", PROBE, which, str(path)], check=True,
                             capture_output=True, text=True, cwd=path.parent)  # fmt: skip
        runs.append(tuple(float(v) for v in out.stdout.split()))
    return min(r[0] for r in runs), min(r[1] for r in runs), min(r[2] for r in runs)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    import onnx

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "vgg16.onnx"
        weights = build_vgg16(path)
        size_mb = path.stat().st_size / 1e6
        ours = measure("accelsim", path, args.repeat)
        theirs = measure("onnx", path, args.repeat)
    load = os.getloadavg()[0]
    when = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC")
    lines = [
        "# accelsim: importing a large ONNX model",
        "",
        "Written by `python benchmarks/onnx_import.py`. VGG-16 (13 Conv, 5 MaxPool, 3 Gemm, "
        f"{weights:,} float32 weights embedded in the file: {size_mb:.0f} MB), built with "
        "onnx.helper and random weights in a temporary directory. Each figure is the least of "
        f"{args.repeat} fresh processes (the file in the page cache); peak RSS is VmHWM, "
        '"after imports" the peak once Python, numpy, onnx and accelsim are imported.',
        "",
        f"Measured {when} on {platform.machine()}, {os.cpu_count()} CPUs, Python "
        f"{platform.python_version()}, onnx {onnx.__version__}; load average {load:.2f}.",
        "",
        "| load | wall time, s | peak RSS after imports, MiB | peak RSS after the load, MiB | "
        "added by the load, MiB |",
        "|---|---|---|---|---|",
    ]
    for label, (before, peak, seconds) in (
        ("`accelsim.interop.onnx.load_onnx` (the importer)", ours),
        ("`onnx.load` (the whole model parsed)", theirs),
    ):
        lines.append(
            f"| {label} | {seconds:.3f} | {before:.0f} | {peak:.0f} | {peak - before:.0f} |"
        )
    lines += [
        "",
        "The importer walks the protobuf from the file and seeks past the data of every "
        "initializer larger than 64 KiB, so the weights are never read into memory: what the "
        "load adds is the graph, shape inference and the network, independent of the weights' "
        "size. `onnx.load` holds the file's bytes and the parsed model at once.",
        "",
    ]
    out = Path(__file__).with_suffix(".md")
    out.write_text("\n".join(lines))
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())

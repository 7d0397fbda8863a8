"""Speed and memory of the systolic engine (`--memory scalesim`) against SCALE-Sim 3.0.0.

    python benchmarks/systolic_vs_scalesim.py [--repeats 5] [--csv benchmarks/systolic_vs_scalesim.csv]

For each workload and array it starts a fresh Python process, which imports accelsim, runs the
workload once (numba compilation or cache load), then times `repeats` more runs and reports the
best wall time and the process's peak resident memory (`ru_maxrss`, which includes the Python,
numpy, pandas and numba/LLVM runtime; `import_mb` is the peak before any simulation, so the
engine's own share is the difference). Workloads: SCALE-Sim's AlexNet topology (5 conv layers, no
padding:
`benchmarks/data/alexnet_scalesim_topology.csv`) and accelsim's built-in AlexNet (8 layers,
padded, grouped conv2/4/5), SRAMs 64/64/64 kB. SCALE-Sim itself is measured separately
(`--scalesim-python`), as it takes minutes and gigabytes; see systolic_vs_scalesim.md.
"""

from __future__ import annotations

import argparse
import csv
import json
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
TOPOLOGY = HERE / "data" / "alexnet_scalesim_topology.csv"

CHILD = r"""
import json, resource, sys, time
from accelsim.engine.systolic import simulate_network
from accelsim.hardware.systolic import SystolicArray
from accelsim.workload.loaders import load_network
spec, rows, cols, df, repeats = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4], int(sys.argv[5])
net = load_network(spec)
array = SystolicArray(rows, cols, df, 64, 64, 64)
imported = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
simulate_network(net, array)  # compile or load the numba cache
baseline = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
best = float("inf")
for _ in range(repeats):
    start = time.perf_counter()
    results = simulate_network(net, array)
    best = min(best, time.perf_counter() - start)
print(json.dumps({"seconds": best, "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                  "import_mb": imported, "after_first_run_mb": baseline,
                  "total_cycles": sum(r.cycles for r in results)}))
"""

SCALESIM_CHILD = r"""
import contextlib, io, resource, sys, tempfile, time
from pathlib import Path
from scalesim.scale_sim import scalesim
cfg, topo = sys.argv[1], sys.argv[2]
with tempfile.TemporaryDirectory() as tmp:
    layout = Path(tmp) / "layout.csv"
    layout.write_text("Layer name,\n")
    start = time.process_time()
    with contextlib.redirect_stdout(io.StringIO()):
        sim = scalesim(save_disk_space=True, verbose=False, config=cfg, topology=topo, layout=str(layout))
        sim.run_scale(top_path=tmp)
    print(f"{time.process_time() - start:.1f} CPU-s, peak {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")
"""


def measure(spec: str, rows: int, cols: int, dataflow: str, repeats: int) -> dict:
    out = subprocess.run([sys.executable, "-c", CHILD, spec, str(rows), str(cols), dataflow,
                          str(repeats)], check=True, capture_output=True, text=True)  # fmt: skip
    return json.loads(out.stdout)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--csv", default=None, help="also write the rows to this CSV file")
    parser.add_argument("--scalesim-python", default=None,
                        help="python of a SCALE-Sim 3.0.0 environment: also time SCALE-Sim on "
                        "--scalesim-cfg and --scalesim-topology")  # fmt: skip
    parser.add_argument("--scalesim-cfg", default=None)
    parser.add_argument("--scalesim-topology", default=None)
    args = parser.parse_args()
    rows = []
    print(
        "| workload | array | dataflow | simulation s (best) | peak MB | MB before simulating "
        "| total cycles |"
    )
    print("|---|---|---|---|---|---|---|")
    for spec, label in ((str(TOPOLOGY), "AlexNet (SCALE-Sim topology)"),
                        ("alexnet", "AlexNet (built-in)")):  # fmt: skip
        for r, c in ((32, 32), (12, 14)):
            for df in ("os", "ws", "is"):
                m = measure(spec, r, c, df, args.repeats)
                rows.append({"workload": label, "array": f"{r}x{c}", "dataflow": df, **m})
                print(f"| {label} | {r}x{c} | {df} | {m['seconds']:.4f} | {m['peak_mb']:.0f} | "
                      f"{m['import_mb']:.0f} | {m['total_cycles']} |")  # fmt: skip
    if args.csv:
        with open(args.csv, "w", newline="") as handle:
            writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
            writer.writeheader()
            writer.writerows(rows)
    if args.scalesim_python:
        out = subprocess.run([args.scalesim_python, "-c", SCALESIM_CHILD, args.scalesim_cfg,
                              args.scalesim_topology], check=True, capture_output=True, text=True)  # fmt: skip
        print(f"SCALE-Sim 3.0.0 on {args.scalesim_topology}: {out.stdout.strip()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

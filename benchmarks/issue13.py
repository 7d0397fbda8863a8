"""Every row of issue 13's table in one run: start-up, compile time, memory, the exact systolic path.

    python benchmarks/issue13.py [--repeats 3] [--out benchmarks/issue13.md] [--no-peers]
                                 [--batches 1,4,16] [--peer-dir benchmarks/.peers]

Each measurement is a fresh process (`os.wait4` gives its wall time, CPU time and peak resident
memory) unless it says "steady state" (then one process times `repeats` runs after a first
one). Cold rows point `NUMBA_CACHE_DIR` at a new empty directory every time. A small run
interprets its cold kernels (`accelsim.kernel_tier`) and so fills no cache: the warm row's cache
is filled by `accelsim warmup`, and a cold row with every kernel compiled shows what compiling
costs. Peers run in virtual environments the script makes under `--peer-dir` with
pip: SCALE-Sim 3.0.0 (numpy < 2.4) for the systolic row, nn_dataflow 2.1 (sympy 1.6.2) for
the RS mapper row; each peer runs once (minutes) and its CPU time is compared with accelsim's in
the same run. The table (min and median of the repeats, the goal, ratios, peak RSS) goes to
`--out` as markdown.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import math
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import venv
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
ALEXNET_TOPOLOGY = HERE / "data" / "alexnet_scalesim_topology.csv"
CONV448 = HERE / "data" / "conv448_topology.csv"
SCALESIM_CFG = ROOT / "validation" / "data" / "scalesim_golden" / "alexnet_32x32_64-64-64_os"

PEERS = {
    "scalesim": ["scalesim==3.0.0", "numpy<2.4"],
    "nn_dataflow": ["nn-dataflow==2.1", "sympy==1.6.2"],
}

STEADY = r"""
import json, sys, time
from accelsim.engine.systolic import simulate_network
from accelsim.hardware.systolic import SystolicArray
from accelsim.workload.loaders import load_network
spec, df, memory, repeats = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
batches = [int(b) for b in sys.argv[5].split(",")]
net = load_network(spec)
array = SystolicArray(32, 32, df, 64, 64, 64)
simulate_network(net, array, memory, batches[0])  # compile or load the numba cache
out = {}
for batch in batches:
    wall, cpu = [], []
    for _ in range(repeats):
        w, c = time.perf_counter(), time.process_time()
        simulate_network(net, array, memory, batch)
        wall.append(time.perf_counter() - w)
        cpu.append(time.process_time() - c)
    out[batch] = {"wall": wall, "cpu": cpu}
print(json.dumps(out))
"""

COMPILED = r"""
import sys
from accelsim import kernel_tier
from accelsim.cli.main import main
with kernel_tier.forced("compiled"):  # every kernel compiled (or loaded), none interpreted
    sys.exit(main(sys.argv[1:]))
"""

SCALESIM = r"""
import contextlib, io, sys, tempfile
from pathlib import Path
from scalesim.scale_sim import scalesim
with tempfile.TemporaryDirectory() as tmp:
    layout = Path(tmp) / "layout.csv"
    layout.write_text("Layer name,\n")
    with contextlib.redirect_stdout(io.StringIO()):
        sim = scalesim(save_disk_space=True, verbose=False, config=sys.argv[1],
                       topology=sys.argv[2], layout=str(layout))
        sim.run_scale(top_path=tmp)
"""


def run(argv: list[str], env: dict | None = None) -> dict:
    """Wall and CPU seconds (user + system) and peak RSS (MB) of one child process; its stdout."""
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        start = time.perf_counter()
        proc = subprocess.Popen(argv, stdout=out, stderr=err, env={**os.environ, **(env or {})},
                                cwd=ROOT)  # fmt: skip
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        if proc.returncode:
            raise SystemExit(f"{' '.join(map(str, argv))} failed ({proc.returncode}): "
                             f"{err.read().strip()[-500:]}")  # fmt: skip
        return {"wall": wall, "cpu": usage.ru_utime + usage.ru_stime,
                "rss_mb": usage.ru_maxrss / 1024, "stdout": out.read()}  # fmt: skip


def fresh(argv: list[str], repeats: int, cold: bool = False) -> dict:
    """`repeats` fresh processes (cold: each with an empty numba cache)."""
    runs = []
    for _ in range(repeats):
        cache = tempfile.mkdtemp(prefix="numba-cache-") if cold else None
        try:
            runs.append(run(argv, {"NUMBA_CACHE_DIR": cache} if cache else None))
        finally:
            if cache:
                shutil.rmtree(cache, ignore_errors=True)
    return {"wall": [r["wall"] for r in runs], "cpu": [r["cpu"] for r in runs],
            "rss_mb": max(r["rss_mb"] for r in runs)}  # fmt: skip


def peer_python(name: str, peer_dir: Path) -> Path:
    """The python of the peer's own virtual environment, made and filled with pip once."""
    env = peer_dir / name
    python = env / "bin" / "python"
    if not python.exists():
        venv.create(env, with_pip=True)
        subprocess.run([python, "-m", "pip", "install", "-q", *PEERS[name]], check=True)
    return python


def steady(spec: str, df: str, memory: str, repeats: int, batches: list[int]) -> dict:
    out = run([sys.executable, "-c", STEADY, spec, df, memory, str(repeats),
               ",".join(map(str, batches))])  # fmt: skip
    return {int(k): v for k, v in json.loads(out["stdout"]).items()}


def fmt(values: list[float]) -> str:
    return f"{min(values):.3g} / {statistics.median(values):.3g}"


def growth_exponent(batches: list[int], seconds: list[float]) -> float:
    """Least-squares slope of log(time) on log(batch)."""
    xs, ys = [math.log(b) for b in batches], [math.log(s) for s in seconds]
    mx, my = sum(xs) / len(xs), sum(ys) / len(ys)
    return sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True)) / sum(
        (x - mx) ** 2 for x in xs
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--out", default=str(HERE / "issue13.md"))
    parser.add_argument("--no-peers", action="store_true", help="skip SCALE-Sim and nn_dataflow")
    parser.add_argument("--batches", default="1,4,16", help="VGG-16 batches of the growth row")
    parser.add_argument("--peer-dir", default=str(HERE / ".peers"))
    args = parser.parse_args()
    n = args.repeats
    cli = [str(Path(sys.executable).with_name("accelsim"))]
    rows: list[tuple[str, ...]] = []  # what, min / median, CPU min, goal, ratio, peak RSS

    def add(what: str, m: dict, goal: str, ratio: str = "", key: str = "wall") -> None:
        rows.append((what, fmt(m[key]) + " s", f"{min(m['cpu']):.3g} s", goal, ratio,
                     f"{m.get('rss_mb', 0):.0f} MB"))  # fmt: skip
        print(rows[-1], flush=True)

    compiled = [sys.executable, "-c", COMPILED]
    run(cli + ["warmup"])  # fill the package's numba cache once
    add("`accelsim simulate alexnet`, numba cache warm (`accelsim warmup`)",
        fresh(cli + ["simulate", "alexnet"], n), "< 0.4 s")  # fmt: skip
    add("`accelsim simulate alexnet`, empty numba cache",
        fresh(cli + ["simulate", "alexnet"], n, cold=True), "< 1.2 s")  # fmt: skip
    add("the same, every kernel compiled (no interpreted tier)",
        fresh(compiled + ["simulate", "alexnet"], n, cold=True), "")  # fmt: skip
    add("`accelsim simulate alexnet --dataflow os`, empty cache",
        fresh(cli + ["simulate", "alexnet", "--dataflow", "os"], n, cold=True), "< 1.5 s")  # fmt: skip
    add("`accelsim energy alexnet`", fresh(cli + ["energy", "alexnet"], n), "< 0.3 s")
    add("`import numpy, pandas, numba` alone",
        fresh([sys.executable, "-c", "import numpy, pandas, numba"], n), "paid only where used")  # fmt: skip

    acc = steady(str(ALEXNET_TOPOLOGY), "os", "scalesim", max(n, 5), [1])[1]
    ratio = "no peer run"
    if not args.no_peers:
        python = peer_python("scalesim", Path(args.peer_dir))
        peer = run([str(python), "-c", SCALESIM, str(SCALESIM_CFG / "scale.cfg"),
                    str(ALEXNET_TOPOLOGY)])  # fmt: skip
        ratio = (f"SCALE-Sim 3.0.0 {peer['cpu']:.1f} CPU-s, {peer['rss_mb']:.0f} MB: "
                 f"{peer['cpu'] / min(acc['cpu']):,.0f}x (CPU), "
                 f"{peer['cpu'] / min(acc['wall']):,.0f}x (accelsim wall)")  # fmt: skip
    rows.append(("systolic AlexNet 32x32 OS, `--memory scalesim`, steady state",
                 fmt(acc["wall"]) + " s", f"{min(acc['cpu']):.3g} s", ">= 10,000x SCALE-Sim",
                 ratio, ""))  # fmt: skip
    print(rows[-1], flush=True)

    vgg = fresh(cli + ["simulate", "vgg16", "--batch", "16", "--dataflow", "ws", "--memory",
                       "default"], 1)  # fmt: skip
    add("VGG-16 batch 16, WS, `--memory default`, peak RSS", vgg, "< 1 GB")

    batches = [int(b) for b in args.batches.split(",")]
    grow = steady("vgg16", "ws", "scalesim", 1, batches)
    secs = [min(grow[b]["cpu"]) for b in batches]
    rows.append(("VGG-16, WS, `--memory scalesim`, time growth in batch (steady state, CPU)", "",
                 ", ".join(f"b{b}: {s:.3g} s" for b, s in zip(batches, secs, strict=True)),
                 "exponent 1 (linear)", f"exponent {growth_exponent(batches, secs):.2f}", ""))  # fmt: skip
    print(rows[-1], flush=True)

    for df in ("ws", "is"):
        m = fresh(cli + ["simulate", str(CONV448), "--dataflow", df, "--memory", "default"], n)
        add(f"`--memory default` on a 448 x 448 layer ({df.upper()}, 7.4 GMAC, whole command)",
            m, "linear in MACs, seconds")  # fmt: skip

    rs = fresh(cli + ["simulate", "vgg16", "--batch", "16", "--mapper", "energy"], 1)
    ratio = "no peer run"
    if not args.no_peers:
        python = peer_python("nn_dataflow", Path(args.peer_dir))
        peer = run([str(python), "-m", "nn_dataflow.tools.nn_dataflow_search", "vgg_net",
                    "--batch", "16", "--nodes", "1", "1", "--array", "12", "14", "--regf", "512",
                    "--gbuf", "110592", "-p", "1"])  # fmt: skip
        ratio = (f"nn_dataflow 2.1 {peer['cpu']:.1f} CPU-s (its own search): "
                 f"{peer['cpu'] / min(rs['cpu']):,.1f}x")  # fmt: skip
    add("RS `--mapper energy`, VGG-16 batch 16 (whole command)", rs, "< 5 s", ratio)

    load = os.getloadavg()
    lines = [
        "# Issue 13 benchmark",
        "",
        f"`python benchmarks/issue13.py --repeats {n}` on {os.cpu_count()} cores, "
        f"{time.strftime('%Y-%m-%d')}, load average {load[0]:.1f} / {load[1]:.1f} / "
        f"{load[2]:.1f} at the end. Times: min / median of the repeats (wall clock of a fresh "
        "process; CPU: user + system of that process); peak RSS: the largest of the processes. "
        f"accelsim installed {'with' if importlib.util.find_spec('scipy') else 'without'} scipy "
        "(the `calibrate` extra; numba imports scipy.linalg whenever it is installed).",
        "",
        "| what | wall min / median | CPU min | goal | peer, ratio | peak RSS |",
        "|---|---|---|---|---|---|",
        *(f"| {' | '.join(r)} |" for r in rows),
        "",
    ]
    Path(args.out).write_text("\n".join(lines))
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

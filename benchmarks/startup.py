"""Start-up time of the `accelsim` command line: wall and CPU time of fresh processes, and what
each command imports.

Usage: python benchmarks/startup.py [--repeat N] [--baseline PYTHON]   (rewrites startup.md)

Each command runs `--repeat` times (default 5) in a fresh process of the installed `accelsim`
(its console script beside the interpreter), the commands interleaved so that a change in the
machine's load hits them all alike; the min and median wall time and the least CPU time (user +
system, which other work on the machine changes less) are reported. Every command runs once
before timing, after `accelsim warmup`, so numba's kernel cache and Python's bytecode cache are warm
(PYTHONDONTWRITEBYTECODE is dropped for the runs: a user's install has its bytecode). Runs under
`-X importtime` list the heavy modules each command imports and their cumulative import time (a
module imported by another is counted in both). `--baseline PYTHON` measures a second
interpreter, with another accelsim installed (e.g. the commit before a change), interleaved with
this one: the report's "before" figures. The runs are in a temporary directory, so a checkout on
the current directory never shadows the installed package.
"""

from __future__ import annotations

import argparse
import datetime
import os
import platform
import re
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

COMMANDS: tuple[tuple[str, ...], ...] = (
    ("--help",),
    ("networks",),
    ("energy", "alexnet"),
    ("simulate", "alexnet"),
    ("simulate", "alexnet", "--dataflow", "os"),
    ("explore", "alexnet", "--model", "analytical", "--no-store"),
    ("partition", "alexnet"),
    ("compare", "alexnet"),
)
"""The commands measured (argv after `accelsim`)."""

HEAVY = (
    "numpy",
    "pandas",
    "pyarrow",
    "numba",
    "llvmlite",
    "matplotlib",
    "scipy",
    "pydantic",
    "yaml",
    "tomli_w",
    "tqdm",
    "distributed",
    "importlib.metadata",
)
"""Modules that cost a command tens to hundreds of ms to import."""

FLOORS = (
    ("interpreter (`python -c pass`)", "pass"),
    ("`import numpy`", "import numpy"),
    ("`import pandas` (numpy, and pyarrow where installed)", "import pandas"),
    ("`import numba` (numpy)", "import numba"),
    ("`import numpy, pandas, numba`", "import numpy, pandas, numba"),
)
"""What no command that needs these libraries can start faster than."""

FIRST_EVALUATION = (
    ("rs (`simulate alexnet`)", "eyeriss", "rs"),
    ("systolic (`simulate alexnet --dataflow os`)", "scalesim-32x32", "systolic"),
)
"""Models whose first evaluation in a process loads compiled kernels from numba's cache."""

FIRST_EVALUATION_CODE = """
import time
import numba, pandas
from accelsim.api import evaluate
start = time.perf_counter()
evaluate("alexnet", {accelerator!r}, {model!r})
first = time.perf_counter()
evaluate("alexnet", {accelerator!r}, {model!r})
print(first - start, time.perf_counter() - first)
"""
"""The first and a second evaluation in one process (libraries already imported)."""

IMPORT_RUNS = 3
"""Runs under `-X importtime` per command (interleaved like the timed runs; least kept)."""

IMPORT_LINE = re.compile(r"import time:\s+\d+ \|\s+(\d+) \|( +)(\S+)")


def clean_env() -> dict[str, str]:
    """The environment for the runs: this one, with bytecode caching allowed."""
    return {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def command_line(python: str, argv: Sequence[str]) -> list[str]:
    """`accelsim ARGV` through the console script installed beside `python`, else `-m`."""
    script = Path(python).parent / "accelsim"
    if script.exists():
        return [str(script), *argv]
    return [python, "-m", "accelsim.cli.main", *argv]


def run_time(cmd: list[str], cwd: str) -> tuple[float, float]:
    """Wall and CPU seconds (user + system) a fresh process takes to run `cmd`, its output
    discarded. CPU time is what the process itself spent, so other work on the machine changes
    it less than the wall time."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(cmd, cwd=cwd, env=clean_env(), stdout=subprocess.DEVNULL, check=True)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def heavy_imports(cmd: list[str], cwd: str) -> tuple[dict[str, float], float]:
    """The heavy modules `cmd` imports with their cumulative import time (ms, at first import),
    and the total import time (ms), from one run under `-X importtime`."""
    env = {**clean_env(), "PYTHONPROFILEIMPORTTIME": "1"}
    err = subprocess.run(
        cmd, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True
    ).stderr
    found: dict[str, float] = {}
    total = 0.0
    for line in err.splitlines():
        match = IMPORT_LINE.match(line)
        if match is None:
            continue
        cumulative, indent, name = int(match[1]) / 1e3, len(match[2]), match[3]
        if indent == 1:
            total += cumulative
        if name in HEAVY and name not in found:
            found[name] = cumulative
    return found, total


def least(runs: list[tuple[dict[str, float], float]]) -> tuple[dict[str, float], float]:
    """Of several `heavy_imports` runs, the least time of each module and of the total."""
    found: dict[str, float] = {}
    for modules, _ in runs:
        for name, ms in modules.items():
            found[name] = min(found.get(name, ms), ms)
    return found, min(total for _, total in runs)


def installed(package: str) -> str:
    try:
        return f"{package} {version(package)}"
    except PackageNotFoundError:
        return f"no {package}"


def summary(runs: list[tuple[float, float]]) -> str:
    """`wall min / wall median (CPU min)` of (wall, CPU) runs, in s."""
    walls = [wall for wall, _ in runs]
    cpu = min(c for _, c in runs)
    return f"{min(walls):.2f} / {statistics.median(walls):.2f} ({cpu:.2f})"


def shown_imports(found: dict[str, float]) -> str:
    if not found:
        return "none"
    return ", ".join(
        f"{name} {ms:.0f}" for name, ms in sorted(found.items(), key=lambda kv: -kv[1])
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=5, help="fresh processes per command")
    parser.add_argument(
        "--baseline", metavar="PYTHON", help="an interpreter with the accelsim to compare with"
    )
    args = parser.parse_args()
    pythons = {"this": sys.executable}
    if args.baseline:
        pythons = {"before": args.baseline, "after": sys.executable}
    load_before = os.getloadavg()
    times: dict[tuple[str, tuple[str, ...]], list[tuple[float, float]]] = {}
    floors: dict[tuple[str, str], list[tuple[float, float]]] = {}
    with tempfile.TemporaryDirectory() as cwd:
        for python in pythons.values():  # warm numba's kernel cache and the bytecode
            if python == sys.executable:  # `accelsim warmup`: a small run compiles nothing
                run_time(command_line(python, ("warmup",)), cwd)
            for argv in COMMANDS:
                run_time(command_line(python, argv), cwd)
        for round_ in range(args.repeat):
            for argv in COMMANDS:
                for label, python in pythons.items():
                    cmd = command_line(python, argv)
                    times.setdefault((label, argv), []).append(run_time(cmd, cwd))
            for what, code in FLOORS:
                floors.setdefault((what, code), []).append(
                    run_time([sys.executable, "-c", code], cwd)
                )
            print(f"round {round_ + 1} of {args.repeat} done", file=sys.stderr)
        import_runs: dict[tuple[str, tuple[str, ...]], list[tuple[dict[str, float], float]]] = {}
        for _ in range(IMPORT_RUNS):
            for argv in COMMANDS:
                for label, python in pythons.items():
                    run = heavy_imports(command_line(python, argv), cwd)
                    import_runs.setdefault((label, argv), []).append(run)
        imports = {key: least(runs) for key, runs in import_runs.items()}
        first_runs = {}
        for what, accelerator, model in FIRST_EVALUATION:
            code = FIRST_EVALUATION_CODE.format(accelerator=accelerator, model=model)
            runs = [
                subprocess.run(
                    [sys.executable, "-c", code],
                    cwd=cwd,
                    env=clean_env(),
                    capture_output=True,
                    text=True,
                    check=True,
                ).stdout.split()
                for _ in range(3)
            ]
            first_runs[what] = [(float(a), float(b)) for a, b in runs]
    load_after = os.getloadavg()
    write_report(args.repeat, pythons, times, imports, floors, first_runs, load_before, load_after)


def write_report(
    repeat: int,
    pythons: dict[str, str],
    times: dict[tuple[str, tuple[str, ...]], list[tuple[float, float]]],
    imports: dict[tuple[str, tuple[str, ...]], tuple[dict[str, float], float]],
    floors: dict[tuple[str, str], list[tuple[float, float]]],
    first_runs: dict[str, list[tuple[float, float]]],
    load_before: tuple[float, float, float],
    load_after: tuple[float, float, float],
) -> None:
    """startup.md beside this script."""
    labels = list(pythons)
    when = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC")
    versions = ", ".join(installed(p) for p in ("numpy", "pandas", "numba", "pyarrow"))
    head = " | ".join(f"{label}: wall min / median (CPU min), s" for label in labels)
    rows = []
    for argv in COMMANDS:
        cells = " | ".join(summary(times[(label, argv)]) for label in labels)
        rows.append(f"| `accelsim {' '.join(argv)}` | {cells} |")
    import_rows = []
    for argv in COMMANDS:
        for label in labels:
            found, total = imports[(label, argv)]
            import_rows.append(
                f"| `accelsim {' '.join(argv)}` | {label} | {total:.0f} | {shown_imports(found)} |"
            )
    floor_rows = [f"| {what} | {summary(t)} |" for (what, _), t in floors.items()]
    first_rows = [
        f"| {what} | {min(a for a, _ in runs):.2f} | {min(b for _, b in runs):.2f} |"
        for what, runs in first_runs.items()
    ]
    compared = (
        f" `before` is `{pythons['before']}`, `after` this interpreter (`{pythons['after']}`)."
        if "before" in pythons
        else ""
    )
    flag = " --baseline PYTHON" if "before" in pythons else ""
    text = "\n".join(
        [
            "# accelsim: start-up of the command line",
            "",
            f"Written by `python benchmarks/startup.py --repeat {repeat}{flag}`. Each command "
            "runs in fresh processes of the installed `accelsim`, the commands interleaved, "
            "after one untimed run that warms numba's kernel cache and the bytecode cache."
            + compared,
            "",
            f"Measured {when} on {platform.machine()}, {os.cpu_count()} CPUs, Python "
            f"{platform.python_version()}, {versions}; load average {load_before[0]:.2f} "
            f"before, {load_after[0]:.2f} after (other work on the machine slows every figure).",
            "",
            "## Time of fresh processes",
            "",
            f"| command | {head} |",
            "|---|" + "---|" * len(labels),
            *rows,
            "",
            "## Heavy modules imported",
            "",
            f"Least of {IMPORT_RUNS} runs under `-X importtime` (which itself slows imports a "
            "little): the total import time, and each heavy module's cumulative import time in "
            "ms (a module imported by another, numpy by pandas, counts in both).",
            "",
            "| command | version | imports (ms) | heavy modules (ms) |",
            "|---|---|---|---|",
            *import_rows,
            "",
            "## What no command can start faster than",
            "",
            f"Fresh processes of this interpreter, wall min / median (CPU min) of {repeat}:",
            "",
            "| what | wall min / median (CPU min), s |",
            "|---|---|",
            *floor_rows,
            "",
            "The first evaluation of a simulator in a process loads its compiled kernels from "
            "numba's cache (and imports the engine's modules); a second evaluation in the same "
            "process does not. Least of 3 processes, numba and pandas imported before timing:",
            "",
            "| model | first evaluation (s) | second evaluation (s) |",
            "|---|---|---|",
            *first_rows,
            "",
        ]
    )
    Path(__file__).with_suffix(".md").write_text(text)


if __name__ == "__main__":
    main()

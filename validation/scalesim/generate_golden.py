"""Run SCALE-Sim 3.0.0 on the golden layer set and store its reports as golden files.

Run with the interpreter of a virtual environment that has SCALE-Sim installed, e.g.

    python3 -m venv /work/venvs/scalesim
    /work/venvs/scalesim/bin/pip install 'numpy<2.4' scalesim==3.0.0
    /work/venvs/scalesim/bin/python validation/scalesim/generate_golden.py [--only CASE ...]

Each case is one (topology, array, SRAM sizes, dataflow) combination. For each case the script writes
`validation/data/scalesim_golden/<case>/` with the `scale.cfg` and topology it used and SCALE-Sim's
`COMPUTE_REPORT.csv`, `BANDWIDTH_REPORT.csv` and `DETAILED_ACCESS_REPORT.csv`. SCALE-Sim runs in
its default bandwidth mode (`InterfaceBandwidth: CALC`) without traces. This script never imports
accelsim, so it runs in SCALE-Sim's own environment.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
GOLDEN = ROOT / "validation" / "data" / "scalesim_golden"
REPORTS = ("COMPUTE_REPORT.csv", "BANDWIDTH_REPORT.csv", "DETAILED_ACCESS_REPORT.csv")

# Layer name, IFMAP height, IFMAP width, Filter height, Filter width, Channels, Num filter, Strides
CONV_LAYERS = (
    ("pw1x1", 8, 8, 1, 1, 16, 24, 1),  # 1x1 convolution
    ("conv3s1", 12, 12, 3, 3, 6, 40, 1),  # 3x3, stride 1
    ("conv3s2", 15, 15, 3, 3, 8, 20, 2),  # strided
    ("skip1x1s3", 11, 11, 1, 1, 5, 9, 3),  # stride larger than the filter: unused ifmap pixels
    ("fc", 1, 1, 1, 1, 200, 50, 1),  # fully connected as a 1x1 convolution
    ("big5x5", 20, 20, 5, 5, 4, 70, 1),  # folds in both directions on every array here
    ("rect", 9, 13, 2, 4, 3, 11, 1),  # non-square ifmap and filter
)
# Depthwise rows: SCALE-Sim runs a "DP" layer as one single-channel layer per channel
DEPTHWISE_LAYERS = (("DP1", 10, 10, 3, 3, 4, 1, 1), ("DP2s2", 9, 9, 3, 3, 3, 2, 2))
# How SCALE-Sim recognises a depthwise row: "DP" anywhere in the name, case-sensitive
# (`'DP' in name`), each channel keeping every one of the row's filters (a depthwise multiplier)
DEPTHWISE_NAMING_LAYERS = (
    ("convDPs3", 11, 11, 3, 3, 5, 3, 3),  # "DP" inside the name, 3 filters per channel, stride 3
    ("dplower", 8, 8, 3, 3, 4, 2, 1),  # lowercase: an ordinary 4-channel convolution
    ("pwDP", 6, 6, 1, 1, 6, 1, 1),  # a 1x1 depthwise row
)
# GEMM rows: Layer name, M, N, K
GEMM_LAYERS = (
    ("gemm_a", 37, 19, 23),
    ("gemm_b", 5, 64, 130),
)

# AlexNet as in SCALE-Sim's own topology file (5 conv layers, no padding): full-network runs take
# minutes and gigabytes each, so they only run with --networks.
ALEXNET_LAYERS = (
    ("Conv1", 224, 224, 11, 11, 3, 96, 4),
    ("Conv2", 27, 27, 5, 5, 96, 256, 1),
    ("Conv3", 13, 13, 3, 3, 256, 384, 1),
    ("Conv4", 13, 13, 3, 3, 384, 384, 1),
    ("Conv5", 13, 13, 3, 3, 384, 256, 1),
)
NETWORK_CASES = (
    ((32, 32), (64, 64, 64), "os"),
    ((12, 14), (64, 64, 64), "os"),
    ((32, 32), (16, 16, 16), "ws"),
    ((32, 32), (32, 32, 32), "is"),
    ((12, 14), (8, 8, 8), "ws"),
    ((12, 14), (64, 64, 64), "is"),
)

ARRAYS = ((8, 8), (4, 16), (16, 4), (32, 32))
SRAMS = ((1, 1, 1), (2, 4, 1), (64, 64, 64))
DATAFLOWS = ("os", "ws", "is")

CFG = """[general]
run_name = {run_name}

[architecture_presets]
ArrayHeight: {rows}
ArrayWidth: {cols}
IfmapSramSzkB: {ifmap}
FilterSramSzkB: {filt}
OfmapSramSzkB: {ofmap}
IfmapOffset: 0
FilterOffset: 10000000
OfmapOffset: 20000000
Bandwidth: 10
Dataflow: {dataflow}
ReadRequestBuffer: 32
WriteRequestBuffer: 32

[layout]
IfmapCustomLayout: False
IfmapSRAMBankBandwidth: 10
IfmapSRAMBankNum: 10
IfmapSRAMBankPort: 2
FilterCustomLayout: False
FilterSRAMBankBandwidth: 10
FilterSRAMBankNum: 10
FilterSRAMBankPort: 2

[sparsity]
SparsitySupport: false
SparseRep: ellpack_block
OptimizedMapping: false
BlockSize: 8
RandomNumberGeneratorSeed: 40

[run_presets]
InterfaceBandwidth: CALC
UseRamulatorTrace: False
"""


def cases(
    networks: bool = False,
) -> list[tuple[str, str, tuple[int, int], tuple[int, int, int], str]]:
    out = []
    if networks:
        for (rows, cols), sram, df in NETWORK_CASES:
            name = f"alexnet_{rows}x{cols}_{'-'.join(map(str, sram))}_{df}"
            out.append((name, "alexnet", (rows, cols), sram, df))
    for df in DATAFLOWS:
        out.append((f"depthwise_8x8_1-1-1_{df}", "depthwise", (8, 8), (1, 1, 1), df))
        out.append((f"dwnames_4x16_2-4-1_{df}", "dwnames", (4, 16), (2, 4, 1), df))
    for kind in ("conv", "gemm"):
        for rows, cols in ARRAYS:
            for sram in SRAMS:
                if kind == "gemm" and sram != SRAMS[0] and (rows, cols) != (8, 8):
                    continue
                for df in DATAFLOWS:
                    name = f"{kind}_{rows}x{cols}_{'-'.join(map(str, sram))}_{df}"
                    out.append((name, kind, (rows, cols), sram, df))
    return out


def topology_text(kind: str) -> str:
    if kind in ("conv", "alexnet", "depthwise", "dwnames"):
        lines = [
            "Layer name, IFMAP Height, IFMAP Width, Filter Height, Filter Width, Channels, "
            "Num Filter, Strides,"
        ]
        rows = {"conv": CONV_LAYERS, "alexnet": ALEXNET_LAYERS, "depthwise": DEPTHWISE_LAYERS,
                "dwnames": DEPTHWISE_NAMING_LAYERS}[kind]  # fmt: skip
        lines += [", ".join(map(str, row)) + "," for row in rows]
    else:
        lines = ["Layer, M, N, K,"]
        lines += [", ".join(map(str, row)) + "," for row in GEMM_LAYERS]
    return "\n".join(lines) + "\n"


def run_case(
    name: str, kind: str, array: tuple[int, int], sram: tuple[int, int, int], dataflow: str
) -> float:
    from scalesim.scale_sim import scalesim

    target = GOLDEN / name
    target.mkdir(parents=True, exist_ok=True)
    cfg = CFG.format(
        run_name=name,
        rows=array[0],
        cols=array[1],
        ifmap=sram[0],
        filt=sram[1],
        ofmap=sram[2],
        dataflow=dataflow,
    )
    (target / "scale.cfg").write_text(cfg)
    topo = target / "topology.csv"
    topo.write_text(topology_text(kind))
    with tempfile.TemporaryDirectory() as tmp:
        layout = Path(tmp) / "layout.csv"
        layout.write_text("Layer name,\n")
        start = time.process_time()
        with contextlib.redirect_stdout(io.StringIO()):
            sim = scalesim(
                save_disk_space=True,
                verbose=False,
                config=str(target / "scale.cfg"),
                topology=str(topo),
                layout=str(layout),
                input_type_gemm=kind == "gemm",
            )
            sim.run_scale(top_path=tmp)
        seconds = time.process_time() - start
        for report in REPORTS:
            shutil.copy(Path(tmp) / name / report, target / report)
    return seconds


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", nargs="*", default=None, help="case names to (re)generate")
    parser.add_argument("--skip-existing", action="store_true")
    parser.add_argument(
        "--networks",
        action="store_true",
        help="also run the full AlexNet cases (minutes and GBs each)",
    )
    args = parser.parse_args()
    for name, kind, array, sram, df in cases(args.networks):
        if args.only and name not in args.only:
            continue
        if args.skip_existing and (GOLDEN / name / REPORTS[-1]).exists():
            continue
        seconds = run_case(name, kind, array, sram, df)
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"{name}: {seconds:.1f} CPU-s (process peak so far {peak:.0f} MB)", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())

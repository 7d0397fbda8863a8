"""The designs and layers the RS mapper's equivalence tests cover, and the results they compare.

`golden_rows(policy)` maps every conv/FC layer of every built-in network on every design of
`designs(policy)` (array shape x bit width x GLB size) with the mapper policy and simulates it (fast
engine), one row per layer: the chosen mapping, or `refused`, and the simulated cycles, counts
and energy. `tests/dataflows/data/rs_mapper_golden.csv.gz` holds these rows as the vectorised
mapper computed them (recorded with the mapper before the streaming kernel; it is kept as
`dataflows.row_stationary.reference_best_mapping`, and `python tests/dataflows/rs_mapper_cases.py`
regenerates the table with it, `... rs_mapper_cases.py energy` the rows of one policy: only on
purpose, e.g. after a change of the cost model).
"""

from __future__ import annotations

import csv
import gzip
import io
import sys
from dataclasses import replace
from pathlib import Path

from accelsim.engine.rs.simulate import (
    layer_batch,
    prepare_layer,
    run_prepared,
    simulated_energy,
)
from accelsim.errors import LayerRefused
from accelsim.hardware.accelerator import Accelerator
from accelsim.hardware.presets import eyeriss
from accelsim.workload.builtin import builtin_network
from accelsim.workload.layer import ConvLayer
from dataflows.row_stationary import RSMapping, reference_best_mapping

GOLDEN = Path(__file__).with_name("data") / "rs_mapper_golden.csv.gz"

NETWORKS = ("alexnet", "vgg16", "googlenet", "squeezenet")
ARRAYS = ((8, 8), (12, 14), (16, 16), (32, 32))
BITS = (16, 8)
GLB_KB = (50.0, 100.0, 200.0)
ENERGY_GLB_KB = (100.0,)
"""The `energy` policy simulates up to a few hundred candidates a layer with the reference mapper
(every mapping in rank order until a ranked energy exceeds the best simulated one); it is covered
at the chip's GLB size only, to keep the recording short."""

COLUMNS = (
    "network", "bits", "pe_rows", "pe_cols", "glb_kb", "policy", "layer", "batch", "mapping",
    "cycles", "energy_j", "latency_s", "rf_accesses", "glb_accesses", "dram_accesses", "passes",
)  # fmt: skip


def design(rows: int, cols: int, bits: int, glb_kb: float) -> Accelerator:
    """Eyeriss at `bits` with a rows x cols array and `glb_kb` kB of ifmap/psum GLB."""
    base = eyeriss(bits)
    hw = replace(
        base.hardware,
        name=f"rs-{rows}x{cols}",
        pe_rows=rows,
        pe_cols=cols,
        glb_ifmap_psum_kb=glb_kb,
        glb_kb=glb_kb + base.hardware.glb_filter_kb,
    )
    return replace(base, name=hw.name, hardware=hw)


def designs(policy: str) -> list[tuple[int, int, int, float]]:
    """(rows, cols, bits, GLB kB) of every design the policy is checked on."""
    glbs = GLB_KB if policy == "chip" else ENERGY_GLB_KB
    return [(r, c, b, g) for b in BITS for (r, c) in ARRAYS for g in glbs]


def reference_mapping(
    layer: ConvLayer, config: Accelerator, batch: int, first_layer: bool, policy: str
) -> RSMapping:
    """The mapping the reference mapper chooses (as `choose_mapping` calls the mapper)."""
    return reference_best_mapping(
        layer, config.hardware, replace(config.energy, include_control=True), batch, first_layer,
        policy, evaluate=lambda mp: simulated_energy(layer, config, mp, batch, first_layer),
        rlc=config.rlc,
    )  # fmt: skip


def layer_rows(
    network: str,
    rows: int,
    cols: int,
    bits: int,
    glb_kb: float,
    policy: str,
    reference: bool = False,
) -> list[dict[str, str]]:
    """One result row (dict of COLUMNS, as text) per conv/FC layer of `network` on the design:
    mapped by the simulator's mapper, or by the reference mapper (`reference`)."""
    config = design(rows, cols, bits, glb_kb)
    net = builtin_network(network)
    out = []
    for layer in net.compute_layers:
        batch, first = layer_batch(layer, None), net.reads_image(layer)
        row = {
            "network": network, "bits": bits, "pe_rows": rows, "pe_cols": cols,
            "glb_kb": repr(glb_kb), "policy": policy, "layer": layer.name, "batch": batch,
        }  # fmt: skip
        try:
            mapping = reference_mapping(layer, config, batch, first, policy) if reference else None
            prepared = prepare_layer(layer, config, mapping, first_layer=first, policy=policy)
        except LayerRefused:
            row.update({k: "" for k in COLUMNS if k not in row})
            row["mapping"] = "refused"
        else:
            res = run_prepared(layer, config, prepared, "fast")
            row.update(
                mapping=str(res.mapping),
                cycles=res.cycles,
                energy_j=repr(res.energy.total_j),
                latency_s=repr(res.latency_s),
                rf_accesses=res.rf_accesses,
                glb_accesses=res.glb_accesses,
                dram_accesses=res.dram_accesses,
                passes=res.passes,
            )
        out.append({k: str(row[k]) for k in COLUMNS})
    return out


def golden_rows(policy: str) -> list[dict[str, str]]:
    """Every row of the policy's golden table, mapped by the reference mapper."""
    return [
        row
        for rows, cols, bits, glb in designs(policy)
        for network in NETWORKS
        for row in layer_rows(network, rows, cols, bits, glb, policy, reference=True)
    ]


def read_golden() -> list[dict[str, str]]:
    with gzip.open(GOLDEN, "rt", newline="") as fh:
        return list(csv.DictReader(fh))


def main(only: str | None = None) -> None:
    """Regenerate the table; `only` (a policy) keeps the other policy's rows as they are."""
    kept = [row for row in read_golden() if only and row["policy"] != only]
    rows = [row for policy in ("chip", "energy") if policy in (only or policy)
            for row in golden_rows(policy)]  # fmt: skip
    rows = sorted(kept + rows, key=lambda row: ("chip", "energy").index(row["policy"]))
    GOLDEN.parent.mkdir(exist_ok=True)
    with (
        gzip.GzipFile(GOLDEN, "wb", mtime=0) as raw,
        io.TextIOWrapper(raw, encoding="utf-8", newline="") as fh,
    ):
        writer = csv.DictWriter(fh, fieldnames=COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    print(f"{len(rows)} rows -> {GOLDEN}", file=sys.stderr)


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else None)

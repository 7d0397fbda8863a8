"""Tables people read: per-layer results with a TOTAL row, group sums, run headers.

Input is a results frame (`accelsim.models.result.results_frame`); output is text or a frame.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from accelsim.energy.record import BREAKDOWN_COLUMNS
from accelsim.models.result import SUMMABLE_COLUMNS
from accelsim.report.output import render

ENERGY_TABLE_COLUMNS = (
    "layer",
    "batch",
    "macs",
    "energy_mj",
    *(c.replace("_j", "_mj") for c in BREAKDOWN_COLUMNS),
    "glb_accesses",
    "dram_accesses",
)
"""Columns of `accelsim energy`'s text table (energies in mJ per image)."""


def group_sums(frame: pd.DataFrame) -> pd.DataFrame:
    """Rows summed per group label, in order of first appearance (as CNNergy's reference sums
    inception and fire modules); summable shared columns only."""
    columns = [c for c in SUMMABLE_COLUMNS if c in frame.columns]
    summed = frame.groupby("group", sort=False)[columns].sum(min_count=1).reset_index()
    summed.insert(0, "layer", summed["group"])
    first = frame.drop_duplicates("group").set_index("group")
    for column in ("model", "batch"):
        if column in frame.columns:
            summed.insert(2, column, summed["group"].map(first[column]))
    return summed


def totals(frame: pd.DataFrame) -> dict[str, float]:
    """Network totals of the summable shared columns (per image)."""
    return {c: float(frame[c].sum(min_count=1)) for c in SUMMABLE_COLUMNS if c in frame.columns}


def energy_table(frame: pd.DataFrame, header: str) -> str:
    """The per-layer energy breakdown in mJ with a TOTAL row, under a `# header` line."""
    shown = frame.copy()
    shown["energy_mj"] = shown["energy_j"] * 1e3
    for column in BREAKDOWN_COLUMNS:
        shown[column.replace("_j", "_mj")] = shown[column] * 1e3
    shown = shown[list(ENERGY_TABLE_COLUMNS)]
    total = {c: shown[c].sum(min_count=1) for c in ENERGY_TABLE_COLUMNS
             if c not in ("layer", "batch")}  # fmt: skip
    shown = pd.concat([shown, pd.DataFrame([{"layer": "TOTAL", **total}])], ignore_index=True)
    shown["batch"] = [*frame["batch"], ""]  # the images per pass of each layer; none for TOTAL
    return f"# {header}\n" + render(shown, "table", float_format="{:.4g}")


def layer_table(frame: pd.DataFrame, columns: tuple[str, ...], header: str) -> str:
    """Chosen columns (those present) as a text table under a `# header` line."""
    shown = frame[[c for c in columns if c in frame.columns]]
    return f"# {header}\n" + render(shown, "table")


FREE_NAMES_SHOWN = 6
"""Free layers named in a table's note; the rest are counted (JSON lists them all)."""


def free_layers_note(free: pd.DataFrame) -> str:
    """One `#` line saying which layers without MACs the run treated as free ("" for none)."""
    if free.empty:
        return ""
    kinds = free["kind"].value_counts(sort=False)
    counted = ", ".join(f"{n} {kind}" for kind, n in kinds.items())
    names = list(free["layer"])
    shown = ", ".join(names[:FREE_NAMES_SHOWN]) + (", ..." if len(names) > FREE_NAMES_SHOWN else "")
    return (
        f"# {len(names)} layers without MACs treated as free ({counted}: {shown}); "
        "--non-mac costed costs them\n"
    )


def free_layers_records(free: pd.DataFrame) -> list[dict[str, Any]]:
    """The free layers for a JSON header: name, kind, operation and why."""
    return [
        {"layer": row.layer, "kind": row.kind, "op": row.op, "note": row.note}
        for row in free.itertuples(index=False)
    ]


def run_header(network: str, accelerator: Any, model: str, **extra: Any) -> dict[str, Any]:
    """What a JSON output says about its run, before the rows."""
    hw = accelerator.hardware
    return {
        "network": network,
        "accelerator": accelerator.name,
        "kind": accelerator.kind,
        "dataflow": hw.dataflow,
        "array": "x".join(map(str, hw.shape)),
        "bits": accelerator.bits,
        "model": model,
        "control": accelerator.energy.include_control,
        **extra,
    }

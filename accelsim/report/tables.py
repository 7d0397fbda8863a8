"""Tables people read: per-layer results with a TOTAL row, group sums, run headers.

Input is the rows of a results frame (`accelsim.models.result`) as `Columns`, which need no
pandas; only `group_sums` takes and gives a DataFrame. Output is text, `Columns` or a frame.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from accelsim.energy.record import BREAKDOWN_COLUMNS
from accelsim.models.result import SUMMABLE_COLUMNS
from accelsim.report.columns import Columns, column_sum
from accelsim.report.output import render

if TYPE_CHECKING:
    import pandas as pd

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


def totals(table: Columns) -> dict[str, float]:
    """Network totals of the summable shared columns (per image)."""
    return {
        c: float(column_sum(table[c], table.kinds[c], min_count=1))
        for c in SUMMABLE_COLUMNS
        if c in table
    }


def energy_table(table: Columns, header: str) -> str:
    """The per-layer energy breakdown in mJ with a TOTAL row, under a `# header` line."""
    values: dict[str, list[Any]] = {"layer": table["layer"], "macs": table["macs"]}
    for column in ("energy_j", *BREAKDOWN_COLUMNS):
        values[column.replace("_j", "_mj")] = [v * 1e3 for v in table[column]]
    for column in ("glb_accesses", "dram_accesses"):
        values[column] = table[column]
    shown = Columns.of(values)
    total = {c: column_sum(shown[c], shown.kinds[c], min_count=1) for c in shown.names[1:]}
    values = {c: [*shown[c], total.get(c, "TOTAL")] for c in shown.names}
    values["batch"] = [*table["batch"], ""]  # the images per pass of each layer; none for TOTAL
    with_total = Columns.of(values).select(ENERGY_TABLE_COLUMNS)
    return f"# {header}\n" + render(with_total, "table", float_format="{:.4g}")


def layer_table(table: Columns, columns: tuple[str, ...], header: str) -> str:
    """Chosen columns (those present) as a text table under a `# header` line."""
    shown = table.select(c for c in columns if c in table)
    return f"# {header}\n" + render(shown, "table")


FREE_NAMES_SHOWN = 6
"""Free layers named in a table's note; the rest are counted (JSON lists them all)."""


def free_layers_note(free: Sequence[Mapping[str, Any]]) -> str:
    """One `#` line saying which layers without MACs the run treated as free ("" for none);
    `free` is `accelsim.api.free_layer_rows`."""
    if not free:
        return ""
    kinds: dict[str, int] = {}
    for row in free:
        kinds[row["kind"]] = kinds.get(row["kind"], 0) + 1
    counted = ", ".join(f"{n} {kind}" for kind, n in kinds.items())
    names = [row["layer"] for row in free]
    shown = ", ".join(names[:FREE_NAMES_SHOWN]) + (", ..." if len(names) > FREE_NAMES_SHOWN else "")
    return (
        f"# {len(names)} layers without MACs treated as free ({counted}: {shown}); "
        "--non-mac costed costs them\n"
    )


def free_layers_records(free: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """The free layers for a JSON header: name, kind, operation and why."""
    return [{key: row[key] for key in ("layer", "kind", "op", "note")} for row in free]


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

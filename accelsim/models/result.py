"""The result contract: one record per evaluated layer, the same for every model.

Every model (analytical, row-stationary simulator, systolic simulator, silicon, a user's CSV)
returns `LayerResult`s, and `results_frame` turns any list of them into one DataFrame whose first
columns (`SHARED_COLUMNS`) mean the same thing for every model, so two models compare column by
column. What only one model knows goes into `extra` and becomes further columns, added after the
shared ones and never renamed.

Convention: the shared columns are per image (energies in J, accesses in words of the
accelerator's width, latency in s); `batch` is how many images were processed together. A value a
model does not know is NaN (a chip measurement has no energy breakdown; the analytical model has
no utilization). Model-specific columns say in their name or docs when they are per batch.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from accelsim.energy.record import BREAKDOWN_COLUMNS, EnergyBreakdown

GLB_OPERANDS = ("filter", "ifmap", "psum")
"""Operands of the on-chip buffer level (a GLB, or a systolic array's filter/ifmap/ofmap SRAMs:
psum = partial sums and outputs)."""

DRAM_OPERANDS = ("filter", "ifmap", "ofmap")

SHARED_COLUMNS = (
    "layer",
    "group",
    "model",
    "batch",
    "mapping",
    "macs",
    "nonzero_macs",
    "energy_j",
    "latency_s",
    "rf_accesses",
    "glb_accesses",
    "dram_accesses",
    *BREAKDOWN_COLUMNS,
    "inter_pe_transfers",
    *(f"glb_{op}_accesses" for op in GLB_OPERANDS),
    *(f"dram_{op}_accesses" for op in DRAM_OPERANDS),
    "utilization",
    "active_pes",
)
"""Columns every model fills (NaN where a model cannot know the value), in this order."""

NOT_SUMMABLE = ("layer", "group", "model", "batch", "mapping", "utilization", "active_pes")

SUMMABLE_COLUMNS = tuple(c for c in SHARED_COLUMNS if c not in NOT_SUMMABLE)
"""Shared columns whose network (or group) value is the sum of the layers' values."""

NAN = math.nan


@dataclass(frozen=True)
class LayerResult:
    """One conv/FC layer evaluated by one model; shared quantities per image.

    `glb` and `dram` are accesses per operand (keys of GLB_OPERANDS, DRAM_OPERANDS); their totals
    are the operands' sum unless `glb_total` / `dram_total` give them (a measurement may know the
    total only). `breakdown` is None when only the total energy is known. `extra` holds the model's own columns.
    """

    layer: str
    group: str
    model: str
    batch: int
    macs: float
    nonzero_macs: float
    energy_j: float
    latency_s: float
    breakdown: EnergyBreakdown | None = None
    rf_accesses: float = NAN
    inter_pe_transfers: float = NAN
    glb: Mapping[str, float] = field(default_factory=dict)
    dram: Mapping[str, float] = field(default_factory=dict)
    glb_total: float = NAN
    dram_total: float = NAN
    utilization: float = NAN
    active_pes: float = NAN
    mapping: str = ""
    extra: Mapping[str, Any] = field(default_factory=dict)

    def row(self) -> dict[str, Any]:
        """The layer as one row: shared columns first, then `extra`."""
        glb = {f"glb_{op}_accesses": float(self.glb.get(op, NAN)) for op in GLB_OPERANDS}
        dram = {f"dram_{op}_accesses": float(self.dram.get(op, NAN)) for op in DRAM_OPERANDS}
        parts = (
            self.breakdown.as_dict() if self.breakdown else dict.fromkeys(BREAKDOWN_COLUMNS, NAN)
        )
        row: dict[str, Any] = {
            "layer": self.layer,
            "group": self.group,
            "model": self.model,
            "batch": self.batch,
            "mapping": self.mapping,
            "macs": self.macs,
            "nonzero_macs": self.nonzero_macs,
            "energy_j": self.energy_j,
            "latency_s": self.latency_s,
            "rf_accesses": self.rf_accesses,
            "glb_accesses": _total(glb.values(), self.glb_total),
            "dram_accesses": _total(dram.values(), self.dram_total),
            **parts,
            "inter_pe_transfers": self.inter_pe_transfers,
            **glb,
            **dram,
            "utilization": self.utilization,
            "active_pes": self.active_pes,
        }
        clash = set(self.extra) & set(row)
        if clash:  # a model may add columns, never shadow a shared one
            raise ValueError(f"model '{self.model}' redefines shared column '{sorted(clash)[0]}'")
        row.update(self.extra)
        return row


@dataclass(frozen=True)
class Refusal:
    """A layer a model cannot evaluate on an accelerator (a filter taller than the array, a
    layer the chip was not measured on), with the model's reason."""

    layer: str
    group: str
    model: str
    reason: str


def _total(values, given: float) -> float:
    if not math.isnan(given):
        return float(given)
    values = list(values)
    return math.nan if any(math.isnan(v) for v in values) else float(sum(values))


def results_rows(results: Sequence[LayerResult]) -> tuple[list[dict[str, Any]], list[str]]:
    """One row per layer result, and the columns: `SHARED_COLUMNS`, then each model's extra
    columns in order."""
    rows = [result.row() for result in results]
    columns = list(SHARED_COLUMNS)
    for row in rows:
        columns += [key for key in row if key not in columns]
    return rows, columns


def results_frame(results: Sequence[LayerResult]):
    """One row per layer result as a DataFrame (columns as in `results_rows`)."""
    import pandas as pd

    rows, columns = results_rows(results)
    return pd.DataFrame(rows, columns=columns)


def results_columns(results: Sequence[LayerResult]):
    """The rows of `results_frame` as `accelsim.report.columns.Columns`, without pandas (the
    command line's text, CSV and JSON outputs)."""
    from accelsim.report.columns import Columns

    return Columns.from_rows(*results_rows(results))

"""Why two models differ on a layer, in one line.

Energy: every model prices its counts with the same energy table (`energy_from_counts`), so an
energy difference is a sum of per-term differences, and each term's difference is a count's ratio
(`DRIVERS`). The reason names the term that contributes most, its share of the difference, the
ratio of the count behind it, and the operand that moves most for GLB and DRAM. Latency: the
simulators' utilization and their largest cause of cycles besides compute (`cycles_<cause>`
columns), or the analytical model's fixed throughput. `docs/compare.md` lists the assumptions
behind the typical differences.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from accelsim.comparison.ratios import as_number, ratio
from accelsim.energy.record import BREAKDOWN_COLUMNS
from accelsim.models.result import DRAM_OPERANDS, GLB_OPERANDS

TERM_NAMES = {
    "mac_j": "MAC",
    "rf_j": "RF",
    "inter_pe_j": "inter-PE",
    "glb_j": "GLB",
    "dram_j": "DRAM",
    "clock_j": "clock",
    "control_j": "control",
}

DRIVERS = {
    "mac_j": ("nonzero_macs", "non-zero MACs"),
    "rf_j": ("rf_accesses", "RF accesses"),
    "inter_pe_j": ("inter_pe_transfers", "inter-PE transfers"),
    "glb_j": ("glb_accesses", "GLB accesses"),
    "dram_j": ("dram_accesses", "DRAM accesses"),
    "clock_j": ("latency_s", "latency"),
}
"""The count each energy term is proportional to (control energy is a fixed share of the
on-chip and clock energy, so it follows them)."""

OPERANDS = {
    "glb_j": tuple(f"glb_{op}_accesses" for op in GLB_OPERANDS),
    "dram_j": tuple(f"dram_{op}_accesses" for op in DRAM_OPERANDS),
}

CYCLES_PREFIX = "cycles_"
COMPUTE_CAUSE = "cycles_compute"
CAUSE_NAMES = {
    "dram": "DRAM link",
    "filter_load": "filter loads",
    "ifmap_noc": "ifmap NoC",
    "psum_in_noc": "psum-in NoC",
    "psum_out_noc": "psum-out NoC",
    "drain": "pipeline drain",
}
"""How a reason names a simulator's causes of cycles (others: the name, underscores as spaces)."""
NOT_CAUSES = ("cycles_incl_prefetch",)
"""`cycles_*` columns that are not a share of the cycles (the systolic model's total with
prefetch)."""


def _get(row: Mapping[str, Any], key: str) -> float:
    return as_number(row.get(key, math.nan))


def _times(r: float) -> str:
    return "n/a" if math.isnan(r) else ("inf" if math.isinf(r) else f"{r:.3g}x")


def _mj(joules: float) -> str:
    return f"{joules * 1e3:+.3g} mJ"


def energy_reason(a: Mapping[str, Any], b: Mapping[str, Any], label_b: str = "b") -> str:
    """The breakdown term that contributes most to `b`'s energy minus `a`'s, with the ratio
    of the count behind it: 'GLB: +0.81 of +1.2 mJ; GLB accesses 3.1x (psum 5.2x)'."""
    diffs = {}
    for term in BREAKDOWN_COLUMNS:
        va, vb = _get(a, term), _get(b, term)
        if not (math.isnan(va) or math.isnan(vb)):
            diffs[term] = vb - va
    total = _get(b, "energy_j") - _get(a, "energy_j")
    if not diffs:
        return f"energy {_times(ratio(_get(a, 'energy_j'), _get(b, 'energy_j')))}; no breakdown"
    if all(d == 0.0 for d in diffs.values()):
        return "equal energy breakdown"
    term = max(diffs, key=lambda t: abs(diffs[t]))
    text = f"{TERM_NAMES[term]}: {_mj(diffs[term])} of {_mj(total)}"
    if term in DRIVERS:
        key, name = DRIVERS[term]
        text += f"; {name} {_times(ratio(_get(a, key), _get(b, key)))}"
    if term in OPERANDS:
        moves = {k: _get(b, k) - _get(a, k) for k in OPERANDS[term]}
        moves = {k: v for k, v in moves.items() if not math.isnan(v) and v != 0.0}
        if moves:
            key = max(moves, key=lambda k: abs(moves[k]))
            operand = key.split("_")[1]
            text += f" ({operand} {_times(ratio(_get(a, key), _get(b, key)))})"
    if term == "control_j":
        text += " (a fixed share of on-chip and clock energy)"
    return text


def _side_note(row: Mapping[str, Any], label: str, fixed_rate: float | None) -> str:
    """'rs: 16.4 GMAC/s, utilization 41 %, dram 28 % of cycles' from a model's columns."""
    if fixed_rate is not None:
        return f"{label}: {fixed_rate / 1e9:.3g} GMAC/s fixed, on any array"
    parts = []
    macs, latency = _get(row, "macs"), _get(row, "latency_s")
    if latency > 0 and not math.isnan(macs):
        parts.append(f"{macs / latency / 1e9:.3g} GMAC/s")
    utilization = _get(row, "utilization")
    if not math.isnan(utilization):
        parts.append(f"utilization {utilization:.0%}")
    cycles = _get(row, "cycles")
    causes = {k: _get(row, k) for k in row if is_stall_cause(k)}
    causes = {k: v for k, v in causes.items() if not math.isnan(v) and v > 0}
    if causes and cycles > 0:
        key = max(causes, key=lambda k: causes[k])
        cause = key[len(CYCLES_PREFIX) :]
        cause = CAUSE_NAMES.get(cause, cause.replace("_", " "))
        parts.append(f"{cause} {causes[key] / cycles:.0%} of cycles")
    return f"{label}: {', '.join(parts)}" if parts else ""


def is_stall_cause(column: str) -> bool:
    """A simulator's `cycles_<cause>` column for a cause other than computing."""
    return column.startswith(CYCLES_PREFIX) and column not in (COMPUTE_CAUSE, *NOT_CAUSES)


def latency_reason(
    a: Mapping[str, Any],
    b: Mapping[str, Any],
    label_a: str,
    label_b: str,
    fixed_throughput: Mapping[str, float] | None = None,
) -> str:
    """Latency ratio and what sets each side's latency: a model's fixed throughput (MAC/s) when
    it assumes one (the analytical model), else its achieved MAC/s, utilization and the largest
    cause of cycles besides computing."""
    rates = fixed_throughput or {}
    text = f"latency {_times(ratio(_get(a, 'latency_s'), _get(b, 'latency_s')))}"
    notes = [
        _side_note(row, label, rates.get(label)) for label, row in ((label_a, a), (label_b, b))
    ]
    return "; ".join([text, *(n for n in notes if n)])

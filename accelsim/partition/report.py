"""What `accelsim partition` prints: one operating point (the best cut, the tensors it sends, its
savings, the energy of every cut) or a sweep, as text, CSV or JSON."""

from __future__ import annotations

import json
from typing import Any

import pandas as pd

from accelsim.partition.model import PartitionModel
from accelsim.partition.sweep import bitrate_intervals
from accelsim.report.output import frame_to_records, render
from accelsim.report.text_render import json_value


def header(model: PartitionModel, bits: int, bound: float | None) -> dict[str, Any]:
    """What every partition output says about its run."""
    return {
        "network": model.network,
        "energy_source": model.energy_source,
        "bits": int(bits),
        "input_bits": float(model.bits[0]),
        "input_bits_source": model.bits_source[0],
        "latency_bound_s": bound,
        "cuts": model.cut_choice,
        "outputs": model.output_choice,
        "free_layers": list(model.free_layers),
        "notes": list(model.notes),
    }


def _bits_text(bits: float) -> str:
    """Bits as a whole number when they are one."""
    return f"{bits:.0f}" if float(bits).is_integer() else f"{bits:.6g}"


def _free_line(model: PartitionModel) -> str:
    """The layers that cost the client nothing (no result from the energy source)."""
    names = ", ".join(model.free_layers)
    return f"free layers (no {model.energy_source} result, 0 J): {len(model.free_layers)}: {names}"


def _plural(count: int, word: str) -> str:
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


def _points(model: PartitionModel, bitrate: float, ptx: float, bound: float | None) -> pd.DataFrame:
    points = model.points(bitrate, ptx, bound)
    if not model.has_latency:
        points = points.drop(columns=["latency_s", "meets_bound"])
    elif bound is None:
        points = points.drop(columns=["meets_bound"])
    if (points["bits"] % 1 == 0).all():
        points["bits"] = points["bits"].astype("int64")
    return points


def point_report(
    model: PartitionModel, bits: int, bitrate: float, ptx: float, bound: float | None, fmt: str
) -> str | bytes:
    """The best cut at (bit rate, transmit power) and the client energy of every cut."""
    decision = model.decide(bitrate, ptx, bound)
    points = _points(model, bitrate, ptx, bound)
    intervals = bitrate_intervals(model, ptx) if ptx > 0 else None
    if fmt == "csv":
        return render(points, "csv")
    if fmt in ("json", "parquet"):
        summary = {
            **header(model, bits, bound),
            "bitrate_bps": bitrate,
            "ptx_w": ptx,
            "best_cut": decision.cut,
            "best_cut_tensors": list(decision.tensors),
            "best_cut_after": decision.after,
            "best_cut_client_layers": model.client_counts[decision.index],
            "client_energy_j": decision.client_energy_j,
            "compute_j": decision.compute_j,
            "transmit_j": decision.transmit_j,
            "latency_s": decision.latency_s if model.has_latency else None,
            "cloud_energy_j": decision.cloud_energy_j,
            "local_energy_j": decision.local_energy_j,
            "saving_vs_cloud": decision.saving_vs_cloud,
            "saving_vs_local": decision.saving_vs_local,
        }
        payload = {k: json_value(v) for k, v in summary.items()}
        if intervals is not None:
            payload["bitrate_intervals"] = frame_to_records(intervals)
        if fmt == "parquet":  # the cuts as rows, the decision in the file's metadata
            return render(points, fmt, extra=payload)
        payload["points"] = frame_to_records(points)
        return json.dumps(payload, indent=2) + "\n"
    lines = [
        f"network {model.network}, {int(bits)} bit, energy: {model.energy_source}, "
        f"{bitrate / 1e6:g} Mbps, {ptx:g} W",
        f"best cut: {decision.cut}  client energy {decision.client_energy_j * 1e3:.4g} mJ "
        f"(compute {decision.compute_j * 1e3:.4g} + transmit {decision.transmit_j * 1e3:.4g})",
        f"best cut sends {_plural(len(decision.tensors), 'tensor')}, "
        f"{_bits_text(decision.bits)} bit, after {decision.after} "
        f"({model.client_counts[decision.index]} of {len(model.layer_order)} layers on the client)",
        f"saving vs fully cloud: {decision.saving_vs_cloud * 100:.1f} %   "
        f"vs fully in-situ: {decision.saving_vs_local * 100:.1f} %",
    ]
    if intervals is not None:
        steps = [intervals["cut"].iloc[0]]
        for row in intervals.iloc[1:].itertuples():
            steps.append(f"{row.bitrate_from_bps / 1e6:.4g} Mbps < {row.cut}")
        lines.append(f"best cut by bit rate at {ptx:g} W (no latency bound): " + " < ".join(steps))
    lines += [f"note: {note}" for note in model.notes]
    if model.free_layers:
        lines.append(_free_line(model))
    return "\n".join(lines) + "\n\n" + render(points, "table")


def sweep_report(
    model: PartitionModel, bits: int, frame: pd.DataFrame, bound: float | None, fmt: str
) -> str | bytes:
    """The best cut over a grid of bit rates and transmit powers."""
    if fmt == "json":
        payload = {k: json_value(v) for k, v in header(model, bits, bound).items()}
        payload["sweep"] = frame_to_records(frame)
        return json.dumps(payload, indent=2) + "\n"
    if fmt == "parquet":
        return render(
            frame, fmt, extra={k: json_value(v) for k, v in header(model, bits, bound).items()}
        )
    return render(frame, fmt)

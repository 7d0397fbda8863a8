"""Model `silicon`: the Eyeriss chip's published measurements (JSSC 2017, Tables III, V, VI).

For each measured CONV layer of AlexNet (batch 4) and VGG-16 (batch 3): energy per image = chip
power x total latency / batch (chip power excludes DRAM, so no DRAM energy is in it), latency per
image, active PEs, GLB and DRAM accesses (16-bit words per image). The chip was not measured on FC
layers nor on other networks: those layers take the analytical model's values and are flagged in
the `source` column (`analytical (not measured)`). The data ship in `accelsim/data/silicon/`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from pathlib import Path

from accelsim.errors import AccelsimError
from accelsim.hardware.accelerator import Accelerator
from accelsim.models.registry import Model
from accelsim.models.result import LayerResult
from accelsim.workload.network import Network

NAME = "silicon"
SILICON_BITS = 16
NOT_MEASURED = "analytical (not measured)"
DATA_DIR = Path(__file__).resolve().parent.parent / "data" / "silicon"


@dataclass(frozen=True)
class SiliconSet:
    """One measured network: its data file and the batch the chip ran."""

    network: str
    file: str
    batch: int


SILICON = {
    "alexnet": SiliconSet("alexnet", "eyeriss_alexnet.csv", 4),
    "vgg16": SiliconSet("vgg16", "eyeriss_vgg16.csv", 3),
}


def layer_name(chip_name: str) -> str:
    """The chip's layer label as accelsim names it: CONV1 -> conv1, CONV1-2 -> conv1_2."""
    return chip_name.lower().replace("-", "_")


def silicon_set(network: str) -> SiliconSet:
    if network not in SILICON:
        raise AccelsimError(
            f"no silicon measurements for network '{network}' (measured: {', '.join(SILICON)})"
        )
    return SILICON[network]


def _read(name: str):
    import pandas as pd

    return pd.read_csv(DATA_DIR / name)


def silicon_frame(network: str):
    """Measured rows of a network, with accelsim's layer names in `layer` (chip label kept)."""
    frame = _read(silicon_set(network).file).rename(columns={"layer": "chip_layer"})
    frame.insert(0, "layer", frame["chip_layer"].map(layer_name))
    return frame


def silicon_batch(network: str) -> int:
    return silicon_set(network).batch


def chip_mapping_frame():
    """AlexNet's RS mapping on the chip (Table III), with accelsim layer names."""
    frame = _read("eyeriss_alexnet_mapping.csv").rename(columns={"layer": "chip_layer"})
    frame.insert(0, "layer", frame["chip_layer"].map(layer_name))
    return frame


def evaluate(network: Network, accelerator: Accelerator, options: dict) -> list[LayerResult]:
    from accelsim.models.analytical import MODEL as ANALYTICAL

    key = network.name.lower()
    chip = silicon_frame(key)
    batch = silicon_batch(key)
    measured = {row["layer"]: row for row in chip.to_dict("records")}
    fallback = {
        r.layer: r for r in ANALYTICAL.evaluate(network, accelerator, dict(ANALYTICAL.options))
    }
    results = []
    for layer in network.compute_layers:
        row = measured.pop(layer.name, None)
        if row is None:
            base = fallback[layer.name]
            results.append(
                replace(base, model=NAME, extra={"source": NOT_MEASURED, "power_w": math.nan})
            )
            continue
        chip_macs = float(row["macs_g"]) * 1e9 / batch
        if abs(chip_macs - layer.macs) > 0.03 * layer.macs:
            raise AccelsimError(
                f"silicon: layer '{layer.name}' has {layer.macs} MACs per image, the measured "
                f"layer {chip_macs:.4g}; the network is not the one measured"
            )
        latency = float(row["total_latency_ms"]) * 1e-3 / batch
        power = float(row["power_mw"]) * 1e-3
        words = 1e6 / (SILICON_BITS // 8) / batch  # MB of the batch -> words per image
        results.append(
            LayerResult(
                layer=layer.name,
                group=layer.group_label or layer.name,
                model=NAME,
                batch=batch,
                macs=layer.macs,
                nonzero_macs=layer.macs * (1.0 - float(row["ifmap_zeros_pct"]) / 100.0),
                energy_j=power * latency,
                latency_s=latency,
                active_pes=int(row["active_pes"]),
                glb_total=float(row["glb_accesses_mb"]) * words,
                dram_total=float(row["dram_accesses_mb"]) * words,
                extra={"source": "silicon", "power_w": power},
            )
        )
    if measured:
        raise AccelsimError(
            f"silicon: measured layer '{next(iter(measured))}' is not in network '{network.name}'"
        )
    return results


MODEL = Model(
    name=NAME,
    summary="Eyeriss chip measurements (JSSC 2017) for AlexNet and VGG-16 CONV layers",
    kinds=("spatial",),
    evaluate=evaluate,
)

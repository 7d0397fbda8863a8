"""Simulated vs measured vs analytical: the Eyeriss chip's CONV layers, error per layer.

Each CONV layer of AlexNet (batch 4) and VGG-16 (batch 3) is simulated with the chip's batch and
its measured ifmap zero fraction (Tables V/VI) as the layer's ifmap zero fraction; the analytical
model (CNNergy) sees the same layers. Compared per layer, for the whole batch: total latency, GLB
and DRAM accesses (MB = 10^6 bytes of 16-bit words), active PEs, and chip energy per image
(power x latency / batch, which excludes DRAM, against the models' energy without DRAM), and
the processing latency (the chip's latency with DRAM traffic hidden, against the simulated cycles
without the `dram` waits).
Errors are (model - measured) / measured.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

import pandas as pd

from accelsim.hardware import Accelerator, resolve_accelerator
from accelsim.models.silicon import silicon_batch, silicon_frame
from accelsim.workload.builtin import builtin_network
from accelsim.workload.layer import ConvLayer
from accelsim.workload.network import Network

if TYPE_CHECKING:
    from accelsim.engine.rs.result import RSLayerResult

SUMMARY_COLUMNS = (
    "layer",
    "mapping",
    "active_pes",
    "active_pes_chip",
    "latency_ms",
    "latency_ms_chip",
    "latency_err",
    "latency_ms_analytical",
    "latency_err_analytical",
    "glb_mb",
    "glb_mb_chip",
    "glb_err",
    "dram_mb",
    "dram_mb_chip",
    "dram_err",
)


def silicon_network(network: str) -> Network:
    """The built-in network with each measured CONV layer's ifmap zero fraction from the chip."""
    net = builtin_network(network)
    measured = silicon_frame(network).set_index("layer")["ifmap_zeros_pct"] / 100.0
    layers = []
    for layer in net.layers:
        if isinstance(layer, ConvLayer) and layer.name in measured.index:
            layer = replace(layer, ifmap_zero=float(measured[layer.name]), ifmap_zero_unpadded=None)
        layers.append(layer)
    return Network(net.name, net.input_shape, tuple(layers), net.input_zero)


def _err(model: pd.Series, measured: pd.Series) -> pd.Series:
    return (model - measured) / measured


def silicon_row(meas: pd.Series, res: RSLayerResult, config: Accelerator) -> dict:
    """One layer's simulated and measured figures (`meas`: a row of `silicon_frame`)."""
    word = config.hardware.word_bytes
    batch = res.batch
    return {
        "layer": meas["layer"],
        "chip_layer": meas["chip_layer"],
        "batch": batch,
        "mapping": str(res.mapping),
        "active_pes": res.active_pes,
        "active_pes_chip": int(meas["active_pes"]),
        "latency_ms": res.latency_s * 1e3,
        "latency_ms_chip": float(meas["total_latency_ms"]),
        "processing_latency_ms": (res.cycles - res.cycles_by_cause["dram"])
        / config.hardware.clock_hz
        * 1e3,
        "processing_latency_ms_chip": float(meas["processing_latency_ms"]),
        "glb_mb": res.glb_accesses * word / 1e6,
        "glb_mb_chip": float(meas["glb_accesses_mb"]),
        "dram_mb": res.dram_accesses * word / 1e6,
        "dram_mb_chip": float(meas["dram_accesses_mb"]),
        "energy_mj": (res.energy.total_j - res.energy.dram_j) * 1e3,
        "energy_mj_chip": float(meas["power_mw"]) * float(meas["total_latency_ms"]) / batch / 1e3,
        "macs_g": res.macs / 1e9,
        "macs_g_chip": float(meas["macs_g"]),
        "utilization": res.utilization,
        **{f"cycles_{k}": v for k, v in res.cycles_by_cause.items()},
    }


def with_errors(frame: pd.DataFrame) -> pd.DataFrame:
    """`frame` (rows of `silicon_row`) with the relative error of each measured quantity."""
    for key in ("latency_ms", "processing_latency_ms", "glb_mb", "dram_mb", "energy_mj"):
        short = key.rsplit("_", 1)[0]
        frame[f"{short}_err"] = _err(frame[key], frame[f"{key}_chip"])
    return frame


def compare_silicon(
    network: str,
    config: Accelerator | None = None,
    engine: str = "fast",
    analytical: bool = True,
) -> pd.DataFrame:
    """One row per measured CONV layer: simulated, measured and analytical figures and errors."""
    from accelsim.engine.rs.simulate import simulate_layer

    config = config or resolve_accelerator("eyeriss", 16)
    chip = silicon_frame(network)
    batch = silicon_batch(network)
    net = silicon_network(network)
    rows = []
    for _, meas in chip.iterrows():
        layer = net.layer(meas["layer"])
        res = simulate_layer(
            layer, config, batch=batch, engine=engine, first_layer=net.reads_image(layer)
        )
        rows.append(silicon_row(meas, res, config))
    frame = with_errors(pd.DataFrame(rows))
    if analytical:
        frame = _add_analytical(frame, net, config, batch)
    return frame


def _add_analytical(
    frame: pd.DataFrame, net: Network, config: Accelerator, batch: int
) -> pd.DataFrame:
    """CNNergy's latency (MACs / its assumed throughput), accesses and energy, for the batch."""
    from accelsim.api import run

    ana = run(net, config, "analytical").set_index("layer")
    word = config.hardware.word_bytes
    pick = ana.loc[frame["layer"]]
    frame["latency_ms_analytical"] = pick["latency_s"].to_numpy() * batch * 1e3
    frame["glb_mb_analytical"] = pick["glb_accesses"].to_numpy() * batch * word / 1e6
    frame["dram_mb_analytical"] = pick["dram_accesses"].to_numpy() * batch * word / 1e6
    frame["energy_mj_analytical"] = (pick["energy_j"] - pick["dram_j"]).to_numpy() * 1e3
    for key in ("latency_ms", "glb_mb", "dram_mb", "energy_mj"):
        short = key.split("_")[0]
        frame[f"{short}_err_analytical"] = _err(frame[f"{key}_analytical"], frame[f"{key}_chip"])
    return frame


MEASURED_NETWORKS = ("alexnet", "vgg16")


def compare_all(
    config: Accelerator | None = None,
    engine: str = "fast",
    networks: tuple[str, ...] = MEASURED_NETWORKS,
) -> pd.DataFrame:
    """The measured networks together, with a `network` column; the chip ran 16-bit data, so
    the accelerator must be a 16-bit spatial array."""
    from accelsim.errors import AccelsimError

    config = config or resolve_accelerator("eyeriss", 16)
    if config.kind != "spatial" or config.bits != 16:
        raise AccelsimError(
            f"validate silicon: the chip is a 16-bit spatial array; '{config.name}' is a "
            f"{config.bits}-bit {config.kind} array"
        )
    parts = []
    for network in networks:
        part = compare_silicon(network, config, engine)
        part.insert(0, "network", network)
        parts.append(part)
    return pd.concat(parts, ignore_index=True)

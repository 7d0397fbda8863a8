"""Per-layer client energy and latency for the partitioner, from any registered model.

`source` is a model name (`analytical`, `simulated`, `rs`, `systolic`, `silicon`, ...: see
`accelsim.models.registry`) or the path of a CSV with `layer,energy_j[,latency_s]`. The frame has
`layer`, `energy_j` (J per image), `latency_s` (NaN when unknown) and `source` (where each layer's
figure comes from: the silicon model flags layers the chip was not measured on), one row per
conv/FC layer, and `model` (the model that ran); pooling and concatenation cost nothing.
"""

from __future__ import annotations

import math
from typing import Any

import pandas as pd

from accelsim.errors import AccelsimError
from accelsim.hardware.accelerator import Accelerator
from accelsim.workload.network import Network

COLUMNS = ["layer", "energy_j", "latency_s", "source", "model"]


def layer_energies(
    network: Network, config: Accelerator, source: str = "analytical", **options: Any
) -> pd.DataFrame:
    """Per-layer client energy (J per image) and latency (s) of `network` by the model `source`."""
    from accelsim.api import evaluate

    rows = []
    for result in evaluate(network, config, source, **options):
        energy = result.energy_j
        if not (math.isfinite(energy) and energy >= 0):
            raise AccelsimError(
                f"{source}: layer '{result.layer}': energy_j must be a non-negative number, "
                f"got {energy}"
            )
        origin = result.extra.get("source", result.model)
        rows.append((result.layer, float(energy), float(result.latency_s), origin, result.model))
    return pd.DataFrame(rows, columns=COLUMNS)

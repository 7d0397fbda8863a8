"""The Eyeriss chip's published measurements (JSSC 2017, Tables III, V, VI), shipped in the package.

`silicon_frame("alexnet" | "vgg16")` gives one row per CONV layer with accelsim's layer name in
`layer`; `silicon_batch` the batch the chip ran; `chip_mapping_frame()` the AlexNet mapping table.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from accelsim.errors import AccelsimError


@dataclass(frozen=True)
class SiliconSet:
    network: str
    file: str
    batch: int


DATA_DIR = Path(__file__).resolve().parent / "data"

SILICON = {
    "alexnet": SiliconSet("alexnet", "eyeriss_alexnet.csv", 4),
    "vgg16": SiliconSet("vgg16", "eyeriss_vgg16.csv", 3),
}


def _read(name: str) -> pd.DataFrame:
    return pd.read_csv(DATA_DIR / name)


def layer_name(chip_name: str) -> str:
    """The chip's layer label as accelsim names it: CONV1 -> conv1, CONV1-2 -> conv1_2."""
    return chip_name.lower().replace("-", "_")


def silicon_set(network: str) -> SiliconSet:
    if network not in SILICON:
        raise AccelsimError(f"no silicon data for network '{network}' (have: {', '.join(SILICON)})")
    return SILICON[network]


def silicon_frame(network: str) -> pd.DataFrame:
    """Measured rows of a network, with `layer` renamed to accelsim's names (chip label kept)."""
    spec = silicon_set(network)
    frame = _read(spec.file).rename(columns={"layer": "chip_layer"})
    frame.insert(0, "layer", frame["chip_layer"].map(layer_name))
    return frame


def silicon_batch(network: str) -> int:
    return silicon_set(network).batch


def chip_mapping_frame() -> pd.DataFrame:
    """AlexNet's RS mapping on the chip (Table III), with accelsim layer names."""
    frame = _read("eyeriss_alexnet_mapping.csv").rename(columns={"layer": "chip_layer"})
    frame.insert(0, "layer", frame["chip_layer"].map(layer_name))
    return frame

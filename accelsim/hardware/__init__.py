"""Hardware description: an accelerator is one array (spatial or systolic), its energy table and
its feature-map coding; presets and files."""

from accelsim.hardware.accelerator import ARRAY_KINDS, DATAFLOW_KIND, Accelerator
from accelsim.hardware.config import (
    accelerator_from_dict,
    accelerator_text,
    accelerator_to_dict,
    load_accelerator,
    resolve_accelerator,
    save_accelerator,
)
from accelsim.hardware.energy import EnergyTable
from accelsim.hardware.presets import PRESETS, preset
from accelsim.hardware.spatial import SpatialArray
from accelsim.hardware.systolic import SystolicArray

__all__ = [
    "ARRAY_KINDS",
    "DATAFLOW_KIND",
    "PRESETS",
    "Accelerator",
    "EnergyTable",
    "SpatialArray",
    "SystolicArray",
    "accelerator_from_dict",
    "accelerator_text",
    "accelerator_to_dict",
    "load_accelerator",
    "preset",
    "resolve_accelerator",
    "save_accelerator",
]

"""Hardware description: the accelerator (array, buffers, buses, clocks) and its energy table."""

from accelsim.hardware.accelerator import Accelerator
from accelsim.hardware.config import AcceleratorConfig, load_config, resolve_config, save_config
from accelsim.hardware.energy import EnergyTable

__all__ = [
    "Accelerator",
    "AcceleratorConfig",
    "EnergyTable",
    "load_config",
    "resolve_config",
    "save_config",
]

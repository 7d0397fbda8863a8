"""Systolic-array engine: SCALE-Sim-compatible and double-buffered memory models (see engine)."""

from accelsim.engine.systolic.engine import (
    MEMORY_MODELS,
    SystolicLayerResult,
    network_frame,
    simulate_layer,
    simulate_network,
)

__all__ = [
    "MEMORY_MODELS",
    "SystolicLayerResult",
    "network_frame",
    "simulate_layer",
    "simulate_network",
]

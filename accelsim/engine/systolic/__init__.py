"""Systolic-array engine: SCALE-Sim-compatible and double-buffered memory models (see engine)."""

from accelsim.engine.systolic.engine import (
    MEMORY_MODELS,
    SystolicLayerResult,
    layer_result,
    simulate_layer,
    simulate_network,
)

__all__ = [
    "MEMORY_MODELS",
    "SystolicLayerResult",
    "layer_result",
    "simulate_layer",
    "simulate_network",
]

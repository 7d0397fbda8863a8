"""Cycle-level simulator of a spatial PE array running the row-stationary dataflow.

`simulate_layer` / `simulate_network` are the entry points; `fast` (numba, pass by pass) and
`trace` (cycle by cycle, PE by PE, bus by bus) engines give identical integer results;
`layer_result` turns a result into the contract every model fills (model `rs`).
"""

from accelsim.engine.rs.plan import CYCLE_CAUSES
from accelsim.engine.rs.result import RSLayerResult
from accelsim.engine.rs.run import ENGINES
from accelsim.engine.rs.simulate import layer_result, simulate_layer, simulate_network

__all__ = [
    "CYCLE_CAUSES",
    "ENGINES",
    "RSLayerResult",
    "layer_result",
    "simulate_layer",
    "simulate_network",
]

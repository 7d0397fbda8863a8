"""Cycle-level simulator of an Eyeriss PE array running the row-stationary dataflow.

`simulate_layer` and `network_frame` are the entry points; `fast` (numba, pass by pass) and
`trace` (cycle by cycle, PE by PE, bus by bus) engines give identical integer results.
"""

from accelsim.engine.rs.plan import CYCLE_CAUSES
from accelsim.engine.rs.result import RSLayerResult
from accelsim.engine.rs.simulate import ENGINES, network_frame, simulate_layer

__all__ = ["CYCLE_CAUSES", "ENGINES", "RSLayerResult", "network_frame", "simulate_layer"]

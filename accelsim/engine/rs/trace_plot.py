"""Per-cycle activity of one simulated layer (busy PEs, buses, DRAM link), drawn over time."""

from __future__ import annotations

from accelsim.errors import AccelsimError
from accelsim.hardware.accelerator import Accelerator
from accelsim.workload.network import Network


def save_trace_plot(
    network: Network, accelerator: Accelerator, mapping: str, batch: int, layer: str, path: str
) -> None:
    """Replay `layer` (already mapped: `mapping` text, `batch` images) cycle by cycle with the
    trace engine, recording activity, and save the plot."""
    from accelsim.calibration.effective import applied
    from accelsim.engine.rs.plan import make_plan
    from accelsim.engine.rs.plots import plot_trace
    from accelsim.engine.rs.run import check_trace
    from accelsim.engine.rs.trace import simulate_trace
    from dataflows.row_stationary import parse_mapping

    target = network.layer(layer)
    if target not in network.compute_layers:
        raise AccelsimError(f"--trace-layer: '{layer}' is not a conv/FC layer")
    mp = parse_mapping(mapping)
    accelerator = applied(accelerator)
    plan = make_plan(
        target, accelerator.hardware, mp, batch, network.reads_image(target), accelerator.rlc
    )
    try:
        check_trace(plan)  # before recording a cycle: a layer beyond the trace's limit is refused
    except AccelsimError as exc:
        raise AccelsimError(f"layer '{layer}': {exc}") from None
    run = simulate_trace(plan, record=True)
    plot_trace(
        run.activity,
        accelerator.hardware,
        f"{network.name} {layer}: {mp} (batch {batch}, {run.total} cycles)",
        path,
    )

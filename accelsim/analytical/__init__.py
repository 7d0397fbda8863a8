"""Analytical energy models: CNNergy (NeuPart, TVLSI 2020)."""

from accelsim.analytical.cnnergy import (
    CnnergyLayer,
    Schedule,
    evaluate_layer,
    evaluate_network,
    network_frame,
)

__all__ = ["CnnergyLayer", "Schedule", "evaluate_layer", "evaluate_network", "network_frame"]

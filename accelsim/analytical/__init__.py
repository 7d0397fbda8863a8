"""Analytical energy models: CNNergy (NeuPart, TVLSI 2020). Its results reach users through the
`analytical` model (`accelsim.models.analytical`)."""

from accelsim.analytical.cnnergy import (
    MACS_PER_S,
    CnnergyLayer,
    Schedule,
    evaluate_layer,
    evaluate_network,
)

__all__ = ["MACS_PER_S", "CnnergyLayer", "Schedule", "evaluate_layer", "evaluate_network"]

"""NeuPart-style partitioning of a CNN between a mobile client and the cloud.

`cut_points` finds where one tensor carries everything the rest of the network needs;
`partition_model` precomputes the client's energy and the bits to send at each cut from an energy
source; `PartitionModel.decide` picks the best cut for a bit rate and transmit power; `sweep`
maps it over ranges of both.
"""

from accelsim.partition.bits import (
    DEFAULT_INPUT_BITS,
    PAPER_POINTS,
    OperatingPoint,
    formula_bits,
    image_file_bits,
    implied_input_bits,
    tensor_zero_fraction,
)
from accelsim.partition.cuts import CutPoint, cut_points
from accelsim.partition.energy import layer_energies
from accelsim.partition.model import Decision, PartitionModel, best_cut_index, partition_model
from accelsim.partition.sweep import (
    best_cut_intervals,
    bitrate_intervals,
    linear_range,
    log_range,
    sweep,
)

__all__ = [
    "DEFAULT_INPUT_BITS",
    "PAPER_POINTS",
    "CutPoint",
    "Decision",
    "OperatingPoint",
    "PartitionModel",
    "best_cut_index",
    "best_cut_intervals",
    "bitrate_intervals",
    "cut_points",
    "formula_bits",
    "image_file_bits",
    "implied_input_bits",
    "layer_energies",
    "linear_range",
    "log_range",
    "partition_model",
    "sweep",
    "tensor_zero_fraction",
]

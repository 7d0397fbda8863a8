"""NeuPart-style partitioning of a CNN between a mobile client and the cloud.

`cut_points` lists the cuts of a network (prefixes of its topological order) and the set of
tensors each one sends; `partition_model` precomputes the client's energy and the bits to send at each cut from an energy
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
from accelsim.partition.cuts import CUT_CHOICES, CutPoint, TensorSpan, cut_points, tensor_spans
from accelsim.partition.energy import layer_energies
from accelsim.partition.model import (
    OUTPUT_CHOICES,
    Decision,
    PartitionModel,
    best_cut_index,
    partition_model,
)
from accelsim.partition.sweep import (
    best_cut_intervals,
    bitrate_intervals,
    linear_range,
    log_range,
    sweep,
)

__all__ = [
    "CUT_CHOICES",
    "OUTPUT_CHOICES",
    "DEFAULT_INPUT_BITS",
    "PAPER_POINTS",
    "CutPoint",
    "Decision",
    "OperatingPoint",
    "PartitionModel",
    "TensorSpan",
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
    "tensor_spans",
    "tensor_zero_fraction",
]

"""Bits the client sends at a cut: the RLC-coded tensor, the compressed image, or the result.

- An intermediate tensor: its RLC-coded size at the accelerator's width (`rlc_size.rlc_words`, one
  pair per non-zero value) at the tensor's zero fraction, or, from a user's real activations, the
  exact size the codec produces (`accelsim.coding.rlc.coded_bits`).
- The image (a fully cloud run): a compressed file's size: given in bits, or a file's size x 8, or
  `DEFAULT_INPUT_BITS`, which is derived (not quoted) from the NeuPart paper's two published AlexNet
  operating points by `implied_input_bits`.
- A network output (a layer nobody reads): by default its result, `result_bits` per output
  (default 0: a class label is negligible next to any feature map); or, with
  `outputs="tensors"`, the coded tensor like any other.

A cut sends a set of tensors (`accelsim.partition.cuts`); its bits are the sum over the set.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from accelsim.coding.rlc_size import RlcFormat, as_format, rlc_words
from accelsim.errors import AccelsimError
from accelsim.workload.layer import ConvLayer
from accelsim.workload.network import INPUT, Network


@dataclass(frozen=True)
class OperatingPoint:
    """A published result: at `bitrate_bps` and `ptx_w` the best cut saves these client fractions."""

    bitrate_bps: float
    ptx_w: float
    saving_vs_cloud: float
    saving_vs_local: float


PAPER_POINTS = (
    OperatingPoint(80e6, 0.78, 0.524, 0.273),  # NeuPart, IEEE TVLSI 28(8) 2020, AlexNet
    OperatingPoint(60e6, 0.50, 0.474, 0.313),  # the paper's earlier version, AlexNet
)
"""The paper's AlexNet operating points that `DEFAULT_INPUT_BITS` is solved from."""


def implied_input_bits(local_energy_j: float, point: OperatingPoint) -> float:
    """Image size that makes a published operating point consistent with an in-situ energy.

    At the best cut, E_best = (1 - s_cloud) * E_cloud with E_cloud = P_tx * I / B_e, and
    E_best = (1 - s_local) * E_local. Eliminating E_best:
    I = B_e * E_local * (1 - s_local) / (P_tx * (1 - s_cloud)).
    """
    if not local_energy_j > 0:
        raise AccelsimError(f"in-situ energy must be positive, got {local_energy_j}")
    return (
        point.bitrate_bps
        * local_energy_j
        * (1.0 - point.saving_vs_local)
        / (point.ptx_w * (1.0 - point.saving_vs_cloud))
    )


DEFAULT_INPUT_BITS = 1.14e6
"""Image size for a fully cloud run, derived: `implied_input_bits` with the analytical in-situ energy
of AlexNet at 8 bit (7.274 mJ) gives 1.1395 Mbit at 80 Mbps / 0.78 W and 1.1403 Mbit at
60 Mbps / 0.5 W; both round to 1.14 Mbit (docs/partition.md; checked by the tests)."""


def image_file_bits(path: str | os.PathLike[str]) -> int:
    """Bits of a compressed image file as sent (its size in bytes x 8)."""
    p = Path(path)
    if not p.exists():
        raise AccelsimError(f"input image '{p}' does not exist")
    if not p.is_file():
        raise AccelsimError(f"input image '{p}' is not a file")
    size = p.stat().st_size
    if size == 0:
        raise AccelsimError(f"input image '{p}' is empty")
    return size * 8


def tensor_zero_fraction(network: Network, name: str) -> float:
    """Zero fraction of the tensor `name` (a layer's output, or `"input"`).

    The statistic the energy model uses for the same data: the unpadded input zero fraction of the
    first convolution that reads the tensor alone (given, or derived from its padded fraction);
    the producer's `ofmap_zero` when no convolution reads it directly (e.g. before a pooling
    layer, or the final output); `network.input_zero` for the image.
    """
    for layer in network.layers:
        if isinstance(layer, ConvLayer) and layer.inputs == (name,):
            return layer.unpadded_ifmap_zero
    if name == INPUT:
        return network.input_zero
    return float(getattr(network.layer(name), "ofmap_zero", 0.0))


def zero_fractions(network: Network) -> dict[str, float]:
    """`tensor_zero_fraction` of every tensor (the image and each layer's output), in one pass."""
    by_reader: dict[str, float] = {}
    for layer in network.layers:
        if isinstance(layer, ConvLayer) and len(layer.inputs) == 1:
            by_reader.setdefault(layer.inputs[0], layer.unpadded_ifmap_zero)
    out = {INPUT: by_reader.get(INPUT, network.input_zero)}
    for layer in network.layers:
        out[layer.name] = by_reader.get(layer.name, float(getattr(layer, "ofmap_zero", 0.0)))
    return out


def formula_bits(values: int, zero_fraction: float, fmt: RlcFormat | int) -> int:
    """RLC-coded size in bits of `values` values at a zero fraction (one pair per non-zero), in
    the accelerator's format (a bit width: the chip's format at it)."""
    fmt = as_format(fmt)
    return rlc_words(values, zero_fraction, fmt) * fmt.value_bits

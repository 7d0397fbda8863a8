"""Cut points of a network: tensors that carry everything the rest of the network needs.

A cut at tensor t runs the ancestors of t (t's producer included) on the client and sends t. It is a
valid cut when no layer outside that set reads any other tensor of the client side (the image
included): every edge from the client side to the rest leaves from t. This is derived from the DAG
alone (`Network.layers` and their `inputs`), so it holds for any network: on a chain every layer
output is a cut; in an inception or fire module the branch outputs are not (the rest also needs
the other branches), while the joined output and a tensor that feeds all branches are.
"""

from __future__ import annotations

from dataclasses import dataclass

from accelsim.errors import AccelsimError
from accelsim.workload.layer import TensorShape
from accelsim.workload.network import INPUT, Network


@dataclass(frozen=True)
class CutPoint:
    """Send tensor `name` (`"input"` = the image) after running `client_layers` on the client."""

    name: str
    client_layers: tuple[str, ...]
    shape: TensorShape

    @property
    def values(self) -> int:
        return self.shape.size


def _ancestor_masks(network: Network, position: dict[str, int]) -> dict[str, int]:
    """Bit mask of each layer's ancestors (itself included); bit i is `network.layers[i]`."""
    masks: dict[str, int] = {INPUT: 0}
    for layer in network.layers:
        mask = 1 << position[layer.name]
        for src in layer.inputs:
            mask |= masks[src]
        masks[layer.name] = mask
    return masks


def _is_cut(network: Network, tensor: str, client: int, position: dict[str, int]) -> bool:
    """True when every layer off the client side reads only `tensor` or off-client tensors."""
    for layer in network.layers:
        if client >> position[layer.name] & 1:
            continue
        for src in layer.inputs:
            if src == tensor:
                continue
            if src == INPUT or client >> position[src] & 1:
                return False
    return True


def cut_points(network: Network) -> tuple[CutPoint, ...]:
    """Every valid cut, in topological order: the image first, the final output last."""
    if network.is_layer_list:
        raise AccelsimError(
            f"network '{network.name}' is a layer list without connectivity; partitioning needs "
            "a connected network (a built-in, or a .json/.toml/.yaml network file)"
        )
    layers = network.layers
    position = {layer.name: i for i, layer in enumerate(layers)}
    masks = _ancestor_masks(network, position)
    cuts = [CutPoint(INPUT, (), network.shape_of(INPUT))]
    for layer in layers:
        client = masks[layer.name]
        if _is_cut(network, layer.name, client, position):
            names = tuple(other.name for other in layers if client >> position[other.name] & 1)
            cuts.append(CutPoint(layer.name, names, network.shape_of(layer.name)))
    return tuple(cuts)

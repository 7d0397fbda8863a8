"""Cut points of a network: tensors that carry everything the rest of the network needs.

A cut at tensor t runs the ancestors of t (t's producer included) on the client and sends t. It is a
valid cut when no layer outside that set reads any other tensor of the client side (the image
included): every edge from the client side to the rest leaves from t. This is derived from the DAG
alone (`Network.layers` and their `inputs`), so it holds for any network: on a chain every layer
output is a cut; in an inception or fire module the branch outputs are not (the rest also needs
the other branches), while the joined output and a tensor that feeds all branches are.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from accelsim.errors import AccelsimError
from accelsim.workload.layer import TensorShape
from accelsim.workload.network import INPUT, Network


@dataclass(frozen=True)
class CutPoint:
    """Send tensor `name` (`"input"` = the image) after running the first `client_count` layers
    of `order` (the network's topological order) on the client."""

    name: str
    client_count: int
    shape: TensorShape
    order: tuple[str, ...] = field(repr=False, compare=False, default=())

    @property
    def client_layers(self) -> tuple[str, ...]:
        """The layers run on the client, in topological order."""
        return self.order[: self.client_count]

    @property
    def values(self) -> int:
        return self.shape.size


def cut_positions(network: Network) -> list[int]:
    """Positions (in `network.layers`) of the layers whose output is a valid cut, in O(edges).

    The client side of a valid cut at layer i is exactly the layers 0..i: a layer before i that is
    not an ancestor of i would be off the client yet read only client tensors (every layer has
    an input, the earliest such one reads the client side). So layer i is a cut when (a) no edge
    jumps over it (an edge from s < i, or from the image, to d > i would leave the client from
    another tensor) and (b) every layer before it has a consumer (then, by induction from i
    downwards, each is an ancestor of i).
    """
    layers = network.layers
    position = {layer.name: i for i, layer in enumerate(layers)}
    n = len(layers)
    over = [0] * (n + 1)  # difference array: edges jumping over each position
    consumed = [False] * n
    for d, layer in enumerate(layers):
        for src in layer.inputs:
            s = -1 if src == INPUT else position[src]
            if s >= 0:
                consumed[s] = True
            if s + 1 < d:
                over[s + 1] += 1
                over[d] -= 1
    out = []
    jumping = 0
    for i in range(n):
        jumping += over[i]
        if jumping == 0:
            out.append(i)
        if not consumed[i]:  # a dead end: no later layer can have every earlier one upstream
            break
    return out


def cut_points(network: Network) -> tuple[CutPoint, ...]:
    """Every valid cut, in topological order: the image first, the final output last."""
    if network.is_layer_list:
        raise AccelsimError(
            f"network '{network.name}' is a layer list without connectivity; partitioning needs "
            "a connected network (a built-in, or a .json/.toml/.yaml network file)"
        )
    order = tuple(layer.name for layer in network.layers)
    cuts = [CutPoint(INPUT, 0, network.shape_of(INPUT), order)]
    for i in cut_positions(network):
        cuts.append(CutPoint(order[i], i + 1, network.shape_of(order[i]), order))
    return tuple(cuts)

"""The work of the layers without MACs: ALU operations and the words they move.

Every pooling, concatenation, element-wise, activation, reshape and slice layer of a network gets a
`NonMacWork` record, so that no layer is costed at zero silently: the models either cost this work
(`accelsim.energy.non_mac`, `non_mac="costed"`) or list the layer as free with the record's reason
(the default, `non_mac="free"`, which keeps CNNergy's convention that only conv/FC layers cost
energy). The rules, per image (docs/layers.md):

- **Views** move nothing: a concatenation (its producers write their channels into place), a
  channel slice (read at an offset), a flatten or reshape (the same words, another shape).
- **Fused** activations apply at their producer's output stage (as Eyeriss applies ReLU before
  RLC-coding its ofmap): ALU operations only. An activation is fused when it reads a conv, FC or
  element-wise layer that has no other consumer.
- Everything else reads its inputs and writes its output: pooling (window - 1 comparisons or
  additions per output word, plus one scaling multiply for an average), element-wise ops (inputs - 1
  operations per output word), activations that are not fused, transposes and channel shuffles (a
  permuting copy, no ALU operations).

`ALU_OPS_PER_WORD` is an assumption (piecewise-linear or table-lookup implementations), named so
that it can be replaced; no measured chip reports these layers.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from accelsim.workload.layer import ConcatLayer, ConvLayer, PoolLayer
from accelsim.workload.network import AnyLayer, Network
from accelsim.workload.tensor_ops import ActivationLayer, EltwiseLayer, ReshapeLayer, SliceLayer

ALU_OPS_PER_WORD = {
    "relu": 1,
    "relu6": 2,
    "clip": 2,
    "leaky_relu": 2,
    "sigmoid": 4,
    "hard_sigmoid": 3,
    "hard_swish": 4,
    "swish": 5,
    "tanh": 4,
    "gelu": 8,
    "affine": 2,
    "softmax": 4,
}
"""ALU operations per output word of each activation (an assumption: a compare for relu, two
for a clip, a multiply and add for an affine map, a table lookup and a few arithmetic operations for
the smooth functions)."""


@dataclass(frozen=True)
class NonMacWork:
    """What one layer without MACs does for one image."""

    layer: str
    group: str
    kind: str
    op: str
    input_words: int
    output_words: int
    alu_ops: int
    moves_data: bool
    fused_into: str = ""

    @property
    def reason(self) -> str:
        """Why the layer moves no data, or what it moves."""
        if self.fused_into:
            return f"fused into '{self.fused_into}' (ALU operations only)"
        if not self.moves_data:
            return "a view: no data moves"
        return "reads its inputs and writes its output"


def _consumers(network: Network) -> Counter[str]:
    counts: Counter[str] = Counter()
    for layer in network.layers:
        counts.update(set(layer.inputs))
    return counts


def _input_words(network: Network, layer: AnyLayer) -> int:
    return sum(network.shape_of(src).size for src in layer.inputs)


def layer_work(network: Network, layer: AnyLayer, consumers: Counter[str]) -> NonMacWork:
    """The work of one non-MAC layer of `network` (`consumers`: readers per tensor)."""
    out = layer.output_shape.size
    group = layer.group_label or layer.name
    if isinstance(layer, PoolLayer):
        window = layer.size * layer.size
        ops = out * (window - 1) + (out if layer.mode == "avg" else 0)
        return NonMacWork(
            layer.name, group, "pool", layer.mode, layer.input_shape.size, out, ops, True
        )
    if isinstance(layer, ConcatLayer):
        return NonMacWork(layer.name, group, "concat", "concat", out, out, 0, False)
    if isinstance(layer, SliceLayer):
        return NonMacWork(layer.name, group, "slice", "slice", out, out, 0, False)
    if isinstance(layer, ReshapeLayer):
        return NonMacWork(layer.name, group, "reshape", layer.op, out, out, 0, layer.moves_data)
    if isinstance(layer, EltwiseLayer):
        ops = out * (len(layer.inputs) - 1)
        return NonMacWork(
            layer.name, group, "eltwise", layer.op, _input_words(network, layer), out, ops, True
        )
    assert isinstance(layer, ActivationLayer)
    ops = out * ALU_OPS_PER_WORD[layer.function]
    (src,) = layer.inputs
    producer = None if src == "input" else network.layer(src)
    fused = isinstance(producer, ConvLayer | EltwiseLayer) and consumers[src] == 1
    return NonMacWork(
        layer.name,
        group,
        "activation",
        layer.function,
        out,
        out,
        ops,
        not fused,
        src if fused else "",
    )


def non_mac_work(network: Network) -> tuple[NonMacWork, ...]:
    """The work of every layer without MACs, in network order."""
    consumers = _consumers(network)
    return tuple(
        layer_work(network, layer, consumers)
        for layer in network.layers
        if not isinstance(layer, ConvLayer)
    )

"""Cut points of a network: prefixes of its topological order, and the tensors each one sends.

Cut k runs the first k layers of `Network.layers` (a topological order) on the client and the rest
in the cloud. It sends every tensor the client produced that the cloud still needs: every tensor
produced by a client layer (the image counts as produced before the first layer) and read by a
cloud layer, plus every network output (a layer nobody reads) already produced. Cut 0 sends the
image (fully cloud); cut n (all n layers on the client, fully in-situ) sends every network output.

A tensor produced at position p (the image at -1) whose last reader is at position r crosses the
cuts p + 1 .. r, an output the cuts p + 1 .. n: one interval per tensor, found from the DAG
(`layer.inputs`) in O(edges), whatever the layer types. On a chain every cut sends one tensor; in a
branch or a residual block a cut inside sends every branch's tensor in flight, and the block's
input while a later layer still reads it.

`cuts="all"` (the default) offers every prefix. `cuts="single"` keeps the cuts that send a single
tensor still to be processed (network outputs already produced ride along) plus the last cut: for
a network whose layers all lead to the final output these are exactly the output's dominators.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import NamedTuple

from accelsim.errors import AccelsimError
from accelsim.workload.network import INPUT, Network

CUT_CHOICES = ("all", "single")
"""Which cuts `cut_points` offers: every prefix of the topological order, or the single-tensor ones."""


class TensorSpan(NamedTuple):
    """A tensor (`"input"` = the image, else its producer's name) and the cuts it crosses:
    `first` .. `last` (cut k runs the first k layers). `output`: no layer reads it.

    A named tuple, not a dataclass: a network has one per layer, and long chains have 10^5."""

    name: str
    first: int
    last: int
    output: bool


@dataclass(frozen=True)
class CutPoint:
    """Run the first `client_count` layers of `order` on the client and send `tensors`."""

    tensors: tuple[str, ...]
    client_count: int
    order: tuple[str, ...] = field(repr=False, compare=False, default=())

    @property
    def name(self) -> str:
        """The tensors sent, joined by '+' (one tensor: its name)."""
        return "+".join(self.tensors)

    @property
    def client_layers(self) -> tuple[str, ...]:
        """The layers run on the client, in topological order."""
        return self.order[: self.client_count]

    @property
    def after(self) -> str:
        """The last layer run on the client (`"input"` when none is)."""
        return self.order[self.client_count - 1] if self.client_count else INPUT


def tensor_spans(network: Network) -> tuple[TensorSpan, ...]:
    """Every tensor (the image first, then each layer's output in order) and the cuts it crosses,
    in O(edges)."""
    if network.is_layer_list:
        raise AccelsimError(
            f"network '{network.name}' is a layer list without connectivity; partitioning needs "
            "a connected network (a built-in, or a .json/.toml/.yaml network file)"
        )
    layers = network.layers
    n = len(layers)
    last_reader = {INPUT: -1}
    for position, layer in enumerate(layers):
        last_reader[layer.name] = -1
        for src in layer.inputs:
            last_reader[src] = position  # positions increase: the last write is the last reader
    spans = [TensorSpan(INPUT, 0, last_reader[INPUT], False)]
    for position, layer in enumerate(layers):
        reader = last_reader[layer.name]
        output = reader < 0
        spans.append(TensorSpan(layer.name, position + 1, n if output else reader, output))
    return tuple(spans)


def crossing_sets(spans: tuple[TensorSpan, ...], n: int) -> Iterator[tuple[str, ...]]:
    """The tensors crossing cut k for k = 0 .. n, each in production order; O(spans + output)."""
    ending: list[list[str]] = [[] for _ in range(n + 1)]
    for span in spans:
        ending[span.last].append(span.name)
    active: dict[str, None] = {}
    starts = iter(spans)
    pending = next(starts, None)
    for k in range(n + 1):
        while pending is not None and pending.first == k:
            active[pending.name] = None
            pending = next(starts, None)
        yield tuple(active)
        for name in ending[k]:
            del active[name]


def cut_points(network: Network, cuts: str = "all") -> tuple[CutPoint, ...]:
    """The cuts offered (`CUT_CHOICES`), in topological order: the image first, the outputs last."""
    return cut_points_of(network, tensor_spans(network), cuts)


def cut_sets(
    spans: tuple[TensorSpan, ...], n: int, cuts: str = "all"
) -> list[tuple[int, tuple[str, ...]]]:
    """(k, tensors sent) of every cut offered (`CUT_CHOICES`), from the network's `tensor_spans`
    (`n` layers)."""
    if cuts not in CUT_CHOICES:
        raise AccelsimError(f"cuts must be one of {', '.join(CUT_CHOICES)}, got {cuts!r}")
    if cuts == "all":
        return list(enumerate(crossing_sets(spans, n)))
    outputs = {span.name for span in spans if span.output}
    return [
        (k, tensors)
        for k, tensors in enumerate(crossing_sets(spans, n))
        if k == n or sum(1 for name in tensors if name not in outputs) == 1
    ]


def cut_points_of(
    network: Network, spans: tuple[TensorSpan, ...], cuts: str = "all"
) -> tuple[CutPoint, ...]:
    """`cut_points` from the network's `tensor_spans`."""
    order = tuple(layer.name for layer in network.layers)
    return tuple(CutPoint(tensors, k, order) for k, tensors in cut_sets(spans, len(order), cuts))

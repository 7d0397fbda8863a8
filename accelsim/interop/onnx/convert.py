"""An inferred ONNX graph as a `Network`: the walk over the nodes and the tensors it tracks.

Every tensor of the graph is either a constant (`Const`: an initializer, a Constant node, the
shape of a tensor, or a node all of whose inputs are constants, folded by the ONNX reference
evaluator when small, `folding`) or an activation (`Act`: a tensor computed from the image). An activation
is produced by one layer of the network, or is a *view* of one: a chain of layout operators
(Reshape, Flatten, Transpose, Squeeze, Unsqueeze, Identity, Dropout) is not a layer by itself;
when a real operator reads the view, the chain becomes one `ReshapeLayer` (none when the words
neither moved nor changed shape). Each activation records its ONNX dimensions (batch first) and
its channel axis, so a tensor permuted to channels-last keeps its channels: C x H x W in the
network whatever the layout. The operator handlers are the table of `accelsim.interop.onnx.ops`.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from accelsim.errors import AccelsimError
from accelsim.files.reading import short_repr
from accelsim.interop.onnx.reading import OnnxGraph
from accelsim.workload.layer import MAX_NAME_CHARS, TensorShape
from accelsim.workload.network import INPUT, Network, NetworkBuilder

if TYPE_CHECKING:
    import numpy as np


@dataclass(frozen=True)
class Const:
    """A tensor known before the image: its value when computed (None: not read or too large)."""

    value: np.ndarray | None
    dims: tuple[int, ...] | None


@dataclass(frozen=True)
class Act:
    """A tensor computed from the image: the layer that produces it (or, for a view, the layer
    whose words it views), its ONNX dimensions and channel axis."""

    layer: str
    dims: tuple[int, ...]
    axis: int
    base: Act | None = None
    """For a view: the produced tensor it views."""
    moved: bool = False
    """For a view: True when a transpose on the way moved words."""
    via: str = ""
    """For a view: the node that made it (the name of its layer when one is needed)."""
    foldable: bool = False
    """Produced by a conv or FC layer as its direct output: a bias, scale or batch
    normalisation after it folds into its weights."""

    @property
    def shape(self) -> TensorShape:
        return canonical(self.dims, self.axis)


def canonical(dims: tuple[int, ...], axis: int) -> TensorShape:
    """The C x H x W of ONNX dimensions: C on `axis`, H and W the other non-batch dimensions in
    order (a third one is folded into W, none is 1)."""
    rest = [d for i, d in enumerate(dims) if i not in (0, axis)]
    c = dims[axis]
    h = rest[0] if rest else 1
    w = math.prod(rest[1:]) if len(rest) > 1 else 1
    if c * h * w != math.prod(dims):
        raise AccelsimError(
            f"tensor of dimensions {list(dims)} has a batch of {dims[0]}; accelsim models one "
            "image (a batch of 1)"
        )
    return TensorShape(c, h, w)


def moves_words(dims: tuple[int, ...], perm: tuple[int, ...]) -> bool:
    """True when the permutation reorders dimensions larger than 1 (words move in memory)."""
    order = [p for p in perm if dims[p] > 1]
    return order != sorted(order)


def follow_axis(old: tuple[int, ...], axis: int, new: tuple[int, ...]) -> int:
    """The channel axis after a reshape: the dimension of the same size that starts at the same
    word offset; else axis 1 (0 for a vector)."""
    before = math.prod(old[:axis])
    for j, d in enumerate(new):
        if d == old[axis] and math.prod(new[:j]) == before:
            return j
    return 1 if len(new) > 1 else 0


@dataclass
class Converter:
    """The state of one walk: tensors by name, the network built so far, names used."""

    graph: OnnxGraph
    name: str
    allow_unknown: bool = False
    env: dict[str, Act | Const] = field(default_factory=dict)
    consumers: dict[str, list[Any]] = field(default_factory=dict)
    outputs: set[str] = field(default_factory=set)
    done: set[int] = field(default_factory=set)
    """`id` of the nodes already placed by a handler of an earlier node (a fused Mul)."""
    passed: list[tuple[str, str]] = field(default_factory=list)
    used: set[str] = field(default_factory=lambda: {INPUT})
    builder: NetworkBuilder = field(init=False)

    def __post_init__(self) -> None:
        g = self.graph
        shape = canonical(g.image_dims, 1)
        self.builder = NetworkBuilder(self.name, shape)
        self.env[g.image] = Act(INPUT, g.image_dims, 1)
        for tname in g.initializers:
            if tname != g.image:
                self.env[tname] = Const(None, g.dims.get(tname))
        self.outputs = {o.name for o in g.model.graph.output}
        for node in g.model.graph.node:
            for tname in node.input:
                self.consumers.setdefault(tname, []).append(node)

    # Tensors -----------------------------------------------------------------------------------
    def dims(self, tname: str) -> tuple[int, ...]:
        got = self.graph.dims.get(tname)
        if got is None:
            raise AccelsimError(
                f"the shape of tensor {short_repr(tname)} is not known after shape inference "
                "(a dynamic shape)"
            )
        if 0 in got:
            raise AccelsimError(f"tensor {short_repr(tname)} has zero size {list(got)}")
        return got

    def value(self, tname: str) -> np.ndarray | None:
        """A constant's value (None: the tensor is an activation or its value is unknown)."""
        got = self.env.get(tname)
        if not isinstance(got, Const):
            return None
        if got.value is None and tname in self.graph.initializers:
            if tname in self.graph.stripped:
                return None
            tensor = self.graph.initializers[tname]
            if tensor.data_location == 1:  # EXTERNAL: not read
                return None
            from onnx import numpy_helper

            try:
                array = numpy_helper.to_array(tensor)
            except Exception as exc:  # malformed data of a small initializer
                raise AccelsimError(
                    f"initializer {short_repr(tname)} cannot be read ({exc.__class__.__name__})"
                ) from None
            self.env[tname] = got = Const(array, got.dims)
        return got.value

    def act(self, tname: str) -> Act:
        got = self.env.get(tname)
        if isinstance(got, Act):
            return got
        raise AccelsimError(f"input {short_repr(tname)} is a constant where a tensor is expected")

    def is_act(self, tname: str) -> bool:
        return isinstance(self.env.get(tname), Act)

    def sole_consumer(self, tname: str) -> Any | None:
        """The node that alone reads the tensor (None when several do or it is an output)."""
        readers = self.consumers.get(tname, [])
        if len(readers) == 1 and tname not in self.outputs:
            return readers[0]
        return None

    def real(self, tname: str) -> Act:
        """The activation as a produced tensor: a view becomes its ReshapeLayer (once)."""
        act = self.act(tname)
        if act.base is None:
            return act
        base = act.base
        shape = act.shape
        if not act.moved and shape == base.shape:
            real = Act(base.layer, act.dims, act.axis)
        else:
            if act.moved:
                same = act.dims == base.dims and act.axis == base.axis
                op = "shuffle" if same else "transpose"
            else:
                op = "flatten" if (shape.height, shape.width) == (1, 1) else "reshape"
            layer = self.builder.reshape(self.layer_name(act.via), shape, op, inputs=base.layer)
            real = Act(layer, act.dims, act.axis)
        self.env[tname] = real
        return real

    def view(self, tname: str, source: Act, dims: tuple[int, ...], axis: int, moved: bool,
             via: str) -> None:  # fmt: skip
        base = source.base or source
        self.env[tname] = Act(base.layer, dims, axis, base, source.moved or moved, via)

    def produced(self, tname: str, layer: str, axis: int, foldable: bool = False) -> Act:
        """Records the tensor `tname` as the output of `layer`, checking the shapes agree."""
        dims = self.dims(tname)
        act = Act(layer, dims, axis, foldable=foldable)
        last = self.builder.layers[-1]
        made = last.output_shape if last.name == layer else self.builder._shapes[layer]
        if act.shape != made:
            raise AccelsimError(
                f"its output {short_repr(tname)} is {list(dims)} in the model, but the layer "
                f"makes {made.channels} x {made.height} x {made.width}"
            )
        self.env[tname] = act
        return act

    def alias(self, tname: str, source: Act, foldable: bool = False) -> None:
        """The output is the source's words (a folded bias or scale, an identity)."""
        dims = self.dims(tname)
        self.env[tname] = Act(source.layer, dims, source.axis, source.base, source.moved,
                              source.via, foldable)  # fmt: skip

    # Names -------------------------------------------------------------------------------------
    def layer_name(self, node_name: str) -> str:
        """A unique, printable layer name from a node's name."""
        text = re.sub(r"[^\x20-\x7e]", "?", node_name.lstrip("/")) or "node"
        text = text[: MAX_NAME_CHARS - 8]
        name, k = text, 2
        while name in self.used:
            name, k = f"{text}#{k}", k + 1
        self.used.add(name)
        return name

    # The walk ----------------------------------------------------------------------------------
    def fold(self, node: Any) -> None:
        """A node of constant inputs: its outputs computed when small, else constants of
        unknown value."""
        from accelsim.interop.onnx.folding import evaluate

        values = [self.value(t) if t else None for t in node.input]
        out_dims = [self.graph.dims.get(t) for t in node.output]
        results: list[Any] = [None] * len(node.output)
        if all(v is not None or not t for v, t in zip(values, node.input, strict=True)):
            results = evaluate(node, values, out_dims, self.graph.opset)
        for tname, dims, result in zip(node.output, out_dims, results, strict=True):
            if tname:
                self.env[tname] = Const(result, dims)

    def run(self) -> Network:
        from accelsim.interop.onnx.ops import OPERATORS, pass_through

        graph = self.graph.model.graph
        nodes = ordered(graph, set(self.env), self.graph.origin)
        for index, node in nodes:
            if id(node) in self.done:
                continue
            try:
                if not any(self.is_act(t) for t in node.input if t):
                    self.fold(node)
                    continue
                handler = OPERATORS.get(node.op_type) if node.domain in ("", "ai.onnx") else None
                if handler is None:
                    if not self.allow_unknown:
                        raise AccelsimError(
                            "operator not supported (docs/onnx.md lists the operators; "
                            "--allow-unknown passes such nodes through)"
                        )
                    pass_through(self, node)
                    continue
                handler(self, node)
            except AccelsimError as exc:
                raise AccelsimError(
                    f"{self.graph.origin}: node {short_repr(node.name or f'#{index}')} "
                    f"({short_repr(node.op_type, 40)[1:-1]}): {exc}"
                ) from None
            except (TypeError, ValueError, KeyError, IndexError, OverflowError) as exc:
                # a malformed node the handler's checks did not foresee: still one line
                raise AccelsimError(
                    f"{self.graph.origin}: node {short_repr(node.name or f'#{index}')} "
                    f"({short_repr(node.op_type, 40)[1:-1]}) is malformed "
                    f"({type(exc).__name__}: {short_repr(str(exc), 80)})"
                ) from None
        for output in graph.output:
            if self.is_act(output.name):
                try:
                    self.real(output.name)
                except AccelsimError as exc:
                    raise AccelsimError(
                        f"{self.graph.origin}: output {short_repr(output.name)}: {exc}"
                    ) from None
        if not self.builder.layers:
            raise AccelsimError(f"{self.graph.origin}: no operator reads the image input")
        return self.builder.build()

    def node_name(self, node: Any, index: int | None = None) -> str:
        return node.name or f"{node.op_type}_{node.output[0] if node.output else index}"


def ordered(graph: Any, known: set[str], origin: str) -> list[tuple[int, Any]]:
    """The nodes in an order where each comes after the producers of its inputs (ONNX asks for
    that order; a graph that cannot be ordered has a cycle, or an input nothing produces)."""
    producers: dict[str, int] = {}
    for index, node in enumerate(graph.node):
        for tname in node.output:
            if tname:
                producers.setdefault(tname, index)
    for index, node in enumerate(graph.node):
        for tname in node.input:
            if tname and tname not in known and tname not in producers:
                raise AccelsimError(
                    f"{origin}: node {short_repr(node.name or f'#{index}')} "
                    f"({short_repr(node.op_type, 40)[1:-1]}): input {short_repr(tname)} is not "
                    "produced by any node, initializer or graph input"
                )
    waiting = {
        index: {producers[t] for t in node.input if t and t not in known}
        for index, node in enumerate(graph.node)
    }
    users: dict[int, list[int]] = {}
    for index, needs in waiting.items():
        for need in needs:
            users.setdefault(need, []).append(index)
    ready = sorted(i for i, needs in waiting.items() if not needs)
    order: list[int] = []
    import heapq

    heapq.heapify(ready)
    while ready:
        index = heapq.heappop(ready)
        order.append(index)
        for user in users.get(index, []):
            needs = waiting[user]
            needs.discard(index)
            if not needs:
                heapq.heappush(ready, user)
    if len(order) != len(graph.node):
        stuck = min(set(range(len(graph.node))) - set(order))
        node = graph.node[stuck]
        raise AccelsimError(
            f"{origin}: node {short_repr(node.name or f'#{stuck}')} "
            f"({short_repr(node.op_type, 40)[1:-1]}) is on a cycle of the graph, or reads one"
        )
    return [(i, graph.node[i]) for i in order]

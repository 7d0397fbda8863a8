"""Constant folding of shape subgraphs, for shapes ONNX shape inference leaves open.

Exporters compute a Reshape's target from the input's shape (Shape, Gather, Div, Concat...);
data propagation resolves some of these, not all. `fold_constants` evaluates every node whose
inputs are all known (initializers read, shapes of tensors of known size, earlier folds) with
the ONNX reference evaluator, as long as every value is small (`MAX_FOLD_WORDS`), and returns
the values of the tensors that open shapes depend on, to be fed back as initializers.
"""

from __future__ import annotations

import math
from typing import Any

MAX_FOLD_WORDS = 1 << 16
"""Largest constant computed (64 Ki elements): shape arithmetic and slice bounds are a few
elements; a larger constant (a weight transformed in the graph) keeps its shape only."""

SAFE_FOLDS = frozenset(
    ["Shape", "Size", "Gather", "Unsqueeze", "Squeeze", "Concat", "Slice", "Cast", "Add", "Sub",
     "Mul", "Div", "Identity", "Reshape", "Transpose", "Equal", "Where", "Not", "Less",
     "Greater", "Min", "Max", "Floor", "Ceil", "Abs", "Neg", "Sqrt", "Constant", "ReduceProd",
     "Flatten"]
)  # fmt: skip
"""Operators whose output is no larger than their inputs: folded even when shape inference did
not give the output's size."""


def evaluate(node: Any, values: list[Any], out_dims: list[Any], opset: int) -> list[Any]:
    """The outputs of a node of known inputs (None for an output not computed: too large, or
    the evaluator failed)."""
    small = all(
        (d is not None and math.prod(d) <= MAX_FOLD_WORDS)
        or (d is None and node.op_type in SAFE_FOLDS)
        for d in out_dims
    )
    inputs_small = all(v is None or v.size <= MAX_FOLD_WORDS for v in values)
    if not (small and inputs_small and node.domain in ("", "ai.onnx")):
        return [None] * len(node.output)
    from onnx.reference import ReferenceEvaluator

    feeds = {t: v for t, v in zip(node.input, values, strict=True) if t}
    try:
        results = ReferenceEvaluator(node, opsets={"": opset}).run(None, feeds)
    except Exception:  # a fold that fails leaves the value unknown
        return [None] * len(node.output)
    return [
        r if getattr(r, "size", MAX_FOLD_WORDS + 1) <= MAX_FOLD_WORDS else None for r in results
    ]


def fold_constants(
    model: Any, image: str, dims: dict[str, Any], stripped: frozenset[str], opset: int
) -> dict[str, Any]:
    """Values of node outputs computable before the image, when a node reading them has an
    output of unknown shape (the nodes that make them can be replaced by initializers)."""
    import numpy as np
    from onnx import numpy_helper

    values: dict[str, Any] = {}
    for tensor in model.graph.initializer:
        if tensor.name not in stripped and tensor.data_location != 1:
            try:
                array = numpy_helper.to_array(tensor)
            except Exception:  # malformed: left unknown, the importer reports it if read
                continue
            if array.size <= MAX_FOLD_WORDS:
                values[tensor.name] = array
    live = {image}
    folded: dict[str, Any] = {}
    for node in model.graph.node:
        inputs = [t for t in node.input if t]
        if any(t in live for t in inputs):
            if node.op_type == "Shape" and dims.get(node.input[0]) is not None:
                d = dims[node.input[0]]
                rank = len(d)
                start = _attr(node, "start", 0)
                end = _attr(node, "end", rank)
                start, end = (max(0, min(rank, v + rank if v < 0 else v)) for v in (start, end))
                values[node.output[0]] = folded[node.output[0]] = np.array(
                    d[start:end], dtype=np.int64
                )
            else:
                live.update(t for t in node.output if t)
            continue
        if not all(t in values for t in inputs):
            continue
        results = evaluate(
            node, [values.get(t) if t else None for t in node.input],
            [dims.get(t) for t in node.output], opset,
        )  # fmt: skip
        for tname, result in zip(node.output, results, strict=True):
            if tname and result is not None:
                values[tname] = folded[tname] = result
    return folded


def _attr(node: Any, name: str, default: int) -> int:
    for a in node.attribute:
        if a.name == name:
            return int(a.i)
    return default


def with_constants(model: Any, folded: dict[str, Any]) -> Any:
    """A copy of the model whose nodes of folded outputs are replaced by initializers."""
    import numpy as np
    import onnx
    from onnx import numpy_helper

    out = onnx.ModelProto()
    out.CopyFrom(model)
    keep = [n for n in out.graph.node if not (n.output and all(t in folded for t in n.output if t))]
    gone = {t for n in out.graph.node for t in n.output if t} - {
        t for n in keep for t in n.output if t
    }
    del out.graph.node[:]
    out.graph.node.extend(keep)
    for tname in sorted(gone):
        out.graph.initializer.append(numpy_helper.from_array(np.asarray(folded[tname]), tname))
    return out

"""Networks for the partition tests: random DAGs with skips and dead ends, residual chains."""

from __future__ import annotations

from hypothesis import strategies as st

from accelsim.workload.layer import TensorShape
from accelsim.workload.network import INPUT, Network, NetworkBuilder


@st.composite
def skip_dags(draw):
    """1x1 and 3x3 (pad 1) convolutions and concatenations reading random earlier tensors: skip
    connections of any length, joins of any producers, and dead-end side outputs."""
    b = NetworkBuilder("dag", TensorShape(draw(st.integers(1, 3)), 4, 4))
    made = [INPUT]
    for i in range(draw(st.integers(1, 14))):
        zero = draw(st.sampled_from([0.0, 0.3, 0.9]))
        if draw(st.booleans()) or len(made) < 2:
            size = draw(st.sampled_from([1, 3]))
            src = draw(st.sampled_from(made))
            name = b.conv(
                f"c{i}", draw(st.integers(1, 4)), size, pad=size // 2, inputs=src, ofmap_zero=zero
            )
        else:
            picks = draw(st.lists(st.sampled_from(made[1:]), min_size=1, max_size=3))
            name = b.concat(f"j{i}", picks)
        made.append(name)
    return b.build()


def residual_chain(blocks: int) -> Network:
    """A stem and `blocks` residual blocks (two 3x3 convs and a join of their output with the
    block's input; ConcatLayer stands in for the element-wise add), then a 1x1 head."""
    b = NetworkBuilder("resnet-like", TensorShape(3, 8, 8))
    x = b.conv("stem", 4, 3, pad=1)
    for i in range(blocks):
        b.conv(f"b{i}/a", 4, 3, pad=1, inputs=x)
        b.conv(f"b{i}/b", 4, 3, pad=1)
        joined = b.concat(f"b{i}/join", [f"b{i}/b", x])
        x = b.conv(f"b{i}/out", 4, 1, inputs=joined)  # back to 4 channels
    b.conv("head", 2, 1)
    return b.build()

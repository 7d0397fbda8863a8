"""Built-in MobileNet v1 and v2 at width 1.0 and 224 x 224.

MobileNet v1 follows Howard et al. 2017 ("MobileNets", arXiv:1704.04861), Table 1, as Keras's
`keras.applications.MobileNet` builds it (torchvision has no v1): layer names are Keras's
(`conv1`, `conv_dw_1`, `conv_pw_1`, ..., `conv_preds`), a stride-2 convolution pads one row and
column after the input only (Keras's `ZeroPadding2D(((0, 1), (0, 1)))`, TensorFlow's "same"), and
the thirteenth depthwise layer has stride 1 (Table 1 prints s2, but its input and output are both
7 x 7). The blocks are labelled `block1` to `block13`.

MobileNet v2 follows Sandler et al. 2018 ("MobileNetV2", CVPR 2018), Table 2, as torchvision
builds it: names are torchvision's module names (`features.3.conv.0.0` the expansion,
`features.3.conv.1.0` the depthwise, `features.3.conv.2` the linear projection; the first block,
of expansion 1, has no expansion layer) and each `features.N` is a group label. The projection is
linear (no ReLU6: a dense output), and a block of stride 1 whose input and output channels agree
adds its input back (`features.N.add`).

In both, batch normalisation is folded into the convolution before it, and a ReLU or ReLU6 right
after a convolution is fused into it (its output zero fraction is the convolution's `ofmap_zero`).
Zero fractions: `accelsim.workload.default_zeros`.
"""

from __future__ import annotations

from accelsim.workload.default_zeros import DENSE_ZERO, IMAGE_ZERO, RELU_ZERO
from accelsim.workload.layer import TensorShape
from accelsim.workload.network import Network, NetworkBuilder

V1_BLOCKS = (
    (64, 1),
    (128, 2),
    (128, 1),
    (256, 2),
    (256, 1),
    (512, 2),
    (512, 1),
    (512, 1),
    (512, 1),
    (512, 1),
    (512, 1),
    (1024, 2),
    (1024, 1),
)
"""(pointwise filters, depthwise stride) of MobileNet v1's 13 depthwise-separable blocks."""

V2_SETTINGS = (
    (1, 16, 1, 1),
    (6, 24, 2, 2),
    (6, 32, 3, 2),
    (6, 64, 4, 2),
    (6, 96, 3, 1),
    (6, 160, 3, 2),
    (6, 320, 1, 1),
)
"""MobileNet v2's bottleneck sequences: (expansion t, output channels c, repeats n, stride s of
the first), Sandler et al. 2018 Table 2."""

_SAME_STRIDE_2 = (0, 1, 0, 1)
"""Keras's padding of a stride-2 3 x 3 convolution on an even input: one row and column after."""


def mobilenet_v1() -> Network:
    """MobileNet v1, width 1.0, 224 x 224: 569 M multiply-accumulates (Howard et al. 2017)."""
    b = NetworkBuilder("mobilenet_v1", TensorShape(3, 224, 224), IMAGE_ZERO)
    b.conv("conv1", 32, 3, stride=2, pad=_SAME_STRIDE_2, ofmap_zero=RELU_ZERO, group_label="conv1")
    for index, (filters, stride) in enumerate(V1_BLOCKS, start=1):
        label = {"group_label": f"block{index}", "ofmap_zero": RELU_ZERO}
        channels = b._shapes[b._last].channels
        pad = 1 if stride == 1 else _SAME_STRIDE_2
        b.conv(f"conv_dw_{index}", channels, 3, stride=stride, pad=pad, groups=channels, **label)
        b.conv(f"conv_pw_{index}", filters, 1, **label)
    b.global_pool("global_average_pooling2d", ofmap_zero=DENSE_ZERO, group_label="conv_preds")
    b.flatten("reshape_1", group_label="conv_preds")
    b.fc("conv_preds", 1000, ofmap_zero=DENSE_ZERO, group_label="conv_preds")
    return b.build()


def _inverted_residual(
    b: NetworkBuilder, block: str, expansion: int, filters: int, stride: int
) -> str:
    source = b._last
    channels = b._shapes[source].channels
    label = {"group_label": block}
    hidden = channels * expansion
    index = 0
    if expansion != 1:
        b.conv(f"{block}.conv.0.0", hidden, 1, ofmap_zero=RELU_ZERO, **label)
        index = 1
    b.conv(
        f"{block}.conv.{index}.0",
        hidden,
        3,
        stride=stride,
        pad=1,
        groups=hidden,
        ofmap_zero=RELU_ZERO,
        **label,
    )
    out = b.conv(f"{block}.conv.{index + 1}", filters, 1, ofmap_zero=DENSE_ZERO, **label)
    if stride == 1 and channels == filters:
        return b.add(f"{block}.add", [source, out], ofmap_zero=DENSE_ZERO, **label)
    return out


def mobilenet_v2() -> Network:
    """MobileNet v2, width 1.0, 224 x 224, as torchvision builds it: 301 M multiply-accumulates
    (torchvision's model metadata; the paper's Table 3 gives 300 M)."""
    b = NetworkBuilder("mobilenet_v2", TensorShape(3, 224, 224), IMAGE_ZERO)
    b.conv("features.0.0", 32, 3, stride=2, pad=1, ofmap_zero=RELU_ZERO, group_label="features.0")
    block = 1
    for expansion, filters, repeats, first_stride in V2_SETTINGS:
        for index in range(repeats):
            stride = first_stride if index == 0 else 1
            _inverted_residual(b, f"features.{block}", expansion, filters, stride)
            block += 1
    label = f"features.{block}"
    b.conv(f"{label}.0", 1280, 1, ofmap_zero=RELU_ZERO, group_label=label)
    b.global_pool("avgpool", ofmap_zero=DENSE_ZERO, group_label="classifier")
    b.flatten("flatten", group_label="classifier")
    b.fc("classifier.1", 1000, ofmap_zero=DENSE_ZERO, group_label="classifier")
    return b.build()

"""Built-in ResNet-18 and ResNet-50 at 224 x 224, as torchvision builds them (v1.5 bottleneck:
the stride on the 3 x 3 convolution).

Layer names are torchvision's module names (`layer1.0.conv1`, `layer2.0.downsample.0`), so
exported graphs and forward hooks line up. Batch normalisation is folded into the convolution
before it, and a ReLU right after a convolution is fused into it (its output zero fraction is the
convolution's `ofmap_zero`); the ReLU after a residual addition is an `activation` layer named
after the block's `relu` module. A projection shortcut (`downsample.0`, a strided 1 x 1
convolution) is its own branch, joined by an element-wise `add`. Every layer of a block carries
the block's name as its group label (`layer3.1`); the stem is `conv1`, the classifier `fc`.
Zero fractions: `accelsim.workload.default_zeros`.
"""

from __future__ import annotations

from accelsim.workload.default_zeros import DENSE_ZERO, IMAGE_ZERO, RELU_ZERO
from accelsim.workload.layer import TensorShape
from accelsim.workload.network import Network, NetworkBuilder

STAGE_PLANES = (64, 128, 256, 512)
"""Bottleneck width of each stage (layer1 to layer4); the first block of stages 2-4 has stride 2."""


def _stem(b: NetworkBuilder) -> None:
    b.conv("conv1", 64, 7, stride=2, pad=3, ofmap_zero=RELU_ZERO, group_label="conv1")
    b.pool("maxpool", 3, 2, pad=1, group_label="conv1")


def _join(b: NetworkBuilder, block: str, body: str, shortcut: str) -> str:
    b.add(f"{block}.add", [body, shortcut], ofmap_zero=DENSE_ZERO, group_label=block)
    return b.activation(f"{block}.relu", "relu", ofmap_zero=RELU_ZERO, group_label=block)


def _shortcut(b: NetworkBuilder, block: str, source: str, filters: int, stride: int) -> str:
    """The identity, or a strided 1 x 1 projection when the shape changes."""
    if stride == 1 and b._shapes[source].channels == filters:
        return source
    return b.conv(
        f"{block}.downsample.0",
        filters,
        1,
        stride=stride,
        inputs=source,
        ofmap_zero=DENSE_ZERO,
        group_label=block,
    )


def _basic(b: NetworkBuilder, block: str, planes: int, stride: int) -> str:
    source = b._last
    label = {"group_label": block}
    b.conv(f"{block}.conv1", planes, 3, stride=stride, pad=1, ofmap_zero=RELU_ZERO, **label)
    body = b.conv(f"{block}.conv2", planes, 3, pad=1, ofmap_zero=DENSE_ZERO, **label)
    return _join(b, block, body, _shortcut(b, block, source, planes, stride))


def _bottleneck(b: NetworkBuilder, block: str, planes: int, stride: int) -> str:
    source = b._last
    label = {"group_label": block}
    b.conv(f"{block}.conv1", planes, 1, ofmap_zero=RELU_ZERO, **label)
    b.conv(f"{block}.conv2", planes, 3, stride=stride, pad=1, ofmap_zero=RELU_ZERO, **label)
    body = b.conv(f"{block}.conv3", 4 * planes, 1, ofmap_zero=DENSE_ZERO, **label)
    return _join(b, block, body, _shortcut(b, block, source, 4 * planes, stride))


def _resnet(name: str, blocks: tuple[int, int, int, int], bottleneck: bool) -> Network:
    b = NetworkBuilder(name, TensorShape(3, 224, 224), IMAGE_ZERO)
    _stem(b)
    unit = _bottleneck if bottleneck else _basic
    for stage, (count, planes) in enumerate(zip(blocks, STAGE_PLANES, strict=True), start=1):
        for index in range(count):
            stride = 2 if stage > 1 and index == 0 else 1
            unit(b, f"layer{stage}.{index}", planes, stride)
    b.global_pool("avgpool", ofmap_zero=DENSE_ZERO, group_label="fc")
    b.flatten("flatten", group_label="fc")
    b.fc("fc", 1000, ofmap_zero=DENSE_ZERO, group_label="fc")
    return b.build()


def resnet18() -> Network:
    """ResNet-18: basic blocks, (2, 2, 2, 2) per stage (He et al., CVPR 2016, Table 1)."""
    return _resnet("resnet18", (2, 2, 2, 2), bottleneck=False)


def resnet50() -> Network:
    """ResNet-50: bottleneck blocks, (3, 4, 6, 3) per stage (He et al., CVPR 2016, Table 1)."""
    return _resnet("resnet50", (3, 4, 6, 3), bottleneck=True)

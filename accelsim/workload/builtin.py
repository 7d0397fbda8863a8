"""Built-in networks: AlexNet, VGG-16, GoogLeNet v1 and SqueezeNet v1.1 from packaged data, and
ResNet-18, ResNet-50, MobileNet v1 and v2 built from their published shapes
(`accelsim.workload.resnet`, `accelsim.workload.mobilenet`; docs/networks.md).

For the first four, convolution and FC shapes, zero fractions and `batch_n` come from the packaged CSV files (see
`accelsim/data/networks/PROVENANCE.md`); pooling, concatenation and branches are added here where
the networks have them. A pool's output zero fraction is the unpadded zero fraction of the next
layer's input; a concatenation's is the channel-weighted mean of its inputs'.
"""

from __future__ import annotations

import csv
import math
from collections.abc import Callable
from functools import cache
from importlib import resources

from accelsim.errors import AccelsimError
from accelsim.files.reading import short_repr
from accelsim.workload.layer import TensorShape
from accelsim.workload.mobilenet import mobilenet_v1, mobilenet_v2
from accelsim.workload.network import Network, NetworkBuilder
from accelsim.workload.resnet import resnet18, resnet50


@cache
def reference_rows(network: str) -> dict[str, dict[str, str]]:
    """The packaged per-layer rows of a built-in network, by layer name, in file order."""
    path = resources.files("accelsim") / "data" / "networks" / f"{network}.csv"
    with path.open(newline="") as handle:
        return {row["name"]: row for row in csv.DictReader(handle)}


def split_padding(pad: float) -> tuple[int, int]:
    """A total padding p per side as (before, after) integers; fractional p = floor / ceil."""
    return math.floor(pad), math.ceil(pad)


def _unpadded_zero(row: dict[str, str]) -> float:
    """Zero fraction of a layer's unpadded input: as the source gives it, else derived from the
    padded fraction (padding is all zeros)."""
    if row["ifmap_sparsity"]:
        return float(row["ifmap_sparsity"])
    padded, size = float(row["padded_size"]), float(row["input_size"])
    nonzero = (1.0 - float(row["ifmap_sparsity_padded"])) * padded**2 / size**2
    return min(1.0, max(0.0, 1.0 - nonzero))


class _RowBuilder(NetworkBuilder):
    """NetworkBuilder that takes conv/FC shapes from the packaged reference rows."""

    def __init__(self, network: str, name: str, image: int) -> None:
        self.rows = reference_rows(network)
        first = next(iter(self.rows.values()))
        super().__init__(
            name, TensorShape(int(first["in_channels"]), image, image), _unpadded_zero(first)
        )

    def layer(self, name: str, inputs: str | None = None) -> str:
        row = self.rows[name]
        extra = dict(
            ifmap_zero=float(row["ifmap_sparsity_padded"]),
            ifmap_zero_unpadded=float(row["ifmap_sparsity"]) if row["ifmap_sparsity"] else None,
            ofmap_zero=float(row["ofmap_sparsity"]),
            batch_n=int(row["batch_n"]),
            group_label=row["group"],
        )
        src = self._last if inputs is None else inputs
        channels = self._shapes[src].channels
        groups = channels // int(row["in_channels"])
        if row["kind"] == "fc":
            built = self.fc(name, int(row["filters"]), inputs=inputs, **extra)
        else:
            before, after = split_padding(float(row["pad"]))
            built = self.conv(
                name,
                int(row["filters"]),
                int(row["filter_size"]),
                stride=int(row["stride"]),
                pad=(before, after, before, after),
                groups=groups,
                inputs=inputs,
                **extra,
            )
        layer = self.layers[-1]
        if layer.padded_height != float(row["padded_size"]):  # type: ignore[union-attr]
            raise AccelsimError(f"layer '{name}': packaged data inconsistent (padded size)")
        return built

    def pool_before(self, name: str, next_layer: str, size: int, stride: int, **kw: object) -> str:
        return self.pool(name, size, stride, ofmap_zero=_unpadded_zero(self.rows[next_layer]), **kw)  # type: ignore[arg-type]

    def join(self, name: str, inputs: list[str], group_label: str = "") -> str:
        """A concatenation; its zero fraction is the channel-weighted mean of its inputs'."""
        return self.concat(name, inputs, group_label=group_label)


def alexnet() -> Network:
    b = _RowBuilder("alexnet", "alexnet", 227)
    b.layer("conv1")
    b.pool_before("pool1", "conv2", 3, 2)
    b.layer("conv2")
    b.pool_before("pool2", "conv3", 3, 2)
    for name in ("conv3", "conv4", "conv5"):
        b.layer(name)
    b.pool_before("pool5", "fc6", 3, 2)
    for name in ("fc6", "fc7", "fc8"):
        b.layer(name)
    return b.build()


def vgg16() -> Network:
    b = _RowBuilder("vgg16", "vgg16", 224)
    blocks = [
        ["conv1_1", "conv1_2"],
        ["conv2_1", "conv2_2"],
        ["conv3_1", "conv3_2", "conv3_3"],
        ["conv4_1", "conv4_2", "conv4_3"],
        ["conv5_1", "conv5_2", "conv5_3"],
    ]
    following = ["conv2_1", "conv3_1", "conv4_1", "conv5_1", "fc6"]
    for index, (block, nxt) in enumerate(zip(blocks, following, strict=True), start=1):
        for name in block:
            b.layer(name)
        b.pool_before(f"pool{index}", nxt, 2, 2)
    for name in ("fc6", "fc7", "fc8"):
        b.layer(name)
    return b.build()


def _inception(b: _RowBuilder, module: str) -> str:
    source = b._last
    label = b.rows[f"{module}/1x1"]["group"]
    b.layer(f"{module}/3x3_reduce", inputs=source)
    b.layer(f"{module}/5x5_reduce", inputs=source)
    b.layer(f"{module}/1x1", inputs=source)
    b.layer(f"{module}/3x3", inputs=f"{module}/3x3_reduce")
    b.layer(f"{module}/5x5", inputs=f"{module}/5x5_reduce")
    b.pool_before(
        f"{module}/pool", f"{module}/pool_proj", 3, 1, pad=1, inputs=source, group_label=label
    )
    b.layer(f"{module}/pool_proj")
    return b.join(
        f"{module}/output",
        [f"{module}/1x1", f"{module}/3x3", f"{module}/5x5", f"{module}/pool_proj"],
        group_label=label,
    )


def googlenet() -> Network:
    b = _RowBuilder("googlenet", "googlenet", 224)
    b.layer("conv1/7x7_s2")
    b.pool_before("pool1/3x3_s2", "conv2/3x3_reduce", 3, 2, ceil_mode=True)
    b.layer("conv2/3x3_reduce")
    b.layer("conv2/3x3")
    b.pool_before("pool2/3x3_s2", "inception_3a/3x3_reduce", 3, 2, ceil_mode=True)
    _inception(b, "inception_3a")
    _inception(b, "inception_3b")
    b.pool_before("pool3/3x3_s2", "inception_4a/3x3_reduce", 3, 2, ceil_mode=True)
    for module in ("4a", "4b", "4c", "4d", "4e"):
        _inception(b, f"inception_{module}")
    b.pool_before("pool4/3x3_s2", "inception_5a/3x3_reduce", 3, 2, ceil_mode=True)
    _inception(b, "inception_5a")
    _inception(b, "inception_5b")
    b.global_pool("pool5/7x7_s1", ofmap_zero=_unpadded_zero(b.rows["loss3/classifier"]))
    b.layer("loss3/classifier")
    return b.build()


def _fire(b: _RowBuilder, module: str) -> str:
    b.layer(f"{module}/squeeze1x1")
    squeeze = b._last
    b.layer(f"{module}/expand1x1", inputs=squeeze)
    b.layer(f"{module}/expand3x3", inputs=squeeze)
    label = b.rows[f"{module}/expand1x1"]["group"]
    return b.join(
        f"{module}/concat", [f"{module}/expand1x1", f"{module}/expand3x3"], group_label=label
    )


def squeezenet() -> Network:
    b = _RowBuilder("squeezenet", "squeezenet", 224)
    b.layer("conv1")
    b.pool_before("pool1", "fire2/squeeze1x1", 3, 2, ceil_mode=True)
    _fire(b, "fire2")
    _fire(b, "fire3")
    b.pool_before("pool3", "fire4/squeeze1x1", 3, 2, ceil_mode=True)
    _fire(b, "fire4")
    _fire(b, "fire5")
    b.pool_before("pool5", "fire6/squeeze1x1", 3, 2, ceil_mode=True)
    for module in ("fire6", "fire7", "fire8", "fire9"):
        _fire(b, module)
    b.layer("conv10")
    b.global_pool("pool10", ofmap_zero=b.layers[-1].ofmap_zero)
    return b.build()


BUILTIN_NETWORKS: dict[str, Callable[[], Network]] = {
    "alexnet": alexnet,
    "vgg16": vgg16,
    "googlenet": googlenet,
    "squeezenet": squeezenet,
    "resnet18": resnet18,
    "resnet50": resnet50,
    "mobilenet_v1": mobilenet_v1,
    "mobilenet_v2": mobilenet_v2,
}

BUILTIN_SOURCES: dict[str, tuple[str, str]] = {
    "alexnet": ("CNNergy reference data", "measured"),
    "vgg16": ("CNNergy reference data", "measured"),
    "googlenet": ("CNNergy reference data", "measured"),
    "squeezenet": ("CNNergy reference data", "measured"),
    "resnet18": ("torchvision resnet18", "assumed"),
    "resnet50": ("torchvision resnet50 (v1.5)", "assumed"),
    "mobilenet_v1": ("Howard et al. 2017, Keras names", "assumed"),
    "mobilenet_v2": ("torchvision mobilenet_v2", "assumed"),
}
"""Where each built-in's shapes come from, and whether its zero fractions were measured (the
packaged CNNergy data) or are the documented defaults (`accelsim.workload.default_zeros`)."""

ALIASES = {
    "vgg-16": "vgg16",
    "vgg": "vgg16",
    "googlenet-v1": "googlenet",
    "squeezenet-v1.1": "squeezenet",
    "resnet-18": "resnet18",
    "resnet-50": "resnet50",
    "mobilenet": "mobilenet_v1",
    "mobilenetv1": "mobilenet_v1",
    "mobilenet-v1": "mobilenet_v1",
    "mobilenetv2": "mobilenet_v2",
    "mobilenet-v2": "mobilenet_v2",
}


def builtin_network(name: str) -> Network:
    """A built-in network by name (case-insensitive); unknown names are an error."""
    if not isinstance(name, str):
        raise AccelsimError(f"network name must be a string, got {short_repr(name)}")
    key = ALIASES.get(name.lower(), name.lower())
    if key not in BUILTIN_NETWORKS:
        raise AccelsimError(
            f"unknown network {short_repr(name)} (built-ins: {', '.join(sorted(BUILTIN_NETWORKS))})"
        )
    return _builtin(key)


@cache
def _builtin(key: str) -> Network:
    return BUILTIN_NETWORKS[key]()

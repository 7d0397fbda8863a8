"""Default zero fractions of the built-in networks that ship no measured ones (ResNet, MobileNet).

These are assumptions, not measurements of these networks; `accelsim.workload.zeros` replaces them
with measured values (a `--zeros FILE` on the command line). The rule, per tensor:

- the image: `IMAGE_ZERO` (a normalised photograph has no exact zeros);
- the output of a ReLU or ReLU6 (fused into its convolution, or after a residual add):
  `RELU_ZERO`;
- a tensor no ReLU follows (a convolution before a residual add, a projection shortcut, MobileNet
  v2's linear bottleneck, an add, a global average, the logits): `DENSE_ZERO`;
- a max pool: its input's fraction (the builder's default; an upper bound for a window of
  independent values, whose maximum is zero only where all are).
"""

from __future__ import annotations

RELU_ZERO = 0.44
"""Zero fraction of a ReLU's output: the 44 % average zero fraction of the inputs of the
convolutional layers that Albericio et al. measured over their networks (AlexNet, GoogLeNet, NiN,
VGG-19, CNN-M, CNN-S on ImageNet images; "Cnvlutin: Ineffectual-Neuron-Free Deep Neural Network
Computing", ISCA 2016). Applied here to networks it was not measured on: an assumption."""

DENSE_ZERO = 0.0
"""Zero fraction of a tensor no ReLU follows: a batch-normalised convolution output or a sum of
such outputs is zero only by accident (a set of measure zero for real-valued data)."""

IMAGE_ZERO = 0.0
"""Zero fraction of the image (mean-subtracted, normalised pixels)."""

"""Workloads: layers, tensors and networks (a DAG of named layers)."""

from accelsim.workload.layer import ConcatLayer, ConvLayer, Layer, PoolLayer, TensorShape
from accelsim.workload.network import Network

__all__ = ["ConcatLayer", "ConvLayer", "Layer", "Network", "PoolLayer", "TensorShape"]

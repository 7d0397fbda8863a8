"""Workloads: layers, tensors and networks (a DAG of named layers)."""

from accelsim.workload.layer import ConcatLayer, ConvLayer, Layer, PoolLayer, TensorShape
from accelsim.workload.network import AnyLayer, Network
from accelsim.workload.tensor_ops import ActivationLayer, EltwiseLayer, ReshapeLayer, SliceLayer

__all__ = [
    "ActivationLayer",
    "AnyLayer",
    "ConcatLayer",
    "ConvLayer",
    "EltwiseLayer",
    "Layer",
    "Network",
    "PoolLayer",
    "ReshapeLayer",
    "SliceLayer",
    "TensorShape",
]

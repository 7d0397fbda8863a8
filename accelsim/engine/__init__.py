"""Simulation engines: count accesses and cycles of a mapped layer (numba kernels take arrays)."""

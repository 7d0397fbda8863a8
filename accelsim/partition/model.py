"""The partition model: client energy at every cut, and the best cut for a bit rate and power.

Client energy at cut k: E(k) = compute(k) + P_tx * bits(k) / B_e, where compute(k) is the energy of
every layer on the client side of the cut. Client latency at cut k (optional): the client's compute
latency plus the transmit time bits(k) / B_e; the cloud's compute time is not modelled. Cut 0 sends
the image (fully cloud), the last cut runs the whole network (fully in-situ) and sends only the
result. E(k) depends on (B_e, P_tx) only through P_tx / B_e, the energy per transmitted bit.

`PartitionModel` holds the precomputed per-cut arrays; `decide` picks the best cut for a new
(B_e, P_tx) with one compiled pass over them (about a microsecond, see benchmarks/).
"""

from __future__ import annotations

import math
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from numbers import Real
from typing import Any

import numpy as np
import pandas as pd
from numba import njit

from accelsim.errors import AccelsimError
from accelsim.files.reading import short_repr
from accelsim.hardware.accelerator import Accelerator
from accelsim.partition.bits import (
    DEFAULT_INPUT_BITS,
    formula_bits,
    image_file_bits,
    zero_fractions,
)
from accelsim.partition.cuts import CutPoint, cut_points
from accelsim.partition.energy import layer_energies
from accelsim.workload.network import INPUT, Network

MIN_BITRATE_BPS = 1.0
"""Slowest link accepted (1 bit/s): below it transmit times and energies of any tensor overflow
towards infinity and every comparison between cuts is meaningless."""

MAX_BITRATE_BPS = 1e15
"""Fastest link accepted (1 Pbit/s, beyond any wireless or wired client link)."""

MAX_PTX_W = 1e4
"""Highest transmit power accepted (10 kW: no mobile or edge client radiates near it)."""


def _number(value: object) -> bool:
    return isinstance(value, Real) and not isinstance(value, bool) and math.isfinite(value)


@njit(cache=True)
def best_cut_index(
    compute_j: np.ndarray,
    compute_s: np.ndarray,
    bits: np.ndarray,
    bitrate_bps: float,
    ptx_w: float,
    latency_bound_s: float,
) -> int:
    """Index of the cut with the least client energy whose latency meets the bound, or -1.

    Ties go to the earlier cut. `latency_bound_s = inf` means no bound.
    """
    per_bit = ptx_w / bitrate_bps
    best = -1
    best_energy = np.inf
    for k in range(compute_j.size):
        seconds = bits[k] / bitrate_bps
        if latency_bound_s < np.inf and not compute_s[k] + seconds <= latency_bound_s:
            continue
        energy = compute_j[k] + per_bit * bits[k]
        if energy < best_energy:
            best_energy = energy
            best = k
    return best


@dataclass(frozen=True)
class Decision:
    """The best cut at one (B_e, P_tx) and the client energies it is compared with."""

    cut: str
    index: int
    bitrate_bps: float
    ptx_w: float
    compute_j: float
    transmit_j: float
    cloud_energy_j: float
    local_energy_j: float
    latency_s: float
    bits: float

    @property
    def client_energy_j(self) -> float:
        return self.compute_j + self.transmit_j

    @property
    def saving_vs_cloud(self) -> float:
        return saving(self.client_energy_j, self.cloud_energy_j, "the fully cloud run")

    @property
    def saving_vs_local(self) -> float:
        return saving(self.client_energy_j, self.local_energy_j, "the fully in-situ run")


def saving(client_j: float, reference_j: float, what: str) -> float:
    """1 - client / reference; 0 when both are 0 J (nothing to save), refused when only the
    reference is 0 J (no finite fraction)."""
    if reference_j > 0:
        return 1.0 - client_j / reference_j
    if client_j == reference_j:
        return 0.0
    raise AccelsimError(
        f"saving undefined: {what} costs the client 0 J and the chosen cut {client_j:.4g} J"
    )


@dataclass(frozen=True)
class PartitionModel:
    """Precomputed per-cut client compute energy (J), compute latency (s) and bits to send."""

    network: str
    cuts: tuple[str, ...]
    compute_j: np.ndarray
    compute_s: np.ndarray
    bits: np.ndarray
    bits_source: tuple[str, ...]
    energy_source: str
    layer_energies: pd.DataFrame = field(repr=False, compare=False)
    notes: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        n = len(self.cuts)
        for name in ("compute_j", "compute_s", "bits"):
            array = np.ascontiguousarray(getattr(self, name), dtype=np.float64)
            if array.shape != (n,):
                raise AccelsimError(f"partition model: {name} needs one value per cut ({n})")
            object.__setattr__(self, name, array)
        if n < 2:
            raise AccelsimError("partition model: needs at least the input and the output cut")

    @property
    def has_latency(self) -> bool:
        return bool(np.all(np.isfinite(self.compute_s)))

    def _check(self, bitrate_bps: float, ptx_w: float, latency_bound_s: float | None) -> float:
        if not (_number(bitrate_bps) and MIN_BITRATE_BPS <= bitrate_bps <= MAX_BITRATE_BPS):
            raise AccelsimError(
                f"bit rate must be a number of bit/s from {MIN_BITRATE_BPS:g} to "
                f"{MAX_BITRATE_BPS:g}, got {short_repr(bitrate_bps)}"
            )
        if not (_number(ptx_w) and 0 <= ptx_w <= MAX_PTX_W):
            raise AccelsimError(
                f"transmit power must be a number of W from 0 to {MAX_PTX_W:g}, got "
                f"{short_repr(ptx_w)}"
            )
        if latency_bound_s is None:
            return math.inf
        if not (_number(latency_bound_s) and latency_bound_s > 0):
            raise AccelsimError(
                f"latency bound must be a positive number of s, got {short_repr(latency_bound_s)}"
            )
        if not self.has_latency:
            raise AccelsimError(
                f"a latency bound needs per-layer latencies; energy source "
                f"'{self.energy_source}' gives none"
            )
        return float(latency_bound_s)

    def decide(
        self, bitrate_bps: float, ptx_w: float, latency_bound_s: float | None = None
    ) -> Decision:
        """The cut with the least client energy at (B_e, P_tx), within the latency bound if any."""
        bound = self._check(bitrate_bps, ptx_w, latency_bound_s)
        k = best_cut_index(
            self.compute_j, self.compute_s, self.bits, float(bitrate_bps), float(ptx_w), bound
        )
        if k < 0:
            fastest = int(np.argmin(self.compute_s + self.bits / bitrate_bps))
            seconds = self.compute_s[fastest] + self.bits[fastest] / bitrate_bps
            raise AccelsimError(
                f"no cut meets the latency bound {latency_bound_s:g} s at "
                f"{bitrate_bps:g} bit/s (fastest: '{self.cuts[fastest]}', "
                f"{seconds:.4g} s)"
            )
        per_bit = ptx_w / bitrate_bps
        return Decision(
            cut=self.cuts[k],
            index=k,
            bitrate_bps=float(bitrate_bps),
            ptx_w=float(ptx_w),
            compute_j=float(self.compute_j[k]),
            transmit_j=float(per_bit * self.bits[k]),
            cloud_energy_j=float(self.compute_j[0] + per_bit * self.bits[0]),
            local_energy_j=float(self.compute_j[-1] + per_bit * self.bits[-1]),
            latency_s=float(self.compute_s[k] + self.bits[k] / bitrate_bps),
            bits=float(self.bits[k]),
        )

    def points(
        self, bitrate_bps: float, ptx_w: float, latency_bound_s: float | None = None
    ) -> pd.DataFrame:
        """One row per cut: compute and transmit energy, bits, latency, and which cut is best."""
        bound = self._check(bitrate_bps, ptx_w, latency_bound_s)
        transmit = ptx_w / bitrate_bps * self.bits
        latency = self.compute_s + self.bits / bitrate_bps
        best = best_cut_index(
            self.compute_j, self.compute_s, self.bits, float(bitrate_bps), float(ptx_w), bound
        )
        return pd.DataFrame(
            {
                "cut": list(self.cuts),
                "compute_j": self.compute_j,
                "transmit_j": transmit,
                "client_energy_j": self.compute_j + transmit,
                "bits": self.bits,
                "bits_source": list(self.bits_source),
                "latency_s": latency,
                "meets_bound": latency <= bound
                if math.isfinite(bound)
                else np.ones(len(self.cuts), bool),
                "best": np.arange(len(self.cuts)) == best,
            }
        )


def _cut_bits(
    network: Network,
    cuts: tuple[CutPoint, ...],
    config: Accelerator,
    input_bits: float,
    input_source: str,
    result_bits: float,
    activations: Mapping[str, np.ndarray] | None,
) -> tuple[list[float], list[str]]:
    """Bits sent at each cut, and where the figure comes from (image, rlc, formula, result)."""
    rlc = config.rlc
    acts = dict(activations or {})
    known = {layer.name for layer in network.layers}
    for key in acts:
        if key == INPUT:
            raise AccelsimError(
                "activations: the image is sent as a compressed file; give its size with "
                "input bits or an image file, not as an activation"
            )
        if key not in known:
            raise AccelsimError(f"activations: '{key}' is not a layer of network '{network.name}'")
    bits, sources = [], []
    zeros = zero_fractions(network)
    last = cuts[-1].name
    for cut in cuts:
        if cut.name == INPUT:
            bits.append(float(input_bits))
            sources.append(input_source)
        elif cut.name == last:
            bits.append(float(result_bits))
            sources.append("result")
        elif cut.name in acts:
            from accelsim.coding.rlc import coded_bits  # the codec: only for given activations

            array = acts[cut.name]
            if np.size(array) != cut.values:
                raise AccelsimError(
                    f"activations: '{cut.name}' has {np.size(array)} values, the "
                    f"tensor has {cut.values}"
                )
            bits.append(float(coded_bits(array, rlc)))
            sources.append("rlc")
        else:
            zero = zeros[cut.name]
            bits.append(float(formula_bits(cut.values, zero, rlc)))
            sources.append("formula")
    return bits, sources


def partition_model(
    network: Network,
    config: Accelerator,
    energy: str = "analytical",
    input_bits: float | None = None,
    input_image: str | os.PathLike[str] | None = None,
    activations: Mapping[str, np.ndarray] | str | os.PathLike[str] | None = None,
    result_bits: float = 0.0,
    **model_options: Any,
) -> PartitionModel:
    """Precompute the client's cumulative energy, latency and bits at every cut of `network`.

    `energy`: any registered model (analytical, simulated, rs, systolic, silicon, ...) or a CSV
    path; `model_options` go to that model (e.g. `mapper="energy"`, `memory="default"`). The image costs `input_bits`, or the
    size of `input_image`, else `DEFAULT_INPUT_BITS`. `activations` (arrays or a .npy/.npz path,
    keyed by layer name) give exact RLC sizes for those cuts; the other cuts use the formula.
    """
    if input_bits is not None and input_image is not None:
        raise AccelsimError("give the input size as bits or as an image file, not both")
    if input_image is not None:
        image_bits, image_source = float(image_file_bits(input_image)), "image file"
    elif input_bits is not None:
        if not (math.isfinite(input_bits) and input_bits > 0):
            raise AccelsimError(f"input bits must be a positive number, got {input_bits}")
        image_bits, image_source = float(input_bits), "given"
    else:
        image_bits, image_source = DEFAULT_INPUT_BITS, "default"
    if not (math.isfinite(result_bits) and result_bits >= 0):
        raise AccelsimError(f"result bits must be a non-negative number, got {result_bits}")
    if isinstance(activations, str | os.PathLike):
        from accelsim.coding.activation_files import load_activations

        activations = load_activations(activations)
    cuts = cut_points(network)
    bits, sources = _cut_bits(
        network, cuts, config, image_bits, image_source, result_bits, activations
    )
    frame = layer_energies(network, config, energy, **model_options)
    per_layer = dict(zip(frame["layer"], frame["energy_j"], strict=True))
    per_layer_s = dict(zip(frame["layer"], frame["latency_s"], strict=True))
    # Client sides are prefixes of the topological order: cumulative sums, in O(layers).
    order = [layer.name for layer in network.layers]
    prefix_j = np.concatenate(([0.0], np.cumsum([per_layer.get(name, 0.0) for name in order])))
    prefix_s = np.concatenate(([0.0], np.cumsum([per_layer_s.get(name, 0.0) for name in order])))
    counts = [cut.client_count for cut in cuts]
    compute_j, compute_s = prefix_j[counts], prefix_s[counts]
    notes = []
    flagged = frame.loc[frame["source"] != frame["model"], "layer"].tolist()
    if flagged:
        notes.append(f"layers without {energy} data use the analytical model: {', '.join(flagged)}")
    if energy == "silicon":
        notes.append(
            "silicon energies are chip power x latency / batch at 16 bit, 65 nm "
            "(JSSC 2017); chip power excludes DRAM"
        )
    if image_source == "default":
        notes.append(
            f"image size {DEFAULT_INPUT_BITS:.4g} bit: derived from the paper's AlexNet "
            "operating points (use --input-bits or --input-image)"
        )
    return PartitionModel(
        network=network.name,
        cuts=tuple(c.name for c in cuts),
        compute_j=np.array(compute_j),
        compute_s=np.array(compute_s),
        bits=np.array(bits),
        bits_source=tuple(sources),
        energy_source=energy,
        layer_energies=frame,
        notes=tuple(notes),
    )

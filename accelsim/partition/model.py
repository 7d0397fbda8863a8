"""The partition model: client energy at every cut, and the best cut for a bit rate and power.

Client energy at cut k: E(k) = compute(k) + P_tx * bits(k) / B_e, where compute(k) is the energy of
the layers on the client side of the cut (the first k of the topological order; layers the energy
model gives no result for cost nothing and are listed as free) and bits(k) the sum over the tensors
the cut sends (`accelsim.partition.cuts`). Client latency at cut k (optional): the client's compute
latency plus the transmit time bits(k) / B_e; the cloud's compute time is not modelled. Cut 0 sends
the image (fully cloud), the last cut runs the whole network (fully in-situ) and sends its outputs.
E(k) depends on (B_e, P_tx) only through P_tx / B_e, the energy per transmitted bit.

`PartitionModel` holds the precomputed per-cut arrays; `decide` picks the best cut for a new
(B_e, P_tx) with one compiled pass over them (about a microsecond, see benchmarks/).
"""

from __future__ import annotations

import itertools
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
from accelsim.partition.cuts import CUT_CHOICES, TensorSpan, cut_sets, tensor_spans
from accelsim.partition.energy import layer_energies
from accelsim.workload.network import INPUT, Network

MIN_BITRATE_BPS = 1.0
"""Slowest link accepted (1 bit/s): below it transmit times and energies of any tensor overflow
towards infinity and every comparison between cuts is meaningless."""

MAX_BITRATE_BPS = 1e15
"""Fastest link accepted (1 Pbit/s, beyond any wireless or wired client link)."""

MAX_PTX_W = 1e4
"""Highest transmit power accepted (10 kW: no mobile or edge client radiates near it)."""

OUTPUT_CHOICES = ("results", "tensors")
"""How a network output is sent: its result (`result_bits` each), or its coded tensor."""


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
    tensors: tuple[str, ...] = ()
    """The tensors the cut sends."""
    after: str = ""
    """The last layer run on the client (`"input"`: none)."""

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
    """Precomputed per-cut client compute energy (J), compute latency (s) and bits to send.

    Cut k is named after the tensors it sends (`tensors[k]`, joined by '+') and runs the first
    `client_counts[k]` layers of `layer_order` on the client. Left out, those describe a chain:
    cut k sends the one tensor it is named after and runs the layers up to it.
    """

    network: str
    cuts: tuple[str, ...]
    compute_j: np.ndarray
    compute_s: np.ndarray
    bits: np.ndarray
    bits_source: tuple[str, ...]
    energy_source: str
    layer_energies: pd.DataFrame = field(repr=False, compare=False)
    notes: tuple[str, ...] = ()
    tensors: tuple[tuple[str, ...], ...] = field(default=(), repr=False)
    client_counts: tuple[int, ...] = field(default=(), repr=False)
    layer_order: tuple[str, ...] = field(default=(), repr=False)
    free_layers: tuple[str, ...] = ()
    """Layers the energy source gives no result for: they cost the client nothing."""
    cut_choice: str = "all"
    output_choice: str = "results"

    def __post_init__(self) -> None:
        n = len(self.cuts)
        for name in ("compute_j", "compute_s", "bits"):
            array = np.ascontiguousarray(getattr(self, name), dtype=np.float64)
            if array.shape != (n,):
                raise AccelsimError(f"partition model: {name} needs one value per cut ({n})")
            object.__setattr__(self, name, array)
        if n < 2:
            raise AccelsimError("partition model: needs at least the input and the output cut")
        if not self.tensors:
            object.__setattr__(self, "tensors", tuple((name,) for name in self.cuts))
        if not self.client_counts:
            object.__setattr__(self, "client_counts", tuple(range(n)))
        if not self.layer_order:
            object.__setattr__(self, "layer_order", tuple(self.cuts[1:]))
        if len(self.tensors) != n or len(self.client_counts) != n:
            raise AccelsimError(
                f"partition model: tensors and client_counts need one entry per cut ({n})"
            )

    @property
    def tensor_counts(self) -> np.ndarray:
        """How many tensors each cut sends."""
        return np.array([len(t) for t in self.tensors], dtype=np.int64)

    @property
    def after(self) -> tuple[str, ...]:
        """The last client layer of each cut (`"input"`: none runs on the client)."""
        return tuple(self.layer_order[k - 1] if k else INPUT for k in self.client_counts)

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
            tensors=self.tensors[k],
            after=self.after[k],
        )

    def points(
        self, bitrate_bps: float, ptx_w: float, latency_bound_s: float | None = None
    ) -> pd.DataFrame:
        """One row per cut: the tensors it sends (their count), the last client layer, compute
        and transmit energy, bits, latency, and which cut is best."""
        bound = self._check(bitrate_bps, ptx_w, latency_bound_s)
        transmit = ptx_w / bitrate_bps * self.bits
        latency = self.compute_s + self.bits / bitrate_bps
        best = best_cut_index(
            self.compute_j, self.compute_s, self.bits, float(bitrate_bps), float(ptx_w), bound
        )
        return pd.DataFrame(
            {
                "cut": list(self.cuts),
                "tensors": self.tensor_counts,
                "after": list(self.after),
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


def _check_activations(network: Network, acts: Mapping[str, np.ndarray]) -> None:
    """Given activations name layers of the network and have their tensors' sizes."""
    known = {layer.name for layer in network.layers}
    for key, array in acts.items():
        if key == INPUT:
            raise AccelsimError(
                "activations: the image is sent as a compressed file; give its size with "
                "input bits or an image file, not as an activation"
            )
        if key not in known:
            raise AccelsimError(f"activations: '{key}' is not a layer of network '{network.name}'")
        values = network.shape_of(key).size
        if np.size(array) != values:
            raise AccelsimError(
                f"activations: '{key}' has {np.size(array)} values, the tensor has {values}"
            )


def _tensor_bits(
    network: Network,
    spans: tuple[TensorSpan, ...],
    config: Accelerator,
    image: tuple[float, str],
    result_bits: float,
    outputs: str,
    acts: Mapping[str, np.ndarray],
) -> list[tuple[int | float, str]]:
    """Bits of each tensor when sent, and where the figure comes from (the image's source,
    formula, rlc, result)."""
    rlc = config.rlc
    zeros = zero_fractions(network)
    out: list[tuple[int | float, str]] = []
    for span in spans:
        if span.name == INPUT:
            out.append(image)
        elif span.output and outputs == "results":
            out.append((result_bits, "result"))
        elif span.name in acts:
            from accelsim.coding.rlc import coded_bits  # the codec: only for given activations

            out.append((int(coded_bits(acts[span.name], rlc)), "rlc"))
        else:
            values = network.shape_of(span.name).size
            out.append((int(formula_bits(values, zeros[span.name], rlc)), "formula"))
    return out


def _cut_bits(
    spans: tuple[TensorSpan, ...], sized: list[tuple[int | float, str]], n: int, image_source: str
) -> tuple[np.ndarray, list[str]]:
    """Bits sent at every cut k = 0 .. n (the sum over the tensors crossing it) and their sources,
    by difference arrays over each tensor's interval of cuts: O(tensors + cuts).

    Coded sizes are whole bits, summed exactly as integers (int64, or Python integers should the
    total not fit); the image and the results (given sizes, possibly fractional) are added as
    count x size.
    """
    kinds = (image_source, "formula", "rlc", "result")
    kind_of = {kind: i for i, kind in enumerate(kinds)}
    first = np.fromiter((span.first for span in spans), np.int64, len(spans))
    stop = np.fromiter((span.last + 1 for span in spans), np.int64, len(spans))
    kind = np.fromiter((kind_of[source] for _, source in sized), np.int64, len(spans))
    counts = np.zeros((len(kinds), n + 2), np.int64)
    np.add.at(counts, (kind, first), 1)
    np.add.at(counts, (kind, stop), -1)
    counts = np.cumsum(counts, axis=1)[:, : n + 1]
    coded_sizes = [int(bits) if kind_of[source] in (1, 2) else 0 for bits, source in sized]
    if sum(coded_sizes) < 2**63:
        coded_diff = np.zeros(n + 2, np.int64)
        sizes = np.array(coded_sizes, np.int64)
        np.add.at(coded_diff, first, sizes)
        np.add.at(coded_diff, stop, -sizes)
        coded = np.cumsum(coded_diff)[: n + 1].astype(np.float64)
    else:  # beyond int64: exact Python integers
        diff = [0] * (n + 2)
        for a, b, size in zip(first.tolist(), stop.tolist(), coded_sizes, strict=True):
            diff[a] += size
            diff[b] -= size
        coded = np.array(list(itertools.accumulate(diff))[: n + 1], dtype=np.float64)
    image_bits = next(
        (float(b) for (b, _), sp in zip(sized, spans, strict=True) if sp.name == INPUT)
    )
    result_bits = next((float(b) for b, source in sized if source == "result"), 0.0)
    bits = coded + (counts[0] > 0) * image_bits + counts[3] * result_bits
    mask = ((counts > 0) * (1 << np.arange(len(kinds)))[:, None]).sum(axis=0)
    names = ["+".join(k for i, k in enumerate(kinds) if m >> i & 1) for m in range(16)]
    return bits, [names[m] for m in mask.tolist()]


def partition_model(
    network: Network,
    config: Accelerator,
    energy: str = "analytical",
    input_bits: float | None = None,
    input_image: str | os.PathLike[str] | None = None,
    activations: Mapping[str, np.ndarray] | str | os.PathLike[str] | None = None,
    result_bits: float = 0.0,
    cuts: str = "all",
    outputs: str = "results",
    **model_options: Any,
) -> PartitionModel:
    """Precompute the client's cumulative energy, latency and bits at every cut of `network`.

    `energy`: any registered model (analytical, simulated, rs, systolic, silicon, ...) or a CSV
    path; `model_options` go to that model (e.g. `mapper="energy"`, `memory="default"`). The
    image costs `input_bits`, or the size of `input_image`, else `DEFAULT_INPUT_BITS`.
    `activations` (arrays or a .npy/.npz path, keyed by layer name) give exact RLC sizes for those
    tensors; the others use the formula. `cuts`: every prefix of the topological order (`"all"`)
    or the single-tensor cuts (`"single"`). `outputs`: a network output is sent as its result,
    `result_bits` each (`"results"`), or as its coded tensor (`"tensors"`).
    """
    if cuts not in CUT_CHOICES:
        raise AccelsimError(f"cuts must be one of {', '.join(CUT_CHOICES)}, got {short_repr(cuts)}")
    if outputs not in OUTPUT_CHOICES:
        raise AccelsimError(
            f"outputs must be one of {', '.join(OUTPUT_CHOICES)}, got {short_repr(outputs)}"
        )
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
    acts = dict(activations or {})
    spans = tensor_spans(network)
    _check_activations(network, acts)
    points = cut_sets(spans, len(network.layers), cuts)
    sized = _tensor_bits(
        network, spans, config, (image_bits, image_source), float(result_bits), outputs, acts
    )
    all_bits, all_sources = _cut_bits(spans, sized, len(network.layers), image_source)
    counts = [k for k, _ in points]
    bits = all_bits[counts]
    sources = [all_sources[k] for k in counts]
    frame = layer_energies(network, config, energy, **model_options)
    per_layer = dict(zip(frame["layer"], frame["energy_j"], strict=True))
    per_layer_s = dict(zip(frame["layer"], frame["latency_s"], strict=True))
    # Client sides are prefixes of the topological order: cumulative sums, in O(layers).
    order = tuple(layer.name for layer in network.layers)
    free = tuple(name for name in order if name not in per_layer)
    prefix_j = np.concatenate(([0.0], np.cumsum([per_layer.get(name, 0.0) for name in order])))
    prefix_s = np.concatenate(([0.0], np.cumsum([per_layer_s.get(name, 0.0) for name in order])))
    compute_j, compute_s = prefix_j[counts], prefix_s[counts]
    notes = []
    from accelsim.energy.non_mac import SOURCE as NON_MAC_SOURCE

    borrowed = (frame["source"] != frame["model"]) & (frame["source"] != NON_MAC_SOURCE)
    flagged = frame.loc[borrowed, "layer"].tolist()
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
        cuts=tuple("+".join(tensors) for _, tensors in points),
        compute_j=np.array(compute_j),
        compute_s=np.array(compute_s),
        bits=np.array(bits),
        bits_source=tuple(sources),
        energy_source=energy,
        layer_energies=frame,
        notes=tuple(notes),
        tensors=tuple(tensors for _, tensors in points),
        client_counts=tuple(counts),
        layer_order=order,
        free_layers=free,
        cut_choice=cuts,
        output_choice=outputs,
    )

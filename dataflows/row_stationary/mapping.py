"""The RS mapping parameters (`RSMapping`, parsed from `m=..,n=..,...`: the seven of JSSC 2017 and
the group sets `g`) and the sizes of a layer that a mapping is chosen against (`LayerGeometry`)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from accelsim.errors import AccelsimError
from accelsim.files.reading import short_repr
from accelsim.hardware.spatial import SpatialArray
from accelsim.workload.layer import ConvLayer

MAPPING_FIELDS = ("m", "n", "e", "p", "q", "r", "t")
"""The seven fields of the chip's mapping table (JSSC 2017 Table III), in order."""

MAPPING_COLUMNS = (*MAPPING_FIELDS, "g")
"""The columns of the mapping arrays the mapper works on: the seven fields, then the group sets
`g` (1 for every mapping of the chip's table; see `dataflows.row_stationary.groups`)."""


@dataclass(frozen=True)
class LayerGeometry:
    """The sizes of one group of a layer that the RS mapping needs (integers)."""

    R: int  # filter height
    S: int  # filter width
    C: int  # channels per group
    M: int  # filters per group
    E: int  # ofmap height
    F: int  # ofmap width
    U: int  # stride
    G: int  # groups

    @property
    def used_width(self) -> int:
        """Ifmap columns a row of outputs reads: (F-1)*U + S (<= padded width)."""
        return (self.F - 1) * self.U + self.S

    def rows_in(self, e: int) -> int:
        """Ifmap rows that e ofmap rows read: (e-1)*U + R."""
        return (e - 1) * self.U + self.R


def geometry(layer: ConvLayer) -> LayerGeometry:
    """The geometry of one group of `layer`."""
    return LayerGeometry(
        R=layer.filter_height,
        S=layer.filter_width,
        C=layer.channels_per_group,
        M=layer.out_channels // layer.groups,
        E=layer.out_height,
        F=layer.out_width,
        U=layer.stride,
        G=layer.groups,
    )


@dataclass(frozen=True)
class RSMapping:
    """The RS mapping parameters (JSSC 2017 notation) and `g`, the PE sets that run different
    groups of a grouped convolution in the same pass (1: one group at a time, the chip's own
    practice; see `dataflows.row_stationary.groups`); derived sizes are methods."""

    m: int
    n: int
    e: int
    p: int
    q: int
    r: int
    t: int
    g: int = 1

    def __post_init__(self) -> None:
        for name in MAPPING_COLUMNS:
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int | np.integer) or value < 1:
                raise AccelsimError(
                    f"mapping: {name} must be a positive integer, got {short_repr(value)}"
                )
            object.__setattr__(self, name, int(value))

    # Derived ------------------------------------------------------------------------------------
    def folds(self, hw: SpatialArray) -> int:
        """Segments a set of e columns is split into (1 when e fits the array's width)."""
        return -(-self.e // hw.pe_cols)

    def set_shape(self, geo: LayerGeometry, hw: SpatialArray) -> tuple[int, int]:
        """Physical (rows, columns) of one PE set after folding."""
        return geo.R * self.folds(hw), min(self.e, hw.pe_cols)

    def active_pes(self, geo: LayerGeometry) -> int:
        """PEs the mapping uses: R * e * r * t * g."""
        return geo.R * self.e * self.r * self.t * self.g

    def glb_ifmap_words(self, geo: LayerGeometry) -> int:
        """GLB words of the ifmap rows of one pass: g * n * q*r * ((e-1)*U + R) * used width."""
        return self.g * self.n * self.q * self.r * geo.rows_in(self.e) * geo.used_width

    def glb_psum_words(self, geo: LayerGeometry) -> int:
        """GLB words of the psums a filter block keeps: g * n * m * e * F."""
        return self.g * self.n * self.m * self.e * geo.F

    def glb_kb(self, geo: LayerGeometry, hw: SpatialArray) -> tuple[float, float]:
        """GLB allocation (ifmap, psum) in kB of 1024 bytes."""
        b = hw.word_bytes
        return self.glb_ifmap_words(geo) * b / 1024, self.glb_psum_words(geo) * b / 1024

    def as_dict(self) -> dict[str, int]:
        """The seven fields, and `g` when it is not 1 (as the mapping prints)."""
        names = MAPPING_FIELDS if self.g == 1 else MAPPING_COLUMNS
        return {name: getattr(self, name) for name in names}

    def as_row(self) -> list[int]:
        """The mapping as a row of the mapper's arrays (`MAPPING_COLUMNS` order)."""
        return [getattr(self, name) for name in MAPPING_COLUMNS]

    def __str__(self) -> str:
        return ",".join(f"{k}={v}" for k, v in self.as_dict().items())


def parse_mapping(text: str) -> RSMapping:
    """Parse `m=96,n=1,e=7,p=16,q=1,r=1,t=2` (all seven fields, any order; `g=...` optional)."""
    values: dict[str, int] = {}
    for item in str(text).split(","):
        key, sep, value = item.strip().partition("=")
        key = key.strip()
        if not sep or key not in MAPPING_COLUMNS:
            raise AccelsimError(
                f"mapping: expected k=v pairs with k in {'/'.join(MAPPING_COLUMNS)}, "
                f"got {short_repr(item.strip())}"
            )
        if key in values:
            raise AccelsimError(f"mapping: {key} given twice")
        try:
            values[key] = int(value)
        except ValueError:
            raise AccelsimError(
                f"mapping: {key} must be an integer, got {short_repr(value.strip())}"
            ) from None
    missing = [k for k in MAPPING_FIELDS if k not in values]
    if missing:
        raise AccelsimError(f"mapping: missing {', '.join(missing)}")
    return RSMapping(**values)

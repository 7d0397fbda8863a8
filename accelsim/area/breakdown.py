"""`AreaBreakdown`: an accelerator's area by component, the fitted overhead and the total."""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import ClassVar

from accelsim.errors import AccelsimError

KIND_PARTS: dict[str, tuple[str, ...]] = {
    "spatial": ("glb", "filter_spad", "spad_register", "mac"),
    "systolic": ("ifmap_sram", "filter_sram", "ofmap_sram", "pipeline_register", "mac"),
}
"""The components each kind of array has (fields `<part>_mm2` of `AreaBreakdown`)."""


@dataclass(frozen=True)
class AreaBreakdown:
    """Area in mm2 of each component (0 where the kind has none), the overhead and the total.

    Spatial: `glb` (SRAM), `filter_spad` (SRAM, all PEs), `spad_register` (ifmap and psum spads
    as registers, all PEs), `mac`. Systolic: `ifmap_sram`, `filter_sram`, `ofmap_sram`,
    `pipeline_register` (all PEs), `mac`. `overhead_mm2` is what the fitted factor adds
    (`(CORE_OVERHEAD - 1) x` the component sum): NoC, control, clock, wiring, white space.
    """

    kind: str
    technology_nm: int
    glb_mm2: float = 0.0
    filter_spad_mm2: float = 0.0
    spad_register_mm2: float = 0.0
    ifmap_sram_mm2: float = 0.0
    filter_sram_mm2: float = 0.0
    ofmap_sram_mm2: float = 0.0
    pipeline_register_mm2: float = 0.0
    mac_mm2: float = 0.0
    overhead_mm2: float = 0.0

    SRAM: ClassVar[tuple[str, ...]] = (
        "glb",
        "filter_spad",
        "ifmap_sram",
        "filter_sram",
        "ofmap_sram",
    )
    REGISTERS: ClassVar[tuple[str, ...]] = ("spad_register", "pipeline_register")
    BUFFERS: ClassVar[tuple[str, ...]] = ("glb", "ifmap_sram", "filter_sram", "ofmap_sram")
    PER_PE: ClassVar[tuple[str, ...]] = ("filter_spad", "spad_register", "pipeline_register", "mac")

    def __post_init__(self) -> None:
        if self.kind not in KIND_PARTS:
            raise AccelsimError(
                f"area breakdown: kind must be spatial or systolic, not {self.kind}"
            )
        own = {f"{part}_mm2" for part in (*KIND_PARTS[self.kind], "overhead")}
        foreign = [f.name for f in fields(self) if f.name.endswith("_mm2") and f.name not in own]
        given = [name for name in foreign if getattr(self, name)]
        if given:
            raise AccelsimError(f"area breakdown: a {self.kind} array has no {', '.join(given)}")

    def parts(self) -> dict[str, float]:
        """The kind's components in mm2, without the overhead."""
        return {part: getattr(self, f"{part}_mm2") for part in KIND_PARTS[self.kind]}

    def _sum(self, names: tuple[str, ...]) -> float:
        return sum(getattr(self, f"{name}_mm2") for name in names)

    @property
    def components_mm2(self) -> float:
        """Sum of the modelled components (the bottom-up area)."""
        return sum(self.parts().values())

    @property
    def total_mm2(self) -> float:
        """Components plus overhead: the modelled core area."""
        return self.components_mm2 + self.overhead_mm2

    def columns(self) -> dict[str, float]:
        """Result columns. By circuit: `area_sram_mm2 + area_register_mm2 + area_mac_mm2 +
        area_overhead_mm2 == area_mm2`; by place: `area_buffer_mm2` (GLB or the three SRAMs) +
        `area_pe_mm2` (everything replicated per PE) + `area_overhead_mm2 == area_mm2`."""
        return {
            "area_mm2": self.total_mm2,
            "area_sram_mm2": self._sum(self.SRAM),
            "area_register_mm2": self._sum(self.REGISTERS),
            "area_mac_mm2": self.mac_mm2,
            "area_buffer_mm2": self._sum(self.BUFFERS),
            "area_pe_mm2": self._sum(self.PER_PE),
            "area_overhead_mm2": self.overhead_mm2,
        }

"""An accelerator: one array (spatial or systolic), its energy table and its feature-map coding.

This is the one hardware description every model takes. `hardware` is a `SpatialArray` (an
Eyeriss-like PE array running the row-stationary dataflow) or a `SystolicArray` (a TPU-like array
with a fixed OS/WS/IS dataflow); `kind` says which. `rlc` is how feature maps are run-length coded
in DRAM (spatial arrays) and for transmission (the partitioner); its value width is the array's.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from accelsim.calibration.parameters import Calibration
from accelsim.coding.rlc_size import RlcFormat
from accelsim.errors import AccelsimError
from accelsim.files.reading import short_repr
from accelsim.hardware.energy import EnergyTable
from accelsim.hardware.limits import check_name
from accelsim.hardware.spatial import SpatialArray
from accelsim.hardware.systolic import SystolicArray

ARRAY_KINDS: dict[str, type] = {"spatial": SpatialArray, "systolic": SystolicArray}
"""Array kinds an accelerator file may name, and the class that describes each."""

DATAFLOW_KIND = {df: kind for kind, cls in ARRAY_KINDS.items() for df in cls.dataflows}
"""Every dataflow accelsim simulates and the kind of array that runs it."""


@dataclass(frozen=True)
class Accelerator:
    """An array, the energy per access of its levels, its RLC format and the calibration of the
    RS model (`accelsim.calibration`; systolic arrays ignore it)."""

    name: str
    hardware: SpatialArray | SystolicArray
    energy: EnergyTable
    rlc: RlcFormat
    calibration: Calibration = field(default_factory=Calibration)

    def __post_init__(self) -> None:
        check_name("accelerator", "name", self.name)
        if not isinstance(self.hardware, SpatialArray | SystolicArray):
            raise AccelsimError(
                f"accelerator '{self.name}': hardware must be a SpatialArray or SystolicArray, "
                f"got {short_repr(self.hardware)}"
            )
        if not isinstance(self.energy, EnergyTable):
            raise AccelsimError(
                f"accelerator '{self.name}': energy must be an EnergyTable, "
                f"got {short_repr(self.energy)}"
            )
        if not isinstance(self.rlc, RlcFormat):
            raise AccelsimError(
                f"accelerator '{self.name}': rlc must be an RlcFormat, got {short_repr(self.rlc)}"
            )
        if not isinstance(self.calibration, Calibration):
            raise AccelsimError(
                f"accelerator '{self.name}': calibration must be a Calibration, "
                f"got {short_repr(self.calibration)}"
            )
        if self.rlc.value_bits != self.hardware.bits:
            raise AccelsimError(
                f"accelerator '{self.name}': the RLC format codes {self.rlc.value_bits}-bit "
                f"values, the array is {self.hardware.bits}-bit"
            )

    @property
    def kind(self) -> str:
        """`spatial` or `systolic`."""
        return self.hardware.kind

    @property
    def dataflow(self) -> str:
        return self.hardware.dataflow

    @property
    def bits(self) -> int:
        return self.hardware.bits

    def without_control(self) -> Accelerator:
        """The same accelerator, with clock and control energy left out of reported energies."""
        return replace(self, energy=self.energy.without_control())

"""The design points of a comparison: accelerators, each possibly at several array sizes."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from accelsim.errors import AccelsimError
from accelsim.hardware.accelerator import Accelerator


@dataclass(frozen=True)
class Design:
    """One accelerator a comparison runs both models on, and how tables and plots name it."""

    label: str
    accelerator: Accelerator

    def columns(self) -> dict[str, object]:
        """What the result rows say about the design."""
        acc = self.accelerator
        return {
            "design": self.label,
            "accelerator": acc.name,
            "kind": acc.kind,
            "dataflow": acc.hardware.dataflow,
            "array": "x".join(map(str, acc.hardware.shape)),
            "bits": acc.bits,
        }


def expand_designs(
    accelerators: Sequence[Accelerator | str | None],
    arrays: Sequence[tuple[int, int]] | None = None,
    default_model: str = "analytical",
) -> list[Design]:
    """Every accelerator, at each of `arrays` (rows x columns) when given, in order.

    A design is labelled by its accelerator's name, followed by the array when arrays are swept
    (`eyeriss 8x8`); two designs with the same label are an error."""
    from accelsim.api import as_accelerator
    from accelsim.hardware.config import with_overrides

    bases = [as_accelerator(spec, default_model) for spec in (accelerators or [None])]
    designs: list[Design] = []
    for base in bases:
        if not arrays:
            designs.append(Design(base.name, base))
            continue
        for rows, cols in arrays:
            acc = with_overrides(base, array=(rows, cols))
            designs.append(Design(f"{base.name} {rows}x{cols}", acc))
    labels = [d.label for d in designs]
    for label in labels:
        if labels.count(label) > 1:
            raise AccelsimError(f"design '{label}' is given twice")
    return designs

"""Limits shared by the engines: the batch a run may ask for.

Each engine also bounds its own work (RS: `accelsim.engine.rs.run`, systolic:
`accelsim.engine.systolic.budget`) before it allocates or loops, so a request that would not fit
in memory or would run for minutes ends in one line naming the knob instead.
"""

from __future__ import annotations

from accelsim.errors import AccelsimError
from accelsim.files.reading import short_repr

MAX_BATCH = 1_000_000
"""Most images one layer run may process together.

Far above any batch an accelerator holds (Eyeriss ran batches of 4 to 16, TPU serving batches
are at most a few thousand); beyond it every engine's work grows linearly with nothing to learn,
and integer counters of a large layer would approach int64."""


def check_batch(batch: object, what: str = "batch") -> int:
    """`batch` as a positive int of at most MAX_BATCH (a bool, a float or a string is refused)."""
    if isinstance(batch, bool) or not isinstance(batch, int):
        raise AccelsimError(
            f"{what} must be a positive integer, got {short_repr(batch)} ({type(batch).__name__})"
        )
    if batch < 1:
        raise AccelsimError(f"{what} must be a positive integer, got {short_repr(batch)}")
    if batch > MAX_BATCH:
        raise AccelsimError(
            f"{what} {short_repr(batch)} exceeds the limit of {MAX_BATCH} images per layer run"
        )
    return batch

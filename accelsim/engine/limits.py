"""Limits shared by the engines and models: the batch a run may ask for, and the batch a run
uses when none is asked for (`images_per_pass`, the same rule for every model).

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


DEFAULT_BATCH = 1
"""Images per pass of a layer without `batch_n` when no batch is asked for, in every model."""


def images_per_pass(layer: object, batch: int | None = None) -> int:
    """The images a model processes together for `layer`: `batch` when asked for, else the
    layer's own `batch_n` (the built-in networks carry the CNNergy reference's), else
    DEFAULT_BATCH. Every model (analytical, rs, systolic) uses this rule, so on one network they
    run at the same batch unless told otherwise."""
    if batch is not None:
        return check_batch(batch)
    given = getattr(layer, "batch_n", None)
    if given is None:
        return DEFAULT_BATCH
    return check_batch(given, f"layer '{getattr(layer, 'name', layer)}': batch_n")

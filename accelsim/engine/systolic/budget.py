"""What a systolic simulation of one GEMM will cost, known before it runs, and the limits on it.

The fast path replays the read buffers request by request (numba) over dense address tables, and
the write buffer line by line; the cycle-by-cycle path materialises demand matrices. Each is
bounded here in closed form from the mapping, so a huge batch, layer or array is refused in one
line naming the knob, before anything is allocated.
"""

from __future__ import annotations

from accelsim.errors import AccelsimError
from dataflows.systolic import ConvGemm, SystolicMapping, sram_requests

MAX_SYSTOLIC_REQUESTS = 5_000_000_000
"""Most SRAM read requests plus demand lines the fast path replays for one layer.

The largest layer of AlexNet makes 4.2 x 10^7 on a 32 x 32 or 256 x 256 array, of VGG-16
1.2 x 10^8 (measured, batch 1), so this allows batches of ~40 on VGG-16 and ~100 on AlexNet;
beyond it a run takes minutes."""

MAX_ADDRESS_WORDS = 500_000_000
"""Most words in an operand's address space (batch x ifmap, or K x N filters) for one layer: the
replay keeps a 4-byte entry per word, 2 GB at the limit. VGG-16's largest (FC6's filters) has
1.03 x 10^8."""

MAX_ARRAY_PES = 1 << 24
"""Most PEs (rows x cols) a systolic array may have: 4096 x 4096, 256 times a TPU's 256 x 256;
per-line buffers grow with the array side and the skew of every fold with rows + cols."""


MAX_CLOSED_FORM_FOLDS = 2_000_000
"""Most folds the closed forms handle for one layer: they walk the folds (averages, the default
model's tile LRU) and keep a few words per fold (the scalesim ifmap model), ~100 MB at the limit.
VGG-16's conv1_2 has 1.8 x 10^6 folds on a 4 x 4 IS array at batch 1 (2 x 10^5 in OS)."""


def check_closed_form_budget(gemm: ConvGemm, mapping: SystolicMapping) -> None:
    """Refuse a GEMM with more folds than the closed forms handle, naming the knob."""
    if mapping.folds > MAX_CLOSED_FORM_FOLDS:
        raise AccelsimError(
            f"layer '{gemm.name}': {mapping.folds} folds on a {mapping.rows} x {mapping.cols} "
            f"array (batch {gemm.batch}), more than the closed forms' limit of "
            f"{MAX_CLOSED_FORM_FOLDS}; use a larger array or a smaller batch"
        )


def check_gemm_budget(gemm: ConvGemm, mapping: SystolicMapping) -> None:
    """Refuse a GEMM whose simulation would exceed a limit, naming the knob."""
    where = f"layer '{gemm.name}'"
    if mapping.rows * mapping.cols > MAX_ARRAY_PES:
        raise AccelsimError(
            f"{where}: a {mapping.rows} x {mapping.cols} array has more than {MAX_ARRAY_PES} "
            "PEs; use a smaller array"
        )
    space = max(gemm.batch * gemm.height * gemm.width * gemm.channels, gemm.k * gemm.n)
    if space > MAX_ADDRESS_WORDS:
        raise AccelsimError(
            f"{where}: {space} operand words at batch {gemm.batch}, more than the limit of "
            f"{MAX_ADDRESS_WORDS}; reduce the batch or the layer"
        )
    requests = sram_requests(gemm, mapping)
    work = requests.ifmap_reads + requests.filter_reads + mapping.lines
    if work > MAX_SYSTOLIC_REQUESTS:
        raise AccelsimError(
            f"{where}: the simulation would replay {work} SRAM requests and cycles (batch "
            f"{gemm.batch}, {mapping.rows} x {mapping.cols} array), more than the limit of "
            f"{MAX_SYSTOLIC_REQUESTS}; reduce the batch, the layer or the array"
        )

"""Cost of the layers without MACs on an accelerator (`non_mac="costed"`), in the result contract.

One rule for every model, so that two models differ only in their conv/FC layers:

- A layer that moves data reads its input words from DRAM and writes its output words back
  (layer by layer, as the conv/FC models do between layers); each word is written into the on-chip
  buffer and read out of it once (the GLB of a spatial array: inputs as `ifmap`, outputs as
  `psum`; a systolic array's ifmap and ofmap SRAMs).
- Its ALU operations (`accelsim.workload.non_mac`) run on the PEs, each at the energy of one MAC
  (an upper bound for the additions and comparisons most of them are), reported as `mac_j`.
- Latency: the larger of the ALU time (operations spread over every PE) and the transfer time (a
  spatial array's DRAM link, `dram_bus_bits` at `dram_clock_hz`; a systolic array's array edge, one
  word per row per cycle, as its SRAMs feed it).
- Clock and control energy follow the accelerator's energy table, as for every other layer.

Views (concatenation, slice, reshape) and fused activations move nothing; a fused activation still
pays its ALU operations.
"""

from __future__ import annotations

import math

from accelsim.energy.record import AccessCounts, energy_from_counts
from accelsim.hardware.accelerator import Accelerator
from accelsim.models.result import LayerResult
from accelsim.workload.non_mac import NonMacWork

SOURCE = "non-MAC cost model"


def transfer_cycles(accelerator: Accelerator, words: int) -> int:
    """Array cycles to move `words` words in and out (see the module docstring)."""
    hw = accelerator.hardware
    if accelerator.kind == "spatial":
        beats = math.ceil(words * hw.bits / hw.dram_bus_bits)
        return math.ceil(beats * hw.clock_hz / hw.dram_clock_hz)
    return math.ceil(words / hw.rows)


def non_mac_result(work: NonMacWork, accelerator: Accelerator, model: str) -> LayerResult:
    """The cost of one non-MAC layer per image, as a LayerResult of `model`."""
    hw = accelerator.hardware
    moved = work.input_words + work.output_words if work.moves_data else 0
    alu_cycles = math.ceil(work.alu_ops / hw.num_pes)
    cycles = max(alu_cycles, transfer_cycles(accelerator, moved))
    latency = cycles / hw.clock_hz
    glb = {"ifmap": 2 * work.input_words, "psum": 2 * work.output_words, "filter": 0}
    dram = {"ifmap": work.input_words, "ofmap": work.output_words, "filter": 0}
    if not work.moves_data:
        glb = dict.fromkeys(glb, 0)
        dram = dict.fromkeys(dram, 0)
    counts = AccessCounts(
        nonzero_macs=work.alu_ops,
        rf_accesses=0,
        inter_pe_transfers=0,
        glb_accesses=sum(glb.values()),
        dram_accesses=sum(dram.values()),
    )
    breakdown = energy_from_counts(counts, accelerator.energy, latency)
    return LayerResult(
        layer=work.layer,
        group=work.group,
        model=model,
        batch=1,
        macs=0,
        nonzero_macs=0,
        energy_j=breakdown.total_j,
        latency_s=latency,
        breakdown=breakdown,
        rf_accesses=0,
        inter_pe_transfers=0,
        glb=glb,
        dram=dram,
        utilization=alu_cycles / cycles if cycles else 0.0,
        active_pes=min(hw.num_pes, work.alu_ops),
        extra={
            "source": SOURCE,
            "layer_kind": work.kind,
            "op": work.op,
            "alu_ops": work.alu_ops,
            "cycles": cycles,
            "treatment": work.reason,
        },
    )

"""The mapper prices mappings with the shared energy model, on the accesses the simulator charges."""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from accelsim.energy.record import AccessCounts, energy_from_counts
from accelsim.engine.rs import simulate_layer
from accelsim.engine.rs.plan import make_plan
from accelsim.engine.rs.run import run_plan
from accelsim.hardware import resolve_accelerator
from accelsim.workload.builtin import builtin_network
from dataflows.row_stationary import (
    COUNT_INDEX,
    access_counts,
    closed_form_counts,
    compute_cycles,
    dram_link_cycles,
    enumerate_mappings,
    rank_mappings,
    ranking_energy,
)

CFG = resolve_accelerator("eyeriss")
HW = CFG.hardware


def test_ranking_energy_is_energy_from_counts_row_by_row():
    layer = builtin_network("alexnet").layer("conv3")
    maps = enumerate_mappings(layer, HW, 2)[::97]
    energy, cycles = ranking_energy(layer, HW, CFG.energy, maps, 2, False, CFG.rlc)
    counts = closed_form_counts(layer, HW, maps, 2, False, CFG.rlc)
    table = replace(CFG.energy, include_control=True)
    for i, row in enumerate(counts):
        c = {name: int(row[j]) for name, j in COUNT_INDEX.items()}
        nz = round(c["macs"] * (1.0 - layer.ifmap_zero))
        dram = c["dram_ifmap_reads"] + c["dram_filter_reads"] + c["dram_ofmap_writes"]
        expect_cycles = compute_cycles(layer, maps[i], 2)[0] + dram_link_cycles(HW, dram)
        assert cycles[i] == expect_cycles
        expect = energy_from_counts(
            AccessCounts(
                nonzero_macs=nz,
                rf_accesses=c["macs"] + 3 * nz + c["rf_ifmap_writes"] + c["rf_filter_writes"]
                + c["rf_psum_writes_noc"],
                inter_pe_transfers=c["inter_pe"],
                glb_accesses=sum(v for k, v in c.items() if k.startswith("glb_")),
                dram_accesses=dram,
            ),
            table,
            expect_cycles / HW.clock_hz,
        )  # fmt: skip
        for field, value in expect.as_dict().items():
            assert getattr(energy, field)[i] == value, field


def test_access_counts_are_what_the_simulator_charges():
    layer = builtin_network("vgg16").layer("conv3_1")
    res = simulate_layer(layer, CFG, batch=3)
    counts, _, _ = run_plan(make_plan(layer, HW, res.mapping, 3, False, CFG.rlc), "fast")
    acc = access_counts(counts, res.nonzero_macs)
    assert acc.rf_accesses == res.rf_accesses
    assert acc.glb_accesses == res.glb_accesses
    assert acc.dram_accesses == res.dram_accesses
    assert acc.inter_pe_transfers == res.inter_pe_transfers


def test_ranking_ignores_whether_reports_include_control():
    net = builtin_network("alexnet")
    for layer in net.compute_layers[:3]:
        first = net.reads_image(layer)
        for policy in ("chip", "energy"):
            with_control = rank_mappings(layer, HW, CFG.energy, 2, first, policy, rlc=CFG.rlc)
            without = rank_mappings(
                layer, HW, CFG.energy.without_control(), 2, first, policy, rlc=CFG.rlc
            )
            assert np.array_equal(with_control[0], without[0])
            assert np.array_equal(with_control[1], without[1])

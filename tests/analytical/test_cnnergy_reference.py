"""CNNergy reproduces its public reference implementation, column by column, to 1e-9 relative."""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from accelsim.api import run
from accelsim.hardware import resolve_accelerator
from accelsim.workload.builtin import builtin_network


def network_frame(network, accelerator):
    """The analytical model's frame, through the public API every command uses."""
    return run(network, accelerator, "analytical")


DATA = Path(__file__).parent / "data"

# reference column -> (our column, scale of ours into the reference's unit)
MB = "MB"
COLUMNS = {
    "final_energy_per_ifmap": ("energy_j", 1),
    "final_energy_per_ifmap_first_sim": ("energy_j_computed_n", 1),
    "n": ("n", 1),
    "n_first_sim": ("n_computed", 1),
    "psum_kb": ("psum_kb", 1),
    "ifmap_kb": ("ifmap_kb", 1),
    "total_kb": ("total_kb", 1),
    "mac_count": ("macs", 1),
    "nos_of_nzmac": ("nonzero_macs", 1),
    "latency_s": ("latency_s", 1),
    "clock_energy_j": ("clock_j", 1),
    "rf_acc_mb_1n": ("rf_accesses", MB),
    "glb_acc_mb_1n": ("glb_accesses", MB),
    "darm_acc_mb_1n": ("dram_accesses", MB),
    "filter_glb_mb": ("glb_filter_accesses", MB),
    "ifmap_glb_mb": ("glb_ifmap_accesses", MB),
    "psum_glb_mb": ("glb_psum_accesses", MB),
    "filter_dram_mb": ("dram_filter_accesses", MB),
    "ifmap_dram_mb": ("dram_ifmap_accesses", MB),
    "ofmap_dram_mb": ("dram_ofmap_accesses", MB),
}


@pytest.mark.parametrize("bits", [16, 8])
def test_alexnet_reference_every_column(bits):
    reference = pd.read_csv(DATA / f"cnnergy_alexnet_{bits}bit.csv")
    ours = network_frame(builtin_network("alexnet"), resolve_accelerator("eyeriss", bits))
    assert list(ours["layer"]) == list(reference["layer_name"])
    for ref_column, (column, scale) in COLUMNS.items():
        factor = bits / 8 / 2**20 if scale == MB else scale
        np.testing.assert_allclose(
            ours[column] * factor, reference[ref_column], rtol=1e-9, atol=0, err_msg=ref_column
        )


def test_breakdown_sums_to_total():
    frame = network_frame(builtin_network("vgg16"), resolve_accelerator("eyeriss"))
    parts = frame[["mac_j", "rf_j", "inter_pe_j", "glb_j", "dram_j", "clock_j", "control_j"]]
    np.testing.assert_allclose(parts.sum(axis=1), frame["energy_j"], rtol=1e-12)


def test_no_control_removes_clock_and_control():
    on = network_frame(builtin_network("alexnet"), resolve_accelerator("eyeriss"))
    off = network_frame(builtin_network("alexnet"), resolve_accelerator("eyeriss", control=False))
    assert (off["clock_j"] == 0).all() and (off["control_j"] == 0).all()
    np.testing.assert_allclose(
        on["energy_j"] - on["clock_j"] - on["control_j"], off["energy_j"], rtol=1e-12
    )


OCTAVE = {
    "energy": ("energy_j", 1),
    "energy_first": ("energy_j_computed_n", 1),
    "n": ("n", 1),
    "n_first": ("n_computed", 1),
    "psum_kb": ("psum_kb", 1),
    "ifmap_kb": ("ifmap_kb", 1),
    "total_kb": ("total_kb", 1),
    "nzmac": ("nonzero_macs", 1),
    "rf_mb": ("rf_accesses", MB),
    "glb_mb": ("glb_accesses", MB),
    "dram_mb": ("dram_accesses", MB),
    "fglb": ("glb_filter_accesses", MB),
    "iglb": ("glb_ifmap_accesses", MB),
    "pglb": ("glb_psum_accesses", MB),
    "fdram": ("dram_filter_accesses", MB),
    "idram": ("dram_ifmap_accesses", MB),
    "odram": ("dram_ofmap_accesses", MB),
}


@pytest.mark.parametrize("network", ["alexnet", "vgg16", "googlenet", "squeezenet"])
@pytest.mark.parametrize("bits", [16, 8])
@pytest.mark.parametrize("control", [True, False])
def test_all_networks_against_reference_run(network, bits, control):
    suffix = "control" if control else "nocontrol"
    reference = pd.read_csv(DATA / "octave" / f"{network}_{bits}bit_{suffix}.csv")
    ours = network_frame(
        builtin_network(network), resolve_accelerator("eyeriss", bits, control=control)
    )
    assert len(ours) == len(reference)
    for ref_column, (column, scale) in OCTAVE.items():
        factor = bits / 8 / 2**20 if scale == MB else scale
        np.testing.assert_allclose(
            ours[column] * factor,
            reference[ref_column],
            rtol=1e-9,
            atol=0,
            err_msg=f"{network} {ref_column}",
        )

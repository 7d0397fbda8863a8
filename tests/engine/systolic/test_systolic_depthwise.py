"""SCALE-Sim's depthwise convention, as accelsim reads and runs it.

SCALE-Sim 3.0.0 (`scalesim/topology_utils.py`, `load_arrays_conv`) treats a conv row whose name
contains "DP" (`'DP' in elems[0].strip()`, case-sensitive) as depthwise: it appends one layer per
channel, named `<name>Channel_<i>`, with Channels set to 1 and Num Filter kept, so each channel
keeps all of the row's filters (a depthwise multiplier). accelsim reads such a row as one layer
with `groups = Channels` and `Channels x Num Filter` filters, whose GEMM runs once per group; the
stored SCALE-Sim runs (`depthwise_*`, `dwnames_*`) check it counter for counter
(`test_systolic_golden.py`); here the reading and its equivalence with the expansion.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))
from golden_cases import GOLDEN, case_array, report_rows  # noqa: E402

import accelsim  # noqa: E402
from accelsim.engine.systolic.engine import simulate_network  # noqa: E402
from accelsim.interop.scalesim import report_texts  # noqa: E402
from accelsim.workload.layer import ConvLayer  # noqa: E402
from accelsim.workload.network import INPUT, Network  # noqa: E402
from accelsim.workload.scalesim_topology import read_scalesim_topology  # noqa: E402

HEADER = "Layer name, IFMAP Height, IFMAP Width, Filter Height, Filter Width, Channels, Num Filter, Strides,"
# the rows of the dwnames_* golden runs, and how many layers SCALE-Sim made of each
ROWS = (("convDPs3", 11, 11, 3, 3, 5, 3, 3), ("dplower", 8, 8, 3, 3, 4, 2, 1),
        ("pwDP", 6, 6, 1, 1, 6, 1, 1))  # fmt: skip
SCALESIM_LAYERS = {"convDPs3": 5, "dplower": 1, "pwDP": 6}


def topology(tmp_path: Path, rows, name="t.csv") -> Path:
    path = tmp_path / name
    path.write_text("\n".join([HEADER, *(", ".join(map(str, r)) + "," for r in rows)]) + "\n")
    return path


def expanded(rows):
    """The layers SCALE-Sim makes of `rows` (its loop, restated)."""
    out = []
    for row in rows:
        if "DP" in row[0].strip():
            out += [(f"{row[0]}Channel_{i}", *row[1:5], 1, *row[6:]) for i in range(row[5])]
        else:
            out.append(row)
    return out


def test_dp_rows_are_grouped_layers(tmp_path):
    layers = read_scalesim_topology(topology(tmp_path, ROWS)).layers
    by_name = {layer.name: layer for layer in layers}
    dw = by_name["convDPs3"]
    assert (dw.in_channels, dw.groups, dw.channels_per_group, dw.out_channels) == (5, 5, 1, 15)
    plain = by_name["dplower"]  # SCALE-Sim's test is case-sensitive
    assert (plain.in_channels, plain.groups, plain.out_channels) == (4, 1, 2)
    pw = by_name["pwDP"]
    assert (pw.groups, pw.out_channels, pw.filter_height) == (6, 6, 1)


@pytest.mark.parametrize("dataflow", ["os", "ws", "is"])
def test_scalesim_made_one_layer_per_channel(dataflow):
    case = GOLDEN / f"dwnames_4x16_2-4-1_{dataflow}"
    stored = [line.split(",")[:8] for line in (case / "topology.csv").read_text().splitlines()[1:]]
    assert [(r[0].strip(), *map(int, r[1:])) for r in stored] == list(ROWS)
    assert len(report_rows(case, "COMPUTE_REPORT.csv")) == sum(SCALESIM_LAYERS.values())
    assert len(expanded(ROWS)) == sum(SCALESIM_LAYERS.values())


@pytest.mark.parametrize("dataflow", ["os", "ws", "is"])
def test_a_dp_row_runs_as_its_per_channel_expansion(tmp_path, dataflow):
    array = case_array(GOLDEN / f"dwnames_4x16_2-4-1_{dataflow}")
    grouped = read_scalesim_topology(topology(tmp_path, ROWS))
    flat = read_scalesim_topology(topology(tmp_path, expanded(ROWS), "flat.csv"))
    assert all(layer.groups == 1 for layer in flat.layers)
    mine = [r.per_gemm for r in simulate_network(grouped, array) for _ in range(r.repeats)]
    theirs = [r.per_gemm for r in simulate_network(flat, array)]
    assert mine == theirs
    assert report_texts(mine, array) == report_texts(theirs, array)


def test_a_depthwise_layer_from_any_source_runs_as_the_dp_row(tmp_path):
    """A grouped layer built directly (groups = channels) is the DP row on the systolic model."""
    row = ("dwDP", 14, 14, 3, 3, 8, 1, 1)
    from_topology = accelsim.run(str(topology(tmp_path, [row])), "scalesim-32x32", "systolic")
    layer = ConvLayer(name="dwDP", in_channels=8, in_height=14, in_width=14, out_channels=8,
                      filter_height=3, filter_width=3, groups=8, inputs=(INPUT,))  # fmt: skip
    direct = accelsim.run(Network("t", None, (layer,)), "scalesim-32x32", "systolic")
    shared = ["batch", "macs", "energy_j", "latency_s", "glb_accesses", "dram_accesses", "cycles"]
    assert direct[shared].to_dict("records") == from_topology[shared].to_dict("records")
    assert int(direct["cycles"].iloc[0]) > 0 and int(direct["batch"].iloc[0]) == 1

"""Accelerators: presets of both kinds, file round trips, SCALE-Sim .cfg conversion, overrides, and
rejected configurations."""

from pathlib import Path

import pytest

from accelsim.coding.rlc_size import RlcFormat, chip_rlc_format
from accelsim.errors import AccelsimError
from accelsim.hardware import (
    PRESETS,
    EnergyTable,
    SpatialArray,
    SystolicArray,
    accelerator_text,
    load_accelerator,
    preset,
    resolve_accelerator,
    save_accelerator,
)
from accelsim.hardware.energy import TECH_SCALE_45_TO_65

GOLDEN = Path(__file__).resolve().parents[2] / "validation" / "data" / "scalesim_golden"


def test_eyeriss_presets():
    c16 = resolve_accelerator("eyeriss")
    c8 = resolve_accelerator("eyeriss", bits=8)
    assert resolve_accelerator("eyeriss-8bit") == c8
    assert c16.kind == "spatial" and c16.dataflow == "rs"
    assert c16.hardware.num_pes == 168 and c16.hardware.glb_ifmap_psum_words == 51200
    assert (
        c8.hardware.spad_ifmap_words,
        c8.hardware.spad_filter_words,
        c8.hardware.spad_psum_words,
    ) == (24, 448, 48)
    assert c16.rlc == chip_rlc_format(16) and c8.rlc == chip_rlc_format(8)
    s = TECH_SCALE_45_TO_65
    assert c16.energy.mac_pj == pytest.approx(0.95 * s)
    assert c16.energy.dram_pj == pytest.approx(200 * 0.95 * s)
    assert c8.energy.mac_pj == pytest.approx((0.025 + 0.225) * s)
    assert c8.energy.glb_pj == pytest.approx(3 * 0.95 * s)
    off = resolve_accelerator("eyeriss", control=False).energy
    assert not off.include_control and off.clock_power_w == c16.energy.clock_power_w


def test_systolic_presets():
    sc = resolve_accelerator("scalesim-32x32")
    assert sc.kind == "systolic" and sc.hardware.shape == (32, 32) and sc.dataflow == "os"
    assert sc.hardware.sram_words == (65536, 65536, 65536) and sc.bits == 8
    tpu = resolve_accelerator("tpu-v1")
    hw = tpu.hardware
    assert (hw.rows, hw.cols, hw.dataflow, hw.clock_hz, hw.bits) == (256, 256, "ws", 700e6, 8)
    assert hw.sram_words == (24 * 2**20, 128 * 1024, 4096 * 256)
    with pytest.raises(AccelsimError, match="tpu-v1.*bits must be 8"):
        preset("tpu-v1", 16)
    sixteen = resolve_accelerator("scalesim-32x32", bits=16)
    assert sixteen.bits == 16 and sixteen.hardware.sram_words == (32768,) * 3


def test_technology_nodes():
    """Each preset's process node: Eyeriss 65 nm, TPU v1 28 nm, SCALE-Sim none (its 65 nm energy
    stand-in); a file without the key takes its base preset's node, one with it keeps it."""
    nodes = {name: resolve_accelerator(name).hardware.technology_nm for name in PRESETS}
    assert nodes == {"eyeriss": 65, "eyeriss-8bit": 65, "scalesim-32x32": 65, "tpu-v1": 28}
    assert preset("scalesim-32x32", 16).hardware.technology_nm == 65
    assert SpatialArray().technology_nm == SystolicArray().technology_nm == 65
    assert resolve_accelerator("tpu-v1", array=(8, 8)).hardware.technology_nm == 28


def test_files_without_a_node_load(tmp_path):
    path = tmp_path / "old.toml"
    path.write_text('kind = "systolic"\n[hardware]\nrows = 8\n')
    assert load_accelerator(path).hardware.technology_nm == 65
    path.write_text("[hardware]\npe_rows = 8\ntechnology_nm = 45\n")
    loaded = load_accelerator(path)
    assert loaded.hardware.technology_nm == 45
    assert "technology_nm = 45" in accelerator_text(loaded)
    save_accelerator(loaded, tmp_path / "again.yaml")
    assert load_accelerator(tmp_path / "again.yaml") == loaded


@pytest.mark.parametrize("name", list(PRESETS))
@pytest.mark.parametrize("suffix", [".toml", ".yaml"])
def test_every_preset_round_trips(tmp_path, name, suffix):
    accelerator = resolve_accelerator(name)
    path = tmp_path / f"acc{suffix}"
    save_accelerator(accelerator, path)
    assert load_accelerator(path) == accelerator
    assert resolve_accelerator(str(path)) == accelerator


def test_scalesim_cfg_converts_and_round_trips(tmp_path):
    cfg = GOLDEN / "alexnet_12x14_64-64-64_is" / "scale.cfg"
    accelerator = resolve_accelerator(str(cfg))
    assert accelerator.kind == "systolic"
    assert (accelerator.hardware.shape, accelerator.dataflow) == ((12, 14), "is")
    path = tmp_path / "converted.toml"
    path.write_text(accelerator_text(accelerator))
    assert load_accelerator(path) == accelerator


def test_partial_files_take_the_kinds_defaults(tmp_path):
    path = tmp_path / "big.toml"
    path.write_text(
        'name = "big"\n[hardware]\npe_rows = 16\npe_cols = 16\n[energy]\ndram_pj = 100.0\n'
    )
    config = load_accelerator(path)
    assert config.hardware.num_pes == 256 and config.energy.dram_pj == 100.0
    assert config.hardware.spad_filter_words == 224
    path.write_text('kind = "systolic"\n[hardware]\nrows = 8\ndataflow = "ws"\n')
    small = load_accelerator(path)
    assert isinstance(small.hardware, SystolicArray)
    assert (small.hardware.shape, small.dataflow, small.bits) == ((8, 32), "ws", 8)


def test_json_files_are_json(tmp_path):
    path = tmp_path / "a.json"
    path.write_text('{"name": "j", "hardware": {"pe_rows": 8}}')
    assert load_accelerator(path).hardware.pe_rows == 8
    path.write_text("name: not json\n")
    with pytest.raises(AccelsimError, match="cannot parse"):
        load_accelerator(path)


def test_overrides():
    tpu = resolve_accelerator("tpu-v1", dataflow="os", array=(64, 32), sram_kb=(8, 8, 8))
    assert (tpu.dataflow, tpu.hardware.shape, tpu.hardware.ifmap_sram_kb) == ("os", (64, 32), 8)
    wide = resolve_accelerator("eyeriss", array=(16, 16))
    assert wide.hardware.shape == (16, 16)
    assert resolve_accelerator(None, dataflow="ws").name == "scalesim-32x32"
    assert resolve_accelerator(None).name == "eyeriss"
    with pytest.raises(AccelsimError, match="--dataflow os runs on a systolic array"):
        resolve_accelerator("eyeriss", dataflow="os")
    with pytest.raises(AccelsimError, match="--dataflow rs runs on a spatial array"):
        resolve_accelerator("tpu-v1", dataflow="rs")
    with pytest.raises(AccelsimError, match="--sram-kb sets a systolic"):
        resolve_accelerator("eyeriss", sram_kb=(1, 1, 1))


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[hardware]\npe_rowz = 3\n", "unknown key 'pe_rowz' in \\[hardware\\]"),
        ("[energy]\nsram_pj = 3.0\n", "unknown key 'sram_pj' in \\[energy\\]"),
        ("[power]\nx = 1\n", "unknown key 'power'"),
        (
            "[hardware]\npe_rows = 0\n",
            "hardware.pe_rows = 0: Input should be greater than or equal to 1",
        ),
        ("[hardware]\nbits = 12\n", "hardware.bits = 12: .*must be 8 or 16"),
        ("[hardware]\nglb_filter_kb = 20.0\n", "exceeds glb_kb"),
        ("[hardware]\nclock_hz = -1\n", "hardware.clock_hz = -1: .*greater than or equal to 1000"),
        ("[energy]\ndram_pj = -5.0\n", "energy.dram_pj = -5.0: .*greater than"),
        (
            "[energy]\ncontrol_fraction = 1.0\n",
            "energy.control_fraction = 1.0: .*less than or equal to 0.99",
        ),
        ("[energy]\nanalytical_macs_per_s = 1e9\n", "unknown key 'analytical_macs_per_s'"),
        ('kind = "systolic"\n[hardware]\npe_rows = 3\n', "unknown key 'pe_rows'"),
        ('kind = "vector"\n', "kind = 'vector': Input should be 'spatial' or 'systolic'"),
        ("[rlc]\nvalues_per_word = 1000\n", "need 21001 bits, more than word_bits 64"),
        ("[rlc]\nword_bits = 16\n", "more than word_bits 16"),
        ("[rlc]\nrun = 5\n", "unknown key 'run' in \\[rlc\\]"),
        ("hardware = []\n", "hardware must be a table, got a list"),
        ('kind = ["spatial"]\n', "kind = a list of 1 items"),
        ("[energy]\nname = 5\n", "energy.name = 5: Input should be a valid string"),
        (
            "[rlc]\nvalues_per_word = 2.5\n",
            "rlc.values_per_word = 2.5: Input should be a valid integer",
        ),
        ("[hardware]\nbits = 8.0\n", "hardware.bits = 8.0: Input should be a valid integer"),
        ("[hardware]\nclock_hz = inf\n", "hardware.clock_hz. is inf: not a finite number"),
        ('kind = "systolic"\n[hardware]\nclock_hz = inf\n', "hardware.clock_hz. is inf"),
        ("[hardware\n", "cannot parse"),
    ],
)
def test_rejected_files(tmp_path, text, message):
    path = tmp_path / "bad.toml"
    path.write_text(text)
    with pytest.raises(AccelsimError, match=message) as info:
        load_accelerator(path)
    assert str(path) in str(info.value)


def test_one_rlc_format_for_every_model(tmp_path):
    """A file that changes the RLC format changes the analytical model, the simulator and the
    partitioner alike (one owner: `Accelerator.rlc`)."""
    from accelsim.api import run
    from accelsim.partition.model import partition_model
    from accelsim.workload.builtin import builtin_network

    path = tmp_path / "rlc2.toml"
    path.write_text("[rlc]\nvalues_per_word = 2\n")
    net = builtin_network("alexnet")
    base, two = resolve_accelerator("eyeriss"), resolve_accelerator(str(path))
    assert two.rlc == RlcFormat(16, 5, 2, 64)
    for model in ("analytical", "rs"):
        a = run(net, base, model)["dram_ifmap_accesses"].iloc[1]
        b = run(net, two, model)["dram_ifmap_accesses"].iloc[1]
        assert b > a, model
    bits = [partition_model(net, acc).bits[2] for acc in (base, two)]
    assert bits[1] > bits[0]


def test_unknown_preset_and_bits_conflict(tmp_path):
    with pytest.raises(AccelsimError, match="unknown accelerator 'tpu'"):
        resolve_accelerator("tpu")
    path = tmp_path / "a.toml"
    save_accelerator(resolve_accelerator("eyeriss"), path)
    with pytest.raises(AccelsimError, match="--bits 8 contradicts"):
        resolve_accelerator(str(path), bits=8)
    with pytest.raises(AccelsimError, match="noc_ifmap_bits 12 is not a multiple"):
        SpatialArray(noc_ifmap_bits=12)
    with pytest.raises(AccelsimError, match="mac_pj"):
        EnergyTable(mac_pj=float("inf"))


def test_presets_page_states_the_node_bounds():
    from accelsim.hardware import limits as L

    text = (Path(__file__).resolve().parents[2] / "docs" / "presets.md").read_text()
    bounds = f"technology nodes from {L.MIN_TECHNOLOGY_NM} to {L.MAX_TECHNOLOGY_NM} nm"
    assert bounds in " ".join(text.split())

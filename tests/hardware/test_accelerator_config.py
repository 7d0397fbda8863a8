"""Accelerator presets, TOML/YAML round trips, and rejected configurations."""

import pytest

from accelsim.errors import AccelsimError
from accelsim.hardware import Accelerator, EnergyTable, load_config, resolve_config, save_config
from accelsim.hardware.energy import TECH_SCALE_45_TO_65


def test_presets():
    c16 = resolve_config("eyeriss")
    c8 = resolve_config("eyeriss", bits=8)
    assert resolve_config("eyeriss-8bit") == c8
    assert c16.hardware.num_pes == 168 and c16.hardware.glb_ifmap_psum_words == 51200
    assert (
        c8.hardware.spad_ifmap_words,
        c8.hardware.spad_filter_words,
        c8.hardware.spad_psum_words,
    ) == (24, 448, 48)
    s = TECH_SCALE_45_TO_65
    assert c16.energy.mac_pj == pytest.approx(0.95 * s)
    assert c16.energy.dram_pj == pytest.approx(200 * 0.95 * s)
    assert c8.energy.mac_pj == pytest.approx((0.025 + 0.225) * s)
    assert c8.energy.glb_pj == pytest.approx(3 * 0.95 * s)
    off = resolve_config("eyeriss", control=False).energy
    assert not off.include_control and off.clock_power_w == c16.energy.clock_power_w


@pytest.mark.parametrize("suffix", [".toml", ".yaml"])
def test_round_trip(tmp_path, suffix):
    config = resolve_config("eyeriss-8bit")
    path = tmp_path / f"acc{suffix}"
    save_config(config, path)
    assert load_config(path) == config
    assert resolve_config(str(path)) == config


def test_partial_file_takes_defaults(tmp_path):
    path = tmp_path / "big.toml"
    path.write_text(
        'name = "big"\n[hardware]\npe_rows = 16\npe_cols = 16\n[energy]\ndram_pj = 100.0\n'
    )
    config = load_config(path)
    assert config.hardware.num_pes == 256 and config.energy.dram_pj == 100.0
    assert config.hardware.spad_filter_words == 224


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[hardware]\npe_rowz = 3\n", "unknown key 'pe_rowz' in \\[hardware\\]"),
        ("[energy]\nsram_pj = 3.0\n", "unknown key 'sram_pj' in \\[energy\\]"),
        ("[power]\nx = 1\n", "unknown key 'power'"),
        ("[hardware]\npe_rows = 0\n", "pe_rows must be a positive integer"),
        ("[hardware]\nbits = 12\n", "bits must be 8 or 16"),
        ("[hardware]\nglb_filter_kb = 20.0\n", "exceeds glb_kb"),
        ("[hardware]\nclock_hz = -1\n", "clock_hz must be a positive number"),
        ("[energy]\ndram_pj = -5.0\n", "dram_pj must be a non-negative number"),
        ("[energy]\ncontrol_fraction = 1.0\n", "control_fraction must be in"),
        ("[hardware\n", "cannot parse"),
    ],
)
def test_rejected_files(tmp_path, text, message):
    path = tmp_path / "bad.toml"
    path.write_text(text)
    with pytest.raises(AccelsimError, match=message):
        load_config(path)


def test_unknown_preset_and_bits_conflict(tmp_path):
    with pytest.raises(AccelsimError, match="unknown accelerator 'tpu'"):
        resolve_config("tpu")
    path = tmp_path / "a.toml"
    save_config(resolve_config("eyeriss"), path)
    with pytest.raises(AccelsimError, match="--bits 8 contradicts"):
        resolve_config(str(path), bits=8)
    with pytest.raises(AccelsimError, match="noc_ifmap_bits 12 is not a multiple"):
        Accelerator(noc_ifmap_bits=12)
    with pytest.raises(AccelsimError, match="mac_pj"):
        EnergyTable(mac_pj=float("inf"))

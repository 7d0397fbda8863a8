"""The named calibration parameters: defaults keep today's model, the accelerator file carries
them (strict schema), and each mechanism does what its documentation says."""

from __future__ import annotations

from dataclasses import replace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from accelsim.calibration import PARAMETERS, Calibration
from accelsim.calibration.effective import applied, rs_energy, rs_hardware
from accelsim.engine.rs.simulate import simulate_layer
from accelsim.errors import AccelsimError
from accelsim.hardware import resolve_accelerator
from accelsim.hardware.config import accelerator_from_dict, accelerator_to_dict, load_accelerator
from accelsim.workload.builtin import builtin_network
from dataflows.row_stationary import glb_capacity_words

EYERISS = resolve_accelerator("eyeriss", 16)
ALEXNET = builtin_network("alexnet")


def test_every_field_is_documented_and_defaults_are_the_uncalibrated_model():
    cal = Calibration()
    assert set(PARAMETERS) == set(cal.as_dict())
    assert cal.is_default and EYERISS.calibration == cal
    assert applied(EYERISS) == EYERISS
    for info in PARAMETERS.values():
        assert info.group in ("policy", "timing", "energy", "provenance") and info.doc


def test_file_round_trip_and_strict_schema(tmp_path):
    cal = Calibration(max_pe_sets=6, onchip_weight=0.2, glb_kb_bytes=1024, static_power_w=0.03)
    acc = replace(EYERISS, calibration=cal)
    data = accelerator_to_dict(acc)
    assert accelerator_from_dict(data) == acc
    path = tmp_path / "cal.toml"
    path.write_text('[calibration]\nmapper = "chip"\nmax_pe_sets = 8\nfit_set = "alexnet"\n')
    loaded = load_accelerator(path)
    assert loaded.calibration == Calibration(mapper="chip", max_pe_sets=8, fit_set="alexnet")
    assert loaded.hardware == EYERISS.hardware


@pytest.mark.parametrize(
    ("table", "needle"),
    [
        ({"max_pe_sets": 0}, "max_pe_sets = 0"),
        ({"max_pe_sets": 2.0}, "max_pe_sets"),
        ({"glb_kb_bytes": 1010}, "glb_kb_bytes must be 1000 or 1024"),
        ({"dram_link_efficiency": 1.5}, "dram_link_efficiency"),
        ({"static_power_w": -0.1}, "static_power_w"),
        ({"onchip_weight": "0.1"}, "onchip_weight"),
        ({"fit_set": "resnet"}, "fit_set"),
        ({"mapper": "fastest"}, "mapper"),
        ({"mapper": 1}, "mapper"),
        ({"bogus": 1}, "unknown key 'bogus'"),
    ],
)
def test_bad_calibration_values_are_one_line_errors(table, needle):
    with pytest.raises(AccelsimError, match=needle) as info:
        accelerator_from_dict({"calibration": table}, "f.toml")
    assert "\n" not in str(info.value) and "f.toml" in str(info.value)


def test_the_calibrations_mapper_is_the_default_policy():
    """A file saying `mapper = "chip"` runs the chip policy unless a run names another."""
    from accelsim.engine.rs.simulate import choose_mapping

    layer = ALEXNET.layer("conv4")
    chip = replace(EYERISS, calibration=Calibration(mapper="chip"))
    assert choose_mapping(layer, chip, 4, False) == choose_mapping(layer, EYERISS, 4, False, "chip")
    assert choose_mapping(layer, EYERISS, 4, False) == choose_mapping(
        layer, chip, 4, False, "energy"
    )
    assert choose_mapping(layer, chip, 4, False) != choose_mapping(layer, EYERISS, 4, False)


def test_a_systolic_file_takes_no_calibration():
    with pytest.raises(AccelsimError, match="spatial"):
        accelerator_from_dict({"kind": "systolic", "calibration": {"max_pe_sets": 2}}, "f.toml")


@settings(max_examples=30, deadline=None)
@given(st.floats(-1.0, 20.0) | st.just(float("nan")) | st.booleans() | st.integers(-5, 5000))
def test_calibration_refuses_what_is_out_of_range(value):
    for name in ("onchip_weight", "dram_link_efficiency", "static_power_w", "max_pe_sets"):
        info = PARAMETERS[name]
        ok = (
            not isinstance(value, bool)
            and (isinstance(value, int) or name != "max_pe_sets")
            and info.low <= value <= info.high
        )
        if ok:
            assert getattr(Calibration(**{name: value}), name) == value
        else:
            with pytest.raises(AccelsimError):
                Calibration(**{name: value})


def test_glb_convention_sets_the_mapper_capacity():
    assert glb_capacity_words(rs_hardware(EYERISS)) == 50_000
    kib = replace(EYERISS, calibration=Calibration(glb_kb_bytes=1024))
    assert glb_capacity_words(rs_hardware(kib)) == 51_200
    assert applied(applied(kib)) == applied(kib)  # idempotent


def test_dram_link_efficiency_slows_only_the_link():
    layer = ALEXNET.layer("conv1")
    slow = replace(EYERISS, calibration=Calibration(dram_link_efficiency=0.5))
    mp = simulate_layer(layer, EYERISS, batch=4, first_layer=True).mapping
    base = simulate_layer(layer, EYERISS, mapping=mp, batch=4, first_layer=True)
    half = simulate_layer(layer, slow, mapping=mp, batch=4, first_layer=True)
    assert half.dram_reads == base.dram_reads and half.glb_reads == base.glb_reads
    assert half.cycles_by_cause["compute"] == base.cycles_by_cause["compute"]
    assert half.cycles_by_cause["dram"] > base.cycles_by_cause["dram"]


def test_static_power_is_charged_over_the_latency():
    layer = ALEXNET.layer("conv2")
    cal = Calibration(static_power_w=0.05)
    hot = replace(EYERISS, calibration=cal)
    assert rs_energy(hot).clock_power_w == pytest.approx(EYERISS.energy.clock_power_w + 0.05)
    mp = simulate_layer(layer, EYERISS, batch=4).mapping
    base = simulate_layer(layer, EYERISS, mapping=mp, batch=4)
    more = simulate_layer(layer, hot, mapping=mp, batch=4)
    assert more.cycles == base.cycles
    extra = more.energy.clock_j - base.energy.clock_j
    assert extra == pytest.approx(0.05 * base.latency_s / 4, rel=1e-12)

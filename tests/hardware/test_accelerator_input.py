"""Bad accelerator input of every class (files, the Python API, the --array/--sram-kb overrides)
ends in one AccelsimError line naming the file, the table.field and the value; sane designs load."""

import json
import math

import pytest
import tomli_w
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from accelsim.coding.rlc_size import RlcFormat
from accelsim.errors import AccelsimError
from accelsim.hardware import (
    Accelerator,
    EnergyTable,
    SpatialArray,
    SystolicArray,
    load_accelerator,
    resolve_accelerator,
)
from accelsim.hardware import limits as L
from accelsim.hardware.schema import HARDWARE_SCHEMAS, Energy, Rlc


def _error(path, text: str) -> str:
    path.write_text(text)
    with pytest.raises(AccelsimError) as info:
        load_accelerator(path)
    message = str(info.value)
    assert "\n" not in message and str(path) in message and len(message) < 400
    return message


@pytest.mark.parametrize(
    ("text", "named"),
    [
        ("[hardware]\nclock_hz = 1e300\n", "hardware.clock_hz = 1e+300"),
        ("[hardware]\ndram_clock_hz = 1e11\n", "hardware.dram_clock_hz"),
        ("[hardware]\nclock_hz = 0\n", "hardware.clock_hz = 0"),
        ("[hardware]\nglb_kb = 1e300\n", "hardware.glb_kb = 1e+300"),
        ("[hardware]\npe_rows = 100000\n", "hardware.pe_rows = 100000"),
        ("[hardware]\npe_rows = 3.7\n", "hardware.pe_rows = 3.7"),
        ("[hardware]\npe_rows = true\n", "hardware.pe_rows = True"),
        ('[hardware]\npe_rows = "12"\n', "hardware.pe_rows = '12'"),
        ("[hardware]\ndram_bus_bits = 1048576\n", "hardware.dram_bus_bits = 1048576"),
        ("[hardware]\nspad_filter_words = 10000000\n", "hardware.spad_filter_words"),
        ("[hardware]\nbits = true\n", "hardware.bits = True"),
        ("[hardware]\nglb_filter_kb = 0.0001\n", "glb_filter_kb 0.0001 kB cannot hold one"),
        ("[hardware]\nglb_kb = -1.0\n", "hardware.glb_kb = -1.0"),
        ('kind = "systolic"\n[hardware]\nrows = 100000\n', "hardware.rows = 100000"),
        ('kind = "systolic"\n[hardware]\nifmap_sram_kb = 64.5\n', "hardware.ifmap_sram_kb = 64.5"),
        ('kind = "systolic"\n[hardware]\ndataflow = 1\n', "hardware.dataflow = 1"),
        ("[hardware]\ntechnology_nm = 1\n", "hardware.technology_nm = 1"),
        ("[hardware]\ntechnology_nm = 28.0\n", "hardware.technology_nm = 28.0"),
        ('kind = "systolic"\n[hardware]\ntechnology_nm = 300\n', "hardware.technology_nm = 300"),
        ("[energy]\ncontrol_fraction = false\n", "energy.control_fraction = False"),
        ("[energy]\ncontrol_fraction = -0.1\n", "energy.control_fraction = -0.1"),
        ("[energy]\ncontrol_fraction = 1.0\n", "energy.control_fraction = 1.0"),
        ("[energy]\nmac_pj = 0.0\n", "energy.mac_pj = 0.0"),
        ("[energy]\ndram_pj = 1e300\n", "energy.dram_pj = 1e+300"),
        ('[energy]\nglb_pj = "6"\n', "energy.glb_pj = '6'"),
        ("[energy]\nclock_power_w = -1\n", "energy.clock_power_w = -1"),
        ("[rlc]\nvalues_per_word = 1000\n", "need 21001 bits, more than word_bits 64"),
        ("[rlc]\nword_bits = 16\n", "more than word_bits 16"),
        ("[rlc]\nrun_bits = 0\n", "rlc.run_bits = 0"),
        ("[rlc]\nrun_bits = true\n", "rlc.run_bits = True"),
        ("[rlc]\nword_bits = 100000\n", "rlc.word_bits = 100000"),
        ("hardware = []\n", "hardware must be a table"),
        ('hardware = "x"\n', "hardware must be a table"),
        ("name = 5\n", "name = 5"),
        ('name = ""\n', "name = ''"),
        ("[extra]\n", "unknown key 'extra'"),
        ("[hardware]\n[hardware.sub]\n", "unknown key 'sub' in [hardware]"),
    ],
)
def test_bad_values_are_named(tmp_path, text, named):
    assert named in _error(tmp_path / "bad.toml", text)


def test_yaml_nulls_and_json_constants(tmp_path):
    assert "hardware must be a table, got None" in _error(tmp_path / "a.yaml", "hardware: null\n")
    message = _error(tmp_path / "a.yaml", "hardware: {pe_rows: null}\n")
    assert "hardware.pe_rows = None" in message
    assert "cannot parse" in _error(tmp_path / "a.json", '{"hardware": {"clock_hz": Infinity}}')
    assert "must be a table" in _error(tmp_path / "a.json", "[1, 2]")


def test_limits_admit_every_real_design(tmp_path):
    tpu = resolve_accelerator("tpu-v1", array=(4096, 4096))
    assert tpu.hardware.num_macs == 4096**2
    assert resolve_accelerator("eyeriss", array=(L.MAX_SPATIAL_DIM,) * 2).hardware.num_pes > 1e6
    path = tmp_path / "hbm.yaml"
    path.write_text(
        "hardware:\n  dram_bus_bits: 8192\n  clock_hz: 3.0e+9\n  dram_clock_hz: 3.2e+9\n"
        "energy:\n  control_fraction: 0\n  clock_power_w: 0\n"
    )
    assert load_accelerator(path).hardware.dram_bus_bits == 8192
    path.write_text("hardware:\n  clock_hz: 3.0e9\n")  # YAML 1.1: text, refused with a hint
    with pytest.raises(AccelsimError, match="hardware.clock_hz = '3.0e9'.*write 3.0e.9"):
        load_accelerator(path)


def test_api_arguments_and_overrides():
    cases = [
        (lambda: resolve_accelerator("eyeriss", array=(100000, 100000)), "--array.*pe_rows"),
        (lambda: resolve_accelerator(dataflow="os", array=(100000, 8)), "--array.*rows"),
        (lambda: resolve_accelerator("eyeriss", array=(3.7, 4)), r"--array .*\(3.7, 4\)"),
        (lambda: resolve_accelerator("eyeriss", array=(True, 4)), "--array"),
        (lambda: resolve_accelerator("tpu-v1", sram_kb=(1, 2)), "--sram-kb"),
        (lambda: resolve_accelerator("tpu-v1", sram_kb=(2**40,) * 3), "ifmap_sram_kb"),
        (lambda: resolve_accelerator("eyeriss", bits=True), "bits must be 8 or 16, got True"),
        (lambda: resolve_accelerator("eyeriss", control="no"), "control must be true or false"),
        (lambda: resolve_accelerator(["eyeriss"]), "preset name or a file path"),
        (lambda: resolve_accelerator(dataflow=["os"]), "dataflow must be one of"),
        (lambda: SpatialArray(pe_rows=3.0), "pe_rows must be an integer, got 3.0"),
        (lambda: SpatialArray(clock_hz=float("inf")), "clock_hz must be a finite number"),
        (lambda: SpatialArray(clock_hz=10**400), "clock_hz must be a finite number"),
        (lambda: SpatialArray(glb_kb="108"), "glb_kb must be a number, got '108'"),
        (lambda: SystolicArray(clock_hz=True), "clock_hz must be a number, got True"),
        (lambda: SystolicArray(name="x" * 10**6), "at most 200 characters"),
        (lambda: SystolicArray(technology_nm=True), "technology_nm must be an integer"),
        (lambda: SpatialArray(technology_nm=251), r"technology_nm must be in \[2, 250\]"),
        (lambda: EnergyTable(control_fraction=False), "control_fraction must be a number"),
        (lambda: EnergyTable(rf_pj=-1e-3), "rf_pj must be a finite number"),
        (lambda: RlcFormat(16, 5, 3, 16), "more than word_bits 16"),
        (lambda: RlcFormat(16, 5, 1000, 64), "more than word_bits 64"),
        (lambda: RlcFormat(16, 5.0, 3, 64), "run_bits must be an integer"),
    ]
    for build, message in cases:
        with pytest.raises(AccelsimError, match=message) as info:
            build()
        assert "\n" not in str(info.value) and len(str(info.value)) < 300


def test_accelerator_parts_are_typed():
    acc = resolve_accelerator("eyeriss")
    with pytest.raises(AccelsimError, match="energy must be an EnergyTable"):
        Accelerator("x", acc.hardware, {"mac_pj": 1}, acc.rlc)
    with pytest.raises(AccelsimError, match="rlc must be an RlcFormat"):
        Accelerator("x", acc.hardware, acc.energy, 3)


# Property: any malformed file ends in a one-line error naming the file, or a valid accelerator.
ANY_VALUE = st.one_of(
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(),
    st.none(),
    st.text(max_size=8),
    st.lists(st.integers(), max_size=2),
    st.dictionaries(st.text(max_size=3), st.integers(), max_size=2),
)
SANE = {
    "int": st.integers(min_value=1, max_value=64),
    "float": st.floats(min_value=0.01, max_value=200.0),
}


def _table(schema) -> st.SearchStrategy[dict]:
    keys = [*schema.model_fields, "unknown_key"]
    return st.dictionaries(
        st.sampled_from(keys), ANY_VALUE | SANE["int"] | SANE["float"], max_size=4
    )


FILES = st.fixed_dictionaries(
    {},
    optional={
        "name": ANY_VALUE | st.just("mine"),
        "kind": st.sampled_from(["spatial", "systolic", "vector", 1]),
        "hardware": _table(HARDWARE_SCHEMAS["spatial"]) | _table(HARDWARE_SCHEMAS["systolic"]),
        "energy": _table(Energy) | ANY_VALUE,
        "rlc": _table(Rlc),
        "power": ANY_VALUE,
    },
)


def _dump(data: dict, suffix: str) -> str | None:
    if suffix == ".json":
        return json.dumps(data)
    if suffix == ".yaml":
        return yaml.safe_dump(data)
    try:
        return tomli_w.dumps(data)
    except (TypeError, ValueError):  # None or a mixed list: not TOML
        return None


@settings(max_examples=80)
@given(data=FILES, suffix=st.sampled_from([".toml", ".yaml", ".json"]))
def test_fuzzed_files_give_one_line_or_a_valid_accelerator(tmp_path_factory, data, suffix):
    text = _dump(data, suffix)
    if text is None:
        return
    path = tmp_path_factory.getbasetemp() / f"fuzzed-accelerator{suffix}"
    path.write_text(text)
    try:
        accelerator = load_accelerator(path)
    except AccelsimError as exc:
        message = str(exc)
        assert "\n" not in message and str(path) in message and len(message) < 500
        return
    hw = accelerator.hardware
    assert 1 <= hw.num_pes <= L.MAX_ARRAY_DIM**2 and hw.clock_hz >= L.MIN_CLOCK_HZ
    assert all(math.isfinite(v) and v > 0 for v in (accelerator.energy.mac_pj, hw.clock_hz))
    assert 0 <= accelerator.energy.control_fraction <= L.MAX_CONTROL_FRACTION


def test_largest_spatial_array_enumerates_quickly():
    """The mapper's search on the largest admitted array and scratchpads stays small: its loops
    stop at the layer's channels, not at the array's PEs (1M PEs x 65536 words before)."""
    import time

    from accelsim.workload.layer import ConvLayer
    from dataflows.row_stationary.enumeration import enumerate_mappings

    words = L.MAX_SPAD_WORDS
    hw = SpatialArray(
        pe_rows=L.MAX_SPATIAL_DIM,
        pe_cols=L.MAX_SPATIAL_DIM,
        spad_ifmap_words=words,
        spad_filter_words=words,
        spad_psum_words=words,
    )
    start = time.process_time()
    maps = enumerate_mappings(ConvLayer("pointwise", 512, 14, 14, 128, 1, 1), hw, 1)
    assert len(maps) > 0 and time.process_time() - start < 10

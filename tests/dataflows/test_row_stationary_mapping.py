"""RS mapping: legality, parsing, closed-form counts, and the chip's own mapping choices."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from accelsim.coding.rlc_size import rlc_words
from accelsim.errors import AccelsimError
from accelsim.hardware import resolve_accelerator
from accelsim.models.silicon import chip_mapping_frame, silicon_batch, silicon_frame
from accelsim.workload.builtin import builtin_network
from accelsim.workload.layer import ConvLayer
from dataflows.row_stationary import (
    MAPPING_FIELDS,
    RSMapping,
    best_mapping,
    check_mapping,
    closed_form_counts,
    enumerate_mappings,
    geometry,
    glb_capacity_words,
    parse_mapping,
    rlc_words_array,
    widest_e,
)
from validation.compare import silicon_network

CFG = resolve_accelerator("eyeriss")
HW = CFG.hardware


def chip_choice(network: str, name: str) -> RSMapping:
    net = silicon_network(network)
    layer = net.layer(name)
    return best_mapping(layer, HW, CFG.energy, silicon_batch(network), net.reads_image(layer))


@pytest.mark.parametrize("name", ["conv1", "conv2", "conv3", "conv4", "conv5"])
def test_mapper_reproduces_the_alexnet_mapping_table(name):
    row = chip_mapping_frame().set_index("layer").loc[name]
    mp = chip_choice("alexnet", name)
    assert mp.as_dict() == {k: int(row[k]) for k in MAPPING_FIELDS}


def test_alexnet_active_pes_and_glb_allocation_match_the_chip():
    table = chip_mapping_frame().set_index("layer")
    measured = silicon_frame("alexnet").set_index("layer")
    net = silicon_network("alexnet")
    for name in table.index:
        mp = chip_choice("alexnet", name)
        geo = geometry(net.layer(name))
        assert mp.active_pes(geo) == measured.loc[name, "active_pes"]
        ifmap_kb, psum_kb = mp.glb_kb(geo, HW)  # kB of 1024 bytes
        assert ifmap_kb == pytest.approx(table.loc[name, "glb_ifmap_kb"], abs=0.1)
        assert psum_kb == pytest.approx(table.loc[name, "glb_psum_kb"], abs=0.1)


def test_vgg16_active_pes_match_the_chip_except_conv5_1():
    measured = silicon_frame("vgg16").set_index("layer")["active_pes"]
    net = silicon_network("vgg16")
    got = {
        name: chip_choice("vgg16", name).active_pes(geometry(net.layer(name)))
        for name in measured.index
    }
    mismatched = {k: (v, int(measured[k])) for k, v in got.items() if v != measured[k]}
    # CONV5-1 is reported with 163 active PEs; a uniform mapping of R = 3 rows uses a multiple of
    # 3 PEs, and CONV5-2/5-3 (same shape) use 168. The mapper gives 168 (documented limitation).
    assert mismatched == {"conv5_1": (168, 163)}


def test_parse_mapping_round_trip_and_errors():
    mp = parse_mapping("m=96,n=1,e=7,p=16,q=1,r=1,t=2")
    assert parse_mapping(str(mp)) == mp
    for bad, word in (
        ("m=96,n=1", "missing"),
        ("m=96,x=1", "expected"),
        ("m=a,n=1", "integer"),
        ("m=1,m=2", "twice"),
        ("m=0,n=1,e=1,p=1,q=1,r=1,t=1", "positive"),
    ):
        with pytest.raises(AccelsimError, match=word):
            parse_mapping(bad)


def test_check_mapping_names_the_violated_constraint():
    layer = builtin_network("alexnet").layer("conv3")
    ok = parse_mapping("m=64,n=4,e=13,p=16,q=4,r=1,t=4")
    check_mapping(layer, HW, ok, batch=4)
    cases = {
        "m=64,n=4,e=13,p=16,q=5,r=1,t=4": "ifmap scratchpad",
        "m=64,n=4,e=13,p=25,q=2,r=1,t=1": "psum scratchpad",
        "m=64,n=4,e=13,p=16,q=4,r=1,t=5": "sets",
        "m=64,n=5,e=13,p=16,q=4,r=1,t=4": "batch",
        "m=384,n=4,e=13,p=16,q=4,r=1,t=4": "GLB",
        "m=64,n=4,e=13,p=16,q=3,r=1,t=4": "divide",
        "m=64,n=4,e=14,p=16,q=4,r=1,t=4": "e=14",
    }
    for text, word in cases.items():
        with pytest.raises(AccelsimError, match=word):
            check_mapping(layer, HW, parse_mapping(text), batch=4)


def test_layers_the_array_cannot_run_are_errors():
    tall = ConvLayer("tall", 3, 20, 20, 4, 13, 3)
    with pytest.raises(AccelsimError, match="filter_height"):
        enumerate_mappings(tall, HW, 1)


def test_glb_capacity_is_100_kB_of_1000_bytes():
    assert glb_capacity_words(HW) == 50_000


def test_widest_e_keeps_one_set_width_per_strip_count():
    e = np.arange(1, 57)
    kept = e[widest_e(56, e)]
    strips = -(-56 // kept)
    assert len(set(strips)) == len(kept)
    # 5 strips: 12 and 13 rows -> 13; 4 strips: 14 to 18 rows -> 18 (a set wider than the array
    # folds); the policy never keeps a narrower set with the same number of strips.
    assert 13 in kept and 12 not in kept and 18 in kept and 14 not in kept


@pytest.mark.parametrize(
    "network,name",
    [
        ("alexnet", "fc6"),
        ("alexnet", "fc7"),
        ("googlenet", "inception_3a/1x1"),
        ("squeezenet", "fire2/squeeze1x1"),
    ],
)
def test_fc_and_1x1_layers_are_mapped(network, name):
    net = builtin_network(network)
    layer = net.layer(name)
    for policy in ("chip", "energy"):
        mp = best_mapping(layer, HW, CFG.energy, 2, net.reads_image(layer), policy=policy)
        check_mapping(layer, HW, mp, 2)


@settings(max_examples=60, deadline=None)
@given(values=st.integers(0, 10**7), zero=st.floats(0, 1), bits=st.sampled_from([8, 16]))
def test_vectorised_rlc_words_equals_the_scalar_formula(values, zero, bits):
    assert rlc_words_array(np.array([values]), zero, bits)[0] == rlc_words(values, zero, bits)


def test_every_enumerated_mapping_is_legal():
    layer = ConvLayer("l", 8, 12, 12, 8, 3, 3, pad=(1, 1, 1, 1), ifmap_zero=0.3)
    maps = enumerate_mappings(layer, HW, 3, max_pe_sets=None)
    assert len(maps) > 100
    for row in maps[:: max(1, len(maps) // 200)]:
        check_mapping(layer, HW, RSMapping(*map(int, row)), 3)
    counts = closed_form_counts(layer, HW, maps, 3, False)
    assert (counts[:, 0] == layer.macs * 3).all()


@settings(max_examples=60, deadline=None)
@given(
    text=st.one_of(
        st.text(max_size=80),
        st.lists(
            st.tuples(st.sampled_from(list("mneqprtx ")), st.text(max_size=6)), max_size=9
        ).map(lambda kv: ",".join(f"{k}={v}" for k, v in kv)),
    )
)
def test_malformed_mapping_text_is_one_line_or_a_mapping(text):
    from dataflows.row_stationary import RSMapping, parse_mapping

    try:
        mapping = parse_mapping(text)
    except AccelsimError as exc:
        assert "\n" not in str(exc) and len(str(exc)) < 200
    else:
        assert isinstance(mapping, RSMapping)

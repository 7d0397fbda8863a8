"""Options through the Python API: strict types and known choices, one-line errors."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import accelsim
from accelsim.errors import AccelsimError


def _refused(model, accelerator=None, **options):
    with pytest.raises(AccelsimError) as info:
        accelsim.run("alexnet", accelerator, model, **options)
    message = str(info.value)
    assert "\n" not in message and len(message) < 300
    return message


@pytest.mark.parametrize(
    ("model", "acc", "options", "named"),
    [
        ("rs", None, {"batch": True}, "batch"),
        ("rs", None, {"batch": 2.5}, "batch"),
        ("rs", None, {"batch": 10**9}, "batch"),
        ("rs", None, {"engine": "warp"}, "engine"),
        ("rs", None, {"mapper": 3}, "mapper"),
        ("rs", None, {"mappings": "m=1"}, "mappings"),
        ("rs", None, {"mappings": {"conv1": "m=x" * 10_000}}, "mapping"),
        ("rs", None, {"mappings": {"conv1": 7}}, "mappings"),
        ("systolic", "scalesim-32x32", {"memory": "ram"}, "memory"),
        ("systolic", "scalesim-32x32", {"cycle_by_cycle": 1}, "cycle_by_cycle"),
        ("systolic", "scalesim-32x32", {"batch": "2"}, "batch"),
        ("analytical", None, {"compute_n": "yes"}, "compute_n"),
        ("analytical", None, {"macs_per_s": float("inf")}, "macs_per_s"),
        ("analytical", None, {"macs_per_s": 0}, "macs_per_s"),
    ],
)
def test_bad_option_is_one_line_naming_it(model, acc, options, named):
    assert named in _refused(model, acc, **options)


@settings(max_examples=25, deadline=None)
@given(
    value=st.one_of(
        st.booleans(),
        st.floats(allow_nan=True),
        st.text(max_size=20),
        st.integers(max_value=0),
        st.integers(min_value=10**6 + 1),
        st.lists(st.integers(), max_size=3),
    )
)
def test_any_malformed_batch_is_refused(value):
    assert "batch" in _refused("rs", None, batch=value)

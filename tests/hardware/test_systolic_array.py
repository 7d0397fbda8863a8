"""SystolicArray validation and the --array / --sram-kb parsers."""

from __future__ import annotations

import pytest

from accelsim.errors import AccelsimError
from accelsim.hardware.systolic import SystolicArray, parse_array, parse_sram_kb


def test_defaults_and_words():
    a = SystolicArray()
    assert (a.rows, a.cols, a.dataflow) == (32, 32, "os")
    assert a.sram_words == (65536, 65536, 65536)
    assert a.num_macs == 1024


@pytest.mark.parametrize("kwargs, field", [
    ({"rows": 0}, "rows"), ({"cols": -3}, "cols"), ({"dataflow": "rs"}, "dataflow"),
    ({"ifmap_sram_kb": 0}, "ifmap_sram_kb"), ({"ofmap_sram_kb": 1.5}, "ofmap_sram_kb"),
    ({"clock_hz": 0}, "clock_hz"), ({"rows": True}, "rows"),
])  # fmt: skip
def test_impossible_arrays(kwargs, field):
    with pytest.raises(AccelsimError, match=field) as info:
        SystolicArray(**kwargs)
    assert "\n" not in str(info.value)


def test_parsers():
    assert parse_array("12x14") == (12, 14)
    assert parse_array(" 8X4 ") == (8, 4)
    assert parse_sram_kb("64,32,16") == (64, 32, 16)
    assert parse_sram_kb("8") == (8, 8, 8)
    for bad in ("0x32", "32", "axb", "32x"):
        with pytest.raises(AccelsimError, match="--array"):
            parse_array(bad)
    for bad in ("1,2", "0,1,1", "a,b,c", "-1,2,3"):
        with pytest.raises(AccelsimError, match="--sram-kb"):
            parse_sram_kb(bad)

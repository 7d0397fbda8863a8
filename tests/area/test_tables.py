"""The packaged tables: provenance lines kept, the CACTI sweep an exact copy of the shared one."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import pytest

from accelsim.area.tables import (
    LOGIC_TABLE,
    PUBLISHED_TABLE,
    SCALING_TABLE,
    SRAM_TABLE,
    published,
    rows,
    sram_areas,
)

DATA = resources.files("accelsim") / "data" / "area"
SHARED = Path(__file__).resolve().parents[3] / "shared" / "area"


@pytest.mark.parametrize("name", [SRAM_TABLE, LOGIC_TABLE, SCALING_TABLE, PUBLISHED_TABLE])
def test_every_table_names_its_source(name):
    text = (DATA / name).read_text(encoding="utf-8")
    assert text.startswith("# ")
    assert rows(name)


def test_sram_sweep_is_the_shared_copy():
    shared = SHARED / SRAM_TABLE
    if not shared.is_file():
        pytest.skip("no ../shared/ next to the project")
    assert (DATA / SRAM_TABLE).read_bytes() == shared.read_bytes()


def test_tables_read_as_expected():
    assert sorted(sram_areas("itrs-lop")) == [22, 32, 45, 65]
    assert all(len(points) == 13 for points in sram_areas("itrs-lop").values())
    assert published("eyeriss", "core_area") == 12.25
    assert published("tpu-v1", "die_area_max") == 331
    assert published("tpu-v1", "unified_buffer_share") == pytest.approx(1 / 3)
    with pytest.raises(KeyError):
        published("tpu-v1", "core_area")

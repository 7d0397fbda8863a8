"""docs/rs-simulator.md quotes the MobileNet depthwise table as
`tests/engine/rs/mobilenet_depthwise.py` prints it today, and the group-set mappings it quotes
beat the one-channel mappings on every layer under both mappers."""

from __future__ import annotations

from pathlib import Path

from tests.engine.rs.mobilenet_depthwise import HEADER, table_rows, total_lines

PAGE = Path(__file__).resolve().parents[3] / "docs" / "rs-simulator.md"


def test_the_page_quotes_the_depthwise_table_as_computed():
    lines = PAGE.read_text().splitlines()
    quoted = [line for line in lines if line.startswith(("| v1 |", "| v2 |"))]
    rows = table_rows()
    assert HEADER in lines
    assert quoted == rows
    assert [line for line in lines if line.startswith("- MobileNet v")] == total_lines()
    for row in rows:  # utilization and latency: group sets better on every layer and mapper
        cells = [c.strip() for c in row.strip("|").split("|")]
        for col, better in ((6, float.__gt__), (7, float.__lt__)):
            before, after = (float(v) for v in cells[col].split(" -> "))
            assert better(after, before), row

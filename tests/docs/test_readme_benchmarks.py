"""The README's start-up and memory table is the one `python benchmarks/issue13.py` wrote to
`benchmarks/issue13.md` (not typed in by hand)."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_readme_start_up_table_is_the_benchmarks():
    written = (ROOT / "benchmarks" / "issue13.md").read_text().splitlines()
    rows = [line for line in written if line.startswith("| ")]
    assert len(rows) >= 12  # header and every measured row
    readme = (ROOT / "README.md").read_text()
    missing = [row for row in rows if row not in readme]
    assert not missing, missing

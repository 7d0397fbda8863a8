"""docs/onnx.md lists every operator of the importer's table, and quotes the benchmark's figures."""

from __future__ import annotations

import re
from pathlib import Path

from accelsim.interop.onnx.ops import OPERATORS

ROOT = Path(__file__).resolve().parents[2]


def test_every_operator_of_the_table_is_on_the_page():
    text = (ROOT / "docs" / "onnx.md").read_text()
    rows = " ".join(line.split("|")[1] for line in text.splitlines() if line.startswith("| "))
    listed = set(re.findall(r"[A-Z][A-Za-z]+", rows))
    assert set(OPERATORS) - listed == set()


def test_the_page_quotes_the_benchmark():
    page = " ".join((ROOT / "docs" / "onnx.md").read_text().split())
    bench = (ROOT / "benchmarks" / "onnx_import.md").read_text()
    ours = next(line for line in bench.splitlines() if "load_onnx" in line).split("|")
    theirs = next(line for line in bench.splitlines() if "`onnx.load`" in line).split("|")
    assert f"{ours[2].strip()} s and {ours[5].strip()} MiB" in page
    assert f"{float(theirs[2]):.2f} s and {int(theirs[5]):,} MiB" in page

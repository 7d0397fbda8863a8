"""SCALE-Sim files: read its `.cfg` configurations, write its three report CSVs.

A SCALE-Sim user keeps their topology and configuration files and swaps the command:

    accelsim simulate topology.csv --dataflow os --scalesim-config scale.cfg --scalesim-reports out/

The reports have SCALE-Sim 3.0.0's exact layout (header text, `, ` separators, trailing comma,
cycle numbers of the detailed report printed as floats), one row per SCALE-Sim layer: a grouped
layer is one row per group, as SCALE-Sim would need one topology row per group.
"""

from __future__ import annotations

import configparser
import os
import re
from dataclasses import dataclass, replace
from pathlib import Path

from accelsim.engine.systolic.counters import GemmCounters
from accelsim.errors import AccelsimError
from accelsim.files.reading import read_text, short_repr
from accelsim.hardware.accelerator import Accelerator
from accelsim.hardware.limits import MAX_NAME_CHARS
from accelsim.hardware.systolic import DATAFLOWS, SystolicArray
from accelsim.report.output import write_text_atomic

COMPUTE_HEADER = (
    "LayerID, Total Cycles (incl. prefetch), Total Cycles, Stall Cycles, Overall Util %, "
    "Mapping Efficiency %, Compute Util %,"
)
BANDWIDTH_HEADER = (
    "LayerID, Avg IFMAP SRAM BW, Avg FILTER SRAM BW, Avg OFMAP SRAM BW, Avg IFMAP DRAM BW, "
    "Avg FILTER DRAM BW, Avg OFMAP DRAM BW,"
)
DETAIL_HEADER = (
    "LayerID, SRAM IFMAP Start Cycle, SRAM IFMAP Stop Cycle, SRAM IFMAP Reads, "
    "SRAM Filter Start Cycle, SRAM Filter Stop Cycle, SRAM Filter Reads, "
    "SRAM OFMAP Start Cycle, SRAM OFMAP Stop Cycle, SRAM OFMAP Writes, "
    "DRAM IFMAP Start Cycle, DRAM IFMAP Stop Cycle, DRAM IFMAP Reads, "
    "DRAM Filter Start Cycle, DRAM Filter Stop Cycle, DRAM Filter Reads, "
    "DRAM OFMAP Start Cycle, DRAM OFMAP Stop Cycle, DRAM OFMAP Writes,"
)
REPORT_FILES = ("COMPUTE_REPORT.csv", "BANDWIDTH_REPORT.csv", "DETAILED_ACCESS_REPORT.csv")


@dataclass(frozen=True)
class ScaleSimConfig:
    """What accelsim uses from a SCALE-Sim configuration file."""

    run_name: str
    array: SystolicArray
    bandwidth_mode: str
    topology: str | None = None


INTEGER_PATTERN = re.compile(r"[0-9]{1,9}", re.ASCII)
"""A SCALE-Sim integer: ASCII digits only (no sign, `_` or exponent), at most 9 of them; the
array's own bounds (`accelsim.hardware.limits`) then apply."""

ARRAY_KEYS = {
    "rows": "ArrayHeight",
    "cols": "ArrayWidth",
    "ifmap_sram_kb": "IfmapSramSzkB",
    "filter_sram_kb": "FilterSramSzkB",
    "ofmap_sram_kb": "OfmapSramSzkB",
}
"""`SystolicArray` fields and the [architecture_presets] key SCALE-Sim gives each in."""


def read_scalesim_config(path: str | os.PathLike[str], clock_hz: float = 200e6) -> ScaleSimConfig:
    """Parse a SCALE-Sim `.cfg`; only `InterfaceBandwidth: CALC` (its default) is modelled.

    Values are literal (a `%` is a character, not interpolation); each error is one line naming
    the file, the [section] key and the value."""
    text = read_text(path, "SCALE-Sim config")
    origin = f"SCALE-Sim config '{path}'"
    parser = configparser.ConfigParser(interpolation=None)
    try:
        parser.read_string(text, source=str(path))
    except configparser.Error as exc:
        first = " ".join(str(exc).split())
        raise AccelsimError(f"{origin}: cannot parse: {short_repr(first, 200)}") from None

    def get(section: str, key: str, default: str | None = None) -> str:
        if parser.has_option(section, key):
            return parser.get(section, key).strip()
        if default is not None:
            return default
        where = "" if parser.has_section(section) else f" (no [{section}] section)"
        raise AccelsimError(f"{origin}: missing {key} in [{section}]{where}")

    def integer(key: str) -> int:
        value = get("architecture_presets", key)
        if not INTEGER_PATTERN.fullmatch(value):
            raise AccelsimError(
                f"{origin}: [architecture_presets] {key} must be a positive integer of at most "
                f"9 digits, got {short_repr(value)}"
            )
        return int(value)

    dataflow = get("architecture_presets", "Dataflow").lower()
    if dataflow not in DATAFLOWS:
        raise AccelsimError(
            f"{origin}: [architecture_presets] Dataflow must be one of {', '.join(DATAFLOWS)}, "
            f"got {short_repr(dataflow)}"
        )
    mode = get("run_presets", "InterfaceBandwidth", "CALC").upper()
    if mode != "CALC":
        raise AccelsimError(
            f"{origin}: [run_presets] InterfaceBandwidth {short_repr(mode)} is not modelled; "
            "accelsim reproduces SCALE-Sim's default CALC mode"
        )
    stem = Path(path).stem
    run_name = get("general", "run_name", stem).strip().strip('"') or stem
    if len(run_name) > MAX_NAME_CHARS or not run_name.isprintable():
        raise AccelsimError(
            f"{origin}: [general] run_name must be printable and at most {MAX_NAME_CHARS} "
            f"characters, got {short_repr(run_name)}"
        )
    sizes = {field: integer(key) for field, key in ARRAY_KEYS.items()}
    try:
        array = SystolicArray(name=run_name, dataflow=dataflow, clock_hz=clock_hz, **sizes)
    except AccelsimError as exc:
        raise AccelsimError(f"{origin}: [architecture_presets] {_scalesim_names(exc)}") from None
    topology = None
    if parser.has_option("network_presets", "TopologyCsvLoc"):
        topology = parser.get("network_presets", "TopologyCsvLoc").strip().strip('"')
    return ScaleSimConfig(run_name, array, mode, topology)


def _scalesim_names(exc: AccelsimError) -> str:
    """The array's error with its field names as SCALE-Sim's keys."""
    message = str(exc)
    for field, key in ARRAY_KEYS.items():
        message = re.sub(rf"\b{field}\b", key, message)
    return message


def accelerator_from_scalesim_config(path: str | os.PathLike[str]) -> Accelerator:
    """A SCALE-Sim `.cfg` as an accelerator: its array, dataflow and SRAMs, 8-bit words (SCALE-Sim's
    one word per byte), and the rest (clock, energy table, RLC) from the `scalesim-32x32` preset."""
    from accelsim.hardware.presets import scalesim_32x32

    base = scalesim_32x32(8)
    array = read_scalesim_config(path, base.hardware.clock_hz).array
    return replace(base, name=array.name, hardware=array)


def _cycle(value: int | None) -> str:
    return "nan" if value is None else repr(float(value))


def report_rows(counters: list[GemmCounters], array: SystolicArray) -> tuple[list, list, list]:
    """The three reports' data rows (without LayerID) for GEMMs in SCALE-Sim's order."""
    compute, bandwidth, detail = [], [], []
    for c in counters:
        compute.append([
            str(c.cycles_incl_prefetch), str(c.cycles), str(c.stall_cycles),
            repr((c.macs * 100) / (c.cycles * array.num_macs)), repr(c.mapping_efficiency * 100),
            repr(c.compute_utilization * 100)])  # fmt: skip

        def dram_bw(words: int, start: int | None, stop: int | None) -> str:
            if start is None or stop is None:
                return "nan"
            return repr(words / (stop - start + 1))

        bandwidth.append([
            repr(c.sram_ifmap_reads / c.cycles), repr(c.sram_filter_reads / c.cycles),
            repr(c.sram_ofmap_writes / c.cycles),
            dram_bw(c.dram_ifmap_reads, c.dram_ifmap_start, c.dram_ifmap_stop),
            dram_bw(c.dram_filter_reads, c.dram_filter_start, c.dram_filter_stop),
            dram_bw(c.dram_ofmap_writes, c.dram_ofmap_start, c.dram_ofmap_stop)])  # fmt: skip
        detail.append([
            _cycle(c.sram_ifmap_start), _cycle(c.sram_ifmap_stop), str(c.sram_ifmap_reads),
            _cycle(c.sram_filter_start), _cycle(c.sram_filter_stop), str(c.sram_filter_reads),
            _cycle(c.sram_ofmap_start), _cycle(c.sram_ofmap_stop), str(c.sram_ofmap_writes),
            _cycle(c.dram_ifmap_start), _cycle(c.dram_ifmap_stop), str(c.dram_ifmap_reads),
            _cycle(c.dram_filter_start), _cycle(c.dram_filter_stop), str(c.dram_filter_reads),
            _cycle(c.dram_ofmap_start), _cycle(c.dram_ofmap_stop),
            str(c.dram_ofmap_writes)])  # fmt: skip
    return compute, bandwidth, detail


def report_texts(counters: list[GemmCounters], array: SystolicArray) -> dict[str, str]:
    """File name -> text of SCALE-Sim's COMPUTE, BANDWIDTH and DETAILED_ACCESS reports."""
    texts = {}
    for name, header, rows in zip(REPORT_FILES, (COMPUTE_HEADER, BANDWIDTH_HEADER, DETAIL_HEADER),
                                  report_rows(counters, array), strict=True):  # fmt: skip
        lines = [header] + [", ".join([str(i), *row]) + "," for i, row in enumerate(rows)]
        texts[name] = "\n".join(lines) + "\n"
    return texts


def write_scalesim_reports(counters: list[GemmCounters], array: SystolicArray,
                           directory: str | os.PathLike[str]) -> list[Path]:  # fmt: skip
    """Write the three reports into `directory` (created if missing), atomically each."""
    target = Path(directory)
    try:
        target.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise AccelsimError(f"cannot create report directory '{target}': {exc.strerror}") from None
    written = []
    for name, text in report_texts(counters, array).items():
        write_text_atomic(target / name, text)
        written.append(target / name)
    return written

"""The README's reading of its `accelsim explore` example is what the shown table says (the table
itself is checked against the command by test_docs.py)."""

import re
from pathlib import Path

README = Path(__file__).resolve().parents[2] / "README.md"
COMMAND = "    $ accelsim explore alexnet squeezenet"
COLUMNS = ("energy", "latency", "edp", "power", "area", "util", "dram")


def shown_rows() -> dict[tuple[str, str], dict[str, float]]:
    lines = README.read_text().splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith(COMMAND))
    rows, network = {}, None
    for line in lines[start + 1 :]:
        if not line.startswith("    "):
            if line.strip():
                break
            continue
        text = line[4:]
        heading = re.match(r"(\w+): the \d+ best design points", text)
        if heading:
            network = heading.group(1)
            continue
        match = re.match(r"[* ]  (.+?)\s{2,}([-\d.e+ ]+)$", text)
        if match and network:
            values = [float(v) for v in match.group(2).split()]
            rows[(network, match.group(1).strip())] = dict(zip(COLUMNS, values, strict=True))
    return rows


def test_the_readme_reading_of_the_sweep():
    rows = shown_rows()
    os32 = rows["alexnet", "scalesim-32x32 os 32x32"]
    text = " ".join(README.read_text().split())
    # the row-stationary designs are not in the top 3: the figures come from the sweep itself
    import accelsim
    from accelsim.exploration import Space

    space = Space(dataflows=("rs",), arrays=((24, 32), (32, 32)), bits=(8,))
    sweep = accelsim.explore(space, ["alexnet"]).set_index("design")
    rs24, rs32 = sweep.loc["eyeriss-8bit 24x32"], sweep.loc["eyeriss-8bit 32x32"]
    assert round(rs24["edp_js"] / rs32["edp_js"] - 1, 2) == 0.07
    assert round(rs32["area_mm2"] / rs24["area_mm2"] - 1, 2) == 0.31
    assert "24 x 32 is 7 % behind it with 31 % less area" in text
    assert next(iter(rows)) == ("alexnet", "scalesim-32x32 os 32x32")  # the lowest EDP
    assert round(rs32["edp_js"] * 1e6 / os32["edp"], 1) == 1.9 and "1.9x below the best" in text
    assert round(rs32["latency_s"] * 1e3 / os32["latency"], 1) == 3.6
    assert round(os32["energy"] / (rs32["energy_j"] * 1e3), 1) == 1.9
    assert "3.6x faster for 1.9x the energy" in text
    assert round(os32["area"] / rs32["area_mm2"], 2) == 0.2 and "in a fifth of the area" in text
    assert (round(os32["dram"]), round(rs32["dram_accesses"] * 1e-6, 1)) == (26, 5.2)
    assert "26 M words against 5.2 M" in text
    sq = rows["squeezenet", "scalesim-32x32 os 32x32"]
    assert (sq["edp"], round(sq["util"])) == (12.46, 66)
    assert "12.46 mJ x ms, 66 % utilization" in text
    assert all(design.startswith("scalesim") for net, design in rows if net == "squeezenet")


def test_the_readme_area_figures():
    from accelsim.area import area_of
    from accelsim.hardware.presets import preset

    text = " ".join(README.read_text().split())
    assert round(area_of(preset("eyeriss")).total_mm2, 2) == 12.25 and "Eyeriss 12.25 mm2" in text
    assert round(area_of(preset("tpu-v1")).total_mm2) == 205 and "TPU v1 205 mm2" in text

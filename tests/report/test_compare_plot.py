"""The comparison charts: per-layer ratios and the network heat map, from synthetic frames."""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from accelsim.errors import AccelsimError
from accelsim.report import compare_plot
from accelsim.report.compare_plot import (
    _cell_text,
    _heatmap_figure,
    _log_ticks,
    _ratio_figure,
    human_label,
    plot_layer_ratios,
    plot_ratio_heatmap,
)

DESIGNS = (("eyeriss", "12x14"), ("eyeriss 8x8", "8x8"))
NETWORKS = ("alexnet", "vgg16")
LAYERS = ("conv1", "conv2", "fc1")
COLUMNS = ("energy_j", "latency_s", "glb_accesses", "dram_accesses", "rf_accesses")


def _row(design: str, array: str, network: str, layer: str, column: str, a: float, b: float):
    """One comparison row with the schema of `accelsim compare`."""
    if math.isnan(a) or math.isnan(b):
        ratio = math.nan
    elif a == 0:
        ratio = 1.0 if b == 0 else math.inf
    else:
        ratio = b / a
    return {
        "design": design,
        "accelerator": "eyeriss",
        "kind": "spatial",
        "dataflow": "rs",
        "array": array,
        "bits": 16,
        "network": network,
        "layer": layer,
        "group": layer.upper(),
        "column": column,
        "model_a": "analytical",
        "model_b": "rs",
        "a": a,
        "b": b,
        "ratio": ratio,
        "status": "compared" if math.isfinite(ratio) else "refused",
        "reason": "" if math.isfinite(ratio) else "filter taller than the array",
    }


def comparison(
    designs=DESIGNS,
    networks=NETWORKS,
    layers=LAYERS,
    columns=COLUMNS,
    seed: int = 0,
    spread: float = 0.3,
) -> pd.DataFrame:
    """Rows for every design x network x layer x column, then each network's TOTAL rows."""
    rng = np.random.default_rng(seed)
    rows = []
    for design, array in designs:
        for network in networks:
            for column in columns:
                total_a = total_b = 0.0
                for layer in layers:
                    a = float(rng.lognormal(0.0, 1.0)) * 1e-3
                    b = a * float(np.exp(rng.normal(0.0, spread)))
                    total_a, total_b = total_a + a, total_b + b
                    rows.append(_row(design, array, network, layer, column, a, b))
                rows.append(_row(design, array, network, "TOTAL", column, total_a, total_b))
    return pd.DataFrame(rows)


def _read_png(path: Path) -> np.ndarray:
    """The image at `path`, checked to be a PNG with some height and width."""
    from matplotlib.image import imread

    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    image = imread(path)
    assert image.ndim == 3 and image.shape[0] > 100 and image.shape[1] > 100
    return image


def _texts(fig) -> list[str]:
    """Every text drawn in the axes of `fig` (annotations, notes)."""
    return [t.get_text() for ax in fig.axes for t in ax.texts]


# --- the per-layer ratio chart -------------------------------------------------------------


def test_layer_ratios_writes_a_png(tmp_path: Path) -> None:
    """The default columns are drawn to a valid PNG, and nothing else is left in the folder."""
    path = tmp_path / "ratios.png"
    plot_layer_ratios(comparison(), path)
    _read_png(path)
    assert [p.name for p in tmp_path.iterdir()] == ["ratios.png"]


def test_layer_ratios_labels_titles_and_series() -> None:
    """A subplot per present column, titled and labelled; a series per design; TOTAL left out."""
    fig = _ratio_figure(comparison(), ("energy_j", "latency_s", "not_a_column", "dram_accesses"))
    axes = [ax for ax in fig.axes if ax.get_ylabel()]
    assert [ax.get_title(loc="left") for ax in axes] == [
        "energy per image (J)",
        "latency per image (s)",
        "DRAM accesses per image (words)",
    ]
    for ax in axes:
        assert ax.get_yscale() == "log"
        assert ax.get_ylabel() == "rs / analytical (ratio)"
        lo, hi = ax.get_ylim()
        assert lo < 0.9 and hi > 1.1
        series = [line for line in ax.get_lines() if line.get_label() in dict(DESIGNS)]
        assert [line.get_label() for line in series] == ["eyeriss", "eyeriss 8x8"]
        assert all(len(line.get_xdata()) == len(NETWORKS) * len(LAYERS) for line in series)
    bottom = axes[-1]
    assert bottom.get_xlabel() == "layer"
    ticks = [t.get_text() for t in bottom.get_xticklabels()]
    assert ticks == list(LAYERS) * len(NETWORKS)
    assert "TOTAL" not in ticks
    assert fig.get_suptitle() == "rs vs analytical: per-layer ratio"
    legend = [t.get_text() for t in fig.legends[0].get_texts()]
    assert legend == ["±10 %", "eyeriss", "eyeriss 8x8"]


def test_layer_ratios_names_the_networks() -> None:
    """With two networks, their names stand above their groups of layers."""
    fig = _ratio_figure(comparison(), ("energy_j",))
    (ax,) = [ax for ax in fig.axes if ax.get_ylabel()]
    (top,) = ax.child_axes
    assert [t.get_text() for t in top.get_xticklabels()] == list(NETWORKS)
    assert np.allclose(top.get_xticks(), [1.0, 4.0])


def test_layer_ratios_title_is_the_given_one() -> None:
    fig = _ratio_figure(comparison(), ("energy_j",), title="my comparison")
    assert fig.get_suptitle() == "my comparison"


def test_nan_inf_and_zero_ratios_are_not_drawn(tmp_path: Path) -> None:
    """Unknown, refused, infinite and zero ratios are left out, counted in the title."""
    frame = comparison(columns=("energy_j",))
    layer_rows = frame.index[frame["layer"] != "TOTAL"]
    frame.loc[layer_rows[0], "ratio"] = math.nan
    frame.loc[layer_rows[1], "ratio"] = math.inf
    frame.loc[layer_rows[2], "ratio"] = 0.0
    frame.loc[layer_rows[3], "ratio"] = -math.inf
    fig = _ratio_figure(frame, ("energy_j",))
    (ax,) = [ax for ax in fig.axes if ax.get_ylabel()]
    series = [line for line in ax.get_lines() if line.get_label() in dict(DESIGNS)]
    drawn = np.concatenate([line.get_ydata() for line in series])
    assert len(drawn) == len(layer_rows) - 4
    assert np.all(np.isfinite(drawn) & (drawn > 0))
    assert "4 of 12 not drawn" in ax.get_title(loc="left")
    plot_layer_ratios(frame, tmp_path / "ratios.png", ("energy_j",))
    _read_png(tmp_path / "ratios.png")


def test_a_column_without_any_ratio_gets_a_note(tmp_path: Path) -> None:
    """A quantity no layer was compared on is an empty axis saying so, the others still drawn."""
    frame = comparison()
    frame.loc[frame["column"] == "latency_s", "ratio"] = math.nan
    fig = _ratio_figure(frame, ("energy_j", "latency_s"))
    empty = next(ax for ax in fig.axes if ax.get_title(loc="left").startswith("latency"))
    assert [t.get_text() for t in empty.texts] == ["no layer compared"]
    lo, hi = empty.get_ylim()
    assert lo < 0.9 and hi > 1.1
    plot_layer_ratios(frame, tmp_path / "ratios.png", ("energy_j", "latency_s"))
    _read_png(tmp_path / "ratios.png")


def test_single_layer_single_design(tmp_path: Path) -> None:
    """One design and one layer of one network: drawn, no network header."""
    frame = comparison(designs=DESIGNS[:1], networks=("alexnet",), layers=("conv1",))
    fig = _ratio_figure(frame)
    axes = [ax for ax in fig.axes if ax.get_ylabel()]
    assert len(axes) == 4
    assert all(not ax.child_axes for ax in axes)
    assert [t.get_text() for t in axes[-1].get_xticklabels()] == ["conv1"]
    plot_layer_ratios(frame, tmp_path / "one.png")
    _read_png(tmp_path / "one.png")


def test_ratios_over_several_decades_fit_the_axis() -> None:
    """Limits hold every drawn ratio and the band; ticks are readable ratio values."""
    frame = comparison(columns=("dram_accesses",))
    rows = frame.index[frame["layer"] != "TOTAL"]
    frame.loc[rows[0], "ratio"] = 1e-4
    frame.loc[rows[1], "ratio"] = 3e3
    fig = _ratio_figure(frame, ("dram_accesses",))
    (ax,) = [ax for ax in fig.axes if ax.get_ylabel()]
    lo, hi = ax.get_ylim()
    assert lo < 1e-4 and hi > 3e3
    labels = [t.get_text() for t in ax.get_yticklabels() if t.get_text()]
    assert 3 <= len(labels) <= 12


def test_log_ticks_over_narrow_and_wide_ranges() -> None:
    """Ticks stay within the limits, and there are a few of them at any span."""
    for lo, hi in ((0.88, 1.12), (0.5, 3.0), (0.05, 40.0), (1e-6, 1e5)):
        ticks = _log_ticks(lo, hi)
        assert 3 <= len(ticks) <= 14, (lo, hi, ticks)
        assert all(lo <= t <= hi for t in ticks)
    assert 1.0 in _log_ticks(0.88, 1.12)


def test_many_layers_render(tmp_path: Path) -> None:
    """A 100-layer network is drawn with a width capped, small tick labels, every name shown
    or a regular subset."""
    layers = tuple(f"layer_{i:03d}" for i in range(100))
    frame = comparison(designs=DESIGNS, networks=("bignet",), layers=layers, columns=("energy_j",))
    fig = _ratio_figure(frame, ("energy_j",))
    width, _height = fig.get_size_inches()
    assert width <= 30
    (ax,) = [ax for ax in fig.axes if ax.get_ylabel()]
    ticks = ax.get_xticklabels()
    assert 10 <= len(ticks) <= 100
    assert all(t.get_fontsize() <= 7 for t in ticks)
    plot_layer_ratios(frame, tmp_path / "many.png", ("energy_j",))
    _read_png(tmp_path / "many.png")


def test_no_requested_column_is_an_error(tmp_path: Path) -> None:
    """None of the columns in the frame: a one-line AccelsimError, no file."""
    with pytest.raises(AccelsimError, match="none of the columns") as info:
        plot_layer_ratios(comparison(), tmp_path / "x.png", ("utilization", "cycles"))
    assert "\n" not in str(info.value)
    assert list(tmp_path.iterdir()) == []


def test_a_frame_without_the_schema_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(AccelsimError, match="lacks the column"):
        plot_layer_ratios(comparison().drop(columns=["ratio"]), tmp_path / "x.png")
    with pytest.raises(AccelsimError, match="lacks the column"):
        plot_ratio_heatmap(comparison().drop(columns=["design"]), tmp_path / "x.png")


def test_human_labels() -> None:
    assert human_label("energy_j") == "energy per image"
    assert human_label("latency_s") == "latency per image"
    assert human_label("glb_filter_accesses") == "GLB filter accesses per image"
    assert human_label("dram_j") == "DRAM energy per image"
    assert human_label("weird") == "weird"


# --- the network heat map ------------------------------------------------------------------


def test_heatmap_writes_a_png(tmp_path: Path) -> None:
    path = tmp_path / "heat.png"
    plot_ratio_heatmap(comparison(), path)
    _read_png(path)
    assert [p.name for p in tmp_path.iterdir()] == ["heat.png"]


def test_heatmap_cells_are_the_network_ratios() -> None:
    """Each cell's text is the TOTAL ratio of its design (row) and network (column)."""
    frame = comparison(designs=(*DESIGNS, ("eyeriss 32x32", "32x32")))
    fig = _heatmap_figure(frame, "latency_s")
    ax = fig.axes[0]
    totals = frame[(frame["layer"] == "TOTAL") & (frame["column"] == "latency_s")]
    expected = {
        (round(x), round(y)): _cell_text(r)
        for x, y, r in zip(
            totals["network"].map({n: i for i, n in enumerate(NETWORKS)}),
            totals["design"].map({d: i for i, d in enumerate(_designs(frame))}),
            totals["ratio"],
            strict=True,
        )
    }
    cells = {(round(t.get_position()[0]), round(t.get_position()[1])): t for t in ax.texts}
    assert {key: t.get_text() for key, t in cells.items()} == expected
    for key, text in cells.items():
        ratio = totals.iloc[[*expected].index(key)]["ratio"]
        assert float(text.get_text().rstrip("x")) == pytest.approx(ratio, rel=0.01)
    assert [t.get_text() for t in ax.get_xticklabels()] == list(NETWORKS)
    assert [t.get_text() for t in ax.get_yticklabels()] == _designs(frame)
    assert ax.get_xlabel() == "network"
    assert ax.get_ylabel() == "design"
    assert ax.get_title() == "rs / analytical: network latency per image"
    colorbar = fig.axes[1]
    assert colorbar.get_ylabel() == "rs / analytical (ratio of latency per image)"


def _designs(frame: pd.DataFrame) -> list[str]:
    return list(dict.fromkeys(frame["design"]))


def test_heatmap_colours_are_centred_at_one() -> None:
    """A log norm symmetric around 1: ratio r and 1/r are equally far from the centre."""
    fig = _heatmap_figure(comparison())
    norm = fig.axes[0].images[0].norm
    assert norm.vmin * norm.vmax == pytest.approx(1.0)
    assert norm(1.0) == pytest.approx(0.5)


def test_heatmap_missing_and_infinite_ratios(tmp_path: Path) -> None:
    """NaN totals read "n/a", an infinite one "inf"; neither breaks the colours."""
    frame = comparison()
    totals = frame.index[(frame["layer"] == "TOTAL") & (frame["column"] == "energy_j")]
    frame.loc[totals[0], "ratio"] = math.nan
    frame.loc[totals[1], "ratio"] = math.inf
    fig = _heatmap_figure(frame, "energy_j", title="custom")
    texts = _texts(fig)
    assert texts.count("n/a") == 1 and texts.count("inf") == 1
    assert fig.axes[0].get_title() == "custom"
    plot_ratio_heatmap(frame, tmp_path / "heat.png")
    _read_png(tmp_path / "heat.png")


def test_heatmap_all_missing_draws_grey_cells() -> None:
    frame = comparison()
    frame["ratio"] = math.nan
    assert set(_texts(_heatmap_figure(frame))) == {"n/a"}


def test_heatmap_without_totals_is_an_error(tmp_path: Path) -> None:
    """No TOTAL row of the column: a one-line AccelsimError, no file."""
    layers_only = comparison()
    layers_only = layers_only[layers_only["layer"] != "TOTAL"]
    with pytest.raises(AccelsimError, match="no network total") as info:
        plot_ratio_heatmap(layers_only, tmp_path / "x.png")
    assert "\n" not in str(info.value)
    with pytest.raises(AccelsimError, match="mac_j"):
        plot_ratio_heatmap(comparison(), tmp_path / "x.png", column="mac_j")
    assert list(tmp_path.iterdir()) == []


def test_cell_text() -> None:
    assert _cell_text(1.5712) == "1.57x"
    assert _cell_text(1.1) == "1.10x"
    assert _cell_text(123.4) == "123x"
    assert _cell_text(math.nan) == "n/a"
    assert _cell_text(math.inf) == "inf"


# --- matplotlib's global state -------------------------------------------------------------

FRESH = r"""
import json, math, sys
import accelsim.report.compare_plot as compare_plot
imported = "matplotlib" in sys.modules
import matplotlib
import pandas as pd
before = matplotlib.get_backend()
frame = pd.read_json(sys.argv[1], orient="records")
compare_plot.plot_layer_ratios(frame, sys.argv[2] + "/ratios.png")
compare_plot.plot_ratio_heatmap(frame, sys.argv[2] + "/heat.png")
print(json.dumps({
    "imported_matplotlib": imported,
    "before": before,
    "after": matplotlib.get_backend(),
    "pyplot": "matplotlib.pyplot" in sys.modules,
}))
"""


def test_plots_change_no_global_state(tmp_path: Path) -> None:
    """In a fresh interpreter with MPLBACKEND=svg: importing the module imports no matplotlib,
    drawing imports no pyplot and leaves the backend as chosen (as test_plots_backend checks
    for the other plots)."""
    data = tmp_path / "frame.json"
    comparison().to_json(data, orient="records")
    out = tmp_path / "out"
    out.mkdir()
    done = subprocess.run(
        [sys.executable, "-c", FRESH, str(data), str(out)],
        env={**os.environ, "MPLBACKEND": "svg"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout.strip().splitlines()[-1])
    assert not report["imported_matplotlib"]
    assert report["before"].lower() == "svg"
    assert report["after"] == report["before"]
    assert not report["pyplot"]
    assert sorted(p.name for p in out.iterdir()) == ["heat.png", "ratios.png"]


def test_module_source_uses_no_pyplot() -> None:
    """No pyplot import or call, and no backend switch, anywhere in the module."""
    source = Path(compare_plot.__file__).read_text()
    for banned in ("import matplotlib.pyplot", "from matplotlib import pyplot", "plt.", ".use("):
        assert banned not in source


def test_heatmap_marks_a_total_over_part_of_the_network() -> None:
    frame = comparison()
    total = (frame["layer"] == "TOTAL") & (frame["column"] == "energy_j")
    first = frame.index[total][0]
    frame.loc[first, "status"] = "2 of 3 layers compared"
    texts = [t.get_text() for t in _heatmap_figure(frame, "energy_j").axes[0].texts]
    assert texts[0] == _cell_text(frame.loc[first, "ratio"]) + "\n(2 of 3 layers)"
    assert all("\n" not in t for t in texts[1:])

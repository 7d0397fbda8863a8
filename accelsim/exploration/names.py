"""Column choices of a sweep's selection and charts (kept apart so that the command line can
offer them without importing numpy or pandas)."""

RANK_COLUMNS = ("edp_js", "energy_j", "latency_s", "area_mm2", "power_w")
"""Columns `top` may rank by (smallest first)."""

HEAT_METRICS = {
    "energy_j": ("energy per image", "mJ", 1e3),
    "edp_js": ("energy-delay product per image", "mJ x ms", 1e6),
    "latency_s": ("latency per image", "ms", 1e3),
}
"""Quantities the heat map can show: title, unit and the scale from SI."""

"""Calibration of the row-stationary model against measurements: the named parameters
(`parameters`) and what the model runs with once they are applied (`effective`). The fit and
the held-out report live in `validation.calibration` (they read the chip's data)."""

from accelsim.calibration.parameters import PARAMETERS, Calibration

__all__ = ["PARAMETERS", "Calibration"]

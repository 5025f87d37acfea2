"""The indicator catalogue, the measurements per site (or prefecture) and month, the computation runs, and the
hourly footfall of the reception services."""

from .catalogue import Indicator, Status, format_number
from .dashboards import DashboardPdf
from .footfall import FootfallSlot
from .measurements import ComputeRun, Measurement, status_expression
from .rollups import MeasurementRollup

__all__ = [
    "ComputeRun",
    "DashboardPdf",
    "FootfallSlot",
    "Indicator",
    "Measurement",
    "MeasurementRollup",
    "Status",
    "format_number",
    "status_expression",
]

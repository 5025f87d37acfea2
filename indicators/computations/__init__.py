"""Computed indicators: the registry (base.py) and the computations of each source app.

Importing this package registers every computation; ``REGISTRY`` maps an indicator code to its computation.
"""

from . import complaints, crisis, engagements, surveys  # noqa: F401 (they register their computations)
from .base import REGISTRY, Change, Computation, Row, Scope, in_time, register, registered

__all__ = ["REGISTRY", "Change", "Computation", "Row", "Scope", "in_time", "register", "registered"]

"""Writes on action plans and actions: creation, edits and status changes, comments, evidence, copies.

Every function is keyword-only, takes its actor (``by``), asks accounts.access what the actor may do, raises
``PermissionDenied`` or ``ValidationError`` (French messages, by field) and writes in one transaction:
nothing is half-saved. History rows (django-simple-history) carry the actor as their user.

One module per job; every public name is importable from ``engagements.services.actions``.
"""

from .evidence import *  # noqa: F403
from .history import *  # noqa: F403
from .plans import *  # noqa: F403
from .rules import *  # noqa: F403
from .writes import *  # noqa: F403

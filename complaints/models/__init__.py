"""Models of the complaints app: the register of complaints and suggestions (complaints.py) and the tracking
of correspondence (correspondence.py: letters, e-mails, elected officials' requests, their imports)."""

from .complaints import (
    DEFAULT_RETENTION_MONTHS,
    REQUESTER_FIELDS,
    Complaint,
    ComplaintQuerySet,
    ReferenceCounter,
    ReplyTemplate,
    ReplyTemplateQuerySet,
    retention_months,
)
from .correspondence import (
    DEFAULT_DELAYS,
    Correspondence,
    CorrespondenceDelays,
    CorrespondenceImport,
    CorrespondenceQuerySet,
)

__all__ = [
    "DEFAULT_DELAYS",
    "DEFAULT_RETENTION_MONTHS",
    "REQUESTER_FIELDS",
    "Complaint",
    "ComplaintQuerySet",
    "Correspondence",
    "CorrespondenceDelays",
    "CorrespondenceImport",
    "CorrespondenceQuerySet",
    "ReferenceCounter",
    "ReplyTemplate",
    "ReplyTemplateQuerySet",
    "retention_months",
]

"""Models of the complaints app: the register of complaints and suggestions (complaints.py) and the tracking
of correspondence (correspondence.py: letters, e-mails, elected officials' requests, their imports); the answers
sent to requesters (deliveries.py); the mailboxes read over IMAP and the messages they brought (inbound.py)."""

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
    SENDER_FIELDS,
    Correspondence,
    CorrespondenceDelays,
    CorrespondenceImport,
    CorrespondenceQuerySet,
)
from .deliveries import ReplyDelivery
from .inbound import (
    MESSAGE_PERSONAL_FIELDS,
    InboundAttachment,
    InboundMessage,
    ItemKind,
    Mailbox,
    MailboxRule,
)

__all__ = [
    "DEFAULT_DELAYS",
    "DEFAULT_RETENTION_MONTHS",
    "MESSAGE_PERSONAL_FIELDS",
    "REQUESTER_FIELDS",
    "SENDER_FIELDS",
    "Complaint",
    "ComplaintQuerySet",
    "Correspondence",
    "CorrespondenceDelays",
    "CorrespondenceImport",
    "CorrespondenceQuerySet",
    "InboundAttachment",
    "InboundMessage",
    "ItemKind",
    "Mailbox",
    "MailboxRule",
    "ReferenceCounter",
    "ReplyDelivery",
    "ReplyTemplate",
    "ReplyTemplateQuerySet",
    "retention_months",
]

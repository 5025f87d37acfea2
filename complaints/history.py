"""Who changed what and when on a complaint or a correspondence item: what their history shows
(qualipref.lib.history reads it).

The requester's personal data is not in the history tables (see complaints.models.REQUESTER_FIELDS), nor the
sender of a letter, so the history can be shown to every role that reads the item.
"""

from qualipref.lib.history import FieldHistory

# Denormalised or set by the application: not shown. A complaint created without a user came from the public form
# or from the prefecture's mailbox (whose creation line says so: register.services.MAILBOX_REASON); a letter, from
# the mailbox only.
COMPLAINT_HISTORY = FieldHistory(
    hidden=frozenset({"prefecture", "created_by", "answered_by", "answer_delay", "reference"}),
    nobody_at_creation="Formulaire public ou Qualipref",
)
CORRESPONDENCE_HISTORY = FieldHistory(hidden=frozenset({"prefecture", "created_by", "answer_delay"}))


def complaint_history(complaint):
    """[HistoryEntry], newest first."""
    return COMPLAINT_HISTORY.of(complaint)


def correspondence_history(item):
    """The same for a correspondence item (created one by one or by an import: the change reason names it)."""
    return CORRESPONDENCE_HISTORY.of(item)

"""The history of an action, field by field, for its page and its API: what it shows (qualipref.lib.history
reads it)."""

from qualipref.lib.history import FieldHistory

ACTION_HISTORY = FieldHistory(
    # Denormalised or set once by the application.
    hidden=frozenset({"prefecture", "plan", "created_by", "source_type", "source_id"}),
    formatters={"progress": lambda value: f"{value} %"},
)


def action_history(action):
    """Who changed what and when on an action, newest first: [HistoryEntry(changes=[FieldChange...])]."""
    return ACTION_HISTORY.of(action)

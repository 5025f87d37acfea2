"""What the history of each crisis register shows (qualipref.lib.history): every field the user types."""

from qualipref.lib.history import FieldHistory

SHIFT_HISTORY = FieldHistory()
EVENT_HISTORY = FieldHistory(hidden=frozenset({"activation_minutes"}))
PRESS_RELEASE_HISTORY = FieldHistory(hidden=frozenset({"year"}))

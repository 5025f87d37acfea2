"""Reading the history of an action, field by field, for its page."""

import datetime
from dataclasses import dataclass
from dataclasses import field as dataclass_field

from accounts.models import User
from engagements.models import Action
from qualipref.lib.dates import short_date

# --- reading the history --------------------------------------------------------------------------

# Fields not shown in the history: denormalised or set once by the application.
HISTORY_HIDDEN_FIELDS = ("prefecture", "plan", "created_by", "source_type", "source_id")


@dataclass(frozen=True)
class FieldChange:
    field: str
    label: str
    old: object
    new: object
    old_display: str
    new_display: str


@dataclass(frozen=True)
class HistoryEntry:
    date: datetime.datetime
    user: object  # User or None (changes made by the application itself)
    kind: str  # "creation" or "modification"
    reason: str
    changes: list = dataclass_field(default_factory=list)

    @property
    def user_display(self):
        return _user_display(self.user) if self.user is not None else "Qualipref"


def _user_display(user):
    return user.get_full_name() or user.username


def _display(field, value, related):
    if value is None or value == "":
        return "—"
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if field.is_relation:
        obj = related.get(field.related_model, {}).get(value)
        if obj is None:
            return f"n° {value} (supprimé)"
        return _user_display(obj) if field.related_model is User else str(obj)
    if isinstance(value, datetime.date):
        return short_date(value)
    if field.name == "progress":
        return f"{value} %"
    return str(value)


def action_history(action):
    """Who changed what and when on an action, newest first: [HistoryEntry(changes=[FieldChange...])].

    One query for the history rows, then one per kind of related object named in the changes (sites, users...).
    """
    records = list(action.history.select_related("history_user").order_by("history_date", "history_id"))
    fields = {field.name: field for field in Action._meta.fields}
    raw, previous = [], None
    for record in records:
        changes = []
        if previous is not None:
            delta = record.diff_against(previous, excluded_fields=HISTORY_HIDDEN_FIELDS)
            changes = [change for change in delta.changes if change.field in fields]
        raw.append((record, changes))
        previous = record
    wanted = {}
    for _, changes in raw:
        for change in changes:
            field = fields[change.field]
            if field.is_relation:
                wanted.setdefault(field.related_model, set()).update(v for v in (change.old, change.new) if v)
    related = {model: model._default_manager.in_bulk(ids) for model, ids in wanted.items() if ids}
    entries = []
    for record, changes in raw:
        entries.append(
            HistoryEntry(
                date=record.history_date,
                user=record.history_user,
                kind="creation" if record.history_type == "+" else "modification",
                reason=record.history_change_reason or "",
                changes=[
                    FieldChange(
                        field=change.field,
                        label=str(fields[change.field].verbose_name),
                        old=change.old,
                        new=change.new,
                        old_display=_display(fields[change.field], change.old, related),
                        new_display=_display(fields[change.field], change.new, related),
                    )
                    for change in sorted(changes, key=lambda c: list(fields).index(c.field))
                ],
            )
        )
    return [entry for entry in reversed(entries) if entry.kind == "creation" or entry.changes or entry.reason]

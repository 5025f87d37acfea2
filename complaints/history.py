"""Who changed what and when on a complaint or a correspondence item, from its django-simple-history rows.

The requester's personal data is not in the history tables (see complaints.models.REQUESTER_FIELDS), nor the
sender of a letter, so the history can be shown to every role that reads the item.
"""

import datetime
from dataclasses import dataclass, field

from accounts.models import User
from qualipref.lib.dates import short_date

# Denormalised or set by the application: not shown.
HIDDEN_FIELDS = ("prefecture", "created_by", "answered_by", "answer_delay", "reference")
CORRESPONDENCE_HIDDEN_FIELDS = ("prefecture", "created_by", "answer_delay")


@dataclass(frozen=True)
class FieldChange:
    field: str
    label: str
    old_display: str
    new_display: str


@dataclass(frozen=True)
class HistoryEntry:
    date: datetime.datetime
    user: object  # User or None (the public form, the application)
    kind: str  # "creation" or "modification"
    changes: list = field(default_factory=list)

    @property
    def user_display(self):
        if self.user is None:
            return "Formulaire public ou Qualipref" if self.kind == "creation" else "Qualipref"
        return self.user.get_full_name() or self.user.username


def _display(model_field, value, related):
    if value is None or value == "":
        return "—"
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return "oui" if value else "non"
    if model_field.is_relation:
        obj = related.get(model_field.related_model, {}).get(value)
        if obj is None:
            return f"n° {value}"
        if isinstance(obj, User):
            return obj.get_full_name() or obj.username
        return str(obj)
    if isinstance(value, datetime.date):
        return short_date(value)
    return str(value)


def complaint_history(complaint):
    """[HistoryEntry], newest first: one query for the rows, one per kind of related object named in changes."""
    return history_of(complaint, hidden=HIDDEN_FIELDS)


def correspondence_history(item):
    """The same for a correspondence item (created one by one or by an import: the change reason names it)."""
    return history_of(item, hidden=CORRESPONDENCE_HIDDEN_FIELDS)


def history_of(instance, *, hidden):
    """[HistoryEntry] of a model with django-simple-history, newest first, without the ``hidden`` fields."""
    records = list(instance.history.select_related("history_user").order_by("history_date", "history_id"))
    fields = {f.name: f for f in type(instance)._meta.fields if f.name not in hidden}
    raw, previous = [], None
    for record in records:
        changes = []
        if previous is not None:
            delta = record.diff_against(previous, excluded_fields=hidden)
            changes = [change for change in delta.changes if change.field in fields]
        raw.append((record, changes))
        previous = record
    wanted = {}
    for _, changes in raw:
        for change in changes:
            model_field = fields[change.field]
            if model_field.is_relation:
                wanted.setdefault(model_field.related_model, set()).update(v for v in (change.old, change.new) if v)
    related = {model: model._default_manager.in_bulk(ids) for model, ids in wanted.items() if ids}
    order = list(fields)
    entries = [
        HistoryEntry(
            date=record.history_date,
            user=record.history_user,
            kind="creation" if record.history_type == "+" else "modification",
            changes=[
                FieldChange(
                    field=change.field,
                    label=str(fields[change.field].verbose_name),
                    old_display=_display(fields[change.field], change.old, related),
                    new_display=_display(fields[change.field], change.new, related),
                )
                for change in sorted(changes, key=lambda c: order.index(c.field))
            ],
        )
        for record, changes in raw
    ]
    return [entry for entry in reversed(entries) if entry.kind == "creation" or entry.changes]

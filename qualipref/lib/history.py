"""Who changed what and when on a model kept by django-simple-history, field by field, for its page and its API.

The app declares what its history shows (``FieldHistory``: the fields left out, how some values read, who acts
when no user is recorded); this module walks the history rows with simple-history's ``diff_against`` and reads
the related objects named in the changes in bulk. A history of N versions costs one query for the rows (with
their users), then one per related model that changed (a site, a user...), whatever N: never one per change.

Values read: « — » when empty, the label of a choice, « oui »/« non », the French short date, the related
object's ``str()`` (« n° 12 (supprimé) » when it no longer exists), or the app's formatter for that field.
"""

import datetime
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from qualipref.lib.dates import short_date, short_datetime

EMPTY = "—"


@dataclass(frozen=True)
class FieldChange:
    field: str
    label: str  # the field's verbose name
    old: object  # the raw value: a code, a related object's id, a date
    new: object
    old_display: str
    new_display: str


@dataclass(frozen=True)
class HistoryEntry:
    date: datetime.datetime
    user: object  # the user, or None (changes made by the application, the public form...)
    user_display: str
    kind: str  # "creation" or "modification"
    reason: str = ""  # simple-history's change reason (« Non-conformité levée »...)
    changes: list = field(default_factory=list)


@dataclass(frozen=True)
class FieldHistory:
    """What the history of one model shows; ``of(instance)`` reads it, newest first."""

    hidden: frozenset = frozenset()  # fields not shown: denormalised or set by the application
    formatters: Mapping[str, Callable[[object], str]] = field(default_factory=dict)  # field name -> display
    nobody: str = "Qualipref"  # who made a change recorded without a user
    nobody_at_creation: str = ""  # ... and a creation without a user nor a reason, when it reads otherwise

    def of(self, instance):
        """[HistoryEntry], newest first: creations, and modifications with a shown change or a reason."""
        fields = self._fields(type(instance))
        order = {name: index for index, name in enumerate(fields)}
        records = list(instance.history.select_related("history_user").order_by("history_date", "history_id"))
        diffs, previous = [], None
        for record in records:
            changes = []
            if previous is not None:
                delta = record.diff_against(previous, included_fields=list(fields))
                changes = sorted(delta.changes, key=lambda change: order[change.field])  # the form's order
            diffs.append((record, changes))
            previous = record
        related = _related_objects(fields, [change for _, changes in diffs for change in changes])
        entries = [self._entry(record, changes, fields, related) for record, changes in diffs]
        return [entry for entry in reversed(entries) if entry.kind == "creation" or entry.changes or entry.reason]

    def _fields(self, model):
        """{name: model field} of the fields the history shows, in the model's order: those simple-history
        tracks and ``diff_against`` compares by default (editable ones), but the hidden ones."""
        tracked = {f.name for f in model.history.model.tracked_fields if f.editable}
        return {f.name: f for f in model._meta.fields if f.name in tracked and f.name not in self.hidden}

    def _entry(self, record, changes, fields, related):
        kind = "creation" if record.history_type == "+" else "modification"
        if record.history_user is not None:
            who = str(record.history_user)
        else:
            # A creation's reason says where it came from; without one, the model's usual source is named.
            guess = kind == "creation" and not record.history_change_reason and self.nobody_at_creation
            who = guess or self.nobody
        return HistoryEntry(
            date=record.history_date,
            user=record.history_user,
            user_display=who,
            kind=kind,
            reason=record.history_change_reason or "",
            changes=[
                FieldChange(
                    field=change.field,
                    label=str(fields[change.field].verbose_name),
                    old=change.old,
                    new=change.new,
                    old_display=self._display(fields[change.field], change.old, related),
                    new_display=self._display(fields[change.field], change.new, related),
                )
                for change in changes
            ],
        )

    def _display(self, model_field, value, related):
        if value is None or value == "":
            return EMPTY
        if model_field.name in self.formatters:
            return self.formatters[model_field.name](value)
        if model_field.choices:
            return str(dict(model_field.flatchoices).get(value, value))
        if isinstance(value, bool):
            return "oui" if value else "non"
        if model_field.is_relation:
            obj = related.get(model_field.related_model, {}).get(value)
            return str(obj) if obj is not None else f"n° {value} (supprimé)"
        if isinstance(value, datetime.datetime):
            return short_datetime(value)
        if isinstance(value, datetime.date):
            return short_date(value)
        return str(value)


def _related_objects(fields, changes):
    """{related model: {pk: object}} for the relations named in the changes: one query per related model."""
    wanted = {}
    for change in changes:
        model_field = fields[change.field]
        if model_field.is_relation:
            ids = wanted.setdefault(model_field.related_model, set())
            ids.update(value for value in (change.old, change.new) if value is not None)
    return {model: model._default_manager.in_bulk(ids) for model, ids in wanted.items() if ids}

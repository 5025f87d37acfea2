"""Readable references of complaints and suggestions: ``REC-13-2026-00042`` (réclamation), ``SUG-13-2026-00043``
(suggestion): a prefix, the département, the year of receipt and a number.

Numbers run per département and year, shared by both prefixes (a reference never changes, even when a complaint
is later recorded as a suggestion). They come from a counter row per (département, year) incremented by an
UPDATE inside the caller's transaction: the row stays locked until it commits (PostgreSQL: row lock; SQLite:
the database write lock), so two requests never get the same number, and the unique constraint on
``Complaint.reference`` is the last guard.
"""

import re

from django.db import transaction
from django.db.models import F
from django.db.models.functions import Greatest
from django.utils import timezone

from complaints.models import Complaint, ReferenceCounter

PREFIXES = {Complaint.Kind.COMPLAINT: "REC", Complaint.Kind.SUGGESTION: "SUG"}
PATTERN = re.compile(
    r"^(?P<prefix>REC|SUG)-(?P<department>[0-9][0-9AB][0-9]?)-(?P<year>[0-9]{4})-(?P<number>[0-9]{5,})$"
)


def format_reference(*, kind, department_id, year, number):
    return f"{PREFIXES[kind]}-{department_id}-{year}-{number:05d}"


def next_number(*, department_id, year):
    """The next number of a département's year; call it inside the transaction that saves the complaint."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("next_number doit être appelé dans une transaction (transaction.atomic).")
    counter, _ = ReferenceCounter.objects.get_or_create(department_id=department_id, year=year)
    ReferenceCounter.objects.filter(pk=counter.pk).update(last_number=F("last_number") + 1, updated_at=timezone.now())
    return ReferenceCounter.objects.filter(pk=counter.pk).values_list("last_number", flat=True).get()


def next_reference(*, kind, department_id, year):
    return format_reference(
        kind=kind, department_id=department_id, year=year, number=next_number(department_id=department_id, year=year)
    )


def reserve_up_to(*, department_id, year, number):
    """Make sure the counter will not give ``number`` or a lower one again (references given by hand: demo data,
    imports of an older register)."""
    counter, _ = ReferenceCounter.objects.get_or_create(department_id=department_id, year=year)
    ReferenceCounter.objects.filter(pk=counter.pk).update(
        last_number=Greatest(F("last_number"), number), updated_at=timezone.now()
    )


def parse_reference(reference):
    """(prefix, département, year, number) of a well-formed reference, None otherwise."""
    match = PATTERN.match(reference or "")
    if match is None:
        return None
    return match["prefix"], match["department"], int(match["year"]), int(match["number"])

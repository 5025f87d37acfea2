"""What the two registers share: an item received on a site and answered within a delay in working days.

A complaint and a correspondence item differ in what makes them open (a complaint's status, an item's missing
date of answer): each defines ``open()`` on its QuerySet and ``is_open`` / ``is_answered`` on the model; the
deadline questions built on them live here once. The base has no field: the tables are unchanged.
"""

import datetime

from django.db import models
from django.db.models import Case, F, Q, When
from django.utils import timezone

from qualipref.lib.models import TimeStampedModel, rank_first

# The order of the API's list: the latest received first.
NEWEST_FIRST = ("-received_on", "-id")


def open_first_order(open_items):
    """The order of a register's page: open items first, the soonest due on top, then the answered ones, the latest
    received first; ``open_items``: the Q of an open item of the register (what its ``open()`` filters)."""
    return (rank_first(open_items), Case(When(open_items, then=F("due_on"))), F("received_on").desc(), F("id").desc())


def register_indexes(prefix, *, state, open_items):
    """The indexes of a register's table: a site's items by ``state`` and deadline, the dashboards' count of overdue
    items (the open ones only), and the order of each list, national and for a prefecture: the API's
    (``NEWEST_FIRST``, which also serves the statistics: a prefecture's items by date of receipt) and the page's
    (``open_first_order``). With them a page reads its rows from the index in order instead of sorting the whole
    scope (tests/test_query_plans.py)."""
    page_order = open_first_order(open_items)
    return [
        models.Index(fields=["site", state, "due_on"], name=f"{prefix}_register_idx"),
        models.Index(fields=["prefecture", "site", "due_on"], condition=open_items, name=f"{prefix}_open_idx"),
        models.Index(fields=list(NEWEST_FIRST), name=f"{prefix}_newest_idx"),
        models.Index(fields=["prefecture", *NEWEST_FIRST], name=f"{prefix}_pref_newest_idx"),
        models.Index(*page_order, name=f"{prefix}_page_idx"),
        models.Index(F("prefecture"), *page_order, name=f"{prefix}_pref_page_idx"),
    ]


def register_constraints(prefix):
    """The dates of an item, checked by the database: due and answered after its receipt, and « in time » when it
    was answered by its due date."""
    return [
        models.CheckConstraint(condition=Q(due_on__gt=F("received_on")), name=f"{prefix}_due_after_receipt"),
        models.CheckConstraint(
            condition=Q(answered_on__isnull=True) | Q(answered_on__gte=F("received_on")),
            name=f"{prefix}_answered_after_receipt",
        ),
        models.CheckConstraint(
            condition=Q(answered_on__isnull=True)
            | Q(answered_in_time=True, answered_on__lte=F("due_on"))
            | Q(answered_in_time=False, answered_on__gt=F("due_on")),
            name=f"{prefix}_in_time_matches_dates",
        ),
    ]


class RegisterItemQuerySet(models.QuerySet):
    def open(self):
        raise NotImplementedError

    def overdue(self, on=None):
        """Open and past their due date."""
        return self.open().filter(due_on__lt=on or timezone.localdate())

    def due_soon(self, on=None, days=7):
        """Open and due within ``days`` calendar days, ``on`` (today) included: « à échéance cette semaine »."""
        on = on or timezone.localdate()
        return self.open().filter(due_on__gte=on, due_on__lt=on + datetime.timedelta(days=days))


class RegisterItem(TimeStampedModel):
    """Needs ``due_on`` and ``is_open``; ``remaining_working_days`` is attached by complaints.deadlines."""

    class Meta:
        abstract = True

    def is_overdue(self, on=None):
        return self.is_open and self.due_on < (on or timezone.localdate())

    @property
    def days_late(self):
        """Working days past due, once ``remaining_working_days`` was attached (complaints.deadlines)."""
        remaining = getattr(self, "remaining_working_days", None)
        return -remaining if remaining is not None and remaining < 0 else 0

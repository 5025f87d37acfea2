"""What the two registers share: an item received on a site and answered within a delay in working days.

A complaint and a correspondence item differ in what makes them open (a complaint's status, an item's missing
date of answer): each defines ``open()`` on its QuerySet and ``is_open`` / ``is_answered`` on the model; the
deadline questions built on them live here once. The base has no field: the tables are unchanged.
"""

import datetime

from django.db import models
from django.utils import timezone

from qualipref.lib.models import TimeStampedModel


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

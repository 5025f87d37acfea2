"""Deadline alerts of complaints and correspondence (the complaints app), a collector of the daily job
(indicators.alerts).

An unanswered item alerts its assignee and its site's referents (its prefecture's quality managers when it has
neither) when a share of its delay has elapsed (settings.QUALIPREF_ALERT_THRESHOLDS, in percent of its working
days: 60 and 90 by default) and once it is overdue. Only the furthest stage reached is notified: an item found
at 95 % gets the 90 % alert, not the 60 % one as well.

Unlike the other sources (days before the due date, base.stage_of), the stages are shares of a delay counted in
the site's working days. Keys name the item, its due date and the stage (``complaint:42:2026-03-20:90``): running
the job twice, or again after a worker died mid-run, notifies nobody twice (accounts.notifications: one
notification per user and key); a new due date (another site, a corrected date of receipt) gives new alerts.
Items overdue for more than ``OVERDUE_LOOKBACK_DAYS`` are left out: an import of old unanswered letters must not
flood the inboxes (they are in the lists, filtered « en retard »).

Queries: a handful, however many items (items, calendars of their sites, memberships, the bulk insert).
No personal data in the alerts: the reference, the site and the dates.
"""

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.db.models import F
from django.urls import reverse

from complaints.deadlines import COMPLAINT_DELAY
from complaints.models import Complaint, Correspondence
from qualipref.lib.dates import short_date
from sites import calendars

from . import base

# Shorter than base.OVERDUE_LOOKBACK_DAYS: letters are answered within weeks, old ones are in the lists.
OVERDUE_LOOKBACK_DAYS = 30
OVERDUE = base.OVERDUE


@dataclass(frozen=True)
class Item:
    """An unanswered complaint or correspondence item, as the alerts need it."""

    model: str  # "complaint" or "correspondence"
    pk: int
    label: str  # « Réclamation REC-13-2026-00042 », « Courrier 2026-0042 »
    site_id: int
    site_name: str
    prefecture_id: int
    assigned_to_id: int | None
    received_on: datetime.date
    due_on: datetime.date
    delay: int  # working days

    @property
    def url(self):
        return reverse(f"{self.model}_detail", kwargs={"pk": self.pk})


def thresholds():
    return tuple(sorted(settings.QUALIPREF_ALERT_THRESHOLDS))


def stage_of(*, delay, remaining, overdue, shares=None):
    """ "overdue", the highest threshold reached (as text: "90"), or None."""
    if overdue:
        return OVERDUE
    elapsed = delay - remaining
    reached = [share for share in (shares or thresholds()) if elapsed * 100 >= share * delay]
    return str(max(reached)) if reached else None


# What the alerts read of an open item of either register (one query a register).
FIELDS = ("pk", "kind", "reference", "site_id", "site_name", "prefecture_id", "assigned_to_id", "assignee_active")
DATES = ("received_on", "due_on")


def _open_rows(model, since, *extra):
    return (
        model.objects.open()
        .filter(due_on__gte=since)
        .annotate(site_name=F("site__name"), assignee_active=F("assigned_to__is_active"))
        .values(*FIELDS, *DATES, *extra)
    )


def _item(model, row, *, label, delay):
    return Item(
        model=model,
        pk=row["pk"],
        label=label,
        site_id=row["site_id"],
        site_name=row["site_name"],
        prefecture_id=row["prefecture_id"],
        assigned_to_id=row["assigned_to_id"] if row["assignee_active"] else None,
        received_on=row["received_on"],
        due_on=row["due_on"],
        delay=delay,
    )


def _complaints(since):
    kinds = dict(Complaint.Kind.choices)
    for row in _open_rows(Complaint, since):
        yield _item("complaint", row, label=f"{kinds[row['kind']]} {row['reference']}", delay=COMPLAINT_DELAY)


def _correspondences(since):
    kinds = dict(Correspondence.Kind.choices)
    for row in _open_rows(Correspondence, since, "delay_days"):
        reference = row["reference"] or f"n° {row['pk']}"
        yield _item("correspondence", row, label=f"{kinds[row['kind']]} {reference}", delay=row["delay_days"])


def _texts(item, stage, remaining):
    due = short_date(item.due_on)
    received = f"reçu{'e' if item.model == 'complaint' else ''} le {short_date(item.received_on)}"
    if stage == OVERDUE:
        title = f"{item.label} en retard : réponse attendue le {due}"
        body = f"{item.site_name}, {received}. Le délai de {item.delay} jours ouvrés est dépassé."
        kind = f"{item.model}_overdue"
    else:
        days = f"{remaining} jour{'s' if remaining > 1 else ''} ouvré{'s' if remaining > 1 else ''}"
        left = f"plus que {days}" if remaining else "dernier jour"
        title = f"{item.label} : réponse attendue le {due} ({left})"
        body = f"{item.site_name}, {received}. {stage} % du délai de {item.delay} jours ouvrés est écoulé."
        kind = f"{item.model}_deadline"
    return kind, title, body


def collect(today, *, shares=None):
    """The Notice of every alert due today (see the module's docstring); offering them again is harmless."""
    since = today - datetime.timedelta(days=OVERDUE_LOOKBACK_DAYS)
    items = [*_complaints(since), *_correspondences(since)]
    if not items:
        return []
    pending = [item for item in items if item.due_on >= today]
    calendar_of = {}
    if pending:
        calendar_of = calendars.calendars_for_sites(
            {item.site_id for item in pending}, start=today, end=max(item.due_on for item in pending)
        )
    referents, managers = base.recipients(
        today, sites={item.site_id for item in items}, prefectures={item.prefecture_id for item in items}
    )
    notices = []
    for item in items:
        overdue = item.due_on < today
        remaining = 0 if overdue else calendar_of[item.site_id].working_days_between(today, item.due_on)
        stage = stage_of(delay=item.delay, remaining=remaining, overdue=overdue, shares=shares)
        if stage is None:
            continue
        people = set(referents.get(item.site_id, ()))
        if item.assigned_to_id:
            people.add(item.assigned_to_id)
        if not people:
            people = set(managers.get(item.prefecture_id, ()))
        kind, title, body = _texts(item, stage, remaining)
        key = f"{item.model}:{item.pk}:{item.due_on.isoformat()}:{stage}"
        notices += base.notices(people, key=key, kind=kind, title=title, body=body, url=item.url, due_on=item.due_on)
    return notices

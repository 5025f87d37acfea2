"""What the collectors of the deadline alerts share: the recipients (one query), the stage of a due date, the
notices.

A stage is ``"overdue"`` once the due date has passed, else the smallest threshold (in days before the due date)
already reached, as ``"7d"``; None when it is too early (the complaints' stages are shares of a delay in working
days instead: alerts.complaints). Only the furthest stage is notified. The key of a notice names the object, its
due date and the stage: the same state gives the same key (accounts.notifications skips it), a new due date gives
new alerts.
"""

import datetime

from django.db.models import Q

from accounts import notifications
from accounts.models import Membership, Role

OVERDUE = "overdue"
# Items overdue for longer are left out: the first run after an import of old data must not flood the inboxes.
OVERDUE_LOOKBACK_DAYS = 90


def stage_of(due_on, today, days_before):
    """``"overdue"``, ``"<n>d"`` (the smallest of ``days_before`` reached), or None."""
    if due_on < today:
        return OVERDUE
    left = (due_on - today).days
    reached = [days for days in days_before if left <= days]
    return f"{min(reached)}d" if reached else None


def horizon(today, days_before):
    """The last due date that may give an alert today."""
    return today + datetime.timedelta(days=max(days_before, default=0))


def lookback(today):
    return today - datetime.timedelta(days=OVERDUE_LOOKBACK_DAYS)


def add_years(day, years):
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February -> 28 February
        return day.replace(year=day.year + years, day=28)


def recipients(today, *, sites=(), prefectures=()):
    """({site id: active referents' ids}, {prefecture id: active quality managers' ids}): one query."""
    referents, managers = {}, {}
    sites, prefectures = set(sites), set(prefectures)
    if not sites and not prefectures:
        return referents, managers
    rows = (
        Membership.objects.active(today)
        .filter(user__is_active=True)
        .filter(
            Q(role=Role.SITE_REFERENT, site_id__in=sites) | Q(role=Role.QUALITY_MANAGER, prefecture_id__in=prefectures)
        )
        .values_list("role", "site_id", "prefecture_id", "user_id")
    )
    for role, site_id, prefecture_id, user_id in rows:
        if role == Role.SITE_REFERENT and site_id:
            referents.setdefault(site_id, set()).add(user_id)
        elif role == Role.QUALITY_MANAGER and prefecture_id:
            managers.setdefault(prefecture_id, set()).add(user_id)
    return referents, managers


def remaining(due_on, today):
    days = (due_on - today).days
    if days <= 0:
        return "aujourd'hui"
    return f"dans {days} jour{'s' if days > 1 else ''}"


def stage_kind(prefix, stage):
    """The kind of a notice: ``<prefix>_overdue`` at the overdue stage, ``<prefix>_due`` before."""
    return f"{prefix}_{'overdue' if stage == OVERDUE else 'due'}"


def stage_title(stage, due_on, today, *, late, due):
    """The title of a notice at ``stage``: ``late`` once overdue; before, ``due`` with the time left
    (« ... (dans 5 jours) »)."""
    if stage == OVERDUE:
        return late
    return f"{due} ({remaining(due_on, today)})"


def notices(people, *, key, kind, title, body="", url="", due_on=None):
    """One Notice per recipient id (sorted, None left out)."""
    return [
        notifications.Notice(recipient_id=user_id, key=key, kind=kind, title=title, body=body, url=url, due_on=due_on)
        for user_id in sorted({user_id for user_id in people if user_id})
    ]

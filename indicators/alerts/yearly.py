"""Yearly obligations of a prefecture: a comité local des usagers (CLU) and a satisfaction survey at least every 12
months. To the prefecture's quality managers, settings.QUALIPREF_YEARLY_ALERT_DAYS before the anniversary of the
latest one, then late (or at once when there has never been one). Prefectures without an active quality manager
are not looked at (nobody to tell)."""

from django.conf import settings
from django.db.models import Max
from django.urls import reverse

from accounts.models import Membership, Role
from engagements.models import Meeting
from qualipref.lib.dates import short_date
from surveys.models import Campaign

from . import base


def _managers(today):
    managers = {}
    rows = (
        Membership.objects.active(today)
        .filter(user__is_active=True, role=Role.QUALITY_MANAGER, prefecture__isnull=False)
        .values_list("prefecture_id", "user_id")
    )
    for prefecture_id, user_id in rows:
        managers.setdefault(prefecture_id, set()).add(user_id)
    return managers


def _yearly(today, *, held, on, subject, kind, none, url):
    """``held``: the meetings or campaigns that count, dated by their field ``on``; the latest one of each
    prefecture up to today starts the 12 months."""
    managers = _managers(today)
    if not managers:
        return []
    last_of = dict(
        held.filter(prefecture_id__in=managers, **{f"{on}__lte": today})
        .order_by()
        .values("prefecture_id")
        .annotate(last=Max(on))
        .values_list("prefecture_id", "last")
    )
    days_before = settings.QUALIPREF_YEARLY_ALERT_DAYS
    found = []
    for prefecture_id, people in sorted(managers.items()):
        last = last_of.get(prefecture_id)
        if last is None:
            stage, due_on, since = base.OVERDUE, None, "never"
            title = f"{none} : à organiser cette année"
        else:
            due_on = base.add_years(last, 1)
            stage, since = base.stage_of(due_on, today, days_before), last.isoformat()
            if stage is None:
                continue
            title = base.stage_title(
                stage,
                due_on,
                today,
                late=f"{subject} en retard : le dernier date du {short_date(last)}",
                due=f"{subject} à organiser avant le {short_date(due_on)}",
            )
        found += base.notices(
            people,
            key=f"{kind}:prefecture:{prefecture_id}:{since}:{stage}",
            kind=base.stage_kind(kind, stage),
            title=title,
            body=f"{subject} : au moins une fois tous les 12 mois.",
            url=url,
            due_on=due_on,
        )
    return found


def collect_clu(today):
    return _yearly(
        today,
        held=Meeting.objects.filter(kind=Meeting.Kind.CLU),
        on="held_on",
        subject="Comité local des usagers annuel",
        kind="yearly_clu",
        none="Aucun comité local des usagers enregistré",
        url=reverse("meeting_list"),
    )


def collect_survey(today):
    return _yearly(
        today,
        held=Campaign.objects.exclude(status=Campaign.Status.DRAFT),
        on="opens_on",
        subject="Enquête de satisfaction annuelle",
        kind="yearly_survey",
        none="Aucune enquête de satisfaction enregistrée",
        url=reverse("campaign_list"),
    )

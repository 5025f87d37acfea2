"""Follow-up and renewal audits of the labelled prefectures (``Labelling.next_audit_due``, ``renewal_due``): to
the prefecture's quality managers, settings.QUALIPREF_FOLLOW_UP_ALERT_DAYS before the due date, then late."""

from django.conf import settings
from django.db.models import Q
from django.urls import reverse

from engagements.models import Labelling
from qualipref.lib.dates import short_date

from . import base

DUES = (
    # field, statuses it applies to, event, label
    ("next_audit_due", (Labelling.Status.GRANTED,), "follow_up_audit", "Audit de suivi"),
    ("renewal_due", (Labelling.Status.GRANTED, Labelling.Status.RENEWAL), "renewal_audit", "Audit de renouvellement"),
)


def collect(today):
    days_before = settings.QUALIPREF_FOLLOW_UP_ALERT_DAYS
    since, until = base.lookback(today), base.horizon(today, days_before)
    condition = Q()
    for field, statuses, _, _ in DUES:
        condition |= Q(status__in=statuses, **{f"{field}__gte": since, f"{field}__lte": until})
    rows = list(
        Labelling.objects.filter(condition)
        .order_by()
        .values_list("pk", "status", "prefecture_id", *(field for field, *_ in DUES))
    )
    if not rows:
        return []
    _, managers = base.recipients(today, prefectures={row[2] for row in rows})
    url = reverse("labelling_home")
    found = []
    for pk, status, prefecture_id, *dates in rows:
        for (field, statuses, event, label), due_on in zip(DUES, dates, strict=True):
            if status not in statuses or due_on is None or not since <= due_on <= until:
                continue
            stage = base.stage_of(due_on, today, days_before)
            if stage is None:
                continue
            title = base.stage_title(
                stage,
                due_on,
                today,
                late=f"{label} en retard : attendu avant le {short_date(due_on)}",
                due=f"{label} à tenir avant le {short_date(due_on)}",
            )
            found += base.notices(
                managers.get(prefecture_id, ()),
                key=f"labelling:{pk}:{field}:{due_on.isoformat()}:{stage}",
                kind=base.stage_kind(event, stage),
                title=title,
                body="Planifiez l'audit avec l'organisme certificateur pour garder le label.",
                url=url,
                due_on=due_on,
            )
    return found

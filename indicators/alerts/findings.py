"""The prefecture's argued response (réponse argumentée) to an audit's non-conformities and sensitive points,
expected by ``Audit.response_due_on`` (settings.QUALIPREF_FINDING_RESPONSE_DAYS after the report's delivery).
Alerts the prefecture's quality managers, settings.QUALIPREF_FINDING_RESPONSE_ALERT_DAYS before, then late, while
the audit is « rapport remis » and a finding that calls for a response has none. The audits app is optional here.
"""

import datetime

from django.conf import settings
from django.db.models import Count, Q
from django.urls import reverse

from qualipref.lib.dates import short_date

from . import base

try:
    from audits.models import Audit, Finding
except ImportError:  # pragma: no cover - the audits app is not there
    Audit = Finding = None


def collect(today):
    if Audit is None:
        return []
    days_before = settings.QUALIPREF_FINDING_RESPONSE_ALERT_DAYS
    delay = datetime.timedelta(days=settings.QUALIPREF_FINDING_RESPONSE_DAYS)
    unanswered = Q(findings__category__in=Finding.ANSWERABLE, findings__response="")
    audits = list(
        Audit.objects.filter(
            status=Audit.Status.DELIVERED,
            report_delivered_on__gte=base.lookback(today) - delay,
            report_delivered_on__lte=base.horizon(today, days_before) - delay,
        )
        .annotate(waiting=Count("findings", filter=unanswered))
        .filter(waiting__gt=0)
        .order_by()
        .values_list("pk", "kind", "prefecture_id", "report_delivered_on", "waiting")
    )
    if not audits:
        return []
    _, managers = base.recipients(today, prefectures={row[2] for row in audits})
    kinds = dict(Audit.Kind.choices)
    found = []
    for pk, kind, prefecture_id, delivered_on, waiting in audits:
        due_on = Audit(report_delivered_on=delivered_on).response_due_on
        stage = base.stage_of(due_on, today, days_before)
        if stage is None:
            continue
        count = f"{waiting} constat{'s' if waiting > 1 else ''}"
        event = "finding_response_late" if stage == base.OVERDUE else "finding_response_due"
        title = base.stage_title(
            stage,
            due_on,
            today,
            late=f"Réponse argumentée en retard : attendue le {short_date(due_on)}",
            due=f"Réponse argumentée attendue le {short_date(due_on)}",
        )
        found += base.notices(
            managers.get(prefecture_id, set()),
            key=f"audit:{pk}:{due_on.isoformat()}:response:{stage}",
            kind=event,
            title=title,
            body=(
                f"{kinds.get(kind, kind)} : rapport remis le {short_date(delivered_on)}, {count} (points sensibles ou "
                "non-conformités) sans réponse argumentée."
            ),
            url=reverse("audit_detail", kwargs={"pk": pk}),
            due_on=due_on,
        )
    return found

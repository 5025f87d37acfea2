"""The prefecture's argued response (réponse argumentée) to an audit's non-conformities and sensitive points,
expected by ``Audit.response_due_on`` (settings.QUALIPREF_FINDING_RESPONSE_DAYS after the report's delivery).
Alerts the prefecture's quality managers, settings.QUALIPREF_FINDING_RESPONSE_ALERT_DAYS before, then late, while
the audit is « rapport remis » and a finding that calls for a response has none. The audits app is optional here.
"""

import datetime

from django.conf import settings
from django.db.models import Count, Q

from qualipref.lib.dates import short_date

from . import base
from .audits import audit_notices

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
        body = (
            f"{kinds.get(kind, kind)} : rapport remis le {short_date(delivered_on)}, {count} (points sensibles ou "
            "non-conformités) sans réponse argumentée."
        )
        people = managers.get(prefecture_id, set())
        found += audit_notices(people, step="response", pk=pk, stage=stage, due_on=due_on, today=today, body=body)
    return found

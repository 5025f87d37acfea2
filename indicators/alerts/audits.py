"""Audit reports due 15 days after the audit's last day (``Audit.report_due_on``) and not delivered yet: to the
audit's auditors and the prefecture's quality managers, settings.QUALIPREF_AUDIT_ALERT_DAYS before, then late.
The prefecture's responses to the findings are indicators.alerts.findings.
The audits app is optional here: ``collect`` gives nothing when it is not installed."""

from django.conf import settings
from django.urls import reverse

from qualipref.lib.dates import short_date

from . import base

try:
    from audits.models import Audit
except ImportError:  # pragma: no cover - the audits app is not there
    Audit = None


# What is expected of an audit, by step: the kind of its notices (``<event>_late``, ``<event>_due``), what it is
# and how « expected » agrees with it in its titles.
STEPS = {
    "report": ("audit_report", "Rapport d'audit", "attendu"),
    "response": ("finding_response", "Réponse argumentée", "attendue"),
}


def audit_notices(people, *, step, pk, stage, due_on, today, body):
    """The notices about an audit's ``step`` (STEPS: its report, the response to its findings), due on ``due_on``,
    with a link to the audit."""
    event, what, expected = STEPS[step]
    return base.notices(
        people,
        key=f"audit:{pk}:{due_on.isoformat()}:{step}:{stage}",
        kind=f"{event}_{'late' if stage == base.OVERDUE else 'due'}",
        title=base.stage_title(
            stage,
            due_on,
            today,
            late=f"{what} en retard : {expected} le {short_date(due_on)}",
            due=f"{what} {expected} le {short_date(due_on)}",
        ),
        body=body,
        url=reverse("audit_detail", kwargs={"pk": pk}),
        due_on=due_on,
    )


def collect(today):
    if Audit is None:
        return []
    days_before = settings.QUALIPREF_AUDIT_ALERT_DAYS
    audits = list(
        Audit.objects.report_pending()
        .filter(report_due_on__gte=base.lookback(today), report_due_on__lte=base.horizon(today, days_before))
        .order_by()
        .values_list("pk", "kind", "prefecture_id", "end_on", "report_due_on")
    )
    if not audits:
        return []
    auditors = {}
    for audit_id, user_id in Audit.auditors.through.objects.filter(
        audit_id__in=[row[0] for row in audits], user__is_active=True
    ).values_list("audit_id", "user_id"):
        auditors.setdefault(audit_id, set()).add(user_id)
    _, managers = base.recipients(today, prefectures={row[2] for row in audits})
    kinds = dict(Audit.Kind.choices)
    found = []
    for pk, kind, prefecture_id, end_on, due_on in audits:
        stage = base.stage_of(due_on, today, days_before)
        if stage is None:
            continue
        people = auditors.get(pk, set()) | managers.get(prefecture_id, set())
        body = (
            f"{kinds.get(kind, kind)} terminé le {short_date(end_on)}. Le rapport écrit est attendu dans les 15 jours "
            "suivant le dernier jour d'audit."
        )
        found += audit_notices(people, step="report", pk=pk, stage=stage, due_on=due_on, today=today, body=body)
    return found

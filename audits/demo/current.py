"""The audit the demo auditor works on the day the demo is loaded: the follow-up audit of the running Qualipref 2.0
cycle of the Bouches-du-Rhône by AFNOR Certification, held on Arles and Istres from yesterday to the day after
tomorrow, in progress, the auditor's access window open around it, the grid filled for Arles' first module only
(the rest « non évalué », for the auditor to try out).

Idempotent: the cycle's follow-up audit by that body is created once; an existing one is left as it is."""

import datetime

from audits.models import Assessment, Audit
from qualipref.lib.dates import local_datetime

from .common import AFNOR, ARLES, ISTRES, new_audit

DAY = datetime.timedelta(days=1)
WINDOW_BEFORE, WINDOW_AFTER = 14 * DAY, 45 * DAY


def load(cycle, sites, engagements, users, *, today):
    if Audit.objects.filter(labelling=cycle, kind=Audit.Kind.FOLLOW_UP, body=AFNOR).exists():
        return None
    audit_sites = [sites[name] for name in (ARLES, ISTRES) if name in sites]
    quality, auditor = users.get("qualite13"), users.get("auditeur")
    if not audit_sites or quality is None:
        return None
    start_on, end_on = today - DAY, today + 2 * DAY
    audit = new_audit(
        cycle,
        kind=Audit.Kind.FOLLOW_UP,
        body=AFNOR,
        start_on=start_on,
        end_on=end_on,
        sites=audit_sites,
        status=Audit.Status.IN_PROGRESS,
        by=quality,
        access_from=start_on - WINDOW_BEFORE,
        access_until=end_on + WINDOW_AFTER,
    )
    if auditor is not None:
        audit.auditors.add(auditor)
    first_module = min((e.module.number for e in engagements.values() if e.module_id), default=None)
    results = [Assessment.Result.COMPLIANT] * 5 + [Assessment.Result.MINOR_NONCONFORMITY]
    cells = []
    ordered = sorted(engagements.values(), key=lambda e: (e.module.number, e.number))
    module_ids = set(audit.modules.values_list("pk", flat=True))
    for index, engagement in enumerate(e for e in ordered if e.module.number == first_module):
        if engagement.module_id not in module_ids:
            continue
        result = results[index % len(results)]
        cells.append(
            Assessment(
                audit=audit,
                engagement=engagement,
                site=audit_sites[0],
                result=result,
                comment="Affichage des délais de réponse incomplet." if result != Assessment.Result.COMPLIANT else "",
                assessed_by=auditor or quality,
            )
        )
    from simple_history.utils import bulk_create_with_history

    bulk_create_with_history(cells, Assessment, default_user=auditor or quality, default_date=local_datetime(today))
    return audit

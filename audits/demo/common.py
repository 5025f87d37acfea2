"""What the demo audits share: the names of the demo's bodies and sites, and the writing of historical audits,
findings, assessment grids and corrective actions as they stood (not replayed through the services, whose rules
keep today's dates)."""

import datetime

from simple_history.utils import bulk_create_with_history

from audits.models import Assessment, Finding, FindingAction
from audits.services.audits import save_new_audit
from engagements.models import Action, Engagement, Labelling
from qualipref.lib.dates import local_datetime

D = datetime.date
AFNOR = "AFNOR Certification"
INTERNAL_AUDITOR = "Auditeur interne du ministère de l'Intérieur"

PEYTRAL = "Marseille – Peytral"
SAINT_SEBASTIEN = "Marseille – Saint-Sébastien"
AIX = "Sous-préfecture d'Aix-en-Provence"
ARLES = "Sous-préfecture d'Arles"
ISTRES = "Sous-préfecture d'Istres"

MINOR, MAJOR = Finding.Category.MINOR_NONCONFORMITY, Finding.Category.MAJOR_NONCONFORMITY


# --- writing ---------------------------------------------------------------------------------------------


def demo_cycle(department_id, referential_code):
    """The demo prefecture's cycle on that référentiel (engagements.demo writes it), or None."""
    return (
        Labelling.objects.filter(prefecture__department_id=department_id, referential__code=referential_code)
        .select_related("referential", "prefecture")
        .first()
    )


def engagements_of(referential):
    return {e.code: e for e in Engagement.objects.filter(referential=referential).select_related("module")}


def new_audit(labelling, *, kind, body, start_on, end_on, sites, status, by, **fields):
    return save_new_audit(
        labelling,
        by=by,
        sites=sites,
        modules=labelling.modules.all(),
        kind=kind,
        body=body,
        start_on=start_on,
        end_on=end_on,
        status=status,
        created_by=by,
        history_date=local_datetime(start_on - datetime.timedelta(days=30)),
        **fields,
    )


def add_findings(audit, rows, *, by, day):
    """rows: (site, engagement, category, text, response, response_due_on, responded_on) -> the saved findings."""
    findings = [
        Finding(
            audit=audit,
            site=site,
            engagement=engagement,
            module=engagement.module if engagement else None,
            category=category,
            text=text,
            response=response or "",
            response_due_on=due_on,
            responded_on=responded_on if response else None,
            responded_by=by if response else None,
            created_by=by,
        )
        for site, engagement, category, text, response, due_on, responded_on in rows
    ]
    return bulk_create_with_history(findings, Finding, default_user=by, default_date=local_datetime(day))


def add_grid(audit, engagements, sites, *, by, day, exceptions):
    """Every cell « conforme » but ``exceptions`` ({(code, site name): (result, comment)})."""
    cells = []
    module_ids = set(audit.modules.values_list("pk", flat=True))
    for engagement in sorted(engagements.values(), key=lambda e: (e.module.number, e.number)):
        if engagement.module_id not in module_ids:
            continue
        for site in sites:
            result, comment = exceptions.get((engagement.code, site.name), (Assessment.Result.COMPLIANT, ""))
            cells.append(
                Assessment(
                    audit=audit, engagement=engagement, site=site, result=result, comment=comment, assessed_by=by
                )
            )
    bulk_create_with_history(cells, Assessment, default_user=by, default_date=local_datetime(day))


def plan_action(plan, title):
    return plan.actions.filter(title=title).first() if plan else None


def done_action(plan, *, title, site, engagement, owner, completed_on, finding, by):
    """A corrective action done in 2015 (the demo's history), created from its finding."""
    from django.contrib.contenttypes.models import ContentType

    existing = plan.actions.filter(title=title).first()
    if existing is not None:
        return existing
    created_on = finding.audit.end_on + datetime.timedelta(days=7)
    action = Action(
        plan=plan,
        prefecture=plan.prefecture,
        site=site,
        module=engagement.module if engagement else None,
        engagement=engagement,
        title=title,
        source=Action.Source.AUDIT_FINDING,
        source_type=ContentType.objects.get_for_model(Finding),
        source_id=finding.pk,
        owner=owner,
        due_on=completed_on + datetime.timedelta(days=10),
        status=Action.Status.DONE,
        progress=100,
        completed_on=completed_on,
        created_by=by,
    )
    action._history_date = local_datetime(created_on)
    action._history_user = by
    action.save()
    Action.objects.filter(pk=action.pk).update(
        created_at=local_datetime(created_on), updated_at=local_datetime(completed_on)
    )
    return action


def link(finding, action, by):
    if action is not None:
        FindingAction.objects.get_or_create(finding=finding, action=action, defaults={"linked_by": by})

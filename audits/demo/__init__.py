"""Demo audits (run after the labelling cycles and the action plan of engagements.demo): the audits of
docs/domaine.md, § Données de démonstration.

One module per audit, with its texts and how it is written:
- internal_2015: Bouches-du-Rhône, cycle Qualipref 2.0 numérique, the internal audits of June 2015 (17
  non-conformities and their corrective actions);
- labelling_2015: the same cycle's labelling audit of September 2015 by AFNOR Certification (the published counts
  per site of the bilan qualité 2015), whose report the demo auditor downloads;
- current: the follow-up audit in progress on the day the demo is loaded, the demo auditor's to work on;
- val_de_marne_2013: Val-de-Marne, cycle Qualipref 2012–2013, the internal and the external audits (dossier de
  presse);
and what they share in common.py. ``load`` and ``unload`` here are the entry points (qualipref.demo, the tests).

The counts are the documents'; which engagement each finding concerns and its wording are illustrative (the
documents give the general points quoted here, not the detail of each finding). Historical data are written as
they stood (statuses, dates), not replayed through the services, whose rules keep today's dates.

Idempotent: an audit is found by its cycle, nature and first day; an existing one is left as it is.
"""

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from audits.models import Assessment, Audit, Finding
from engagements.models import ActionPlan

from . import current, internal_2015, labelling_2015, val_de_marne_2013
from .common import demo_cycle, engagements_of


def _load_bouches_du_rhone(users):
    cycle = demo_cycle("13", "QP2")
    if cycle is None:
        return
    prefecture = cycle.prefecture
    sites = {site.name: site for site in cycle.sites.all()}
    engagements = engagements_of(cycle.referential)
    plan = ActionPlan.objects.filter(prefecture=prefecture).order_by("created_at").first()  # the 2015-2016 plan
    labelling = labelling_2015.load(cycle, sites, engagements, plan, users)
    internal_2015.load(cycle, sites, engagements, plan, users, labelling)
    current.load(cycle, sites, engagements, users, today=timezone.localdate())


@transaction.atomic
def load():
    """Create the demo audits that are missing (see the module's docstring)."""
    users = {
        user.username: user
        for user in User.objects.filter(
            username__in=["qualite13", "qualite94", "auditeur", "referent-arles", "agent-istres"]
        )
    }
    _load_bouches_du_rhone(users)
    val_de_marne_2013.load(users)


@transaction.atomic
def unload(prefecture):
    """Remove the audits of a prefecture and what hangs on them (findings, their links to actions, the grid, the
    visits, the reports, the quarterly self-assessments; the actions stay in the plan): for the browser tests that
    replay a demo cycle."""
    from audits.models import AuditReport, GoodPractice, MysteryVisit, QuarterlySelfAssessment

    audits = Audit.objects.filter(prefecture=prefecture)
    findings = Finding.objects.filter(audit__in=audits)
    GoodPractice.objects.filter(finding__in=findings).delete()
    Finding.objects.filter(verified_in__in=audits).update(verified_in=None, closed_on=None, closed_by=None)
    findings.delete()
    Assessment.objects.filter(audit__in=audits).delete()
    MysteryVisit.objects.filter(audit__in=audits).delete()
    AuditReport.objects.filter(audit__in=audits).delete()
    QuarterlySelfAssessment.objects.filter(audit__in=audits).delete()  # the programme's demo starts one
    audits.delete()

"""The demo audits of docs/domaine.md (§ Données de démonstration), attached to the demo labelling cycles."""

import datetime

import pytest

from audits import demo
from audits.models import Audit, Finding
from audits.services import summaries
from tests.checks import assert_no_new_rows

pytestmark = pytest.mark.django_db

D = datetime.date


@pytest.fixture
def loaded(demo_data, db):
    pass


def _audit(department, kind, start_on):
    return Audit.objects.get(prefecture__department_id=department, kind=kind, start_on=start_on)


def test_the_september_2015_labelling_audit_has_exactly_the_published_counts_per_site(loaded, client):
    audit = _audit("13", "labelling", D(2015, 9, 14))
    lines = [place.line for place in summaries.finding_counts(audit).places]
    assert lines == [
        "Préfecture des Bouches-du-Rhône : 20 points forts, 6 pistes de progrès, 3 points sensibles",
        "Sous-préfecture d'Aix-en-Provence : 15 points forts, 4 pistes de progrès, 2 points sensibles, "
        "1 non-conformité mineure",
        "Sous-préfecture d'Arles : 20 points forts, 3 pistes de progrès, 2 points sensibles",
        "Sous-préfecture d'Istres : 17 points forts, 2 pistes de progrès, 4 points sensibles",
    ]
    assert audit.body == "AFNOR Certification" and audit.decision == "favourable"
    assert audit.decision_on == D(2015, 11, 27)
    assert audit.labelling.steps.filter(kind="decision", happened_on=D(2015, 11, 27)).exists()
    assert audit.status == "closed" and audit.report_due_on == D(2015, 10, 3)
    assert audit.assessments.count() == 40 * 5  # modules 1, 4, 7, 8 on the 5 sites
    # the prefecture answered every non-conformity and sensitive point
    assert not audit.findings.filter(category__in=Finding.ANSWERABLE, response="").exists()
    nonconformity = audit.findings.get(category="minor_nonconformity")
    assert nonconformity.actions.get().title.startswith("Adapter les futurs locaux")
    # the demo auditor is assigned to it: its report is the first thing they download
    _the_demo_auditor_is_assigned_to_the_labelling_audit_and_may_download_it(client)


def _the_demo_auditor_is_assigned_to_the_labelling_audit_and_may_download_it(client):
    from django.urls import reverse

    from accounts.models import User

    audit = _audit("13", "labelling", D(2015, 9, 14))
    auditor = User.objects.get(username="auditeur")
    assert list(audit.auditors.all()) == [auditor] and audit.window_open()
    client.force_login(auditor)
    html = client.get(reverse("dashboard")).content.decode()
    assert html.index(reverse("audit_report", kwargs={"pk": audit.pk})) > 0


def test_the_june_2015_internal_audits_raised_17_nonconformities_on_the_4_sites(loaded):
    audit = _audit("13", "internal", D(2015, 6, 15))
    findings = audit.findings.all()
    assert findings.count() == findings.nonconformities().count() == 17
    places = [place.label for place in summaries.finding_counts(audit).places if place.total]
    assert len(places) == 4
    assert all(finding.actions.exists() for finding in findings)
    # lifted: those whose actions were done before the labelling audit, which verified them
    closed = findings.filter(closed_on__isnull=False)
    assert closed.count() == 14
    assert {finding.verified_in.kind for finding in closed} == {"labelling"}
    assert findings.open_nonconformities().count() == 3


def test_val_de_marne_2013_has_its_4_recommendations_and_12_strengths(loaded):
    internal = _audit("94", "internal", D(2013, 5, 24))
    external = _audit("94", "labelling", D(2013, 6, 25))
    assert internal.body == "AFNOR Certification"
    assert list(internal.findings.values_list("category", flat=True)) == ["improvement"] * 4
    assert "toutes suivies de mesures correctives" in internal.summary
    assert external.findings.filter(category="strength").count() == external.findings.count() == 12
    assert external.decision == "favourable"
    # loading the demo again changes nothing
    assert_no_new_rows(demo.load, Audit.objects, Finding.objects)


def test_the_demo_follow_up_audit_moves_the_cycle_when_it_closes(loaded):
    """The quality manager walks the demo's current follow-up audit (its visits ended today) to its closure: the
    cycle records it once, linked to the audit, and its next follow-up is due one period later."""
    from django.utils import timezone

    from accounts.models import User
    from audits.services import audits as services
    from engagements.services import labellings as labelling_services

    today = timezone.localdate()
    audit = Audit.objects.get(prefecture__department_id="13", kind="follow_up", status="in_progress")
    Audit.objects.filter(pk=audit.pk).update(end_on=today, report_due_on=today + datetime.timedelta(days=15))
    cycle = audit.labelling
    due_before = cycle.next_audit_due
    quality = User.objects.get(username="qualite13")
    for step in ("write", "deliver"):
        services.audit_transition(by=quality, audit=audit, step=step, on=today)
    services.audit_transition(by=quality, audit=audit, step="close", on=today, opinion="favourable")

    cycle.refresh_from_db()
    assert [step.kind for step in labelling_services.steps_of(audit)] == ["follow_up_audit"]
    assert cycle.next_audit_due > due_before and not cycle.is_late

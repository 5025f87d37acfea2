"""The audit pages: list, an audit's page (counts per site, findings, non-conformities), planning, steps."""

import datetime

import pytest
from django.urls import reverse

from audits.models import Audit
from tests import factories
from tests.checks import count_queries

pytestmark = pytest.mark.django_db


def _html(response):
    assert response.status_code == 200, response.content[:500]
    return response.content.decode()


def test_the_audit_page_counts_findings_per_site_as_the_documents_do(login, audit, world):
    for category, number in (("strength", 20), ("improvement", 3), ("sensitive_point", 2)):
        factories.FindingFactory.create_batch(number, audit=audit, site=world.site, category=category)
    factories.FindingFactory(audit=audit, site=world.sister_site, category="minor_nonconformity")
    html = _html(login("quality_manager").get(reverse("audit_detail", kwargs={"pk": audit.pk})))
    assert "Sous-préfecture d’Arles</strong>&nbsp;: 20 points forts, 3 pistes de progrès, 2 points sensibles" in html
    assert "Sous-préfecture d’Istres</strong>&nbsp;: 1 non-conformité mineure" in html
    assert "Une non-conformité est levée lorsque toutes ses actions correctives sont réalisées" in html


@pytest.mark.parametrize("role", ["quality_manager", "auditor", "site_referent"])
def test_the_audit_page_issues_as_many_queries_for_5_findings_as_for_200(login, audit, world, role):
    """The page reads the audit, its findings with their actions, the counts and the grid's progress in a fixed
    number of queries: 5 findings or 200 (with actions linked to some), same count."""
    client = login(role)
    url = reverse("audit_detail", kwargs={"pk": audit.pk})
    plan = factories.ActionPlanFactory(prefecture=world.prefecture)

    def add(number):
        for index in range(number):
            category = ("strength", "improvement", "sensitive_point", "minor_nonconformity")[index % 4]
            finding = factories.FindingFactory(
                audit=audit, site=(world.site, world.sister_site)[index % 2], category=category
            )
            if category == "minor_nonconformity" and index % 8 == 3:
                action = factories.ActionFactory(plan=plan, site=world.site)
                finding.action_links.create(action=action)

    add(5)
    few = count_queries(client, url)
    add(195)
    assert audit.findings.count() == 200
    many = count_queries(client, url)
    assert few == many, f"{few} requêtes pour 5 constats, {many} pour 200"


def test_the_audit_list_shows_counts_and_late_reports(login, world, cycle):
    late = factories.AuditFactory(labelling=cycle, in_progress=True)  # report due on 03/10/2015, not delivered
    factories.FindingFactory.create_batch(2, audit=late, site=world.site)
    html = _html(login("manager").get(reverse("audit_list")))
    assert "2 points forts" in html
    assert "En retard" in html
    html = _html(login("manager").get(reverse("audit_list") + "?late=false"))
    assert "Aucun audit ne correspond" in html


def test_the_audit_list_query_count_does_not_grow_with_the_page(login, world, cycle):
    client = login("quality_manager")
    factories.AuditFactory(labelling=cycle)
    few = count_queries(client, reverse("audit_list"))
    for _ in range(10):
        audit = factories.AuditFactory(labelling=cycle)
        factories.FindingFactory(audit=audit, site=world.site)
    assert few == count_queries(client, reverse("audit_list"))


def test_a_quality_manager_plans_an_audit_within_the_cycle_perimeter(login, world, cycle):
    client = login("quality_manager")
    auditor = world.users["auditor"]
    url = reverse("audit_create")
    html = _html(client.get(url))
    assert "Planifier l’audit" in html  # the only running cycle is chosen
    response = client.post(
        url,
        {
            "cycle": cycle.pk,
            "kind": "labelling",
            "body": "AFNOR Certification",
            "start_on": "2015-09-14",
            "end_on": "2015-09-18",
            "sites": [world.site.pk],
            "auditors": [auditor.pk],
        },
    )
    audit = Audit.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("audit_detail", kwargs={"pk": audit.pk})
    assert audit.report_due_on == datetime.date(2015, 10, 3)
    assert list(audit.sites.all()) == [world.site]
    assert set(audit.modules.all()) == set(cycle.modules.all())
    assert list(audit.auditors.all()) == [auditor]


def test_inverted_dates_are_refused_with_a_french_message_and_nothing_is_saved(login, world, cycle):
    response = login("quality_manager").post(
        reverse("audit_create"),
        {
            "cycle": cycle.pk,
            "kind": "internal",
            "body": "Auditeur interne",
            "start_on": "2015-06-19",
            "end_on": "2015-06-15",
        },
    )
    html = _html(response)
    assert "Le dernier jour d&#x27;audit ne peut pas précéder le premier (19/06/2015) : dates inversées ?" in html
    assert not Audit.objects.exists()


def test_the_steps_move_the_audit_forward_and_explain_what_blocks(login, audit, world):
    client = login("quality_manager")
    url = reverse("audit_transition", kwargs={"pk": audit.pk, "step": "start"})
    assert client.post(url, {"on": "2015-09-14"}).status_code == 302
    audit.refresh_from_db()
    assert audit.status == "in_progress"
    html = _html(client.post(url, {"on": "2015-09-14"}))
    assert "impossible" in html
    detail = _html(client.get(reverse("audit_detail", kwargs={"pk": audit.pk})))
    assert "Étape 2 sur 6" in detail


def test_the_decision_page_records_the_decision_and_the_cycle_moves_forward(login, world, cycle):
    audit = factories.AuditFactory(labelling=cycle, delivered=True)
    response = login("quality_manager").post(
        reverse("audit_decision", kwargs={"pk": audit.pk}),
        {"decision": "favourable", "decided_on": "2015-11-27"},
    )
    assert response.status_code == 302
    cycle.refresh_from_db()
    assert cycle.status == "granted" and cycle.granted_on == datetime.date(2015, 11, 27)
    assert cycle.decision_body == "AFNOR Certification"


def test_the_auditor_dashboard_lists_my_audits_with_the_report(login, audit):
    html = _html(login("auditor").get(reverse("dashboard")))
    assert audit.title in html
    assert reverse("audit_report", kwargs={"pk": audit.pk}) in html


def test_the_compare_page_shows_what_improved_and_regressed(login, world, cycle):
    first = factories.AuditFactory(labelling=cycle, internal=True)
    second = factories.AuditFactory(labelling=cycle)
    engagement = factories.AssessmentFactory(audit=first, site=world.site, result="minor_nonconformity").engagement
    factories.AssessmentFactory(audit=second, site=world.site, engagement=engagement, result="compliant")
    factories.FindingFactory(audit=first, site=world.site, minor=True)
    html = _html(login("manager").get(reverse("audit_compare") + f"?first={second.pk}&second={first.pk}"))
    assert "1 engagement amélioré" in html
    assert "0 en recul" in html
    assert "<svg" in html
    assert "NC mi → C" in html


def test_an_auditor_records_a_mystery_call_and_feeds_the_grid_from_the_pages(login, world, cycle):
    from audits.models import Assessment, MysteryVisit
    from engagements.models import Engagement

    audit = factories.AuditFactory(labelling=cycle, kind="mystery", auditors=[world.users["auditor"]], in_progress=True)
    pickup = Engagement.objects.get(referential=cycle.referential, code="QP2-M1-E09")
    client = login("auditor")
    form = client.get(reverse("mystery_visit_create", kwargs={"pk": audit.pk}) + "?canal=call").content.decode()
    assert "Décroché en moins de 5 sonneries" in form
    response = client.post(
        reverse("mystery_visit_create", kwargs={"pk": audit.pk}),
        {
            "channel": "call",
            "happened_on": "2015-09-02",
            "site": world.site.pk,
            "scenario": "Appel au standard : pièces à fournir pour un titre de séjour",
            "criteria-TOTAL_FORMS": "2",
            "criteria-INITIAL_FORMS": "0",
            "criteria-0-label": "Décroché en moins de 5 sonneries",
            "criteria-0-engagement": pickup.pk,
            "criteria-0-score": "0",
            "criteria-0-max_score": "1",
            "criteria-1-label": "",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    visit = MysteryVisit.objects.get()
    assert visit.score == (0, 1)
    html = client.get(reverse("audit_detail", kwargs={"pk": audit.pk})).content.decode()
    assert "0/1 points" in html
    client.post(reverse("mystery_feed", kwargs={"pk": audit.pk}))
    assert Assessment.objects.get(engagement=pickup, site=world.site).result == "major_nonconformity"


def test_the_quality_manager_answers_from_the_finding_page(login, world, cycle):
    audit = factories.AuditFactory(labelling=cycle, delivered=True)
    finding = factories.FindingFactory(audit=audit, site=world.site, sensitive=True)
    client = login("quality_manager")
    page = client.get(reverse("finding_detail", kwargs={"pk": finding.pk})).content.decode()
    assert "Enregistrer la réponse" in page and "Créer l’action" in page
    response = client.post(
        reverse("finding_respond", kwargs={"pk": finding.pk}),
        {"response": "Formation programmée en novembre.", "response_due_on": "2015-11-30"},
    )
    assert response.status_code == 302
    finding.refresh_from_db()
    assert finding.response == "Formation programmée en novembre." and str(finding.response_due_on) == "2015-11-30"
    # the manager reads the answer but has no form
    page = login("manager").get(reverse("finding_detail", kwargs={"pk": finding.pk})).content.decode()
    assert "Formation programmée en novembre." in page and "Enregistrer la réponse" not in page


def test_the_compare_link_of_an_audit_preselects_it(login, audit):
    html = login("quality_manager").get(reverse("audit_compare") + f"?second={audit.pk}").content.decode()
    assert f'<option value="{audit.pk}" selected>' in html
    assert "fr-error-text" not in html

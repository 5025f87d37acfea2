"""The audits API: same services as the pages, abilities on every object, scoped lists, the PDF report."""

import hashlib

import pytest

from audits.models import Assessment, AuditReport, Finding
from engagements.models import Engagement
from tests import factories
from tests.checks import count_queries

pytestmark = pytest.mark.django_db


def test_an_audit_carries_its_fields_counts_and_abilities(as_role, audit, world):
    factories.FindingFactory.create_batch(3, audit=audit, site=world.site)
    factories.FindingFactory(audit=audit, site=world.site, minor=True)
    data = as_role("quality_manager").get(f"/api/v1/audits/{audit.pk}/").json()
    for field in ("id", "kind", "prefecture", "sites", "start_on", "end_on", "report_due_on", "status"):
        assert field in data
    assert data["kind"] == "labelling" and data["report_due_on"] == "2015-10-03" and data["status"] == "planned"
    assert data["counts"]["strength"] == 3 and data["counts"]["minor_nonconformity"] == 1
    assert data["abilities"]["update"] is True and data["abilities"]["respond"] is False
    auditor = as_role("auditor").get(f"/api/v1/audits/{audit.pk}/").json()
    assert auditor["abilities"]["fill"] is True and auditor["abilities"]["update"] is False
    assert auditor["auditors"] == ["auditor"]


def test_an_auditor_outside_the_window_gets_403_and_their_lists_leave_the_audit_out(as_role, world, cycle):
    audit = factories.AuditFactory(labelling=cycle, auditors=[world.users["auditor"]], window_closed=True)
    finding = factories.FindingFactory(audit=audit, site=world.site)
    client = as_role("auditor")
    response = client.get(f"/api/v1/audits/{audit.pk}/")
    assert response.status_code == 403
    assert "fenêtre d'accès des auditeurs va du 30/08/2015 au 18/10/2015" in response.json()["detail"]
    assert client.get(f"/api/v1/findings/{finding.pk}/").status_code == 403
    assert client.get("/api/v1/findings/").json()["count"] == 0
    assert client.get("/api/v1/audits/").json()["count"] == 0  # outside the window nothing of it shows


def test_another_prefectures_audit_is_404(as_role, foreign_audit):
    assert as_role("quality_manager").get(f"/api/v1/audits/{foreign_audit.pk}/").status_code == 404
    assert as_role("auditor").get(f"/api/v1/audits/{foreign_audit.pk}/report/").status_code == 404


def test_the_report_is_a_pdf_stored_with_its_checksum(as_role, audit, world):
    factories.FindingFactory(audit=audit, site=world.site)
    response = as_role("auditor").get(f"/api/v1/audits/{audit.pk}/report/")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    content = b"".join(response.streaming_content)
    report = AuditReport.objects.get()
    assert content.startswith(b"%PDF-") and report.sha256 == hashlib.sha256(content).hexdigest()
    assert response["X-Report-SHA256"] == report.sha256
    listed = as_role("quality_manager").get(f"/api/v1/audits/{audit.pk}/reports/").json()
    assert listed[0]["sha256"] == report.sha256 and listed[0]["download_url"].endswith(f"/rapports/{report.pk}/")


def test_planning_an_audit_through_the_api_uses_the_service(as_role, world, cycle):
    response = as_role("quality_manager").post(
        "/api/v1/audits/",
        {
            "labelling": cycle.pk,
            "kind": "internal",
            "body": "Auditeur interne",
            "start_on": "2015-06-19",
            "end_on": "2015-06-15",
        },
        format="json",
    )
    assert response.status_code == 400
    assert response.json()["end_on"] == [
        "Le dernier jour d'audit ne peut pas précéder le premier (19/06/2015) : dates inversées ?"
    ]


def test_a_decision_on_an_internal_audit_is_a_400(as_role, world, cycle):
    audit = factories.AuditFactory(labelling=cycle, internal=True, delivered=True)
    response = as_role("quality_manager").post(
        f"/api/v1/audits/{audit.pk}/decision/", {"decision": "favourable", "decided_on": "2015-07-10"}, format="json"
    )
    assert response.status_code == 400 and "ne donne pas lieu à une décision" in response.json()["decision"][0]


def test_a_finding_outside_the_scope_is_a_400_with_french_messages(as_role, audit, world):
    response = as_role("auditor").post(
        "/api/v1/findings/",
        {"audit": audit.pk, "category": "strength", "site": world.foreign_site.pk, "text": "Hors périmètre."},
        format="json",
    )
    assert response.status_code == 400
    assert "n'est pas dans le périmètre de cet audit" in response.json()["site"][0]
    assert not Finding.objects.exists()


def test_a_finding_becomes_an_action_through_the_api(as_role, world, cycle):
    plan = factories.ActionPlanFactory(prefecture=world.prefecture)
    audit = factories.AuditFactory(labelling=cycle, delivered=True)
    finding = factories.FindingFactory(audit=audit, site=world.site, minor=True)
    response = as_role("quality_manager").post(
        f"/api/v1/findings/{finding.pk}/create-action/", {"title": "Poser un panneau PMR"}, format="json"
    )
    assert response.status_code == 201
    action = response.json()
    assert (
        action["plan"] == plan.pk and action["source"] == "audit_finding" and action["source_type"] == "audits.finding"
    )
    assert action["source_id"] == finding.pk
    data = as_role("quality_manager").get(f"/api/v1/findings/{finding.pk}/").json()
    assert data["actions"] == [action["id"]] and data["abilities"]["respond"] is True


def test_cells_are_written_once_per_engagement_and_site(as_role, audit, world):
    engagement = Engagement.objects.filter(module__in=audit.modules.all()).order_by("code").first()
    payload = {"audit": audit.pk, "engagement": engagement.pk, "site": world.site.pk, "result": "compliant"}
    client = as_role("auditor")
    first = client.post("/api/v1/assessments/", payload, format="json")
    assert first.status_code == 201
    again = client.post("/api/v1/assessments/", {**payload, "result": "not_applicable"}, format="json")
    assert again.status_code == 200 and again.json()["id"] == first.json()["id"]
    assert Assessment.objects.get().result == "not_applicable"
    assert client.get(f"/api/v1/assessments/?audit={audit.pk}&result=not_applicable").json()["count"] == 1


@pytest.mark.parametrize("role", ["quality_manager", "auditor", "national"])
def test_lists_issue_the_same_queries_for_a_page_of_1_and_a_page_of_50(as_role, world, cycle, role):
    audit = factories.AuditFactory(labelling=cycle, auditors=[world.users["auditor"]])
    factories.FindingFactory(audit=audit, site=world.site)
    client = as_role(role)
    urls = ["/api/v1/audits/", "/api/v1/findings/", "/api/v1/assessments/"]
    factories.AssessmentFactory(audit=audit, site=world.site)
    client.get("/api/v1/audits/")  # the user's scope is read once, then kept on the user object
    few = [count_queries(client, url) for url in urls]
    for _ in range(49):
        other = factories.AuditFactory(labelling=cycle, auditors=[world.users["auditor"]])
        factories.FindingFactory(audit=other, site=world.site, minor=True)
        factories.AssessmentFactory(audit=other, site=world.sister_site)
    assert [count_queries(client, url) for url in urls] == few

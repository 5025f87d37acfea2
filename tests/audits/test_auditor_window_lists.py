"""An auditor outside the access window of an audit assigned to them sees nothing of it in any list (pages, API,
choices, dashboard counts); fetching it by id stays a 403 with the window's dates."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from tests import factories

pytestmark = pytest.mark.django_db

BODY = "Cabinet Témoin"


def _window(when):
    today = timezone.localdate()
    day = datetime.timedelta(days=1)
    return {
        "before": (today + 10 * day, today + 40 * day),
        "during": (today - 5 * day, today + 5 * day),
        "after": (today - 40 * day, today - 10 * day),
    }[when]


@pytest.fixture(params=["before", "during", "after"])
def assigned(request, world, cycle):
    access_from, access_until = _window(request.param)
    audit = factories.AuditFactory(
        labelling=cycle,
        body=BODY,
        auditors=[world.users["auditor"]],
        access_from=access_from,
        access_until=access_until,
    )
    finding = factories.FindingFactory(audit=audit, site=world.site, minor=True)
    cell = factories.AssessmentFactory(audit=audit)
    return request.param == "during", audit, finding, cell


def test_the_audits_list_page_shows_the_audit_only_during_the_window(login, assigned):
    open_now, audit, _, _ = assigned
    html = login("auditor").get(reverse("audit_list")).content.decode()
    assert (BODY in html) is open_now
    assert (reverse("audit_detail", kwargs={"pk": audit.pk}) in html) is open_now
    assert ("1 non-conformité mineure" in html) is open_now


def test_the_api_lists_leave_the_audit_its_findings_and_cells_out_outside_the_window(as_role, assigned):
    open_now, audit, finding, cell = assigned
    client = as_role("auditor")
    audits = client.get("/api/v1/audits/").json()
    assert [item["id"] for item in audits["results"]] == ([audit.pk] if open_now else [])
    assert audits["count"] == (1 if open_now else 0)
    assert [item["id"] for item in client.get("/api/v1/findings/").json()["results"]] == (
        [finding.pk] if open_now else []
    )
    assert [item["id"] for item in client.get("/api/v1/assessments/").json()["results"]] == (
        [cell.pk] if open_now else []
    )
    # Filtering by the audit's id: a choice that does not exist for them (400), not the audit's rows.
    filtered = client.get(f"/api/v1/findings/?audit={audit.pk}")
    assert filtered.status_code == (200 if open_now else 400)


def test_fetching_the_audit_by_id_outside_the_window_stays_a_403_with_its_dates(as_role, login, assigned):
    open_now, audit, finding, _ = assigned
    client = as_role("auditor")
    expected = 200 if open_now else 403
    response = client.get(f"/api/v1/audits/{audit.pk}/")
    assert response.status_code == expected
    if not open_now:
        assert "fenêtre d'accès des auditeurs va du" in response.json()["detail"]
        assert BODY not in response.content.decode()
    assert client.get(f"/api/v1/findings/{finding.pk}/").status_code == expected
    assert client.get(f"/api/v1/audits/{audit.pk}/reports/").status_code == expected
    assert login("auditor").get(reverse("audit_detail", kwargs={"pk": audit.pk})).status_code == expected


def test_the_dashboard_card_shows_only_title_and_window_outside_it(login, assigned):
    open_now, audit, _, _ = assigned
    html = login("auditor").get(reverse("dashboard")).content.decode()
    assert audit.title in html  # theirs: they know when their access opens or when it closed
    assert ("1 non-conformité mineure" in html) is open_now
    assert (reverse("audit_report", kwargs={"pk": audit.pk}) in html) is open_now
    assert ("Planifié" in html) is open_now  # the audit's status


def test_the_compare_page_offers_only_audits_of_an_open_window(login, assigned):
    open_now, audit, _, _ = assigned
    html = login("auditor").get(reverse("audit_compare")).content.decode()
    assert (f'value="{audit.pk}"' in html) is open_now


def test_the_prefectures_own_people_still_see_the_audit_whatever_its_auditors_window(as_role, login, assigned):
    _, audit, _, _ = assigned
    assert as_role("quality_manager").get("/api/v1/audits/").json()["count"] == 1
    assert BODY in login("quality_manager").get(reverse("audit_list")).content.decode()

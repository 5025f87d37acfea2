"""programme-items/ (read, filters, abilities, query count) and programme-rules/ (the quality manager's CRUD)."""

import datetime

import pytest
from django.urls import reverse

from planning import services
from planning.models import PlannedItem, ProgrammeRule
from tests import factories
from tests.checks import assert_steady
from tests.planning.conftest import TODAY, YEAR

pytestmark = pytest.mark.django_db


@pytest.fixture
def today(monkeypatch):
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *args: TODAY)
    return TODAY


def test_the_items_are_filtered_by_year_kind_status_and_site_and_carry_their_fulfilment(as_role, world, rules, today):
    meeting = factories.MeetingFactory(prefecture=world.prefecture, held_on=datetime.date(YEAR, 3, 12))
    services.link_fulfilments(prefecture_ids=[world.prefecture.pk])
    client = as_role("quality_manager")

    done = client.get("/api/v1/programme-items/", {"year": YEAR, "kind": "copil", "status": "done"}).json()
    late = client.get("/api/v1/programme-items/", {"year": YEAR, "kind": "copil", "status": "late"}).json()
    arles = client.get("/api/v1/programme-items/", {"site": world.site.pk}).json()

    assert done["count"] == 1
    (item,) = done["results"]
    assert item["fulfilment"] == {
        "type": "engagements.meeting",
        "id": meeting.pk,
        "url": f"/qualite/reunions/{meeting.pk}/",
    }
    assert (item["status"], item["fulfilled_on"], item["abilities"]) == (
        "done",
        "2026-03-12",
        {"update": False, "delete": False},
    )
    assert [row["title"] for row in late["results"]] == [
        "COPIL qualité de janvier 2026",
        "COPIL qualité de février 2026",
        "COPIL qualité d'avril 2026",
    ]
    assert arles["count"] == 5  # four quarters and the internal audit
    bad = client.get("/api/v1/programme-items/", {"status": "bientôt"})
    assert bad.status_code == 400


def test_the_item_list_takes_the_same_queries_for_one_item_or_forty(
    as_role, world, rules, today, django_assert_num_queries
):
    for month in range(1, 6):
        factories.MeetingFactory(prefecture=world.prefecture, held_on=datetime.date(YEAR, month, 20))
    services.link_fulfilments(prefecture_ids=[world.prefecture.pk])
    client = as_role("quality_manager")
    client.get("/api/v1/programme-items/", {"page_size": 1})

    # count, the page of items, the meetings that fulfil them (one query per kind of record); the scope is read
    # once per user object
    with django_assert_num_queries(3):
        page = client.get("/api/v1/programme-items/", {"year": YEAR, "kind": "copil", "page_size": 1}).json()
        assert len(page["results"]) == 1
    with django_assert_num_queries(3):
        assert len(client.get("/api/v1/programme-items/", {"year": YEAR}).json()["results"]) == 23


def test_the_quality_manager_writes_the_rules_and_gets_french_errors(as_role, world, today):
    client = as_role("quality_manager")

    created = client.post(
        "/api/v1/programme-rules/", {"prefecture": world.prefecture.pk, "kind": "survey"}, format="json"
    )
    assert created.status_code == 201
    body = created.json()
    assert (body["month"], body["end_month"], body["label"]) == (5, 6, "Enquête de satisfaction en mai – juin")
    assert body["abilities"] == {"update": True, "delete": True}
    assert PlannedItem.objects.get().title == f"Enquête de satisfaction {YEAR}"

    wrong = client.patch(f"/api/v1/programme-rules/{body['id']}/", {"end_month": 3}, format="json")
    assert wrong.status_code == 400
    assert wrong.json() == {"end_month": ["Le mois de fin vient après le mois de début (dans la même année)."]}

    moved = client.patch(f"/api/v1/programme-rules/{body['id']}/", {"month": 9, "end_month": 10}, format="json")
    assert moved.status_code == 200
    assert PlannedItem.objects.get().starts_on == datetime.date(YEAR, 9, 1)

    assert client.delete(f"/api/v1/programme-rules/{body['id']}/").status_code == 204
    assert not ProgrammeRule.objects.exists() and not PlannedItem.objects.exists()


def test_the_others_read_the_rules_with_no_write_ability(as_role, world, rules):
    body = as_role("site_referent").get("/api/v1/programme-rules/").json()

    assert body["count"] == 5
    assert {tuple(row["abilities"].values()) for row in body["results"]} == {(False, False)}


def test_the_rule_list_and_the_rules_page_cost_the_same_for_five_rules_or_fifteen(
    as_role, login, world, rules, django_assert_num_queries
):
    api = as_role("quality_manager")
    page = login("quality_manager")
    url = reverse("programme_rules", kwargs={"pk": world.prefecture.pk})

    def get_both():
        api_response, page_response = api.get("/api/v1/programme-rules/"), page.get(url)
        assert page_response.status_code == 200
        return api_response

    def more_rules():
        for month in range(1, 11):
            ProgrammeRule.objects.create(
                prefecture=world.prefecture, kind="internal_audit", month=month, site=world.site
            )

    # API: count, the page of rules with their sites; page: session, user, memberships (navigation, scope),
    # prefecture, rules with their sites, the sites of the form's list; the DSFR settings are no longer read (kept by
    # the process: qualipref.site_config)
    response = assert_steady(django_assert_num_queries, 2 + 6, get_both, more_rules)
    assert response.json()["count"] == 15

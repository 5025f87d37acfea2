"""``complaints/`` in the API: the fields of docs/api.md, scoping, writes through the services, ``answer/``."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from complaints.models import Complaint
from tests import factories

pytestmark = pytest.mark.django_db

LIST = reverse("api:complaint-list")
CONTRACT = {
    "id",
    "reference",
    "kind",
    "site",
    "channel",
    "received_on",
    "due_on",
    "answered_on",
    "status",
    "answered_in_time",
}


def _detail(complaint):
    return reverse("api:complaint-detail", kwargs={"pk": complaint.pk})


def _answer(complaint):
    return reverse("api:complaint-answer", kwargs={"pk": complaint.pk})


def test_a_complaint_carries_the_fields_of_the_contract(as_role, world, complaint):
    data = as_role("agent").get(_detail(complaint)).json()

    assert set(data) >= CONTRACT
    assert data["reference"] == complaint.reference
    assert data["kind"] == "complaint"
    assert data["channel"] == "box"
    assert data["received_on"] == "2026-03-02"
    assert data["due_on"] == "2026-03-23"
    assert data["status"] == "received"
    assert data["answered_in_time"] is None
    assert data["service"] == world.service.pk
    assert isinstance(data["remaining_working_days"], int)
    assert data["abilities"]["answer"] is True


def test_the_list_is_scoped_and_filtered_like_the_page(as_role, world):
    today = timezone.localdate()
    overdue = factories.ComplaintFactory(site=world.site, received_on=today - datetime.timedelta(days=40))
    factories.ComplaintFactory(site=world.site, received_on=today)
    factories.ComplaintFactory(site=world.sister_site, received_on=today - datetime.timedelta(days=40))
    factories.ComplaintFactory(site=world.foreign_site)

    agent = as_role("agent")
    assert agent.get(LIST).json()["count"] == 2
    assert [row["id"] for row in agent.get(LIST, {"overdue": "true"}).json()["results"]] == [overdue.pk]
    assert as_role("manager").get(LIST).json()["count"] == 3
    assert as_role("national").get(LIST).json()["count"] == 4
    assert as_role("auditor").get(LIST).json()["count"] == 0


def test_the_list_costs_the_same_for_1_or_50_complaints(as_role, world, django_assert_num_queries):
    factories.ComplaintFactory(site=world.site, assigned_to=world.users["agent"])
    client = as_role("quality_manager")
    client.get(LIST)  # the user's scope is read once, then kept on the user object
    # count, page, calendars of the page's sites (sites with their département, closures)
    with django_assert_num_queries(4):
        client.get(LIST)
    for day in range(49):
        factories.ComplaintFactory(
            site=(world.site, world.sister_site)[day % 2],
            received_on=datetime.date(2026, 1, 5) + datetime.timedelta(days=day),
            assigned_to=world.users["site_referent"] if day % 2 else None,
            answered=day % 4 == 0,
        )
    with django_assert_num_queries(4):
        response = client.get(LIST)

    assert len(response.json()["results"]) == 50


def test_a_foreign_complaint_is_a_404(as_role, world):
    foreign = factories.ComplaintFactory(site=world.foreign_site)

    assert as_role("quality_manager").get(_detail(foreign)).status_code == 404
    assert as_role("quality_manager").post(_answer(foreign), {}, format="json").status_code == 404


def test_an_agent_records_a_complaint_through_the_api(as_role, world):
    response = as_role("agent").post(
        LIST,
        {
            "site": world.site.pk,
            "service": world.service.pk,
            "kind": "suggestion",
            "channel": "counter",
            "received_on": "2026-03-02",
            "description": "Proposer des tablettes pour écrire près des guichets.",
            "requester_name": "Lucas Martin",
        },
        format="json",
    )

    assert response.status_code == 201
    assert response.json()["reference"] == "SUG-13-2026-00001"
    assert response.json()["due_on"] == "2026-03-23"
    assert response.json()["requester_name"] == "Lucas Martin"


@pytest.mark.parametrize(
    ("payload", "field", "status"),
    [
        ({"site": 999999}, "site", 400),
        ({"site": "foreign"}, "site", 400),
        ({"site": "sister"}, "site", 400),  # an agent's sister site does not exist for them
        ({"service": "foreign"}, "service", 400),
        ({"service": "sister"}, "service", 400),
        ({"received_on": "2026-13-01"}, "received_on", 400),
        ({"channel": "pigeon"}, "channel", 400),
        ({"kind": "menace"}, "kind", 400),
        ({"description": " "}, "description", 400),
    ],
)
def test_bad_input_on_creation_is_refused_and_nothing_is_written(as_role, world, payload, field, status):
    sister_service = factories.ServiceFactory(site=world.sister_site)
    values = {
        ("site", "foreign"): world.foreign_site.pk,
        ("site", "sister"): world.sister_site.pk,
        ("service", "foreign"): world.foreign_service.pk,
        ("service", "sister"): sister_service.pk,
    }
    data = {
        "site": world.site.pk,
        "channel": "letter",
        "received_on": "2026-03-02",
        "description": "Courrier reçu.",
    }
    data.update({key: values.get((key, value), value) for key, value in payload.items()})

    response = as_role("agent").post(LIST, data, format="json")

    assert response.status_code == status
    if field:
        assert field in response.json()
    assert not Complaint.objects.exists()


def test_answering_through_the_api_stores_whether_it_came_in_time(as_role, world, complaint):
    response = as_role("site_referent").post(
        _answer(complaint), {"answered_on": "2026-03-12", "response": "Nous avons renforcé l'accueil."}, format="json"
    )

    assert response.status_code == 200
    data = response.json()
    assert (data["status"], data["answered_on"], data["answered_in_time"]) == ("answered", "2026-03-12", True)
    assert data["answer_delay"] == 8
    assert data["remaining_working_days"] is None


def test_an_answer_before_receipt_or_twice_is_a_400_with_french_messages(as_role, world, complaint):
    client = as_role("agent")

    before = client.post(_answer(complaint), {"answered_on": "2026-02-27", "response": "R"}, format="json")
    assert before.status_code == 400
    assert before.json() == {
        "answered_on": ["La date de réponse ne peut pas précéder la date de réception (02/03/2026)."]
    }
    malformed = client.post(_answer(complaint), {"answered_on": "27/02/2026", "response": "R"}, format="json")
    assert malformed.status_code == 400
    assert "answered_on" in malformed.json()

    assert (
        client.post(_answer(complaint), {"answered_on": "2026-03-05", "response": "R"}, format="json").status_code
        == 200
    )
    again = client.post(_answer(complaint), {"answered_on": "2026-03-06", "response": "Bis"}, format="json")
    assert again.status_code == 400
    assert again.json() == {"non_field_errors": ["Cette réclamation a déjà reçu une réponse le 05/03/2026."]}
    complaint.refresh_from_db()
    assert complaint.answered_on == datetime.date(2026, 3, 5)


def test_readers_get_a_403_on_writes(as_role, world, complaint):
    for role in ("manager", "national"):
        client = as_role(role)
        created = client.post(
            LIST,
            {"site": world.site.pk, "channel": "letter", "received_on": "2026-03-02", "description": "Courrier."},
            format="json",
        )
        assert created.status_code == 403
        assert (
            client.post(_answer(complaint), {"answered_on": "2026-03-05", "response": "R"}, format="json").status_code
            == 403
        )
        assert client.patch(_detail(complaint), {"category": "delays"}, format="json").status_code == 403
    complaint.refresh_from_db()
    assert complaint.category == "reception"
    assert Complaint.objects.count() == 1


def test_editing_the_site_through_the_api_recomputes_the_due_date(as_role, world, complaint):
    factories.SiteClosureFactory(
        site=world.sister_site, start_on=datetime.date(2026, 3, 16), end_on=datetime.date(2026, 3, 20)
    )

    response = as_role("quality_manager").patch(
        _detail(complaint), {"site": world.sister_site.pk, "service": None}, format="json"
    )

    assert response.status_code == 200
    assert response.json()["due_on"] == "2026-03-30"


def test_the_history_lists_the_changes(as_role, world, complaint):
    as_role("agent").post(_answer(complaint), {"answered_on": "2026-03-05", "response": "R"}, format="json")

    history = as_role("manager").get(reverse("api:complaint-history", kwargs={"pk": complaint.pk})).json()

    assert history[0]["user"] == world.users["agent"].get_full_name()
    assert {"field": "status", "label": "statut", "old": "Reçue", "new": "Répondue"} in history[0]["changes"]

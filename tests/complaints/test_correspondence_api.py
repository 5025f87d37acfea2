"""``correspondences/`` in the API: the fields of docs/api.md, scoping, writes through the services, ``answer/``, and
the bulk import endpoint that returns its report (201 all imported, 400 nothing imported)."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from complaints.models import Correspondence
from tests import factories

pytestmark = pytest.mark.django_db

LIST = reverse("api:correspondence-list")
IMPORT = reverse("api:correspondence-import")
CONTRACT = {"id", "kind", "site", "received_on", "due_on", "answered_on"}


def _detail(item, name="detail"):
    return reverse(f"api:correspondence-{name}", kwargs={"pk": item.pk})


def test_an_item_carries_the_fields_of_the_contract(as_role, world):
    item = factories.CorrespondenceFactory(site=world.site, sender="M. Paul Girard")

    data = as_role("agent").get(_detail(item)).json()

    assert set(data) >= CONTRACT
    assert (data["kind"], data["received_on"], data["due_on"], data["answered_on"]) == (
        "letter",
        "2026-03-02",
        "2026-03-23",
        None,
    )
    assert data["sender"] == "M. Paul Girard"
    assert data["abilities"] == {"update": True, "delete": True, "answer": True, "see_sender": True}
    assert isinstance(data["remaining_working_days"], int)


def test_readers_do_not_get_the_sender(as_role, world):
    item = factories.CorrespondenceFactory(site=world.site, sender="M. Paul Girard")

    for role in ("manager", "national"):
        client = as_role(role)
        detail = client.get(_detail(item)).json()
        (row,) = client.get(LIST).json()["results"]
        assert "sender" not in detail and "sender" not in row
        assert "Girard" not in str(detail) + str(row)
        assert detail["abilities"]["see_sender"] is False


def test_the_list_is_scoped_and_filtered(as_role, world):
    today = timezone.localdate()
    overdue = factories.CorrespondenceFactory(site=world.site, received_on=today - datetime.timedelta(days=40))
    email = factories.CorrespondenceFactory(site=world.site, email=True, received_on=today)
    factories.CorrespondenceFactory(site=world.sister_site)
    factories.CorrespondenceFactory(site=world.foreign_site)
    agent = as_role("agent")

    def ids(query=""):
        return {row["id"] for row in agent.get(LIST + query).json()["results"]}

    assert ids() == {overdue.pk, email.pk}
    assert ids("?overdue=true") == {overdue.pk}
    assert ids("?kind=email") == {email.pk}
    assert ids("?status=answered") == set()


def test_creating_editing_answering_and_deleting(as_role, world):
    client = as_role("agent")

    created = client.post(
        LIST, {"site": world.site.pk, "kind": "email", "received_on": "2026-03-02", "reference": "M-1"}, format="json"
    )
    assert created.status_code == 201, created.json()
    assert created.json()["due_on"] == "2026-03-09"
    item = Correspondence.objects.get()

    edited = client.patch(_detail(item), {"kind": "letter"}, format="json").json()
    assert edited["due_on"] == "2026-03-23"

    refused = client.post(_detail(item, "answer"), {"answered_on": "2026-02-27"}, format="json")
    assert refused.status_code == 400
    assert refused.json() == {
        "answered_on": ["La date de réponse (27/02/2026) précède la date de réception (02/03/2026)."]
    }
    answered = client.post(_detail(item, "answer"), {"answered_on": "2026-03-10"}, format="json").json()
    assert (answered["answered_on"], answered["answered_in_time"], answered["answer_delay"]) == (
        "2026-03-10",
        True,
        6,
    )
    history = client.get(_detail(item, "history")).json()
    assert [entry["kind"] for entry in history] == ["modification", "modification", "creation"]

    assert client.delete(_detail(item)).status_code == 204
    assert not Correspondence.objects.exists()


def test_a_site_of_another_prefecture_does_not_exist_for_the_api(as_role, world):
    response = as_role("quality_manager").post(
        LIST, {"site": world.foreign_site.pk, "kind": "letter", "received_on": "2026-03-02"}, format="json"
    )

    assert response.status_code == 400
    assert "site" in response.json()


def test_listing_costs_the_same_for_1_or_30_items(as_role, world, django_assert_num_queries):
    client = as_role("quality_manager")
    factories.CorrespondenceFactory(site=world.site)
    client.get(LIST)  # the user's memberships are read once
    with django_assert_num_queries(4):  # count, page, calendars of the page's sites (sites, closures)
        client.get(LIST)
    for index in range(30):
        factories.CorrespondenceFactory(site=world.site if index % 2 else world.sister_site)
    with django_assert_num_queries(4):
        client.get(LIST)


# --- bulk import ------------------------------------------------------------------------------------


def _csv(text):
    return SimpleUploadedFile("courriers.csv", text.encode(), content_type="text/csv")


def test_the_import_endpoint_returns_the_report_and_imports_all_or_nothing(as_role, world):
    client = as_role("quality_manager")
    bad = f"site;type;reçu le;référence\n{world.site.pk};courrier;02/03/2026;A\n{world.site.pk};courrier;32/03/2026;B\n"

    refused = client.post(IMPORT, {"file": _csv(bad)}, format="multipart")

    assert refused.status_code == 400
    report = refused.json()
    assert (report["status"], report["rows"], report["imported"], report["error_count"]) == ("rejected", 2, 0, 1)
    assert report["errors"] == [
        {"line": 3, "field": "reçu le", "message": "« 32/03/2026 » n'est pas une date du calendrier."}
    ]
    assert not Correspondence.objects.exists()

    accepted = client.post(IMPORT, {"file": _csv(bad.replace("32/03", "03/03"))}, format="multipart")

    assert accepted.status_code == 201
    assert (accepted.json()["status"], accepted.json()["imported"], accepted.json()["errors"]) == ("done", 2, [])
    assert Correspondence.objects.count() == 2


def test_the_import_endpoint_refuses_wrong_uploads_and_other_prefectures(as_role, world):
    client = as_role("quality_manager")

    not_csv = client.post(IMPORT, {"file": SimpleUploadedFile("export.xlsx", b"PK\x03\x04")}, format="multipart")
    assert not_csv.status_code == 400
    assert not_csv.json()["file"][0].startswith("Type de fichier non accepté (« .xlsx »)")

    foreign = client.post(
        IMPORT, {"file": _csv("site;type;reçu le\n"), "prefecture": world.foreign_prefecture.pk}, format="multipart"
    )
    assert foreign.status_code == 400
    assert foreign.json() == {"prefecture": ["Vous n'importez pas de courriers pour cette préfecture."]}

    missing = client.post(IMPORT, {}, format="multipart")
    assert missing.status_code == 400 and "file" in missing.json()


def test_readers_may_not_import(as_role, world):
    response = as_role("manager").post(IMPORT, {"file": _csv("site;type;reçu le\n")}, format="multipart")

    assert response.status_code == 403

"""The requester's personal data is shown only to the people who handle the complaint: its site's referents and
agents and its prefecture's quality manager; never to managers, national administrators, other sites' agents,
public pages, exports of other roles or API responses to them."""

import csv
import io

import pytest
from django.urls import reverse

from accounts import access
from tests import factories

pytestmark = pytest.mark.django_db

HANDLERS = ("quality_manager", "site_referent", "agent")
READERS = ("manager", "national")
PERSONAL = ("Amina Benali", "amina.benali@exemple.fr", "06 12 34 56 78", "12 allée des Pins")


def _csv(response):
    content = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(content), delimiter=";"))


@pytest.mark.parametrize("role", HANDLERS + READERS)
def test_the_rule_is_one_function(world, complaint, role):
    assert access.can_see_requester(world.users[role], complaint) is (role in HANDLERS)


@pytest.mark.parametrize("role", HANDLERS + READERS)
def test_the_page_of_a_complaint_shows_personal_data_to_handlers_only(login, world, complaint, role):
    text = login(role).get(reverse("complaint_detail", kwargs={"pk": complaint.pk})).content.decode()

    for value in PERSONAL:
        assert (value in text) is (role in HANDLERS), value


@pytest.mark.parametrize("role", HANDLERS + READERS)
def test_the_api_gives_personal_data_to_handlers_only(as_role, world, complaint, role):
    client = as_role(role)
    detail = client.get(reverse("api:complaint-detail", kwargs={"pk": complaint.pk})).json()
    (row,) = client.get(reverse("api:complaint-list")).json()["results"]

    for data in (detail, row):
        assert ("requester_email" in data) is (role in HANDLERS)
        assert ("Amina Benali" in str(data)) is (role in HANDLERS)


def test_the_csv_export_has_no_personal_data_columns_for_managers(login, world, complaint):
    rows = _csv(login("manager").get(reverse("complaint_export_csv")))

    assert [row["Référence"] for row in rows] == [complaint.reference]
    assert "Courriel" not in rows[0]
    assert not any(value in str(rows) for value in PERSONAL)


def test_the_csv_export_gives_each_handler_the_personal_data_of_their_own_complaints_only(login, world, complaint):
    other_site = factories.ComplaintFactory(site=world.sister_site, requester_name="Lucas Martin")

    by_quality_manager = {
        row["Référence"]: row for row in _csv(login("quality_manager").get(reverse("complaint_export_csv")))
    }
    assert by_quality_manager[complaint.reference]["Nom du demandeur"] == "Amina Benali"
    assert by_quality_manager[other_site.reference]["Nom du demandeur"] == "Lucas Martin"

    by_agent = {row["Référence"]: row for row in _csv(login("agent").get(reverse("complaint_export_csv")))}
    assert list(by_agent) == [complaint.reference]
    assert by_agent[complaint.reference]["Courriel"] == "amina.benali@exemple.fr"


def test_the_csv_export_does_not_let_a_spreadsheet_run_formulas(login, world):
    complaint = factories.ComplaintFactory(site=world.site, description='=HYPERLINK("http://exemple.fr")')

    (row,) = _csv(login("agent").get(reverse("complaint_export_csv")))

    assert row["Description"] == "'" + complaint.description


def test_the_history_never_holds_personal_data_not_even_in_the_answer(world, complaint):
    import datetime

    from complaints import services

    services.complaint_update(by=world.users["agent"], complaint=complaint, requester_phone="07 00 00 00 00")
    services.complaint_answer(
        by=world.users["agent"],
        complaint=complaint,
        answered_on=datetime.date(2026, 3, 5),
        response="Amina Benali, nous avons renforcé l'accueil.",
    )

    for record in complaint.history.all():
        assert not any(value in str(record.__dict__) for value in (*PERSONAL, "07 00 00 00 00"))
    assert complaint.history.count() == 3

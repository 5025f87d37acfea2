"""The requester's personal data is shown only to the people who handle the complaint: its site's referents and
agents and its prefecture's quality manager; never to managers, national administrators, other sites' agents,
public pages, exports of other roles or API responses to them."""

import csv
import io

import pytest
from django.urls import reverse

from accounts import access
from tests import factories
from tests.complaints.api_reads import detail_and_row

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
    for data in detail_and_row(as_role(role), complaint):
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


# --- alerts, statistics, history, correspondence -------------------------------------------------------


def test_deadline_alerts_and_their_e_mail_name_no_requester(world, complaint, mailoutbox):
    import datetime

    from accounts import notifications
    from accounts.models import Notification
    from indicators import alerts

    complaint.assigned_to = world.users["agent"]
    complaint.save()
    alerts.collect_and_notify(datetime.date(2026, 3, 24), collectors={"complaints"})
    notifications.send_digests()

    texts = [f"{n.title} {n.body} {n.url}" for n in Notification.objects.all()]
    texts += [message.subject + message.body for message in mailoutbox]
    assert len(texts) >= 2
    assert not any(value in text for text in texts for value in PERSONAL)


@pytest.mark.parametrize("role", HANDLERS + READERS)
def test_statistics_and_history_never_show_personal_data(login, as_role, world, complaint, role):
    stats = login(role).get(reverse("complaint_stats") + "?year=2026").content.decode()
    history = as_role(role).get(reverse("api:complaint-history", kwargs={"pk": complaint.pk})).json()

    assert not any(value in stats or value in str(history) for value in PERSONAL)


def test_the_public_confirmation_shows_the_reference_only(client, world):
    client.post(
        reverse("public_complaint_form"),
        {
            "site": world.site.pk,
            "kind": "complaint",
            "description": "Deux heures d'attente sans information.",
            "requester_name": "Amina Benali",
            "requester_email": "amina.benali@exemple.fr",
        },
    )

    html = client.get(reverse("public_complaint_done")).content.decode()

    assert "REC-13-" in html
    assert not any(value in html for value in PERSONAL)


@pytest.mark.parametrize("role", HANDLERS + READERS)
def test_the_sender_of_a_letter_is_for_its_handlers_only(login, as_role, world, role):
    item = factories.CorrespondenceFactory(site=world.site, sender="Amina Benali")

    page = login(role).get(reverse("correspondence_detail", kwargs={"pk": item.pk})).content.decode()
    api = as_role(role).get(reverse("api:correspondence-detail", kwargs={"pk": item.pk})).json()
    history = as_role(role).get(reverse("api:correspondence-history", kwargs={"pk": item.pk})).json()

    assert ("Amina Benali" in page) is (role in HANDLERS)
    assert ("Amina Benali" in str(api)) is (role in HANDLERS)
    assert "Amina Benali" not in str(history)

"""Personal data: anonymised when the retention period ends (nightly, idempotent), in the records and in their
history rows; the same code serves a right-to-erasure request from the admin."""

import datetime
import os

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone

from complaints import retention, services, tasks
from complaints.models import Complaint, Correspondence, CorrespondenceImport
from tests import factories

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2028, 6, 15)
PERSONAL = ("Amina Benali", "amina.benali@exemple.fr", "06 12 34 56 78", "12 allée des Pins")


def _closed(world, closed_on, edited_by=None, **fields):
    complaint = factories.ComplaintFactory(
        site=world.site,
        received_on=closed_on - datetime.timedelta(days=20),
        answered=True,
        with_requester=True,
        description="Mme Amina Benali attendait depuis deux heures.",
        response="Madame Benali, nous vous prions de nous excuser.",
        **fields,
    )
    if edited_by is not None:  # the history then holds two versions of the description
        services.complaint_update(by=edited_by, complaint=complaint, description="Mme Amina Benali, deux heures")
    Complaint.objects.filter(pk=complaint.pk).update(status="closed", closed_on=closed_on)
    complaint.refresh_from_db()
    return complaint


def _leaks(complaint):
    complaint.refresh_from_db()
    texts = [str(complaint.__dict__)] + [str(record.__dict__) for record in complaint.history.all()]
    return [value for value in (*PERSONAL, "Benali") if any(value in text for text in texts)]


def test_months_before_keeps_the_day_or_the_end_of_the_month():
    assert retention.months_before(datetime.date(2028, 6, 15), 24) == datetime.date(2026, 6, 15)
    assert retention.months_before(datetime.date(2028, 3, 31), 1) == datetime.date(2028, 2, 29)
    assert retention.months_before(datetime.date(2028, 1, 10), 13) == datetime.date(2026, 12, 10)


def test_complaints_closed_more_than_two_years_ago_are_anonymised_with_their_history(world):
    old = _closed(world, datetime.date(2026, 6, 14), edited_by=world.users["agent"])
    recent = _closed(world, datetime.date(2026, 6, 15))  # exactly two years: kept until tomorrow

    assert retention.enforce_retention(today=TODAY) == {
        "complaints": 1,
        "correspondences": 0,
        "import_files": 0,
        "inbound_messages": 0,
        "trainees": 0,
    }

    old.refresh_from_db()
    assert _leaks(old) == []
    assert old.anonymised_on == TODAY
    assert old.description == old.response == "[Texte effacé le 15/06/2028 : données personnelles anonymisées.]"
    assert old.history.count() == 2  # the history keeps who did what, without the texts
    assert (old.site, old.category, old.answer_delay, old.answered_in_time) == (
        world.site,
        "reception",
        old.answer_delay,
        True,
    )
    assert _leaks(recent) != []


def test_answered_complaints_never_closed_count_from_their_answer_open_ones_are_kept(world):
    answered = factories.ComplaintFactory(
        site=world.site, received_on=datetime.date(2026, 1, 5), answered=True, with_requester=True
    )
    still_open = factories.ComplaintFactory(site=world.site, received_on=datetime.date(2026, 1, 5), with_requester=True)

    retention.enforce_retention(today=TODAY)

    answered.refresh_from_db()
    still_open.refresh_from_db()
    assert (answered.requester_name, answered.anonymised_on) == ("", TODAY)
    assert (still_open.requester_name, still_open.anonymised_on) == ("Amina Benali", None)


def test_the_job_is_idempotent(world):
    _closed(world, datetime.date(2025, 1, 10))

    assert retention.enforce_retention(today=TODAY)["complaints"] == 1
    assert retention.enforce_retention(today=TODAY)["complaints"] == 0
    assert retention.enforce_retention(today=TODAY + datetime.timedelta(days=30))["complaints"] == 0
    assert Complaint.objects.get().anonymised_on == TODAY


def test_the_period_comes_from_the_settings(world, settings):
    settings.QUALIPREF_COMPLAINTS_RETENTION_MONTHS = 6
    complaint = _closed(world, datetime.date(2027, 12, 1))

    retention.enforce_retention(today=TODAY)

    assert _leaks(complaint) == []


def test_senders_and_subjects_of_answered_letters_are_erased_with_their_history(world):
    old = factories.CorrespondenceFactory(
        site=world.site,
        received_on=datetime.date(2026, 3, 2),
        answered=True,
        sender="Mme Amina Benali",
        subject="Dossier de Mme Benali",
    )
    old.subject = "Dossier de Mme Amina Benali"
    old._history_user = world.users["agent"]
    old.save()
    kept = factories.CorrespondenceFactory(site=world.site, received_on=datetime.date(2026, 9, 1), answered=True)
    unanswered = factories.CorrespondenceFactory(site=world.site, received_on=datetime.date(2026, 3, 2), sender="X")

    assert retention.enforce_retention(today=TODAY)["correspondences"] == 1

    old.refresh_from_db()
    assert (old.sender, old.subject, old.anonymised_on) == ("", "[Effacé le 15/06/2028]", TODAY)
    assert not any("Benali" in str(record.__dict__) for record in old.history.all())
    kept.refresh_from_db()
    unanswered.refresh_from_db()
    assert kept.anonymised_on is None and unanswered.sender == "X"


def test_the_nightly_task_runs_the_job(world):
    _closed(world, datetime.date(2020, 1, 10))

    assert tasks.enforce_retention() == {
        "complaints": 1,
        "correspondences": 0,
        "import_files": 0,
        "inbound_messages": 0,
        "trainees": 0,
    }


def test_files_of_imports_that_never_ran_are_deleted_after_a_week(world):
    batch = CorrespondenceImport(
        prefecture=world.prefecture, created_by=world.users["agent"], file_name="courriers.csv", file_size=10
    )
    batch.file.save("perdu.csv", ContentFile(b"site;type;recu le\n"), save=True)
    path = batch.file.path
    CorrespondenceImport.objects.filter(pk=batch.pk).update(created_at=timezone.now() - datetime.timedelta(days=8))

    assert retention.enforce_retention(today=TODAY)["import_files"] == 1

    batch.refresh_from_db()
    assert (batch.file.name, batch.status) == ("", "failed")
    assert not os.path.exists(path)


# --- right to erasure --------------------------------------------------------------------------------


def test_a_right_to_erasure_request_anonymises_at_once_whatever_the_status(world):
    complaint = factories.ComplaintFactory(site=world.site, with_requester=True)

    assert retention.erase_complaints(by=world.users["quality_manager"], queryset=Complaint.objects.all()) == 1
    assert _leaks(complaint) == []
    assert retention.erase_complaints(by=world.users["national"], queryset=Complaint.objects.all()) == 0


@pytest.mark.parametrize("role", ["agent", "site_referent", "manager"])
def test_only_national_administrators_and_the_quality_manager_erase(world, role):
    factories.ComplaintFactory(site=world.site, with_requester=True)
    factories.CorrespondenceFactory(site=world.site, sender="Mme Amina Benali")
    with pytest.raises(PermissionDenied):
        retention.erase_complaints(by=world.users[role], queryset=Complaint.objects.all())
    with pytest.raises(PermissionDenied):
        retention.erase_correspondences(by=world.users[role], queryset=Correspondence.objects.all())


def test_the_admin_finds_a_requester_by_e_mail_without_showing_it_and_erases_their_data(client, world):
    complaint = factories.ComplaintFactory(site=world.site, with_requester=True)
    other = factories.ComplaintFactory(site=world.site, requester_email="autre@exemple.fr")
    client.force_login(world.users["national"])
    changelist = reverse("admin:complaints_complaint_changelist")

    found = client.get(changelist, {"q": "amina.benali@exemple.fr"}).content.decode()
    assert complaint.reference in found and other.reference not in found
    assert "amina.benali@exemple.fr" not in found.replace('value="amina.benali@exemple.fr"', "")
    detail = client.get(reverse("admin:complaints_complaint_change", args=[complaint.pk])).content.decode()
    assert not any(value in detail for value in PERSONAL)

    response = client.post(
        changelist, {"action": "erase_personal_data", "_selected_action": [complaint.pk]}, follow=True
    )

    assert "Données personnelles effacées : 1 réclamation(s) ou suggestion(s)." in response.content.decode()
    assert _leaks(complaint) == []
    other.refresh_from_db()
    assert other.requester_email == "autre@exemple.fr"


def test_the_admin_erases_the_sender_of_a_letter(client, world):
    item = factories.CorrespondenceFactory(site=world.site, sender="Mme Amina Benali")
    client.force_login(world.users["national"])

    client.post(
        reverse("admin:complaints_correspondence_changelist"),
        {"action": "erase_personal_data", "_selected_action": [item.pk]},
    )

    item.refresh_from_db()
    assert (item.sender, item.anonymised_on is not None) == ("", True)

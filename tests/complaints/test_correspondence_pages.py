"""The correspondence pages: the list with its filters and remaining working days, entering and answering one by
one, the CSV import with its report and its progress, the prefecture's delays."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from complaints.correspondence import imports
from complaints.models import Correspondence, CorrespondenceImport
from tests import factories

pytestmark = pytest.mark.django_db

HEADER = "site;type;reçu le;répondu le;référence;objet\n"


def _list(client, query=""):
    return client.get(reverse("correspondence_list") + query).content.decode()


def test_the_list_shows_the_remaining_working_days_and_filters(login, world):
    today = timezone.localdate()
    overdue = factories.CorrespondenceFactory(site=world.site, received_on=today - datetime.timedelta(days=40))
    fresh = factories.CorrespondenceFactory(site=world.site, email=True, received_on=today)
    answered = factories.CorrespondenceFactory(site=world.site, received_on=datetime.date(2026, 3, 2), answered=True)
    foreign = factories.CorrespondenceFactory(site=world.foreign_site)
    client = login("agent")

    html = _list(client)
    assert all(item.reference in html for item in (overdue, fresh, answered))
    assert foreign.reference not in html
    assert "En retard de" in html
    assert "Répondu dans les délais" in html
    assert "Marquer répondu" in html

    assert fresh.reference not in _list(client, "?overdue=on")
    assert overdue.reference in _list(client, "?overdue=on")
    assert answered.reference not in _list(client, "?status=open")
    assert fresh.reference in _list(client, "?kind=email")
    assert overdue.reference not in _list(client, "?kind=email")


def test_the_list_costs_the_same_for_1_or_40_items(login, world):
    client = login("quality_manager")
    factories.CorrespondenceFactory(site=world.site)
    client.get(reverse("correspondence_list"))  # warm: what the process keeps (the DSFR configuration)
    with CaptureQueriesContext(connection) as one:
        client.get(reverse("correspondence_list"))
    for index in range(40):
        factories.CorrespondenceFactory(
            site=world.site if index % 2 else world.sister_site, assigned_to=world.users["agent"]
        )
    with CaptureQueriesContext(connection) as many:
        client.get(reverse("correspondence_list"))

    assert len(many.captured_queries) == len(one.captured_queries)


def test_entering_a_letter_gives_its_deadline(login, world):
    client = login("agent")

    response = client.post(
        reverse("correspondence_create"),
        {
            "kind": "letter",
            "site": world.site.pk,
            "received_on": "2026-03-02",
            "reference": "CHR-1",
            "subject": "Carte grise",
            "assign_to_me": "on",
        },
        follow=True,
    )

    item = Correspondence.objects.get()
    assert (item.due_on, item.assigned_to) == (datetime.date(2026, 3, 23), world.users["agent"])
    assert "réponse attendue au plus tard le 23/03/2026 (15 jours ouvrés)" in response.content.decode()


def test_entering_and_going_on_with_the_next_one(login, world):
    client = login("agent")
    data = {"kind": "email", "site": world.site.pk, "received_on": "2026-03-02", "another": "1"}

    response = client.post(reverse("correspondence_create"), data)

    assert response.url == reverse("correspondence_create")


def test_an_answer_before_receipt_is_refused_on_the_page(login, world):
    item = factories.CorrespondenceFactory(site=world.site)
    client = login("agent")

    html = client.post(reverse("correspondence_answer", kwargs={"pk": item.pk}), {"answered_on": "2026-02-27"})

    assert "La date de réponse (27/02/2026) précède la date de réception (02/03/2026)." in html.content.decode()
    response = client.post(reverse("correspondence_answer", kwargs={"pk": item.pk}), {"answered_on": "2026-03-10"})
    assert response.status_code == 302
    item.refresh_from_db()
    assert (item.answered_on, item.answered_in_time, item.answer_delay) == (datetime.date(2026, 3, 10), True, 6)


def test_editing_moves_the_deadline_and_the_history_shows_it(login, world):
    item = factories.CorrespondenceFactory(site=world.site)
    client = login("site_referent")

    client.post(
        reverse("correspondence_edit", kwargs={"pk": item.pk}),
        {"kind": "email", "site": world.site.pk, "received_on": "2026-03-02", "reference": item.reference},
    )

    item.refresh_from_db()
    assert item.due_on == datetime.date(2026, 3, 9)
    html = client.get(reverse("correspondence_detail", kwargs={"pk": item.pk})).content.decode()
    assert "Échéance : 23/03/2026 → 09/03/2026" in html


def test_the_detail_shows_the_sender_to_the_handlers_only(login, world):
    item = factories.CorrespondenceFactory(site=world.site, sender="M. Paul Girard")

    assert (
        "M. Paul Girard"
        in login("agent").get(reverse("correspondence_detail", kwargs={"pk": item.pk})).content.decode()
    )
    html = login("manager").get(reverse("correspondence_detail", kwargs={"pk": item.pk})).content.decode()
    assert "M. Paul Girard" not in html
    assert "Visible des seuls agents qui traitent le courrier." in html


def test_deleting_from_its_page(login, world):
    item = factories.CorrespondenceFactory(site=world.site)
    client = login("agent")

    response = client.post(reverse("correspondence_delete", kwargs={"pk": item.pk}))

    assert response.url == reverse("correspondence_list")
    assert not Correspondence.objects.exists()


# --- import -----------------------------------------------------------------------------------------


def _upload(client, world, text, name="courriers.csv"):
    return client.post(
        reverse("correspondence_import"),
        {"prefecture": world.prefecture.pk, "file": SimpleUploadedFile(name, text.encode(), content_type="text/csv")},
        follow=True,
    )


def test_a_file_with_an_error_shows_the_report_and_imports_nothing(login, world):
    client = login("quality_manager")
    text = HEADER + f"{world.site.pk};courrier;02/03/2026;;CHR-1;x\n" + "999;courrier;02/03/2026;;CHR-2;y\n"

    html = _upload(client, world, text).content.decode()

    assert "Refusé : rien n&#x27;a été importé" in html
    assert '<tr data-line="3">' in html and "Site inconnu « 999 »" in html
    assert not Correspondence.objects.exists()

    html = _upload(client, world, text.replace("999", str(world.sister_site.pk))).content.decode()
    assert "Import réussi" in html and "2 courriers importés" in html
    assert Correspondence.objects.count() == 2


def test_an_oversized_or_non_csv_upload_is_refused_on_the_form(login, world, monkeypatch):
    client = login("quality_manager")

    html = _upload(client, world, "%PDF-1.4", name="courriers.pdf").content.decode()
    assert "Type de fichier non accepté (« .pdf »)" in html

    monkeypatch.setattr(imports, "MAX_BYTES", 10)
    html = _upload(client, world, HEADER).content.decode()
    assert "la taille maximale est de" in html
    assert not CorrespondenceImport.objects.exists()


def test_a_big_file_is_imported_by_a_task_and_the_page_polls_its_progress(
    login, world, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(imports, "SYNC_MAX_BYTES", 10)
    from qualipref.models import OutboxMessage

    client = login("quality_manager")

    with django_capture_on_commit_callbacks(execute=True):
        response = _upload(client, world, HEADER + f"{world.site.pk};courrier;02/03/2026;;CHR-1;x\n")

    batch = CorrespondenceImport.objects.get()
    # recorded with the import, handed to the broker once committed
    message = OutboxMessage.objects.get()
    assert (message.task, message.args, message.sent_at is not None) == (
        "complaints.tasks.run_correspondence_import",
        [batch.pk],
        True,
    )
    html = response.content.decode()
    assert 'hx-trigger="every 1s"' in html
    assert "L’import va commencer." in html
    assert "htmx" in html  # the script is on the page

    CorrespondenceImport.objects.filter(pk=batch.pk).update(status="checking", progress=40, rows=2000)
    fragment = client.get(reverse("correspondence_import_progress", kwargs={"pk": batch.pk})).content.decode()
    assert 'value="40"' in fragment and "2000 lignes vérifiées" in fragment

    imports.import_run(batch=batch)
    fragment = client.get(reverse("correspondence_import_progress", kwargs={"pk": batch.pk})).content.decode()
    assert "hx-trigger" not in fragment
    assert "Import réussi" in fragment


def test_the_quality_manager_sets_the_prefectures_delays(login, world):
    client = login("quality_manager")

    client.post(reverse("correspondence_delays"), {"elected_official_days": "7", "local_authority_days": "30"})
    client.post(
        reverse("correspondence_create"),
        {"kind": "elected_official", "site": world.site.pk, "received_on": "2026-03-02"},
    )

    assert Correspondence.objects.get().due_on == datetime.date(2026, 3, 11)
    assert 'value="7"' in client.get(reverse("correspondence_delays")).content.decode()


def test_the_detail_costs_the_same_for_1_or_10_changes_in_its_history(login, world):
    from complaints.correspondence import services

    item = factories.CorrespondenceFactory(site=world.site, assigned_to=world.users["agent"])
    client = login("agent")
    url = reverse("correspondence_detail", kwargs={"pk": item.pk})
    services.correspondence_update(by=world.users["agent"], correspondence=item, subject="Objet 0")
    client.get(url)
    with CaptureQueriesContext(connection) as one:
        client.get(url)
    for index in range(1, 10):
        services.correspondence_update(by=world.users["agent"], correspondence=item, subject=f"Objet {index}")
    with CaptureQueriesContext(connection) as many:
        html = client.get(url).content.decode()

    assert len(many.captured_queries) == len(one.captured_queries)
    assert "Objet : Objet 8 → Objet 9" in html

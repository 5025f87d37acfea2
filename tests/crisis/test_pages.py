"""Crisis pages: the roster with its gaps, the events log and its lessons, the press releases' table and its
exports; scoped lists whose query counts do not grow with their rows; forms refusing bad input in French."""

import csv
import datetime
import io
import re

import openpyxl
import pytest
from django.urls import reverse
from django.utils import timezone

from crisis.models import CrisisEvent, CrisisLesson, OnCallShift, PressRelease
from engagements.models import ActionPlan
from tests import factories
from tests.checks import page_text
from tests.crisis.conftest import paris

pytestmark = pytest.mark.django_db


@pytest.fixture
def qm_client(client, world):
    client.force_login(world.users["quality_manager"])
    return client


def _coming_shift(prefecture, days_from, days_to, **fields):
    today = timezone.localdate()
    start = timezone.make_aware(datetime.datetime.combine(today + datetime.timedelta(days=days_from), datetime.time()))
    end = timezone.make_aware(datetime.datetime.combine(today + datetime.timedelta(days=days_to), datetime.time()))
    return factories.OnCallShiftFactory(prefecture=prefecture, starts_at=start, ends_at=end, **fields)


# --- roster ---------------------------------------------------------------------------------------


def test_the_roster_shows_the_coming_shifts_and_the_gap(client, world):
    _coming_shift(world.prefecture, -1, 5)
    _coming_shift(world.prefecture, 6, 20, person_name="Thomas Blanc")
    _coming_shift(world.foreign_prefecture, 0, 20)
    client.force_login(world.users["agent"])

    response = client.get(reverse("on_call_roster"))

    assert [s.person_name for s in response.context["page_obj"].object_list] == ["Anne Vidal, cabinet", "Thomas Blanc"]
    gaps = response.context["gaps"]
    assert len(gaps) == 1 and gaps[0].hours == 24
    assert "1 période sans astreinte" in page_text(response)
    assert "Nouvelle astreinte" not in page_text(response)


def test_the_roster_says_when_every_hour_is_covered(qm_client, world):
    _coming_shift(world.prefecture, -1, 30)

    response = qm_client.get(reverse("on_call_roster"))

    assert response.context["gaps"] == []
    assert "Toutes les heures sont couvertes" in page_text(response)


def test_the_roster_asks_a_national_administrator_to_choose_a_prefecture(client, world):
    client.force_login(world.users["national"])

    assert response_gaps(client, {}) is None
    assert response_gaps(client, {"prefecture": world.foreign_prefecture.pk}) is not None


def response_gaps(client, params):
    return client.get(reverse("on_call_roster"), params).context["gaps"]


@pytest.mark.parametrize("count", [1, 30])
def test_the_roster_costs_the_same_whatever_its_shifts(qm_client, world, count, django_assert_num_queries):
    for day in range(count):
        _coming_shift(world.prefecture, day, day + 1, person=world.users["manager"] if day % 2 else None)
    qm_client.get(reverse("on_call_roster"))
    # session, user, scope, prefectures of the filter, count and page of shifts, the user's prefectures, the shifts
    # of the coming weeks, may create; the DSFR configuration is no longer read (kept by the process:
    # qualipref.site_config)
    with django_assert_num_queries(9):
        response = qm_client.get(reverse("on_call_roster"))
    assert len(response.context["page_obj"].object_list) == count


def test_a_quality_manager_adds_a_shift_and_an_overlap_is_refused_on_the_form(qm_client, world):
    data = {
        "person_name": "Anne Vidal, cabinet",
        "phone": "06 12 34 56 78",
        "starts_at": "2015-03-02T09:00",
        "ends_at": "2015-03-09T09:00",
    }
    form = qm_client.get(reverse("on_call_shift_create")).context["form"]
    assert form.fields["prefecture"].initial == world.prefecture.pk

    response = qm_client.post(reverse("on_call_shift_create"), {"prefecture": world.prefecture.pk, **data})
    assert response.status_code == 302
    shift = OnCallShift.objects.get()
    assert shift.starts_at == paris(2015, 3, 2, 9)

    response = qm_client.post(
        reverse("on_call_shift_create"),
        {"prefecture": world.prefecture.pk, **data, "starts_at": "2015-03-08T09:00", "ends_at": "2015-03-10T09:00"},
    )
    assert response.status_code == 200
    assert "chevauche celle de Anne Vidal, cabinet" in page_text(response)

    response = qm_client.post(
        reverse("on_call_shift_create"),
        {"prefecture": world.prefecture.pk, **data, "starts_at": "2015-03-20T09:00", "ends_at": "2015-03-19T09:00"},
    )
    assert "La fin de l’astreinte doit être postérieure à son début." in page_text(response)
    assert OnCallShift.objects.count() == 1


def test_the_edit_page_shows_the_history_and_the_delete_page_removes_the_shift(qm_client, world):
    qm_client.post(
        reverse("on_call_shift_create"),
        {
            "prefecture": world.prefecture.pk,
            "person_name": "Anne Vidal",
            "phone": "06 12 34 56 78",
            "starts_at": "2015-03-02T09:00",
            "ends_at": "2015-03-09T09:00",
        },
    )
    shift = OnCallShift.objects.get()
    url = reverse("on_call_shift_edit", kwargs={"pk": shift.pk})
    qm_client.post(
        url,
        {
            "person_name": "Anne Vidal",
            "phone": "04 84 35 40 00",
            "starts_at": "2015-03-02T09:00",
            "ends_at": "2015-03-09T09:00",
        },
    )

    text = page_text(qm_client.get(url))
    assert "Historique" in text and "06 12 34 56 78 → 04 84 35 40 00" in text

    response = qm_client.post(reverse("on_call_shift_delete", kwargs={"pk": shift.pk}))
    assert response.status_code == 302 and not OnCallShift.objects.exists()


# --- events and exercises -------------------------------------------------------------------------


def test_a_quality_manager_records_an_exercise_and_an_operational_before_received_is_refused(qm_client, world):
    data = {
        "prefecture": world.prefecture.pk,
        "kind": "exercise",
        "title": "Exercice inondation du Rhône",
        "with_cip": "on",
        "alert_received_at": "2015-03-18T14:05",
        "operational_at": "2015-03-18T13:50",
        "lessons": "Mettre à jour l'annuaire d'astreinte.\n\nPréparer des modèles de communiqués.",
    }
    response = qm_client.post(reverse("crisis_event_create"), data)
    assert response.status_code == 200
    assert "La cellule ne peut pas être opérationnelle avant la réception de l’alerte." in page_text(response)

    response = qm_client.post(reverse("crisis_event_create"), {**data, "operational_at": "2015-03-18T14:50"})

    event = CrisisEvent.objects.get()
    assert response.status_code == 302
    assert (event.activation_minutes, event.with_cip, event.lessons.count()) == (45, True, 2)
    text = page_text(qm_client.get(reverse("crisis_event_detail", kwargs={"pk": event.pk})))
    assert "45 minutes" in text and "Engagement tenu" in text and "Créer l’action" in text


def test_a_lesson_becomes_an_action_from_its_page(qm_client, world):
    plan = ActionPlan.objects.create(prefecture=world.prefecture, title="Plan d'action qualité 2015")
    event = factories.CrisisEventFactory(prefecture=world.prefecture)
    lesson = CrisisLesson.objects.create(event=event, text="Préparer des modèles de communiqués.")
    url = reverse("crisis_lesson_action", kwargs={"pk": event.pk, "lesson_pk": lesson.pk})

    response = qm_client.post(url, {"plan": plan.pk, "site": "", "owner": "", "due_on": ""})

    assert response.status_code == 302
    lesson.refresh_from_db()
    assert lesson.action.get_source_display() == "Exercice de crise"


@pytest.mark.parametrize("count", [1, 30])
def test_the_events_list_costs_the_same_whatever_its_rows(qm_client, world, count, django_assert_num_queries):
    for n in range(count):
        event = factories.CrisisEventFactory(prefecture=world.prefecture, title=f"Exercice {n}")
        CrisisLesson.objects.create(event=event, text="Une leçon")
    qm_client.get(reverse("crisis_event_list"))
    # session, user, scope, prefectures of the filter, count and page of events, may create; the DSFR configuration
    # is no longer read (kept by the process: qualipref.site_config)
    with django_assert_num_queries(7):
        response = qm_client.get(reverse("crisis_event_list"))
    assert len(response.context["page_obj"].object_list) == count


@pytest.mark.parametrize("count", [1, 20])
def test_an_event_s_page_costs_the_same_whatever_its_lessons(qm_client, world, count, django_assert_num_queries):
    event = factories.CrisisEventFactory(prefecture=world.prefecture)
    for n in range(count):
        CrisisLesson.objects.create(event=event, text=f"Leçon {n}")
    url = reverse("crisis_event_detail", kwargs={"pk": event.pk})
    qm_client.get(url)
    # session, user, scope, the event, its lessons, its press releases, its history; the DSFR configuration is no
    # longer read (kept by the process: qualipref.site_config)
    with django_assert_num_queries(7):
        qm_client.get(url)


# --- press releases -------------------------------------------------------------------------------


def test_the_press_releases_table_counts_per_year_and_exports(qm_client, world):
    event = factories.CrisisEventFactory(prefecture=world.prefecture, title="Feux de forêt")
    factories.PressReleaseFactory(prefecture=world.prefecture, number=1, event=event)
    factories.PressReleaseFactory(prefecture=world.prefecture, number=2, channels=["social"])
    factories.PressReleaseFactory(prefecture=world.prefecture, number=1, issued_at=paris(2016, 2, 1, 10))
    factories.PressReleaseFactory(prefecture=world.foreign_prefecture, number=1)

    response = qm_client.get(reverse("press_release_list"))
    assert response.context["counts"] == [(2016, 1), (2015, 2)]
    assert "2015 : 2 communiqués" in page_text(response)

    csv_response = qm_client.get(reverse("press_release_export_csv"), {"year": 2015})
    rows = list(csv.reader(io.StringIO(b"".join(csv_response.streaming_content).decode("utf-8-sig")), delimiter=";"))
    assert rows[0][:4] == ["Préfecture", "Année", "N°", "Objet"]
    assert [(row[2], row[4], row[5], row[6:9]) for row in rows[1:]] == [
        ("1", "Feux de forêt", "11/08/2015 17:30", ["oui", "non", "oui"]),
        ("2", "", "11/08/2015 17:30", ["non", "oui", "non"]),
    ]

    xlsx = qm_client.get(reverse("press_release_export_xlsx"))
    sheet = openpyxl.load_workbook(
        io.BytesIO(b"".join(xlsx.streaming_content) if xlsx.streaming else xlsx.content)
    ).active
    assert sheet.max_row == 4  # the header and the three releases of the prefecture


@pytest.mark.parametrize("count", [1, 30])
def test_the_press_releases_table_costs_the_same_whatever_its_rows(qm_client, world, count, django_assert_num_queries):
    event = factories.CrisisEventFactory(prefecture=world.prefecture)
    for n in range(count):
        factories.PressReleaseFactory(prefecture=world.prefecture, number=n + 1, event=event if n % 2 else None)
    qm_client.get(reverse("press_release_list"))
    # session, user, scope, prefectures and events of the filter, count and page, counts per year, may create; the
    # DSFR configuration is no longer read (kept by the process: qualipref.site_config)
    with django_assert_num_queries(9):
        response = qm_client.get(reverse("press_release_list"))
    assert len(response.context["page_obj"].object_list) == count


def test_a_press_release_form_refuses_a_missing_channel_and_a_taken_number(qm_client, world):
    factories.PressReleaseFactory(prefecture=world.prefecture, number=1)
    data = {
        "prefecture": world.prefecture.pk,
        "number": "1",
        "title": "Feux de forêt : point de situation",
        "issued_at": "2015-08-11T21:00",
        "validated_by": "Directeur de cabinet du préfet",
    }

    text = page_text(qm_client.post(reverse("press_release_create"), data))
    assert "Cochez au moins un canal de diffusion." in text

    text = page_text(qm_client.post(reverse("press_release_create"), {**data, "channels": ["website"]}))
    assert "Le numéro 1 est déjà attribué à un communiqué de 2015." in text

    response = qm_client.post(reverse("press_release_create"), {**data, "number": "", "channels": ["website"]})
    assert response.status_code == 302
    assert PressRelease.objects.order_by("-pk").first().number == 2


def test_the_date_and_time_pickers_show_their_values_in_paris_time(qm_client, world):
    shift = factories.OnCallShiftFactory(prefecture=world.prefecture)  # from 02/03/2015 at 9:00, Paris time

    html = qm_client.get(reverse("on_call_shift_edit", kwargs={"pk": shift.pk})).content.decode()
    create = qm_client.get(reverse("press_release_create")).content.decode()

    assert re.search(r'type="datetime-local" name="starts_at" value="2015-03-02T09:00"', html)
    assert re.search(r'type="datetime-local" name="issued_at" value="\d{4}-\d\d-\d\dT\d\d:\d\d"', create)


# --- module 7 beyond the crisis registers ---------------------------------------------------------------


def test_the_crisis_pages_lead_to_the_plan_and_to_the_cip_and_on_call_trainings(client, world):
    """The crisis communication plan is a document of the register, the CIP's and the on-call agents' trainings are
    sessions of the training plan: the roster and the events log link to each, filtered."""
    from engagements.models import TrainingKind
    from engagements.services import trainings

    plan = factories.QualityDocumentFactory(
        prefecture=world.prefecture, kind="crisis_communication_plan", title="Plan de communication de crise"
    )
    factories.QualityDocumentFactory(prefecture=world.prefecture, title="Guide d'accueil")
    starts = timezone.now().replace(microsecond=0) + datetime.timedelta(days=10)
    for kind, course in ((TrainingKind.CIP, "Membres de la CIP"), (TrainingKind.RECEPTION, "Accueil du public")):
        trainings.session_create(
            by=world.users["quality_manager"],
            site=world.site,
            course=course,
            kind=kind,
            starts_at=starts,
            ends_at=starts + datetime.timedelta(hours=3),
            place="Salle Puget",
            capacity=10,
            min_enrolled=1,
        )
    client.force_login(world.users["agent"])

    for name in ("on_call_roster", "crisis_event_list"):
        links = re.findall(r'href="([^"]+)"', client.get(reverse(name)).content.decode())
        plan_link = next(link for link in links if "crisis_communication_plan" in link)
        cip_link = next(link for link in links if link.endswith("kind=cip"))
        assert any(link.endswith("kind=on_call") for link in links)

    documents = client.get(plan_link.replace("&amp;", "&"))
    assert [d.pk for d in documents.context["page_obj"].object_list] == [plan.pk]
    sessions = client.get(cip_link)
    assert [s.course for s in sessions.context["page_obj"].object_list] == ["Membres de la CIP"]

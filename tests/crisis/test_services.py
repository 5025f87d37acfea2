"""Crisis services: the roster refuses overlaps and ends before starts, the log computes the activation delay and
refuses an operational cell before the alert, press releases are numbered per prefecture and year; every write is
the prefecture's quality manager's, and another prefecture's ids are refused."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction

from crisis import services
from crisis.models import CrisisEvent, OnCallShift, PressRelease
from engagements.models import Action, ActionPlan
from tests import factories
from tests.crisis.conftest import paris

pytestmark = pytest.mark.django_db


def _shift(world, by, starts_at, ends_at, **fields):
    return services.shift_create(
        by=by,
        prefecture=world.prefecture,
        starts_at=starts_at,
        ends_at=ends_at,
        phone=fields.pop("phone", "06 12 34 56 78"),
        person_name=fields.pop("person_name", "Anne Vidal, cabinet"),
        **fields,
    )


# --- roster ---------------------------------------------------------------------------------------


def test_a_quality_manager_adds_shifts_end_to_end(world, qm):
    first = _shift(world, qm, paris(2015, 3, 2, 9), paris(2015, 3, 9, 9))
    second = _shift(world, qm, paris(2015, 3, 9, 9), paris(2015, 3, 16, 9), person=world.users["manager"])

    assert first.hours == 168
    manager = world.users["manager"]
    assert second.who == (manager.get_full_name() or manager.username)
    assert second.person_name == ""
    assert first.history.count() == 1


def test_an_overlapping_shift_is_refused_in_french(world, qm):
    _shift(world, qm, paris(2015, 3, 2, 9), paris(2015, 3, 9, 9))

    with pytest.raises(ValidationError) as error:
        _shift(world, qm, paris(2015, 3, 8, 20), paris(2015, 3, 10, 9), person_name="Thomas Blanc")

    assert "chevauche celle de Anne Vidal, cabinet du 02/03/2015 09:00 au 09/03/2015 09:00" in str(
        error.value.message_dict["starts_at"]
    )
    assert OnCallShift.objects.count() == 1


def test_another_prefectures_shift_does_not_overlap(world, qm):
    factories.OnCallShiftFactory(prefecture=world.foreign_prefecture)

    _shift(world, qm, paris(2015, 3, 2, 9), paris(2015, 3, 9, 9))

    assert OnCallShift.objects.count() == 2


def test_a_shift_moved_onto_another_is_refused_and_left_as_it_was(world, qm):
    _shift(world, qm, paris(2015, 3, 2, 9), paris(2015, 3, 9, 9))
    later = _shift(world, qm, paris(2015, 3, 9, 9), paris(2015, 3, 16, 9))

    with pytest.raises(ValidationError):
        services.shift_update(by=qm, shift=later, starts_at=paris(2015, 3, 5, 9))

    later.refresh_from_db()
    assert later.starts_at == paris(2015, 3, 9, 9)


def test_an_end_before_the_start_is_refused(world, qm):
    with pytest.raises(ValidationError) as error:
        _shift(world, qm, paris(2015, 3, 9, 9), paris(2015, 3, 2, 9))

    assert error.value.message_dict["ends_at"] == ["La fin de l'astreinte doit être postérieure à son début."]


def test_a_shift_needs_someone_and_a_phone(world, qm):
    with pytest.raises(ValidationError) as error:
        _shift(world, qm, paris(2015, 3, 2, 9), paris(2015, 3, 9, 9), person_name=" ", phone="demandez au standard")

    assert set(error.value.message_dict) == {"person_name", "phone"}


def test_a_person_of_another_prefecture_is_refused(world, qm):
    with pytest.raises(ValidationError) as error:
        _shift(world, qm, paris(2015, 3, 2, 9), paris(2015, 3, 9, 9), person=world.foreign_membership.user)

    assert "n'est habilité(e) ni sur la préfecture" in error.value.message_dict["person"][0]


@pytest.mark.parametrize("role", ["manager", "site_referent", "agent", "national"])
def test_only_the_quality_manager_keeps_the_roster(world, role):
    with pytest.raises(PermissionDenied):
        _shift(world, world.users[role], paris(2015, 3, 2, 9), paris(2015, 3, 9, 9))


def test_a_quality_manager_cannot_write_another_prefectures_roster(world, qm):
    foreign = factories.OnCallShiftFactory(prefecture=world.foreign_prefecture)

    with pytest.raises(PermissionDenied):
        services.shift_update(by=qm, shift=foreign, phone="04 91 15 60 00")
    with pytest.raises(PermissionDenied):
        services.shift_delete(by=qm, shift=foreign)
    with pytest.raises(PermissionDenied):
        services.shift_create(
            by=qm,
            prefecture=world.foreign_prefecture,
            starts_at=paris(2015, 3, 2, 9),
            ends_at=paris(2015, 3, 9, 9),
            phone="06 12 34 56 78",
            person_name="Anne Vidal",
        )


def test_a_deleted_shift_keeps_its_history(world, qm):
    shift = _shift(world, qm, paris(2015, 3, 2, 9), paris(2015, 3, 9, 9))
    pk = shift.pk

    services.shift_delete(by=qm, shift=shift)

    assert not OnCallShift.objects.filter(pk=pk).exists()
    assert list(OnCallShift.history.filter(id=pk).values_list("history_type", flat=True).order_by("history_id")) == [
        "+",
        "-",
    ]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the exclusion constraint is PostgreSQL's")
def test_the_database_refuses_overlapping_shifts_written_around_the_service(world):
    factories.OnCallShiftFactory(prefecture=world.prefecture)

    with pytest.raises(IntegrityError), transaction.atomic():
        factories.OnCallShiftFactory(prefecture=world.prefecture, starts_at=paris(2015, 3, 5, 9))


def test_the_database_refuses_an_end_before_the_start(world):
    with pytest.raises(IntegrityError), transaction.atomic():
        factories.OnCallShiftFactory(
            prefecture=world.prefecture, starts_at=paris(2015, 3, 9, 9), ends_at=paris(2015, 3, 2, 9)
        )


# --- events and exercises -------------------------------------------------------------------------


def _event(world, by, **fields):
    values = {
        "prefecture": world.prefecture,
        "kind": "exercise",
        "title": "Exercice inondation du Rhône",
        "alert_received_at": paris(2015, 3, 18, 14, 5),
        "operational_at": paris(2015, 3, 18, 14, 50),
    }
    return services.event_create(by=by, **(values | fields))


def test_the_activation_delay_is_computed_and_follows_the_times(world, qm):
    event = _event(world, qm, with_cip=True, lessons=["Mettre à jour l'annuaire d'astreinte."])

    assert (event.activation_minutes, event.within_commitment, event.lessons.count()) == (45, True, 1)

    services.event_update(by=qm, event=event, operational_at=paris(2015, 3, 18, 15, 20))

    event.refresh_from_db()
    assert (event.activation_minutes, event.within_commitment) == (75, False)


def test_an_operational_cell_before_the_alert_is_refused(world, qm):
    with pytest.raises(ValidationError) as error:
        _event(world, qm, operational_at=paris(2015, 3, 18, 13, 0))

    assert error.value.message_dict["operational_at"] == [
        "La cellule ne peut pas être opérationnelle avant la réception de l'alerte."
    ]
    assert not CrisisEvent.objects.exists()


def test_an_alert_in_the_future_is_refused(world, qm):
    with pytest.raises(ValidationError) as error:
        _event(world, qm, alert_received_at=paris(2099, 1, 1, 9), operational_at=paris(2099, 1, 1, 10))

    assert "alert_received_at" in error.value.message_dict


def test_a_real_event_has_no_lessons_to_turn_into_actions(world, qm):
    with pytest.raises(ValidationError):
        _event(world, qm, kind="event", lessons=["Une leçon"])
    event = _event(world, qm, kind="event")
    with pytest.raises(ValidationError):
        services.lesson_add(by=qm, event=event, text="Une leçon")


def test_a_lesson_becomes_an_action_with_the_crisis_exercise_source(world, qm):
    plan = ActionPlan.objects.create(prefecture=world.prefecture, title="Plan d'action qualité 2015")
    event = _event(world, qm, lessons=["Mettre à jour l'annuaire d'astreinte des services de l'État."])
    lesson = event.lessons.get()

    action = services.lesson_to_action(by=qm, lesson=lesson, due_on=datetime.date(2099, 6, 30))

    lesson.refresh_from_db()
    assert lesson.action == action
    assert (action.plan, action.source, action.get_source_display()) == (plan, "crisis_exercise", "Exercice de crise")
    assert action.source_object == lesson
    assert action.title == "Mettre à jour l'annuaire d'astreinte des services de l'État."
    with pytest.raises(ValidationError):
        services.lesson_to_action(by=qm, lesson=lesson)
    assert Action.objects.count() == 1


def test_a_quality_manager_cannot_log_another_prefectures_events(world, qm):
    foreign = factories.CrisisEventFactory(prefecture=world.foreign_prefecture)

    with pytest.raises(PermissionDenied):
        _event(world, qm, prefecture=world.foreign_prefecture)
    with pytest.raises(PermissionDenied):
        services.event_update(by=qm, event=foreign, title="Autre")
    with pytest.raises(PermissionDenied):
        services.lesson_add(by=qm, event=foreign, text="Une leçon")


# --- press releases -------------------------------------------------------------------------------


def _release(world, by, **fields):
    values = {
        "prefecture": world.prefecture,
        "title": "Feux de forêt : accès aux massifs interdit",
        "issued_at": paris(2015, 8, 11, 17, 30),
        "channels": ["press", "website"],
        "validated_by": "Directeur de cabinet du préfet",
    }
    return services.press_release_create(by=by, **(values | fields))


def test_press_releases_are_numbered_per_prefecture_and_year(world, qm):
    factories.PressReleaseFactory(prefecture=world.foreign_prefecture, number=1)
    first = _release(world, qm)
    second = _release(world, qm)
    next_year = _release(world, qm, issued_at=paris(2016, 1, 4, 10))

    assert [(r.year, r.number) for r in (first, second, next_year)] == [(2015, 1), (2015, 2), (2016, 1)]
    assert first.channels == ["website", "press"]
    assert first.channel_labels == ["Site internet", "Presse"]
    assert services.press_release_counts(PressRelease.objects.filter(prefecture=world.prefecture)) == [
        (2016, 1),
        (2015, 2),
    ]


def test_a_taken_number_is_refused(world, qm):
    _release(world, qm, number=3)

    with pytest.raises(ValidationError) as error:
        _release(world, qm, number=3)

    assert error.value.message_dict["number"] == ["Le numéro 3 est déjà attribué à un communiqué de 2015."]


def test_a_press_release_needs_a_channel_and_a_validator(world, qm):
    with pytest.raises(ValidationError) as error:
        _release(world, qm, channels=[], validated_by="  ")

    assert error.value.message_dict == {
        "channels": ["Cochez au moins un canal de diffusion."],
        "validated_by": ["Indiquez qui a validé le communiqué."],
    }


def test_another_prefectures_event_is_refused_on_a_press_release(world, qm):
    foreign = factories.CrisisEventFactory(prefecture=world.foreign_prefecture)

    with pytest.raises(ValidationError) as error:
        _release(world, qm, event=foreign)

    assert error.value.message_dict["event"] == ["Cet événement relève d'une autre préfecture."]


def test_a_quality_manager_cannot_number_another_prefectures_press_releases(world, qm):
    with pytest.raises(PermissionDenied):
        _release(world, qm, prefecture=world.foreign_prefecture)
    foreign = factories.PressReleaseFactory(prefecture=world.foreign_prefecture)
    with pytest.raises(PermissionDenied):
        services.press_release_update(by=qm, release=foreign, title="Autre")

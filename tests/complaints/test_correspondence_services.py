"""Correspondence recorded one by one: deadlines in working days of the site's calendar, by kind and by the
prefecture's delays; dates and references checked with French messages; nothing written on error."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from complaints.correspondence import services
from complaints.models import Correspondence
from tests import factories

pytestmark = pytest.mark.django_db

MONDAY = datetime.date(2026, 3, 2)


def _record(world, role="agent", **fields):
    data = {"site": world.site, "kind": "letter", "received_on": MONDAY, "reference": "CHR-2026-00001"}
    data.update(fields)
    return services.correspondence_create(by=world.users[role], **data)


def _errors(error):
    return error.value.message_dict


@pytest.mark.parametrize(
    ("kind", "delay", "due_on"),
    [
        ("letter", 15, datetime.date(2026, 3, 23)),
        ("email", 5, datetime.date(2026, 3, 9)),
        ("elected_official", 10, datetime.date(2026, 3, 16)),
        ("local_authority", 40, datetime.date(2026, 4, 28)),  # Easter Monday 6 April is not a working day
    ],
)
def test_the_due_date_is_the_nth_working_day_after_receipt_by_kind(world, kind, delay, due_on):
    item = _record(world, kind=kind, sender="M. Paul Girard")

    assert (item.delay_days, item.due_on) == (delay, due_on)
    assert item.prefecture == world.prefecture
    assert item.created_by == world.users["agent"]
    assert item.history.get().history_user == world.users["agent"]


def test_the_calendar_of_the_site_counts_good_friday_in_moselle(world, moselle_site):
    factories.MembershipFactory(agent=True, site=moselle_site, user=world.users["agent"])
    from accounts import access

    access.clear_scope(world.users["agent"])
    # Received on Thursday 2 April 2026: Good Friday (3/04) and Easter Monday (6/04) are holidays in Moselle.
    item = _record(world, site=moselle_site, kind="email", received_on=datetime.date(2026, 4, 2))

    assert item.due_on == datetime.date(2026, 4, 13)


def test_the_prefecture_sets_the_delays_of_elected_officials_and_local_authorities(world):
    before = _record(world, kind="elected_official", reference="A")
    services.correspondence_delays_update(
        by=world.users["quality_manager"], prefecture=world.prefecture, elected_official_days=5, local_authority_days=20
    )

    after = _record(world, kind="elected_official", reference="B")
    letter = _record(world, kind="letter", reference="C")

    assert (after.delay_days, after.due_on) == (5, datetime.date(2026, 3, 9))
    assert letter.delay_days == 15  # national engagement
    before.refresh_from_db()
    assert before.delay_days == 10  # computed once, at receipt


@pytest.mark.parametrize("role", ["site_referent", "agent", "manager", "national"])
def test_only_the_quality_manager_sets_the_delays(world, role):
    with pytest.raises(PermissionDenied):
        services.correspondence_delays_update(
            by=world.users[role], prefecture=world.prefecture, elected_official_days=5, local_authority_days=20
        )


def test_delays_out_of_range_are_refused(world):
    with pytest.raises(ValidationError) as error:
        services.correspondence_delays_update(
            by=world.users["quality_manager"],
            prefecture=world.prefecture,
            elected_official_days=0,
            local_authority_days=500,
        )
    assert _errors(error) == {
        "elected_official_days": ["Un nombre de jours ouvrés entre 1 et 120."],
        "local_authority_days": ["Un nombre de jours ouvrés entre 1 et 120."],
    }


@pytest.mark.parametrize("role", ["manager", "national", "auditor"])
def test_readers_record_nothing(world, role):
    with pytest.raises(PermissionDenied):
        _record(world, role=role)
    assert not Correspondence.objects.exists()


def test_an_agent_records_nothing_for_a_sister_site_or_another_prefecture(world):
    for site in (world.sister_site, world.foreign_site):
        with pytest.raises(PermissionDenied):
            _record(world, site=site)
    assert not Correspondence.objects.exists()


def test_bad_input_is_refused_field_by_field_and_nothing_is_written(world):
    today = timezone.localdate()
    foreign_service = factories.ServiceFactory(site=world.sister_site)
    with pytest.raises(ValidationError) as error:
        _record(
            world,
            kind="fax",
            service=foreign_service,
            received_on=today + datetime.timedelta(days=1),
            subject="x" * 301,
        )
    assert _errors(error) == {
        "kind": ["Type inconnu : courrier, courriel, demande de rendez-vous d'un élu ou lettre d'observations."],
        "service": ["Ce service n'appartient pas au site choisi."],
        "subject": ["300 caractères au plus."],
        "received_on": ["La date de réception ne peut pas être dans le futur."],
    }
    assert not Correspondence.objects.exists()


def test_an_answer_before_receipt_or_in_the_future_is_refused(world):
    with pytest.raises(ValidationError) as error:
        _record(world, answered_on=datetime.date(2026, 2, 27))
    assert _errors(error) == {
        "answered_on": ["La date de réponse (27/02/2026) précède la date de réception (02/03/2026)."]
    }
    item = _record(world)
    for answered_on, message in [
        (datetime.date(2026, 2, 27), "La date de réponse (27/02/2026) précède la date de réception (02/03/2026)."),
        (timezone.localdate() + datetime.timedelta(days=1), "La date de réponse ne peut pas être dans le futur."),
    ]:
        with pytest.raises(ValidationError) as error:
            services.correspondence_answer(by=world.users["agent"], correspondence=item, answered_on=answered_on)
        assert _errors(error) == {"answered_on": [message]}
    item.refresh_from_db()
    assert item.answered_on is None


def test_a_reference_is_unique_in_the_prefecture_not_across_prefectures(world):
    _record(world, reference="CHR-1")
    with pytest.raises(ValidationError) as error:
        _record(world, reference="CHR-1", role="quality_manager")
    assert _errors(error) == {"reference": ["Un courrier de la préfecture porte déjà la référence « CHR-1 »."]}

    factories.CorrespondenceFactory(site=world.foreign_site, reference="CHR-2")
    assert _record(world, reference="CHR-2").reference == "CHR-2"
    # Items without a reference are many.
    _record(world, reference="")
    _record(world, reference="")


def test_answering_stores_the_delay_and_whether_in_time_and_gives_it_to_the_answerer(world):
    item = _record(world)

    services.correspondence_answer(by=world.users["agent"], correspondence=item, answered_on=datetime.date(2026, 3, 24))

    assert (item.answer_delay, item.answered_in_time, item.assigned_to) == (16, False, world.users["agent"])
    with pytest.raises(ValidationError, match="déjà reçu une réponse le 24/03/2026"):
        services.correspondence_answer(by=world.users["agent"], correspondence=item, answered_on=MONDAY)


def test_changing_the_kind_site_or_receipt_recomputes_the_deadline_and_the_answer_facts(world):
    factories.MembershipFactory(agent=True, site=world.sister_site, user=world.users["agent"])
    from accounts import access

    access.clear_scope(world.users["agent"])
    item = _record(world, answered_on=datetime.date(2026, 3, 10))
    assert (item.due_on, item.answered_in_time, item.answer_delay) == (datetime.date(2026, 3, 23), True, 6)

    services.correspondence_update(by=world.users["agent"], correspondence=item, kind="email")
    assert (item.delay_days, item.due_on, item.answered_in_time) == (5, datetime.date(2026, 3, 9), False)

    services.correspondence_update(by=world.users["agent"], correspondence=item, received_on=datetime.date(2026, 3, 4))
    assert (item.due_on, item.answer_delay, item.answered_in_time) == (datetime.date(2026, 3, 11), 4, True)

    services.correspondence_update(by=world.users["agent"], correspondence=item, site=world.sister_site)
    assert item.site == world.sister_site
    assert item.history.count() == 4


def test_an_item_does_not_move_to_another_prefecture_and_a_failed_edit_changes_nothing(world):
    item = _record(world)
    with pytest.raises(ValidationError) as error:
        services.correspondence_update(
            by=world.users["quality_manager"], correspondence=item, site=world.foreign_site, subject="Nouveau"
        )
    assert "site" in _errors(error)
    item.refresh_from_db()
    assert (item.site, item.subject) == (world.site, "")


def test_only_the_handlers_edit_answer_or_delete(world):
    item = _record(world)
    for role in ("manager", "national"):
        with pytest.raises(PermissionDenied):
            services.correspondence_update(by=world.users[role], correspondence=item, subject="x")
        with pytest.raises(PermissionDenied):
            services.correspondence_answer(by=world.users[role], correspondence=item, answered_on=MONDAY)
        with pytest.raises(PermissionDenied):
            services.correspondence_delete(by=world.users[role], correspondence=item)

    services.correspondence_delete(by=world.users["site_referent"], correspondence=item)
    assert not Correspondence.objects.exists()
    assert item.history.model.objects.filter(history_type="-").get().history_user == world.users["site_referent"]


def test_the_sender_is_kept_out_of_the_history(world):
    item = _record(world, sender="M. Paul Girard")

    assert not hasattr(item.history.get(), "sender")


def test_the_assignee_must_handle_the_site(world):
    with pytest.raises(ValidationError) as error:
        _record(world, assigned_to=world.users["manager"])
    assert "assigned_to" in _errors(error)
    assert _record(world, assigned_to=world.users["site_referent"]).assigned_to == world.users["site_referent"]

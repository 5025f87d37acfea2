"""The register's services: recording, editing, answering, assigning and closing complaints.

Bad input is refused with French messages by field, and nothing is written.
"""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from complaints import services
from complaints.models import Complaint
from tests import factories

pytestmark = pytest.mark.django_db

MONDAY = datetime.date(2026, 3, 2)


def _record(world, role="agent", **fields):
    data = {
        "site": world.site,
        "channel": Complaint.Channel.LETTER,
        "received_on": MONDAY,
        "description": "Courrier : trois heures d'attente pour un permis de conduire.",
    }
    data.update(fields)
    return services.complaint_create(by=world.users[role], **data)


def _errors(error):
    return error.value.message_dict


# --- recording ---------------------------------------------------------------------------------------


def test_recording_a_complaint_stores_its_due_date_its_reference_and_its_author(world):
    complaint = _record(world, service=world.service, requester_name="  Amina Benali  ")

    assert complaint.due_on == datetime.date(2026, 3, 23)  # 15 working days after Monday 2 March
    assert complaint.reference == "REC-13-2026-00001"
    assert complaint.prefecture == world.prefecture
    assert complaint.status == Complaint.Status.RECEIVED
    assert complaint.requester_name == "Amina Benali"
    assert complaint.history.get().history_user == world.users["agent"]


def test_a_complaint_given_to_someone_at_once_is_in_progress(world):
    complaint = _record(world, assigned_to=world.users["agent"])

    assert complaint.status == Complaint.Status.IN_PROGRESS


def test_the_personal_data_of_the_requester_is_kept_out_of_the_history(world):
    complaint = _record(world, requester_name="Amina Benali", requester_email="amina@exemple.fr")

    record = complaint.history.get()
    assert not hasattr(record, "requester_name")
    assert not hasattr(record, "requester_email")


@pytest.mark.parametrize("role", ["manager", "national", "auditor"])
def test_readers_do_not_record_complaints(world, role):
    with pytest.raises(PermissionDenied):
        _record(world, role=role)

    assert not Complaint.objects.exists()


def test_an_agent_records_nothing_for_a_sister_site_or_a_site_of_another_prefecture(world):
    for site in (world.sister_site, world.foreign_site):
        with pytest.raises(PermissionDenied):
            _record(world, site=site)

    assert not Complaint.objects.exists()


def test_bad_input_is_refused_field_by_field_and_nothing_is_written(world):
    foreign_service = factories.ServiceFactory(site=world.sister_site)

    with pytest.raises(ValidationError) as error:
        _record(
            world,
            service=foreign_service,
            received_on=timezone.localdate() + datetime.timedelta(days=1),
            description="   ",
            channel="pigeon",
            requester_email="pas-une-adresse",
        )

    assert _errors(error) == {
        "service": ["Ce service n'appartient pas au site choisi."],
        "received_on": ["La date de réception ne peut pas être dans le futur."],
        "description": ["Décrivez la réclamation ou la suggestion."],
        "channel": ["Canal de réception inconnu."],
        "requester_email": ["Saisissez une adresse électronique valide (nom@exemple.fr)."],
    }
    assert not Complaint.objects.exists()


def test_a_complaint_is_given_only_to_someone_who_handles_it(world):
    outsider = factories.MembershipFactory(agent=True, site=world.sister_site).user

    with pytest.raises(ValidationError) as error:
        _record(world, assigned_to=outsider)

    assert "agent ou au référent du site" in _errors(error)["assigned_to"][0]
    assert not Complaint.objects.exists()


# --- editing -----------------------------------------------------------------------------------------


def test_a_new_date_of_receipt_recomputes_the_due_date(world):
    complaint = _record(world)

    services.complaint_update(by=world.users["agent"], complaint=complaint, received_on=datetime.date(2026, 3, 9))

    complaint.refresh_from_db()
    assert complaint.due_on == datetime.date(2026, 3, 30)


def test_a_new_site_recomputes_the_due_date_in_the_new_site_calendar(world):
    factories.SiteClosureFactory(
        site=world.sister_site, start_on=datetime.date(2026, 3, 16), end_on=datetime.date(2026, 3, 20)
    )
    complaint = _record(world, role="quality_manager")

    services.complaint_update(by=world.users["quality_manager"], complaint=complaint, site=world.sister_site)

    complaint.refresh_from_db()
    assert complaint.site == world.sister_site
    assert complaint.due_on == datetime.date(2026, 3, 30)  # a week of closure: five more working days


def test_a_complaint_stays_in_its_prefecture(world):
    complaint = _record(world, role="quality_manager")

    with pytest.raises(ValidationError) as error:
        services.complaint_update(by=world.users["quality_manager"], complaint=complaint, site=world.foreign_site)

    assert "ne change pas de préfecture" in _errors(error)["site"][0]
    complaint.refresh_from_db()
    assert complaint.site == world.site


def test_moving_a_complaint_keeps_its_service_only_if_it_belongs_to_the_new_site(world):
    complaint = _record(world, role="quality_manager", service=world.service)

    with pytest.raises(ValidationError) as error:
        services.complaint_update(by=world.users["quality_manager"], complaint=complaint, site=world.sister_site)

    assert _errors(error)["service"] == ["Ce service n'appartient pas au site choisi."]
    complaint.refresh_from_db()
    assert (complaint.site, complaint.service) == (world.site, world.service)


def test_a_manager_reads_but_does_not_edit(world, complaint):
    with pytest.raises(PermissionDenied):
        services.complaint_update(by=world.users["manager"], complaint=complaint, category="delays")


# --- answering ---------------------------------------------------------------------------------------


def test_an_answer_stores_its_delay_in_working_days_and_whether_it_came_in_time(world, complaint):
    services.complaint_answer(
        by=world.users["agent"], complaint=complaint, answered_on=datetime.date(2026, 3, 12), response=" Réponse. "
    )

    complaint.refresh_from_db()
    assert complaint.status == Complaint.Status.ANSWERED
    assert complaint.answered_on == datetime.date(2026, 3, 12)
    assert complaint.answer_delay == 8
    assert complaint.answered_in_time is True
    assert complaint.response == "Réponse."
    assert complaint.answered_by == world.users["agent"]


def test_an_answer_after_the_due_date_is_late(world, complaint):
    services.complaint_answer(
        by=world.users["site_referent"], complaint=complaint, answered_on=datetime.date(2026, 3, 24), response="Désolé."
    )

    complaint.refresh_from_db()
    assert (complaint.answer_delay, complaint.answered_in_time) == (16, False)


def test_an_answer_dated_before_receipt_or_in_the_future_is_refused_and_nothing_is_written(world, complaint):
    for answered_on, message in (
        (datetime.date(2026, 3, 1), "La date de réponse ne peut pas précéder la date de réception (02/03/2026)."),
        (timezone.localdate() + datetime.timedelta(days=1), "La date de réponse ne peut pas être dans le futur."),
    ):
        with pytest.raises(ValidationError) as error:
            services.complaint_answer(
                by=world.users["agent"], complaint=complaint, answered_on=answered_on, response="R"
            )
        assert _errors(error) == {"answered_on": [message]}

    with pytest.raises(ValidationError) as error:
        services.complaint_answer(
            by=world.users["agent"], complaint=complaint, answered_on=datetime.date(2026, 3, 5), response="  "
        )
    assert _errors(error) == {"response": ["Saisissez la réponse apportée au demandeur."]}

    complaint.refresh_from_db()
    assert complaint.status == Complaint.Status.RECEIVED
    assert complaint.answered_on is None
    assert complaint.history.count() == 1


def test_a_complaint_is_answered_once(world, complaint):
    services.complaint_answer(
        by=world.users["agent"], complaint=complaint, answered_on=datetime.date(2026, 3, 5), response="Réponse."
    )

    with pytest.raises(ValidationError) as error:
        services.complaint_answer(
            by=world.users["quality_manager"],
            complaint=complaint,
            answered_on=datetime.date(2026, 3, 6),
            response="Bis",
        )

    assert error.value.messages == ["Cette réclamation a déjà reçu une réponse le 05/03/2026."]
    complaint.refresh_from_db()
    assert complaint.response == "Réponse."


@pytest.mark.parametrize("role", ["manager", "national", "auditor"])
def test_readers_do_not_answer(world, complaint, role):
    with pytest.raises(PermissionDenied):
        services.complaint_answer(
            by=world.users[role], complaint=complaint, answered_on=datetime.date(2026, 3, 5), response="R"
        )


def test_an_agent_of_a_sister_site_does_not_answer(world):
    complaint = factories.ComplaintFactory(site=world.sister_site)

    with pytest.raises(PermissionDenied):
        services.complaint_answer(
            by=world.users["agent"], complaint=complaint, answered_on=datetime.date(2026, 3, 5), response="R"
        )


def test_a_new_date_of_receipt_after_the_answer_recomputes_whether_it_was_in_time(world, complaint):
    services.complaint_answer(
        by=world.users["agent"], complaint=complaint, answered_on=datetime.date(2026, 3, 24), response="Réponse."
    )
    complaint.refresh_from_db()
    assert complaint.answered_in_time is False

    services.complaint_update(by=world.users["agent"], complaint=complaint, received_on=datetime.date(2026, 3, 4))

    complaint.refresh_from_db()
    assert (complaint.due_on, complaint.answer_delay, complaint.answered_in_time) == (
        datetime.date(2026, 3, 25),
        14,
        True,
    )


# --- assigning and closing ---------------------------------------------------------------------------


def test_giving_a_complaint_to_an_agent_puts_it_in_progress(world, complaint):
    services.complaint_reassign(
        by=world.users["quality_manager"], complaint=complaint, assigned_to=world.users["agent"]
    )

    complaint.refresh_from_db()
    assert (complaint.assigned_to, complaint.status) == (world.users["agent"], Complaint.Status.IN_PROGRESS)
    assert set(services.assignable_users(complaint)) == {
        world.users["agent"],
        world.users["site_referent"],
        world.users["quality_manager"],
    }


def test_a_complaint_is_not_given_to_a_manager(world, complaint):
    with pytest.raises(ValidationError):
        services.complaint_reassign(by=world.users["agent"], complaint=complaint, assigned_to=world.users["manager"])

    complaint.refresh_from_db()
    assert complaint.assigned_to is None


def test_only_an_answered_complaint_is_closed(world, complaint):
    with pytest.raises(ValidationError) as error:
        services.complaint_close(by=world.users["agent"], complaint=complaint)
    assert error.value.messages == ["Répondez d'abord à la réclamation : seule une réclamation répondue se clôt."]

    services.complaint_answer(
        by=world.users["agent"], complaint=complaint, answered_on=datetime.date(2026, 3, 5), response="Réponse."
    )
    services.complaint_close(by=world.users["agent"], complaint=complaint)

    complaint.refresh_from_db()
    assert complaint.status == Complaint.Status.CLOSED
    assert complaint.closed_on == timezone.localdate()
    with pytest.raises(ValidationError):
        services.complaint_update(by=world.users["agent"], complaint=complaint, category="delays")


# --- actions of the action plan ------------------------------------------------------------------------


def test_a_complaint_becomes_an_action_of_the_current_plan_on_its_site(world, complaint):
    from engagements.models import Action, ActionPlan

    plan = ActionPlan.objects.create(prefecture=world.prefecture, title="Plan d'action 2026")

    action = services.complaint_create_action(
        by=world.users["site_referent"], complaint=complaint, title="Renforcer l'accueil aux heures d'affluence"
    )

    assert (action.plan, action.site, action.source) == (plan, world.site, Action.Source.COMPLAINT)
    assert action.source_object == complaint
    assert list(services.actions_of(complaint, world.users["agent"])) == [action]


def test_an_agent_does_not_create_actions(world, complaint):
    from engagements.models import Action, ActionPlan

    ActionPlan.objects.create(prefecture=world.prefecture, title="Plan d'action 2026")

    with pytest.raises(PermissionDenied):
        services.complaint_create_action(by=world.users["agent"], complaint=complaint, title="Action")

    assert not Action.objects.exists()

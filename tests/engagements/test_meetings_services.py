"""Meeting services: COPIL and CLU records, decisions, and decisions turned into actions in one step."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from engagements.models import Action, ActionPlan, Meeting, MeetingDecision
from engagements.services import meetings as services
from tests import factories

pytestmark = pytest.mark.django_db


def _messages(error):
    return error.value.message_dict if hasattr(error.value, "error_dict") else {"__all__": error.value.messages}


@pytest.fixture
def plan(world):
    return ActionPlan.objects.create(prefecture=world.prefecture, title="Plan d'action qualité 2015")


def test_a_quality_manager_records_a_copil_with_its_decisions(world, qm):
    meeting = services.meeting_create(
        by=qm,
        prefecture=world.prefecture,
        kind="copil",
        held_on=datetime.date(2015, 3, 12),
        attendees="Claire Fabre\nJulien Mistral",
        minutes="Suivi des délais de réponse.",
        decisions=["Former les agents non formés depuis 4 ans.", "Tenir le tableau de suivi des élus."],
    )

    assert (meeting.prefecture, meeting.kind, meeting.held_on) == (
        world.prefecture,
        "copil",
        datetime.date(2015, 3, 12),
    )
    assert list(meeting.decisions.order_by("pk").values_list("text", flat=True)) == [
        "Former les agents non formés depuis 4 ans.",
        "Tenir le tableau de suivi des élus.",
    ]
    assert str(meeting) == "COPIL qualité du 12/03/2015"


def test_the_next_clu_may_be_planned_within_a_year(world, qm):
    next_april = timezone.localdate() + datetime.timedelta(days=300)

    meeting = services.meeting_create(by=qm, prefecture=world.prefecture, kind="clu", held_on=next_april)

    assert meeting.held_on == next_april


def test_a_meeting_dated_more_than_a_year_ahead_is_refused_and_nothing_is_written(world, qm):
    with pytest.raises(ValidationError) as error:
        services.meeting_create(
            by=qm,
            prefecture=world.prefecture,
            kind="copil",
            held_on=timezone.localdate() + datetime.timedelta(days=400),
            decisions=["Une décision"],
        )

    assert _messages(error)["held_on"] == [
        "La date de la réunion ne peut pas être postérieure de plus d'un an à la date du jour."
    ]
    assert not Meeting.objects.exists()
    assert not MeetingDecision.objects.exists()


def test_an_empty_decision_refuses_the_whole_meeting(world, qm):
    with pytest.raises(ValidationError) as error:
        services.meeting_create(
            by=qm, prefecture=world.prefecture, kind="copil", held_on=datetime.date(2015, 3, 12), decisions=["Ok", "  "]
        )

    assert _messages(error)["text"] == ["Le texte de la décision est obligatoire."]
    assert not Meeting.objects.exists()


def test_an_unknown_kind_is_refused_in_french(world, qm):
    with pytest.raises(ValidationError) as error:
        services.meeting_create(by=qm, prefecture=world.prefecture, kind="board", held_on=datetime.date(2015, 3, 12))

    assert "COPIL qualité ou comité local des usagers" in _messages(error)["kind"][0]


@pytest.mark.parametrize("role", ["national", "site_referent", "agent", "manager", "auditor"])
def test_only_the_quality_manager_records_meetings(world, role):
    with pytest.raises(PermissionDenied):
        services.meeting_create(
            by=world.users[role], prefecture=world.prefecture, kind="copil", held_on=datetime.date(2015, 3, 12)
        )

    assert not Meeting.objects.exists()


def test_a_quality_manager_does_not_record_meetings_of_another_prefecture(world, qm):
    with pytest.raises(PermissionDenied):
        services.meeting_create(
            by=qm, prefecture=world.foreign_prefecture, kind="copil", held_on=datetime.date(2015, 3, 12)
        )


def test_a_meeting_is_updated_but_its_date_stays_within_a_year(world, qm):
    meeting = factories.MeetingFactory(prefecture=world.prefecture)

    services.meeting_update(by=qm, meeting=meeting, minutes="Compte rendu validé.", kind="clu")
    with pytest.raises(ValidationError):
        services.meeting_update(
            by=qm, meeting=meeting, held_on=timezone.localdate().replace(year=timezone.localdate().year + 2)
        )
    with pytest.raises(ValidationError):
        services.meeting_update(by=qm, meeting=meeting, prefecture=world.foreign_prefecture)

    meeting.refresh_from_db()
    assert (meeting.minutes, meeting.kind, meeting.held_on) == (
        "Compte rendu validé.",
        "clu",
        datetime.date(2015, 3, 12),
    )
    assert meeting.prefecture == world.prefecture


def test_a_manager_does_not_update_a_meeting(world):
    meeting = factories.MeetingFactory(prefecture=world.prefecture)

    with pytest.raises(PermissionDenied):
        services.meeting_update(by=world.users["manager"], meeting=meeting, minutes="Changé")


def test_a_decision_is_added_and_an_empty_one_is_refused(world, qm):
    meeting = factories.MeetingFactory(prefecture=world.prefecture)

    decision = services.decision_add(by=qm, meeting=meeting, text="  Renouveler la signalétique.  ")
    with pytest.raises(ValidationError) as error:
        services.decision_add(by=qm, meeting=meeting, text="   ")

    assert decision.text == "Renouveler la signalétique."
    assert _messages(error)["text"] == ["Le texte de la décision est obligatoire."]
    assert meeting.decisions.count() == 1


def test_a_decision_becomes_an_action_of_the_prefecture_plan_in_one_step(world, qm, plan):
    decision = factories.MeetingDecisionFactory(
        meeting__prefecture=world.prefecture, text="Ouvrir l'accueil des étrangers à 8 h au lieu de 8 h 15."
    )
    due_on = timezone.localdate() + datetime.timedelta(days=60)

    action = services.decision_to_action(
        by=qm, decision=decision, site=world.site, owner=world.users["site_referent"], due_on=due_on
    )

    decision.refresh_from_db()
    assert decision.action == action
    assert action.plan == plan
    assert action.prefecture == world.prefecture
    assert (action.site, action.owner, action.due_on) == (world.site, world.users["site_referent"], due_on)
    assert action.title == "Ouvrir l'accueil des étrangers à 8 h au lieu de 8 h 15."
    assert action.source == Action.Source.COPIL
    assert action.source_object == decision
    assert action.status == Action.Status.TODO
    assert "COPIL qualité du 12/03/2015" in action.description


def test_a_clu_decision_becomes_an_action_whose_source_is_the_clu(world, qm, plan):
    decision = factories.MeetingDecisionFactory(meeting__prefecture=world.prefecture, meeting__clu=True)

    action = services.decision_to_action(by=qm, decision=decision)

    assert action.source == Action.Source.CLU
    assert action.site is None


def test_a_decision_becomes_an_action_only_once(world, qm, plan):
    decision = factories.MeetingDecisionFactory(meeting__prefecture=world.prefecture)
    services.decision_to_action(by=qm, decision=decision)

    with pytest.raises(ValidationError) as error:
        services.decision_to_action(by=qm, decision=decision)

    assert error.value.messages == ["Cette décision a déjà donné lieu à une action."]
    assert Action.objects.count() == 1


def test_without_an_action_plan_the_decision_stays_a_decision(world, qm):
    decision = factories.MeetingDecisionFactory(meeting__prefecture=world.prefecture)

    with pytest.raises(ValidationError) as error:
        services.decision_to_action(by=qm, decision=decision)

    assert "pas encore de plan d'action" in _messages(error)["plan"][0]
    assert not Action.objects.exists()
    decision.refresh_from_db()
    assert decision.action is None


def test_bad_action_fields_are_refused_with_french_messages_and_nothing_is_written(world, qm, plan):
    decision = factories.MeetingDecisionFactory(meeting__prefecture=world.prefecture)
    foreign_plan = ActionPlan.objects.create(prefecture=world.foreign_prefecture, title="Plan du Val-de-Marne")

    with pytest.raises(ValidationError) as past:
        services.decision_to_action(by=qm, decision=decision, due_on=timezone.localdate() - datetime.timedelta(days=1))
    with pytest.raises(ValidationError) as foreign:
        services.decision_to_action(by=qm, decision=decision, plan=foreign_plan)
    with pytest.raises(ValidationError) as site:
        services.decision_to_action(by=qm, decision=decision, site=world.foreign_site)

    assert "échéance" in _messages(past)["due_on"][0].lower()
    assert "préfectures différentes" in _messages(foreign)["plan"][0]
    assert "n'appartient pas à la préfecture" in _messages(site)["site"][0]
    assert not Action.objects.exists()
    decision.refresh_from_db()
    assert decision.action is None


@pytest.mark.parametrize("role", ["national", "site_referent", "manager"])
def test_only_the_quality_manager_turns_decisions_into_actions(world, plan, role):
    decision = factories.MeetingDecisionFactory(meeting__prefecture=world.prefecture)

    with pytest.raises(PermissionDenied):
        services.decision_to_action(by=world.users[role], decision=decision)

    assert not Action.objects.exists()

"""Demo data of the meetings and trainings: Bouches-du-Rhône's 2015 COPIL and CLU, agents to train."""

import pytest

from accounts.models import Membership, Role
from engagements.demo import meetings as demo
from engagements.models import Meeting, MeetingDecision, Training
from engagements.services.meetings import agents_not_trained
from sites.models import Site
from tests.checks import assert_no_new_rows

pytestmark = pytest.mark.django_db


@pytest.fixture
def loaded(demo_data):
    demo.load()


def test_the_demo_holds_a_copil_each_month_of_2015_and_the_april_clu(loaded):
    meetings = Meeting.objects.filter(prefecture__department_id="13", held_on__year=2015)

    assert sorted(m.held_on.month for m in meetings.filter(kind="copil")) == list(range(1, 13))
    assert [str(m) for m in meetings.filter(kind="clu")] == ["Comité local des usagers du 16/04/2015"]
    assert MeetingDecision.objects.filter(meeting__kind="copil").count() >= 5
    assert MeetingDecision.objects.filter(meeting__kind="clu").count() == 2


def test_the_demo_agents_show_who_needs_a_reception_training(loaded):
    sites = Site.objects.filter(prefecture__department_id="13")

    late = {m.user.username: m.last_reception_training_on for m in agents_not_trained(sites=sites)}

    assert set(late) == {"agent-arles-2", "agent-aix", "agent-st-sebastien"}
    assert late["agent-aix"] is None
    assert Membership.objects.filter(role=Role.AGENT, site__in=sites).count() == 5


def test_loading_the_demo_twice_changes_nothing(loaded):
    assert_no_new_rows(demo.load, Meeting.objects, MeetingDecision.objects, Training.objects, Membership.objects)


def test_decisions_are_linked_to_the_copil_and_clu_actions_of_the_demo_action_plan(demo_data):
    from engagements.demo import actions, labellings

    labellings.load()
    actions.load()
    demo.load()

    december = Meeting.objects.get(prefecture__department_id="13", kind="copil", held_on__month=12)
    linked = december.decisions.exclude(action=None).select_related("action")
    clu = MeetingDecision.objects.get(meeting__kind="clu", action__isnull=False)
    assert linked.count() == 4
    assert all(d.action.source == "copil" and d.action.source_object == d for d in linked)
    assert clu.action.source == "clu"
    assert december.decisions.filter(action=None).count() == 1  # keeps its « Créer l'action » button


def test_the_demo_training_plan_covers_the_agents_to_train_the_cip_and_the_on_call_agents(loaded):
    from django.utils import timezone

    from engagements.demo import trainings as plan_demo
    from engagements.models import Trainee, TrainingSession
    from engagements.services import trainings
    from indicators.alerts import trainings as training_alerts

    sites = Site.objects.filter(prefecture__department_id="13")
    rows = list(trainings.people_to_train(sites=sites))
    without_account = {row["last_name_"]: row["planned"] for row in rows if row["person_kind"] == "trainee"}
    assert without_account == {"Haddad": True, "Blanc": True, "Roussel": False}  # Inès Roussel: no session yet
    assert Trainee.objects.filter(site__prefecture__department_id="13", reception_agent=False).count() == 2

    sessions = {session.kind: session for session in TrainingSession.objects.filter(site__in=sites)}
    assert set(sessions) == {"reception", "cip", "on_call"}
    assert sessions["reception"].enrolments.count() == 4 < sessions["reception"].min_enrolled
    assert sessions["cip"].enrolments.filter(trainee__last_name="Vidal").exists()
    # The reception session, short of people, gives its alert.
    assert any(
        f"training_session:{sessions['reception'].pk}:" in notice.key
        for notice in training_alerts.collect_sessions(timezone.localdate())
    )

    from engagements.models import Enrolment

    assert_no_new_rows(plan_demo.load, TrainingSession.objects, Trainee.objects, Enrolment.objects, Trainee.history)

"""``meetings/``: the contract, filters, writes through the services, decisions turned into actions."""

import datetime
import functools

import pytest
from django.urls import reverse
from django.utils import timezone

from engagements.models import Action, ActionPlan, Meeting, MeetingDecision
from tests import factories
from tests.checks import assert_refused, assert_steady, listed_ids


@pytest.fixture
def plan(world):
    return ActionPlan.objects.create(prefecture=world.prefecture, title="Plan d'action qualité 2015")


def test_a_meeting_carries_the_fields_of_the_contract(as_role, world, plan):
    meeting = factories.MeetingFactory(prefecture=world.prefecture)
    decision = factories.MeetingDecisionFactory(meeting=meeting, text="Publier une FAQ.")
    decision.action = Action.objects.create(plan=plan, prefecture=world.prefecture, title="Publier une FAQ")
    decision.save()
    pending = factories.MeetingDecisionFactory(meeting=meeting, text="Aménager des écritoires.")

    body = as_role("quality_manager").get(reverse("api:meeting-detail", kwargs={"pk": meeting.pk})).json()

    assert body == {
        "id": meeting.pk,
        "prefecture": world.prefecture.pk,
        "kind": "copil",
        "held_on": "2015-03-12",
        "attendees": meeting.attendees,
        "minutes": meeting.minutes,
        "decisions": [
            {"id": decision.pk, "text": "Publier une FAQ.", "action": decision.action_id},
            {"id": pending.pk, "text": "Aménager des écritoires.", "action": None},
        ],
        "abilities": {"update": True, "delete": False, "add_decision": True, "create_action": True},
    }


def test_a_manager_reads_a_meeting_and_may_not_change_it(as_role, world):
    meeting = factories.MeetingFactory(prefecture=world.prefecture)

    body = as_role("manager").get(reverse("api:meeting-detail", kwargs={"pk": meeting.pk})).json()

    assert body["abilities"] == {"update": False, "delete": False, "add_decision": False, "create_action": False}


def test_meetings_are_filtered_by_prefecture_kind_and_year(as_role, world):
    copil = factories.MeetingFactory(prefecture=world.prefecture)
    clu = factories.MeetingFactory(prefecture=world.prefecture, clu=True)
    later = factories.MeetingFactory(prefecture=world.prefecture, held_on=datetime.date(2016, 1, 14))
    foreign = factories.MeetingFactory(prefecture=world.foreign_prefecture)
    ids = functools.partial(listed_ids, as_role("national"), reverse("api:meeting-list"))

    assert ids(prefecture=world.foreign_prefecture.pk) == {foreign.pk}
    assert ids(kind="clu") == {clu.pk}
    assert ids(prefecture=world.prefecture.pk, year=2015) == {copil.pk, clu.pk}
    assert ids(year=2016) == {later.pk}


def test_listing_meetings_costs_the_same_for_1_or_50(as_role, world, django_assert_num_queries):
    factories.MeetingDecisionFactory(meeting__prefecture=world.prefecture)
    client = as_role("site_referent")
    url = reverse("api:meeting-list")

    def more():
        for _ in range(49):
            meeting = factories.MeetingFactory(prefecture=world.prefecture)
            factories.MeetingDecisionFactory.create_batch(2, meeting=meeting)

    # 3 queries: the count of the pagination, the page, the decisions of the page.
    response = assert_steady(django_assert_num_queries, 3, lambda: client.get(url), more)

    assert len(response.json()["results"]) == 50


def test_a_meeting_is_read_in_two_queries(as_role, world, django_assert_num_queries):
    meeting = factories.MeetingFactory(prefecture=world.prefecture)
    factories.MeetingDecisionFactory.create_batch(5, meeting=meeting)
    client = as_role("agent")
    url = reverse("api:meeting-detail", kwargs={"pk": meeting.pk})
    client.get(url)
    # the meeting with its prefecture, its decisions
    with django_assert_num_queries(2):
        assert len(client.get(url).json()["decisions"]) == 5


def test_a_quality_manager_creates_and_updates_a_meeting(as_role, world):
    client = as_role("quality_manager")

    created = client.post(
        reverse("api:meeting-list"),
        {"prefecture": world.prefecture.pk, "kind": "clu", "held_on": "2015-04-16", "minutes": "Avis des usagers."},
        format="json",
    )
    meeting = Meeting.objects.get()
    updated = client.patch(
        reverse("api:meeting-detail", kwargs={"pk": meeting.pk}),
        {"attendees": "Deux élus municipaux", "prefecture": world.foreign_prefecture.pk},
        format="json",
    )

    assert created.status_code == 201
    assert created.json()["decisions"] == []
    assert updated.status_code == 200
    meeting.refresh_from_db()
    assert (meeting.kind, meeting.attendees, meeting.prefecture) == ("clu", "Deux élus municipaux", world.prefecture)


def test_a_meeting_more_than_a_year_ahead_is_a_400_in_french(as_role, world):
    far = timezone.localdate() + datetime.timedelta(days=400)

    response = as_role("quality_manager").post(
        reverse("api:meeting-list"),
        {"prefecture": world.prefecture.pk, "kind": "copil", "held_on": far.isoformat()},
        format="json",
    )

    errors = {"held_on": ["La date de la réunion ne peut pas être postérieure de plus d'un an à la date du jour."]}
    assert_refused(response, errors, Meeting)


def test_a_decision_is_added_and_an_empty_one_is_a_400(as_role, world):
    meeting = factories.MeetingFactory(prefecture=world.prefecture)
    client = as_role("quality_manager")
    url = reverse("api:meeting-decisions", kwargs={"pk": meeting.pk})

    added = client.post(url, {"text": "Renouveler la signalétique."}, format="json")
    empty = client.post(url, {"text": "  "}, format="json")

    assert added.status_code == 201
    assert added.json() == {"id": meeting.decisions.get().pk, "text": "Renouveler la signalétique.", "action": None}
    assert empty.status_code == 400
    assert empty.json() == {"text": ["Le texte de la décision est obligatoire."]}
    assert MeetingDecision.objects.count() == 1


def test_a_decision_becomes_an_action_through_the_api(as_role, world, plan):
    decision = factories.MeetingDecisionFactory(meeting__prefecture=world.prefecture, meeting__clu=True)
    client = as_role("quality_manager")
    url = reverse("api:meeting-decision-to-action", kwargs={"pk": decision.meeting_id, "decision_pk": decision.pk})
    due_on = timezone.localdate() + datetime.timedelta(days=90)

    response = client.post(
        url, {"site": world.site.pk, "owner": "referent", "due_on": due_on.isoformat()}, format="json"
    )
    again = client.post(url, {}, format="json")

    action = Action.objects.get()
    assert response.status_code == 201
    assert response.json() == {"id": decision.pk, "text": decision.text, "action": action.pk}
    assert (action.plan, action.source, action.site, action.owner.username) == (plan, "clu", world.site, "referent")
    assert again.status_code == 400
    assert again.json() == {"non_field_errors": ["Cette décision a déjà donné lieu à une action."]}


def test_a_decision_of_another_meeting_is_a_404(as_role, world, plan):
    meeting = factories.MeetingFactory(prefecture=world.prefecture)
    other = factories.MeetingDecisionFactory(meeting__prefecture=world.prefecture)

    response = as_role("quality_manager").post(
        reverse("api:meeting-decision-to-action", kwargs={"pk": meeting.pk, "decision_pk": other.pk}), {}, format="json"
    )

    assert response.status_code == 404
    assert not Action.objects.exists()


def test_an_action_with_a_past_due_date_is_a_400_and_nothing_is_written(as_role, world, plan):
    decision = factories.MeetingDecisionFactory(meeting__prefecture=world.prefecture)

    response = as_role("quality_manager").post(
        reverse("api:meeting-decision-to-action", kwargs={"pk": decision.meeting_id, "decision_pk": decision.pk}),
        {"due_on": "2015-01-01"},
        format="json",
    )

    assert response.status_code == 400
    assert "due_on" in response.json()
    assert not Action.objects.exists()

"""Meeting pages: the scoped list with its filters, the detail with « Créer l'action », the forms."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from engagements.models import Action, ActionPlan, Meeting, MeetingDecision
from tests import factories
from tests.checks import page_text

pytestmark = pytest.mark.django_db


@pytest.fixture
def qm_client(client, world):
    client.force_login(world.users["quality_manager"])
    return client


@pytest.fixture
def plan(world):
    return ActionPlan.objects.create(prefecture=world.prefecture, title="Plan d'action qualité 2015")


def test_the_list_shows_the_meetings_of_the_user_prefecture_only(client, world):
    own = factories.MeetingFactory(prefecture=world.prefecture)
    factories.MeetingFactory(prefecture=world.foreign_prefecture)
    client.force_login(world.users["site_referent"])

    response = client.get(reverse("meeting_list"))

    assert list(response.context["page_obj"].object_list) == [own]
    assert "Nouvelle réunion" not in page_text(response)


def test_the_list_filters_by_kind_and_year(qm_client, world):
    copil = factories.MeetingFactory(prefecture=world.prefecture, held_on=datetime.date(2015, 3, 12))
    clu = factories.MeetingFactory(prefecture=world.prefecture, clu=True)
    factories.MeetingFactory(prefecture=world.prefecture, held_on=datetime.date(2016, 3, 10))

    by_kind = qm_client.get(reverse("meeting_list"), {"kind": "clu"}).context["page_obj"].object_list
    by_year = qm_client.get(reverse("meeting_list"), {"kind": "copil", "year": 2015}).context["page_obj"].object_list

    assert list(by_kind) == [clu]
    assert list(by_year) == [copil]


def test_the_list_costs_the_same_for_1_or_30_meetings(qm_client, world, django_assert_num_queries):
    factories.MeetingDecisionFactory(meeting__prefecture=world.prefecture)
    qm_client.get(reverse("meeting_list"))
    # session, user, scope, prefectures of the filter, may create, count and page of meetings; the DSFR configuration
    # is no longer read (kept by the process: qualipref.site_config)
    with django_assert_num_queries(7):
        qm_client.get(reverse("meeting_list"))
    for _ in range(29):
        factories.MeetingDecisionFactory.create_batch(2, meeting=factories.MeetingFactory(prefecture=world.prefecture))
    with django_assert_num_queries(7):
        response = qm_client.get(reverse("meeting_list"))

    assert len(response.context["page_obj"].object_list) == 30
    assert {m.decision_count for m in response.context["page_obj"].object_list} == {1, 2}


def test_the_detail_shows_decisions_and_a_create_action_button_to_the_quality_manager(qm_client, world, plan):
    meeting = factories.MeetingFactory(prefecture=world.prefecture)
    open_decision = factories.MeetingDecisionFactory(meeting=meeting, text="Aménager des écritoires.")
    done = factories.MeetingDecisionFactory(meeting=meeting, text="Publier une FAQ.")
    done.action = Action.objects.create(plan=plan, prefecture=world.prefecture, title="Publier une FAQ")
    done.save()

    text = page_text(qm_client.get(reverse("meeting_detail", kwargs={"pk": meeting.pk})))

    action_url = reverse("meeting_decision_action", kwargs={"pk": meeting.pk, "decision_pk": open_decision.pk})
    done_url = reverse("meeting_decision_action", kwargs={"pk": meeting.pk, "decision_pk": done.pk})
    assert f'href="{action_url}"' in text
    assert f'href="{done_url}"' not in text
    assert "Action créée" in text
    assert f'href="{reverse("action_detail", kwargs={"pk": done.action_id})}"' in text
    assert "Ajouter une décision" in text
    assert "Julien Mistral, référent qualité d&#x27;Arles" in text


def test_a_manager_reads_the_meeting_without_any_button(client, world):
    meeting = factories.MeetingFactory(prefecture=world.prefecture)
    factories.MeetingDecisionFactory(meeting=meeting)
    client.force_login(world.users["manager"])

    text = page_text(client.get(reverse("meeting_detail", kwargs={"pk": meeting.pk})))

    assert "Créer l’action" not in text
    assert "Modifier la réunion" not in text
    assert "Ajouter une décision" not in text
    assert "Pas encore d’action" in text


def test_the_detail_costs_the_same_for_1_or_20_decisions(qm_client, world, plan, django_assert_num_queries):
    meeting = factories.MeetingFactory(prefecture=world.prefecture)
    factories.MeetingDecisionFactory(meeting=meeting)
    url = reverse("meeting_detail", kwargs={"pk": meeting.pk})
    qm_client.get(url)
    # session, user, scope, the meeting, its decisions with their actions; the DSFR configuration is no longer
    # read (kept by the process: qualipref.site_config)
    with django_assert_num_queries(5):
        qm_client.get(url)
    for n in range(19):
        decision = factories.MeetingDecisionFactory(meeting=meeting)
        if n % 2:
            decision.action = Action.objects.create(plan=plan, prefecture=world.prefecture, title=f"Action {n}")
            decision.save()
    with django_assert_num_queries(5):
        response = qm_client.get(url)

    assert len(response.context["decisions"]) == 20


def test_a_quality_manager_creates_a_meeting_with_its_decisions(qm_client, world):
    form = qm_client.get(reverse("meeting_create")).context["form"]
    response = qm_client.post(
        reverse("meeting_create"),
        {
            "prefecture": world.prefecture.pk,
            "kind": "clu",
            "held_on": "2015-04-16",
            "attendees": "Deux représentants d'associations d'usagers",
            "minutes": "Avis des usagers.",
            "decisions": "Renouveler la signalétique.\n\n  Publier une FAQ.  \n",
        },
    )

    meeting = Meeting.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("meeting_detail", kwargs={"pk": meeting.pk})
    assert (meeting.kind, meeting.held_on) == ("clu", datetime.date(2015, 4, 16))
    assert list(meeting.decisions.values_list("text", flat=True)) == ["Renouveler la signalétique.", "Publier une FAQ."]
    assert form.fields["prefecture"].widget.is_hidden  # one prefecture: nothing to choose


def test_a_meeting_more_than_a_year_ahead_is_refused_in_french_and_nothing_is_written(qm_client, world):
    far = timezone.localdate() + datetime.timedelta(days=500)

    response = qm_client.post(
        reverse("meeting_create"),
        {"prefecture": world.prefecture.pk, "kind": "copil", "held_on": far.isoformat(), "decisions": "Une décision"},
    )

    assert response.status_code == 200
    assert response.context["form"].errors["held_on"] == [
        "La date de la réunion ne peut pas être postérieure de plus d'un an à la date du jour."
    ]
    assert not Meeting.objects.exists()
    assert not MeetingDecision.objects.exists()


def test_a_meeting_of_another_prefecture_cannot_be_created_through_the_form(qm_client, world):
    response = qm_client.post(
        reverse("meeting_create"),
        {"prefecture": world.foreign_prefecture.pk, "kind": "copil", "held_on": "2015-03-12"},
    )

    assert "prefecture" in response.context["form"].errors
    assert not Meeting.objects.exists()


def test_a_meeting_is_edited(qm_client, world):
    meeting = factories.MeetingFactory(prefecture=world.prefecture)

    response = qm_client.post(
        reverse("meeting_edit", kwargs={"pk": meeting.pk}),
        {"kind": "copil", "held_on": "2015-03-13", "attendees": "", "minutes": "Compte rendu validé."},
    )

    meeting.refresh_from_db()
    assert response.status_code == 302
    assert (meeting.held_on, meeting.minutes) == (datetime.date(2015, 3, 13), "Compte rendu validé.")


def test_an_empty_decision_is_refused_in_french_and_nothing_is_written(qm_client, world):
    meeting = factories.MeetingFactory(prefecture=world.prefecture)

    response = qm_client.post(reverse("meeting_decision_add", kwargs={"pk": meeting.pk}), {"text": "   "})

    assert response.status_code == 200
    assert response.context["form"].errors["text"] == ["Le texte de la décision est obligatoire."]
    assert not MeetingDecision.objects.exists()


def test_a_decision_is_added_from_the_meeting_page(qm_client, world):
    meeting = factories.MeetingFactory(prefecture=world.prefecture)

    response = qm_client.post(
        reverse("meeting_decision_add", kwargs={"pk": meeting.pk}), {"text": "Aménager des écritoires."}
    )

    assert response.url == reverse("meeting_detail", kwargs={"pk": meeting.pk}) + "#decisions"
    assert meeting.decisions.get().text == "Aménager des écritoires."


def test_create_action_turns_the_decision_into_an_action_of_the_plan(qm_client, world, plan):
    decision = factories.MeetingDecisionFactory(meeting__prefecture=world.prefecture, text="Publier une FAQ.")
    url = reverse("meeting_decision_action", kwargs={"pk": decision.meeting_id, "decision_pk": decision.pk})
    due_on = timezone.localdate() + datetime.timedelta(days=30)

    form = qm_client.get(url).context["form"]
    response = qm_client.post(
        url,
        {
            "plan": plan.pk,
            "site": world.site.pk,
            "owner": world.users["site_referent"].pk,
            "due_on": due_on.isoformat(),
        },
    )

    decision.refresh_from_db()
    assert form.fields["plan"].initial == plan.pk
    assert world.users["site_referent"] in form.fields["owner"].queryset
    assert response.status_code == 302
    assert (decision.action.plan, decision.action.site, decision.action.due_on) == (plan, world.site, due_on)
    assert decision.action.source == "copil"
    follow = qm_client.get(url)
    assert follow.status_code == 302  # already an action: back to the meeting


def test_create_action_refuses_a_past_due_date_and_writes_nothing(qm_client, world, plan):
    decision = factories.MeetingDecisionFactory(meeting__prefecture=world.prefecture)
    url = reverse("meeting_decision_action", kwargs={"pk": decision.meeting_id, "decision_pk": decision.pk})

    response = qm_client.post(url, {"plan": plan.pk, "due_on": "2015-01-01"})

    assert response.status_code == 200
    assert response.context["form"].errors["due_on"] == [
        "L’échéance ne peut pas précéder la date de création de l’action."
    ]
    assert not Action.objects.exists()


def test_create_action_says_when_the_prefecture_has_no_plan(qm_client, world):
    decision = factories.MeetingDecisionFactory(meeting__prefecture=world.prefecture)
    url = reverse("meeting_decision_action", kwargs={"pk": decision.meeting_id, "decision_pk": decision.pk})

    response = qm_client.get(url)

    assert "La préfecture n’a pas encore de plan d’action" in page_text(response)


def test_an_agent_sees_the_action_of_a_decision_but_no_link_to_an_action_of_another_site(client, world, plan):
    meeting = factories.MeetingFactory(prefecture=world.prefecture)
    own = factories.MeetingDecisionFactory(meeting=meeting)
    own.action = Action.objects.create(plan=plan, prefecture=world.prefecture, site=world.site, title="À Arles")
    own.save()
    other = factories.MeetingDecisionFactory(meeting=meeting)
    other.action = Action.objects.create(
        plan=plan, prefecture=world.prefecture, site=world.sister_site, title="À Istres"
    )
    other.save()
    client.force_login(world.users["agent"])

    text = page_text(client.get(reverse("meeting_detail", kwargs={"pk": meeting.pk})))

    assert f'href="{reverse("action_detail", kwargs={"pk": own.action_id})}"' in text
    assert f'href="{reverse("action_detail", kwargs={"pk": other.action_id})}"' not in text
    assert "À Istres" in text

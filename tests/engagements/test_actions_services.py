"""The rules of action plans and actions (engagements.services.actions): creation, edits, status changes,
bulk changes, actions born from a source, copies into a new cycle. Refusals speak French and write nothing."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from accounts import access
from engagements.models import Action, ActionPlan, Engagement, Labelling
from engagements.services import actions as services
from tests import factories
from tests.permissions.actions import action_objects

TODAY = timezone.localdate()


@pytest.fixture
def objects(world):
    return action_objects(world)


@pytest.fixture
def referent(world):
    return world.users["site_referent"]


def _qp2():
    return factories.labelling_referential("QP2")


def _messages(error):
    return error.value.message_dict


# --- creation -------------------------------------------------------------------------------------


def test_a_referent_creates_an_action_on_their_site_that_starts_to_do(world, objects, referent):
    action = services.action_create(
        by=referent,
        plan=objects.plan,
        title="  Doubler l'affichage lumineux du pré-accueil ",
        site=world.site,
        owner=world.users["agent"],
        due_on=TODAY + datetime.timedelta(days=30),
    )

    assert action.title == "Doubler l'affichage lumineux du pré-accueil"
    assert (action.status, action.progress, action.prefecture) == ("todo", 0, world.prefecture)
    assert action.created_by == referent
    assert action.history.get().history_user == referent


def test_a_referent_may_not_create_an_action_on_another_site_nor_for_the_whole_prefecture(world, objects, referent):
    with pytest.raises(PermissionDenied):
        services.action_create(by=referent, plan=objects.plan, title="Chaises", site=world.sister_site)
    with pytest.raises(PermissionDenied, match="toute la préfecture"):
        services.action_create(by=referent, plan=objects.plan, title="Chaises")


def test_a_manager_and_a_national_administrator_create_no_action(world, objects):
    for role in ("manager", "national"):
        with pytest.raises(PermissionDenied):
            services.action_create(by=world.users[role], plan=objects.plan, title="Chaises", site=world.site)


def test_a_due_date_before_today_is_refused_in_french_and_nothing_is_written(world, objects, qm):
    count = Action.objects.count()

    with pytest.raises(ValidationError) as error:
        services.action_create(
            by=qm, plan=objects.plan, title="Chaises", site=world.site, due_on=TODAY - datetime.timedelta(days=1)
        )

    assert _messages(error)["due_on"] == ["L'échéance ne peut pas être antérieure à la date de création de l'action."]
    assert Action.objects.count() == count


def test_a_site_of_another_prefecture_is_refused(world, objects, qm):
    with pytest.raises((ValidationError, PermissionDenied)):
        services.action_create(by=qm, plan=objects.plan, title="Chaises", site=world.foreign_site)


def test_an_engagement_of_another_referential_than_the_cycle_is_refused(world, qm):
    qp2 = _qp2()
    cycle = factories.LabellingFactory(prefecture=world.prefecture, referential=qp2)
    plan = ActionPlan.objects.create(prefecture=world.prefecture, labelling=cycle, title="Plan du cycle")
    marianne_engagement = Engagement.objects.filter(referential=factories.labelling_referential("MARIANNE")).first()

    with pytest.raises(ValidationError) as error:
        services.action_create(by=qm, plan=plan, title="Affichage", site=world.site, engagement=marianne_engagement)

    assert "autre référentiel" in _messages(error)["engagement"][0]
    assert not plan.actions.exists()


def test_the_module_of_an_engagement_is_filled_in_and_must_match_a_given_module(world, objects, qm):
    qp2 = _qp2()
    engagement = qp2.engagements.get(code="QP2-M7-E02")

    action = services.action_create(by=qm, plan=objects.plan, title="Plan de crise", engagement=engagement)
    assert action.module == engagement.module

    with pytest.raises(ValidationError) as error:
        services.action_create(
            by=qm, plan=objects.plan, title="Plan de crise", engagement=engagement, module=qp2.modules.get(number=1)
        )
    assert _messages(error)["engagement"] == ["Cet engagement ne relève pas du module choisi."]


def test_the_owner_must_work_on_the_actions_site_or_be_the_quality_manager(world, objects, qm):
    foreign_qm = factories.MembershipFactory(prefecture=world.foreign_prefecture).user
    with pytest.raises(ValidationError) as error:
        services.action_create(by=qm, plan=objects.plan, title="Chaises", site=world.sister_site, owner=foreign_qm)
    assert "pilote" in _messages(error)["owner"][0].lower()

    with pytest.raises(ValidationError):
        # The agent of Arles would not even see an action of Istres.
        services.action_create(
            by=qm, plan=objects.plan, title="Chaises", site=world.sister_site, owner=world.users["agent"]
        )

    action = services.action_create(by=qm, plan=objects.plan, title="Chaises", site=world.sister_site, owner=qm)
    assert action.owner == qm


# --- edits and status transitions -----------------------------------------------------------------


def test_the_status_follows_todo_in_progress_done_verified(objects, qm):
    action = objects.own

    services.action_update(by=qm, action=action, status="in_progress", progress=30)
    services.action_update(by=qm, action=action, status="done")
    assert (action.status, action.progress, action.completed_on) == ("done", 100, TODAY)

    services.action_update(by=qm, action=action, status="verified", effectiveness=3)
    action.refresh_from_db()
    assert (action.status, action.effectiveness, action.verified_by, action.verified_on) == ("verified", 3, qm, TODAY)


def test_skipping_a_step_or_leaving_a_final_status_is_refused_in_french(objects, qm):
    with pytest.raises(ValidationError) as error:
        services.action_update(by=qm, action=objects.own, status="verified", effectiveness=3)
    assert _messages(error)["status"] == [
        "Une action « À lancer » ne peut pas passer à « Vérifiée efficace » : elle peut passer à « En cours » "
        "ou « Abandonnée »."
    ]

    abandoned = factories.ActionFactory(plan=objects.plan, abandoned=True)
    with pytest.raises(ValidationError, match="son statut est définitif"):
        services.action_update(by=qm, action=abandoned, status="in_progress")


def test_abandoning_needs_a_reason_and_a_refused_change_leaves_the_action_as_it_was(objects, qm):
    action = objects.own

    with pytest.raises(ValidationError) as error:
        services.action_update(by=qm, action=action, status="abandoned", progress=50, abandon_reason="  ")

    assert _messages(error) == {"abandon_reason": ["Indiquez le motif d'abandon."]}
    assert (action.status, action.progress) == ("todo", 0)  # the instance too
    action.refresh_from_db()
    assert (action.status, action.progress) == ("todo", 0)
    assert action.history.count() == 1

    services.action_update(by=qm, action=action, status="abandoned", abandon_reason="Site fermé pour travaux.")
    assert action.abandon_reason == "Site fermé pour travaux."


def test_progress_is_a_whole_percentage_between_0_and_100(objects, qm):
    for value in (-1, 101, 12.5, "50"):
        with pytest.raises(ValidationError) as error:
            services.action_update(by=qm, action=objects.own, progress=value)
        assert _messages(error)["progress"] == ["L'avancement est un pourcentage entier compris entre 0 et 100."]


def test_a_done_action_stays_at_100_percent(objects, qm):
    done = factories.ActionFactory(plan=objects.plan, site=objects.own.site, done=True)
    with pytest.raises(ValidationError, match="100 %"):
        services.action_update(by=qm, action=done, progress=80)


def test_a_completion_date_in_the_future_is_refused(objects, qm):
    started = factories.ActionFactory(plan=objects.plan, in_progress=True)
    with pytest.raises(ValidationError) as error:
        services.action_update(by=qm, action=started, status="done", completed_on=TODAY + datetime.timedelta(days=2))
    assert _messages(error)["completed_on"] == ["La date de réalisation ne peut pas être dans le futur."]


def test_only_the_quality_manager_verifies_effectiveness_and_reopens_a_done_action(world, objects, referent, qm):
    done = factories.ActionFactory(plan=objects.plan, site=world.site, done=True)

    with pytest.raises(PermissionDenied, match="vérifie l'efficacité"):
        services.action_update(by=referent, action=done, status="verified", effectiveness=3)
    with pytest.raises(PermissionDenied, match="rouvrir"):
        services.action_update(by=referent, action=done, status="in_progress")
    assert services.allowed_statuses(referent, done) == []

    services.action_update(by=qm, action=done, status="in_progress")
    assert (done.status, done.completed_on) == ("in_progress", None)


def test_verifying_needs_an_effectiveness_rating(objects, qm):
    done = factories.ActionFactory(plan=objects.plan, done=True)
    with pytest.raises(ValidationError) as error:
        services.action_update(by=qm, action=done, status="verified")
    assert _messages(error) == {"effectiveness": ["Indiquez l'efficacité constatée."]}


def test_a_new_due_date_may_not_precede_the_creation_of_the_action(objects, qm):
    action = objects.own
    Action.objects.filter(pk=action.pk).update(created_at=timezone.now() - datetime.timedelta(days=400))
    action.refresh_from_db()

    services.action_update(by=qm, action=action, due_on=TODAY - datetime.timedelta(days=300))  # after creation

    with pytest.raises(ValidationError, match="précéder la création"):
        services.action_update(by=qm, action=action, due_on=TODAY - datetime.timedelta(days=500))


def test_read_only_roles_and_other_sites_referents_may_not_edit(world, objects):
    for role in ("manager", "national", "agent", "auditor"):
        with pytest.raises(PermissionDenied):
            services.action_update(by=world.users[role], action=objects.own, progress=10)
    with pytest.raises(PermissionDenied):
        services.action_update(by=world.users["site_referent"], action=objects.sister, progress=10)


def test_the_owner_edits_their_own_action(world, objects):
    services.action_update(by=world.users["agent"], action=objects.owned, status="in_progress", progress=20)
    assert objects.owned.history.first().history_user == world.users["agent"]


def test_a_referent_may_not_move_an_action_to_another_site(world, objects, referent):
    with pytest.raises(ValidationError) as error:
        services.action_update(by=referent, action=objects.own, site=world.sister_site)
    assert _messages(error)["site"] == ["Vous ne pouvez pas rattacher l'action à ce site."]


def test_unknown_fields_are_refused(objects, qm):
    with pytest.raises(ValidationError, match="non modifiables"):
        services.action_update(by=qm, action=objects.own, prefecture=None)


# --- bulk status change ---------------------------------------------------------------------------


def test_a_bulk_status_change_moves_every_action_in_three_queries(world, objects, qm, django_assert_num_queries):
    actions = [objects.own, objects.sister, objects.shared] + [
        factories.ActionFactory(plan=objects.plan, site=world.site) for _ in range(7)
    ]
    access.get_scope(qm)  # the user's memberships, read once per request
    # savepoint, 1 fetch of the actions, 1 update of all of them, 1 insert of their history rows, release
    with django_assert_num_queries(5):
        changed = services.actions_bulk_status(by=qm, action_ids=[a.pk for a in actions], status="in_progress")

    assert len(changed) == 10
    assert set(Action.objects.filter(pk__in=[a.pk for a in actions]).values_list("status", flat=True)) == {
        "in_progress"
    }
    assert objects.own.history.first().history_change_reason == "Changement de statut groupé"
    assert objects.own.history.first().history_user == qm


def test_a_bulk_status_change_is_all_or_nothing(world, objects, qm):
    started = factories.ActionFactory(plan=objects.plan, site=world.site, in_progress=True)

    with pytest.raises(ValidationError) as error:
        services.actions_bulk_status(by=qm, action_ids=[objects.own.pk, started.pk], status="done")

    assert error.value.messages == [
        "« Renouveler la signalétique du hall » : Une action « À lancer » ne peut pas passer à « Réalisée » : "
        "elle peut passer à « En cours » ou « Abandonnée »."
    ]
    started.refresh_from_db()
    assert started.status == "in_progress"


def test_a_bulk_status_change_checks_the_permission_on_each_action(world, objects, referent):
    with pytest.raises(PermissionDenied, match="Plan de formation des agents"):
        services.actions_bulk_status(by=referent, action_ids=[objects.own.pk, objects.shared.pk], status="in_progress")
    objects.own.refresh_from_db()
    assert objects.own.status == "todo"


def test_a_bulk_status_change_treats_unseen_actions_as_not_found(objects, referent):
    with pytest.raises(ValidationError, match="introuvables"):
        services.actions_bulk_status(by=referent, action_ids=[objects.foreign.pk], status="in_progress")


def test_abandoning_in_bulk_needs_a_reason(objects, qm):
    with pytest.raises(ValidationError, match="motif"):
        services.actions_bulk_status(by=qm, action_ids=[objects.own.pk], status="abandoned")
    changed = services.actions_bulk_status(
        by=qm, action_ids=[objects.own.pk], status="abandoned", abandon_reason="Doublon"
    )
    assert changed[0].abandon_reason == "Doublon"


# --- actions from a source, copies into a new cycle --------------------------------------------------


def _from_decision(qm, decision, **fields):
    """The quality manager's action created from a meeting's decision, of the meeting's prefecture."""
    return services.action_create_from_source(
        by=qm, source_object=decision, source=decision.meeting.kind, prefecture=decision.meeting.prefecture, **fields
    )


def test_an_action_created_from_a_meeting_decision_points_back_to_it(world, objects, qm):
    decision = factories.MeetingDecisionFactory(meeting=factories.MeetingFactory(prefecture=world.prefecture, clu=True))

    action = _from_decision(qm, decision, title="Afficher les heures d'affluence")

    assert action.source == "clu"
    assert action.source_object == decision
    assert action.plan == services.current_plan(world.prefecture)


def test_an_action_from_a_source_of_another_prefecture_than_the_plan_is_refused(world, objects, qm):
    decision = factories.MeetingDecisionFactory(meeting=factories.MeetingFactory(prefecture=world.foreign_prefecture))
    with pytest.raises(ValidationError, match="préfectures différentes"):
        _from_decision(qm, decision, title="X", plan=objects.plan)


def test_the_source_of_an_action_created_from_an_object_is_fixed(world, objects, qm):
    decision = factories.MeetingDecisionFactory(meeting=factories.MeetingFactory(prefecture=world.prefecture))
    action = _from_decision(qm, decision, title="X", plan=objects.plan)
    with pytest.raises(ValidationError, match="fixe"):
        services.action_update(by=qm, action=action, source="other")


def test_open_actions_are_copied_into_a_new_cycle_with_their_engagement_found_by_code(world, qm):
    qp2 = _qp2()
    old_cycle = factories.LabellingFactory(prefecture=world.prefecture, referential=qp2)
    old_plan = ActionPlan.objects.create(prefecture=world.prefecture, labelling=old_cycle, title="Plan 2015")
    engagement = qp2.engagements.get(code="QP2-M1-E22")
    open_action = factories.ActionFactory(
        plan=old_plan, site=world.site, engagement=engagement, module=engagement.module, in_progress=True
    )
    factories.ActionFactory(plan=old_plan, site=world.site, done=True)
    Labelling.objects.filter(pk=old_cycle.pk).update(status="ended", ended_on=datetime.date(2016, 1, 1))
    new_plan = ActionPlan.objects.create(prefecture=world.prefecture, title="Plan 2016")

    copies = services.actions_copy_open_to_plan(by=qm, from_plan=old_plan, to_plan=new_plan)

    assert [(c.title, c.status, c.progress, c.engagement, c.site) for c in copies] == [
        (open_action.title, "in_progress", 40, engagement, world.site)
    ]
    open_action.refresh_from_db()
    assert open_action.status == "abandoned"
    assert "Plan 2016" in open_action.abandon_reason
    assert services.actions_copy_open_to_plan(by=qm, from_plan=old_plan, to_plan=new_plan) == []


def test_only_the_quality_manager_copies_actions_and_only_within_the_prefecture(world, objects, qm, referent):
    with pytest.raises(PermissionDenied):
        services.actions_copy_open_to_plan(by=referent, from_plan=objects.old_plan, to_plan=objects.plan)
    with pytest.raises(ValidationError, match="même préfecture"):
        services.actions_copy_open_to_plan(by=qm, from_plan=objects.foreign_plan, to_plan=objects.plan)
    with pytest.raises(ValidationError, match="autre plan"):
        services.actions_copy_open_to_plan(by=qm, from_plan=objects.plan, to_plan=objects.plan)


def test_a_plan_belongs_to_a_cycle_of_its_own_prefecture(world, qm):
    foreign_cycle = factories.LabellingFactory(prefecture=world.foreign_prefecture)
    with pytest.raises(ValidationError, match="autre préfecture"):
        services.action_plan_create(by=qm, prefecture=world.prefecture, title="Plan", labelling=foreign_cycle)
    with pytest.raises(PermissionDenied):
        services.action_plan_create(by=world.users["manager"], prefecture=world.prefecture, title="Plan")


# --- history --------------------------------------------------------------------------------------


def test_the_history_says_who_changed_what_and_when_newest_first(world, objects, qm):
    action = objects.own
    services.action_update(by=qm, action=action, status="in_progress", progress=30, owner=qm)

    latest, creation = services.action_history(action)

    assert creation.kind == "creation"
    assert latest.user == qm
    changes = {change.field: (change.old_display, change.new_display) for change in latest.changes}
    assert changes == {
        "owner": ("—", qm.get_full_name()),
        "status": ("À lancer", "En cours"),
        "progress": ("0 %", "30 %"),
    }

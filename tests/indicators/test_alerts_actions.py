"""Deadline alerts of the actions of the action plans: 7 days before the due date (settings) and once overdue, to
the owner and the site's referents (the prefecture's quality managers for a prefecture-wide action); nobody else,
and nobody twice whatever the number of runs."""

import datetime

import pytest
from django.urls import reverse

from accounts.models import Notification
from indicators import alerts
from tests import factories

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 4, 15)


def _run(today=TODAY):
    return alerts.collect_and_notify(today, collectors={"actions"})["actions"]


def _keys(user):
    return sorted(Notification.objects.filter(recipient=user).values_list("key", flat=True))


def _action(world, *, due_on, site=True, **kwargs):
    plan = factories.ActionPlanFactory(prefecture=world.prefecture)
    return factories.ActionFactory(plan=plan, site=world.site if site else None, due_on=due_on, **kwargs)


def test_an_action_due_within_7_days_alerts_its_owner_and_the_sites_referents(world):
    owner = factories.MembershipFactory(agent=True, site=world.site).user
    action = _action(world, due_on=TODAY + datetime.timedelta(days=5), owner=owner)

    assert _run() == 2

    key = f"action:{action.pk}:2026-04-20:7d"
    assert _keys(owner) == [key]
    assert _keys(world.users["site_referent"]) == [key]
    notice = Notification.objects.get(recipient=owner)
    assert notice.kind == "action_due"
    assert notice.url == reverse("action_detail", kwargs={"pk": action.pk})
    assert "20/04/2026" in notice.title and "dans 5 jours" in notice.title
    assert notice.due_on == datetime.date(2026, 4, 20)


def test_nobody_outside_the_scope_is_told(world):
    _action(world, due_on=TODAY + datetime.timedelta(days=2))

    _run()

    told = set(Notification.objects.values_list("recipient__username", flat=True))
    assert told == {"referent"}  # not the quality manager, the agent, the manager, the auditor, nor the foreign QM


def test_nothing_before_the_threshold_nor_for_a_closed_action(world):
    _action(world, due_on=TODAY + datetime.timedelta(days=8))
    _action(world, due_on=TODAY - datetime.timedelta(days=3), done=True)
    _action(world, due_on=TODAY - datetime.timedelta(days=3), abandoned=True)
    _action(world, due_on=None)

    assert _run() == 0
    assert not Notification.objects.exists()


def test_an_overdue_action_alerts_once_more_and_a_second_run_adds_nothing(world):
    action = _action(world, due_on=TODAY + datetime.timedelta(days=3), in_progress=True)
    _run()

    _run(TODAY + datetime.timedelta(days=4))
    _run(TODAY + datetime.timedelta(days=4))
    _run(TODAY + datetime.timedelta(days=5))

    assert _keys(world.users["site_referent"]) == [
        f"action:{action.pk}:2026-04-18:7d",
        f"action:{action.pk}:2026-04-18:overdue",
    ]
    assert Notification.objects.get(key__endswith="overdue").kind == "action_overdue"
    world.users["site_referent"].refresh_from_db()
    assert world.users["site_referent"].unread_notifications == 2


def test_a_prefecture_wide_action_alerts_the_quality_managers_of_its_prefecture(world):
    action = _action(world, site=False, due_on=TODAY - datetime.timedelta(days=1))

    _run()

    assert _keys(world.users["quality_manager"]) == [f"action:{action.pk}:2026-04-14:overdue"]
    assert set(Notification.objects.values_list("recipient__username", flat=True)) == {"qm"}


def test_a_site_without_referent_falls_back_on_the_quality_managers(world):
    plan = factories.ActionPlanFactory(prefecture=world.prefecture)
    factories.ActionFactory(plan=plan, site=world.sister_site, due_on=TODAY)

    _run()

    assert set(Notification.objects.values_list("recipient__username", flat=True)) == {"qm"}


def test_an_inactive_owner_is_not_told(world):
    owner = factories.UserFactory(is_active=False)
    _action(world, due_on=TODAY, owner=owner)

    _run()

    assert not Notification.objects.filter(recipient=owner).exists()


def test_old_overdue_actions_are_left_out(world):
    _action(world, due_on=TODAY - datetime.timedelta(days=200))

    assert _run() == 0


def test_the_thresholds_come_from_the_settings(world, settings):
    settings.QUALIPREF_ACTION_ALERT_DAYS = [1, 14]
    action = _action(world, due_on=TODAY + datetime.timedelta(days=10))

    _run()
    _run(TODAY + datetime.timedelta(days=9))

    assert _keys(world.users["site_referent"]) == [
        f"action:{action.pk}:2026-04-25:14d",
        f"action:{action.pk}:2026-04-25:1d",
    ]


def test_the_collector_costs_the_same_queries_for_one_action_or_many(world, django_assert_max_num_queries):
    from indicators.alerts import actions

    _action(world, due_on=TODAY)
    with django_assert_max_num_queries(2):
        assert len(actions.collect(TODAY)) == 1
    for days in range(20):
        _action(world, due_on=TODAY - datetime.timedelta(days=days), owner=factories.UserFactory())
    with django_assert_max_num_queries(2):
        assert len(actions.collect(TODAY)) == 21 + 20

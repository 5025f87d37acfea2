"""Yearly obligations of a prefecture: a comité local des usagers and a satisfaction survey at least every 12
months; its quality managers are told 30 days before the anniversary of the latest one, then once it is late."""

import datetime

import pytest

from accounts.models import Notification
from indicators import alerts
from tests import factories
from tests.surveys.factories import CampaignFactory

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 4, 15)


def _run(name, today=TODAY):
    return alerts.collect_and_notify(today, collectors={name})[name]


def _told():
    return sorted(Notification.objects.values_list("recipient__username", "key"))


def test_a_clu_held_11_months_ago_alerts_the_quality_manager_a_month_before_its_anniversary(world):
    factories.MeetingFactory(prefecture=world.prefecture, clu=True, held_on=datetime.date(2025, 5, 1))
    factories.MeetingFactory(prefecture=world.foreign_prefecture, clu=True, held_on=datetime.date(2025, 12, 1))

    _run("yearly_clu")
    _run("yearly_clu")

    pk = world.prefecture.pk
    assert _told() == [("qm", f"yearly_clu:prefecture:{pk}:2025-05-01:30d")]
    notice = Notification.objects.get()
    assert notice.kind == "yearly_clu_due" and notice.due_on == datetime.date(2026, 5, 1)


def test_no_clu_in_the_last_12_months_is_late_and_a_copil_does_not_count(world):
    factories.MeetingFactory(prefecture=world.prefecture, clu=True, held_on=datetime.date(2025, 3, 1))
    factories.MeetingFactory(prefecture=world.prefecture, held_on=datetime.date(2026, 4, 1))  # COPIL
    factories.MeetingFactory(prefecture=world.foreign_prefecture, clu=True, held_on=datetime.date(2026, 1, 1))

    _run("yearly_clu")

    assert _told() == [("qm", f"yearly_clu:prefecture:{world.prefecture.pk}:2025-03-01:overdue")]
    assert Notification.objects.get().kind == "yearly_clu_overdue"


def test_a_prefecture_that_never_held_a_clu_is_told_once(world):
    for _ in range(2):
        _run("yearly_clu")

    assert _told() == [
        ("qm", f"yearly_clu:prefecture:{world.prefecture.pk}:never:overdue"),
        ("qm94", f"yearly_clu:prefecture:{world.foreign_prefecture.pk}:never:overdue"),
    ]


def test_a_recent_clu_or_survey_alerts_nobody(world):
    for prefecture in (world.prefecture, world.foreign_prefecture):
        factories.MeetingFactory(prefecture=prefecture, clu=True, held_on=datetime.date(2026, 1, 10))
        CampaignFactory(
            prefecture=prefecture, opens_on=datetime.date(2025, 10, 1), closes_on=datetime.date(2025, 11, 1)
        )

    assert _run("yearly_clu") == 0
    assert _run("yearly_survey") == 0


def test_no_survey_in_the_last_12_months_alerts_the_quality_manager_and_a_draft_does_not_count(world):
    CampaignFactory(
        prefecture=world.prefecture,
        opens_on=datetime.date(2025, 3, 1),
        closes_on=datetime.date(2025, 4, 1),
        status="closed",
    )
    CampaignFactory(prefecture=world.prefecture, draft=True, opens_on=datetime.date(2026, 4, 1))
    CampaignFactory(
        prefecture=world.foreign_prefecture, opens_on=datetime.date(2026, 4, 1), closes_on=datetime.date(2026, 5, 1)
    )

    _run("yearly_survey")
    _run("yearly_survey")

    assert _told() == [("qm", f"yearly_survey:prefecture:{world.prefecture.pk}:2025-03-01:overdue")]
    assert Notification.objects.get().kind == "yearly_survey_overdue"


def test_the_yearly_collectors_cost_the_same_queries_for_one_prefecture_or_many(world, django_assert_max_num_queries):
    from indicators.alerts import yearly

    with django_assert_max_num_queries(2):
        assert len(yearly.collect_clu(TODAY)) == 2
    for code in ("01", "02", "03", "04", "05"):
        prefecture = factories.PrefectureFactory(department=factories.DepartmentFactory(code=code))
        factories.MembershipFactory(prefecture=prefecture)
        factories.MeetingFactory(prefecture=prefecture, clu=True, held_on=datetime.date(2025, 1, 1))
        CampaignFactory(prefecture=prefecture, opens_on=datetime.date(2025, 1, 1), closes_on=datetime.date(2025, 2, 1))
    with django_assert_max_num_queries(2):
        assert len(yearly.collect_clu(TODAY)) == 7
    with django_assert_max_num_queries(2):
        assert len(yearly.collect_survey(TODAY)) == 7

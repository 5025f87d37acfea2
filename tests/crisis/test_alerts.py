"""The roster's gap alert (indicators.alerts.crisis): the coming 14 days of a prefecture that keeps a roster have
hours no shift covers: its quality managers are told once per gap."""

import datetime

import pytest

from accounts.models import Notification
from indicators import alerts
from indicators.alerts import crisis
from tests import factories
from tests.crisis.conftest import paris

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2026, 4, 15)


def test_a_gap_in_the_coming_weeks_alerts_the_quality_manager_once(world, qm):
    factories.OnCallShiftFactory(
        prefecture=world.prefecture, starts_at=paris(2026, 4, 1, 9), ends_at=paris(2026, 4, 20, 9)
    )
    factories.OnCallShiftFactory(
        prefecture=world.prefecture, starts_at=paris(2026, 4, 21, 9), ends_at=paris(2026, 5, 4, 9)
    )

    notices = crisis.collect(TODAY)

    assert [(n.recipient_id, n.kind, n.title, n.due_on) for n in notices] == [
        (
            qm.pk,
            "on_call_gap",
            "Astreinte de crise non couverte à partir du 20/04/2026 09:00",
            datetime.date(2026, 4, 20),
        )
    ]
    assert "1 période(s) sans astreinte (24 h)" in notices[0].body
    alerts.collect_and_notify(TODAY, collectors=["on_call_gaps"])
    alerts.collect_and_notify(TODAY, collectors=["on_call_gaps"])
    assert Notification.objects.filter(kind="on_call_gap").count() == 1


def test_a_covered_roster_and_a_prefecture_without_roster_give_no_alert(world):
    factories.OnCallShiftFactory(
        prefecture=world.prefecture, starts_at=paris(2026, 4, 1, 9), ends_at=paris(2026, 5, 4, 9)
    )

    assert crisis.collect(TODAY) == []  # the foreign prefecture keeps no roster in Qualipref


def test_a_roster_left_empty_for_the_coming_weeks_is_one_gap(world, qm):
    factories.OnCallShiftFactory(
        prefecture=world.prefecture, starts_at=paris(2026, 3, 1, 9), ends_at=paris(2026, 3, 8, 9)
    )

    (notice,) = crisis.collect(TODAY)

    assert notice.title == "Astreinte de crise non couverte à partir du 15/04/2026 00:00"
    assert "(336 h)" in notice.body

"""Demo data of the crisis registers: Bouches-du-Rhône's roster with one gap in the coming weeks, its two 2015
exercises (one with the CIP), a real event, press releases; the crisis indicators computed from them; loading it
twice changes nothing."""

import datetime

import pytest
from django.utils import timezone

from crisis import demo, roster
from crisis.models import CrisisEvent, OnCallShift, PressRelease
from indicators.models import Measurement
from tests.checks import assert_no_new_rows

pytestmark = pytest.mark.django_db


@pytest.fixture
def loaded(demo_data):
    demo.load()


def test_the_roster_of_the_coming_weeks_has_one_gap(loaded):
    prefecture_id = OnCallShift.objects.values_list("prefecture_id", flat=True).first()
    start, end = roster.window(timezone.localdate())

    (gap,) = roster.gaps([prefecture_id], start, end)[prefecture_id]

    assert (gap.hours, timezone.localtime(gap.starts_at).hour) == (12, 8)
    assert timezone.localdate(gap.starts_at) == timezone.localdate() + datetime.timedelta(days=demo.GAP_DAY)


def test_the_2015_exercises_the_event_and_the_press_releases(loaded):
    events = CrisisEvent.objects.filter(prefecture__department_id="13", alert_received_at__year=2015)

    exercises = events.filter(kind="exercise").order_by("alert_received_at")
    assert [(e.with_cip, e.activation_minutes) for e in exercises] == [(True, 45), (False, 38)]
    assert events.filter(kind="event").count() == 1
    assert exercises[0].lessons.filter(action__source="crisis_exercise").count() == 1
    assert list(PressRelease.objects.filter(year=2015).order_by("number").values_list("number", flat=True)) == [
        1,
        2,
        3,
        4,
    ]


def test_the_crisis_indicators_come_from_the_demo(loaded):
    computed = Measurement.objects.filter(prefecture__department_id="13", source="computed")

    assert (
        computed.filter(indicator__code="crisis_cell_activation_minutes", period=datetime.date(2015, 3, 1)).get().value
        == 45
    )
    assert computed.filter(indicator__code="phone_on_call_coverage_rate").exists()


def test_loading_the_demo_twice_changes_nothing(loaded):
    assert_no_new_rows(demo.load, OnCallShift.objects, CrisisEvent.objects, PressRelease.objects, OnCallShift.history)

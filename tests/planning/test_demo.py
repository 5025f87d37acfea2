"""Demo data of the programme: the rules of the 2015 review, the 2015 programme fulfilled by the demo's meetings,
audits and survey, this year's with what is done and what is late; a second load changes nothing."""

import datetime

import pytest
from django.utils import timezone

from planning import demo
from planning.models import PlannedItem, ProgrammeRule
from tests.checks import assert_no_new_rows

pytestmark = pytest.mark.django_db


def test_the_2015_programme_of_the_bouches_du_rhone_is_fulfilled_by_the_demos_records(demo_data):
    counts = PlannedItem.objects.filter(prefecture__department_id="13", year=2015).kind_counts()

    assert counts["copil"] == {"planned": 12, "fulfilled": 12, "late": 0}
    assert counts["clu"] == {"planned": 1, "fulfilled": 1, "late": 0}
    assert counts["survey"]["fulfilled"] == counts["internal_audit"]["fulfilled"] == 1
    clu = PlannedItem.objects.get(prefecture__department_id="13", year=2015, kind="clu")
    assert clu.fulfilled_on == datetime.date(2015, 4, 16)


def test_this_years_programme_shows_what_is_done_and_what_is_late(demo_data):
    today = timezone.localdate()
    items = PlannedItem.objects.filter(prefecture__department_id="13", year=today.year)

    copils = items.kind_counts(today)["copil"]
    assert copils["planned"] == 12
    # The months before this one are held but two (late, when the year has gone that far).
    missed = len([ago for ago in demo.MISSED_MONTHS_AGO if ago < today.month])
    assert copils["late"] == missed
    assert copils["fulfilled"] == today.month - 1 - missed
    assert ProgrammeRule.objects.filter(prefecture__department_id="94").count() == 3


def test_loading_the_demo_programme_twice_changes_nothing(demo_data):
    assert_no_new_rows(demo.load, PlannedItem.objects, ProgrammeRule.objects)

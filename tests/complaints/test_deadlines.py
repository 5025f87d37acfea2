"""Due dates in working days, in the calendar of the complaint's site (Alsace-Moselle, closures)."""

import datetime

import pytest

from complaints import deadlines
from tests import factories

pytestmark = pytest.mark.django_db

# Thursday 2 April 2026: Good Friday (3 April) is a public holiday in Moselle only; Easter Monday (6 April) everywhere.
RECEIVED = datetime.date(2026, 4, 2)


def test_the_due_date_is_the_15th_working_day_after_receipt_on_the_mainland(world):
    assert deadlines.due_date(world.site, RECEIVED) == datetime.date(2026, 4, 24)


def test_good_friday_pushes_the_due_date_of_a_moselle_site_one_working_day_later(moselle_site):
    assert deadlines.due_date(moselle_site, RECEIVED) == datetime.date(2026, 4, 27)


def test_a_closure_of_the_site_pushes_its_due_date(world):
    factories.SiteClosureFactory(
        site=world.site, start_on=datetime.date(2026, 4, 13), end_on=datetime.date(2026, 4, 14)
    )

    assert deadlines.due_date(world.site, RECEIVED) == datetime.date(2026, 4, 28)
    assert deadlines.due_date(world.sister_site, RECEIVED) == datetime.date(2026, 4, 24)


def test_an_answer_on_the_due_date_is_in_time_and_the_next_working_day_is_late(world):
    due_on = deadlines.due_date(world.site, RECEIVED)

    on_time = deadlines.answer_facts(world.site, received_on=RECEIVED, due_on=due_on, answered_on=due_on)
    late = deadlines.answer_facts(
        world.site, received_on=RECEIVED, due_on=due_on, answered_on=datetime.date(2026, 4, 27)
    )

    assert (on_time.delay, on_time.in_time) == (15, True)
    assert (late.delay, late.in_time) == (16, False)


def test_remaining_working_days_count_down_to_the_due_date_then_count_the_days_late(world):
    due_on = datetime.date(2026, 4, 24)  # a Friday
    complaints = [factories.ComplaintFactory.build(site=world.site, due_on=due_on, answered_on=None) for _ in range(4)]
    days = [
        datetime.date(2026, 4, 20),
        datetime.date(2026, 4, 24),
        datetime.date(2026, 4, 26),
        datetime.date(2026, 4, 28),
    ]

    remaining = []
    for complaint, today in zip(complaints, days, strict=True):
        deadlines.attach_remaining_working_days([complaint], today=today)
        remaining.append(complaint.remaining_working_days)

    # Monday: 4 days left; Friday: the last day; the Sunday after: not a working day late yet; Tuesday: 2 late.
    assert remaining == [4, 0, 0, -2]
    assert complaints[3].days_late == 2


def test_answered_complaints_have_no_remaining_days(world):
    complaint = factories.ComplaintFactory(site=world.site, answered=True)

    deadlines.attach_remaining_working_days([complaint], today=datetime.date(2026, 3, 5))

    assert complaint.remaining_working_days is None


def test_remaining_days_of_many_sites_cost_two_queries(world, moselle_site, django_assert_num_queries):
    complaints = [
        factories.ComplaintFactory(site=site, received_on=datetime.date(2026, 3, day))
        for site in (world.site, world.sister_site, world.foreign_site, moselle_site)
        for day in (2, 9, 16)
    ]

    with django_assert_num_queries(2):  # the sites with their département, their closures
        deadlines.attach_remaining_working_days(complaints, today=datetime.date(2026, 3, 20))

    assert all(isinstance(complaint.remaining_working_days, int) for complaint in complaints)

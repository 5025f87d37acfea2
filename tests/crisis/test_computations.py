"""The crisis indicators come from the registers: ``phone_on_call_coverage_rate`` (minutes of the month covered by
a shift, from the month of the prefecture's first shift) and ``crisis_cell_activation_minutes`` (the last event or
exercise of the month); an incremental run sees a shift deleted (the roster's history); the rollups follow."""

import datetime
from decimal import Decimal

import pytest

from crisis import roster, services
from indicators.models import Indicator, Measurement
from indicators.services import compute
from tests import factories
from tests.crisis.conftest import paris
from tests.indicators.test_rollups import assert_rollups_are_the_aggregates

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2015, 4, 15)
COVERAGE = "phone_on_call_coverage_rate"
ACTIVATION = "crisis_cell_activation_minutes"


def _values(code, prefecture):
    return {
        m.period: (m.value, m.numerator, m.denominator)
        for m in Measurement.objects.filter(indicator__code=code, prefecture=prefecture).order_by("period")
    }


@pytest.fixture
def roster_with_a_gap(world, qm):
    """From Monday 23/02/2015 9:00 to Monday 06/04/2015 9:00, but 10/03/2015 from 8:00 to 20:00."""
    common = {"by": qm, "prefecture": world.prefecture, "phone": "06 12 34 56 78"}
    first = services.shift_create(
        starts_at=paris(2015, 2, 23, 9), ends_at=paris(2015, 3, 10, 8), person_name="Anne Vidal", **common
    )
    second = services.shift_create(
        starts_at=paris(2015, 3, 10, 20), ends_at=paris(2015, 4, 6, 9), person_name="Thomas Blanc", **common
    )
    return first, second


def test_both_crisis_indicators_are_computed_now(db):
    for code in (COVERAGE, ACTIVATION):
        assert Indicator.objects.get(code=code).source == Indicator.Source.COMPUTED


def test_the_coverage_counts_the_minutes_of_each_month_with_a_gap(world, roster_with_a_gap):
    compute.compute(codes=[COVERAGE], today=TODAY)

    march_minutes = (31 * 24 - 1) * 60  # the change to summer time: 743 hours
    assert _values(COVERAGE, world.prefecture) == {
        datetime.date(2015, 2, 1): (Decimal("20.09"), 135 * 60, 28 * 24 * 60),
        datetime.date(2015, 3, 1): (Decimal("98.38"), march_minutes - 12 * 60, march_minutes),
        datetime.date(2015, 4, 1): (Decimal("17.92"), 129 * 60, 30 * 24 * 60),
    }
    assert not Measurement.objects.filter(indicator__code=COVERAGE, prefecture=world.foreign_prefecture).exists()
    assert_rollups_are_the_aggregates()


def test_a_deleted_shift_is_seen_by_the_incremental_run(world, qm, roster_with_a_gap):
    compute.run_full(today=TODAY)
    first, _second = roster_with_a_gap

    services.shift_delete(by=qm, shift=first)
    compute.run_changes(today=TODAY)

    values = _values(COVERAGE, world.prefecture)
    assert datetime.date(2015, 2, 1) not in values  # the roster now starts in March
    assert values[datetime.date(2015, 3, 1)][1] == (31 * 24 - 1 - 9 * 24 - 20) * 60
    assert_rollups_are_the_aggregates()


def test_the_activation_delay_is_the_last_event_of_the_month(world, qm):
    common = {"by": qm, "prefecture": world.prefecture, "kind": "exercise"}
    services.event_create(
        title="Exercice inondation",
        alert_received_at=paris(2015, 3, 18, 14, 5),
        operational_at=paris(2015, 3, 18, 14, 50),
        **common,
    )
    services.event_create(
        title="Exercice accident industriel",
        alert_received_at=paris(2015, 3, 25, 9, 10),
        operational_at=paris(2015, 3, 25, 10, 20),
        **common,
    )
    factories.CrisisEventFactory(prefecture=world.foreign_prefecture, alert_received_at=paris(2015, 4, 1, 0, 30))

    compute.compute(codes=[ACTIVATION], today=TODAY)

    assert _values(ACTIVATION, world.prefecture) == {datetime.date(2015, 3, 1): (Decimal("70.00"), None, None)}
    # 01/04 at 00:30 in Paris, still 31/03 in UTC: April's (a month is read in Paris time)
    assert list(_values(ACTIVATION, world.foreign_prefecture)) == [datetime.date(2015, 4, 1)]
    assert_rollups_are_the_aggregates()


def test_an_event_moved_to_another_month_moves_its_measurement_in_the_incremental_run(world, qm):
    event = services.event_create(
        by=qm,
        prefecture=world.prefecture,
        kind="exercise",
        title="Exercice inondation",
        alert_received_at=paris(2015, 3, 18, 14, 5),
        operational_at=paris(2015, 3, 18, 14, 50),
    )
    compute.run_full(today=TODAY)

    services.event_update(
        by=qm, event=event, alert_received_at=paris(2015, 2, 18, 14, 5), operational_at=paris(2015, 2, 18, 14, 35)
    )
    compute.run_changes(today=TODAY)

    assert _values(ACTIVATION, world.prefecture) == {datetime.date(2015, 2, 1): (Decimal("30.00"), None, None)}


def test_the_roster_walk_reads_gaps_and_coverage_the_same_way(world, roster_with_a_gap):
    start, end = paris(2015, 3, 1, 0), paris(2015, 4, 1, 0)

    gaps = roster.gaps([world.prefecture.pk, world.foreign_prefecture.pk], start, end)

    assert [(gap.starts_at, gap.ends_at) for gap in gaps[world.prefecture.pk]] == [
        (paris(2015, 3, 10, 8), paris(2015, 3, 10, 20))
    ]
    assert [(gap.starts_at, gap.ends_at) for gap in gaps[world.foreign_prefecture.pk]] == [(start, end)]

"""Prefecture and national figures added up by the database: the ratio of the sums for rates, never the mean of
the sites' rates; weighted means for delays; sums for counts."""

import datetime
from decimal import Decimal

import pytest
from django.db.models import Q

from indicators.models import Measurement
from indicators.services import aggregates
from tests import factories
from tests.indicators.factories import MeasurementFactory, indicator

pytestmark = pytest.mark.django_db
MARCH = datetime.date(2026, 3, 1)


def _by_prefecture(code):
    rows = aggregates.per_prefecture(Measurement.objects.filter(indicator__code=code))
    return {row.prefecture_id: row for row in rows}


def test_a_prefecture_s_rate_is_the_ratio_of_its_sites_totals(world):
    # Arles: 10 lost of 100 calls (10 %); Istres: 90 of 900 is 10 % too; a third site: 0 of 1000.
    MeasurementFactory(lost_calls=True, site=world.site, numerator=10, denominator=100, value=10)
    MeasurementFactory(lost_calls=True, site=world.sister_site, numerator=90, denominator=900, value=10)
    big = factories.SiteFactory(prefecture=world.prefecture)
    MeasurementFactory(lost_calls=True, site=big, numerator=0, denominator=1000, value=0)

    row = _by_prefecture("lost_calls_rate")[world.prefecture.pk]

    # The mean of the rates would say 6,67 %: 100 calls lost out of 2,000 make 5 %.
    assert (row.value, row.numerator, row.denominator, row.places, row.method) == (
        Decimal("5.00"),
        100,
        2000,
        3,
        "ratio",
    )


def test_the_national_rate_adds_up_every_prefecture(world):
    MeasurementFactory(lost_calls=True, site=world.site, numerator=30, denominator=100, value=30)
    MeasurementFactory(lost_calls=True, site=world.foreign_site, numerator=10, denominator=900, value=1.11)

    (row,) = aggregates.national(Measurement.objects.filter(indicator__code="lost_calls_rate"))

    assert (row.prefecture_id, row.value, row.numerator, row.denominator) == (None, Decimal("4.00"), 40, 1000)


def test_a_rate_typed_without_its_counts_makes_the_prefecture_a_plain_mean_and_says_so(world):
    MeasurementFactory(lost_calls=True, site=world.site, numerator=10, denominator=100, value=10)
    MeasurementFactory(indicator=indicator("lost_calls_rate"), site=world.sister_site, value=20)

    row = _by_prefecture("lost_calls_rate")[world.prefecture.pk]

    assert (row.value, row.method, row.numerator) == (Decimal("15.00"), "mean", None)
    assert row.method_label == "moyenne simple (effectifs non renseignés)"


def test_a_delay_is_weighted_by_the_number_of_titles(world):
    delay = indicator("id_card_delay_days")
    MeasurementFactory(indicator=delay, site=world.site, value=20, denominator=100)
    MeasurementFactory(indicator=delay, site=world.sister_site, value=5, denominator=300)

    row = _by_prefecture("id_card_delay_days")[world.prefecture.pk]

    assert (row.value, row.denominator, row.method) == (Decimal("8.75"), 400, "weighted")


def test_a_count_is_the_sum(world):
    visitors = indicator("counter_visitors")
    MeasurementFactory(indicator=visitors, site=world.site, value=4000)
    MeasurementFactory(indicator=visitors, site=world.sister_site, value=2500)

    assert _by_prefecture("counter_visitors")[world.prefecture.pk].value == 6500


def test_prefecture_wide_measurements_and_the_sites_add_up_together(world):
    # Actions of Arles (1 of 2 on time) and prefecture-wide ones (3 of 3): 4 of 5.
    actions = indicator("actions_on_time")
    MeasurementFactory(indicator=actions, site=world.site, numerator=1, denominator=2, value=50, source="computed")
    MeasurementFactory(
        indicator=actions,
        site=None,
        prefecture=world.prefecture,
        numerator=3,
        denominator=3,
        value=100,
        source="computed",
    )

    assert _by_prefecture("actions_on_time")[world.prefecture.pk].value == 80


def test_one_query_whatever_the_number_of_rows(world, django_assert_num_queries):
    for month in range(1, 13):
        MeasurementFactory(lost_calls=True, site=world.site, period=datetime.date(2025, month, 1))
        MeasurementFactory(lost_calls=True, site=world.foreign_site, period=datetime.date(2025, month, 1))

    with django_assert_num_queries(1):
        rows = aggregates.per_prefecture(Measurement.objects.filter(Q(period__year=2025)))

    assert len(rows) == 24


def test_a_ratio_or_weighted_mean_over_no_effectif_has_no_value():
    """Computed in Python from the sums (aggregates.figures): a denominator of zero gives no value (PostgreSQL's
    double precision division would have failed the query, SQLite's answered NULL)."""
    row = {"places": 2, "counted": 2, "weighted": 2, "sum_numerator": 0, "sum_denominator": 0, "sum_value": None}
    assert aggregates._method_and_value({**row, "indicator__unit": "percent"}) == ("ratio", None)
    assert aggregates._method_and_value({**row, "indicator__unit": "days", "sum_weighted": 0}) == ("weighted", None)
    counted = {**row, "sum_numerator": 5, "sum_denominator": 40, "indicator__unit": "percent"}
    assert aggregates._method_and_value(counted) == ("ratio", 12.5)

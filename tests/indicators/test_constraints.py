"""What the database itself refuses, whatever writes: rates over 100 %, negative values, a numerator above its
denominator, two measurements of the same month; and the catalogue's targets."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from indicators.models import Indicator, Measurement
from tests import factories
from tests.indicators.factories import MeasurementFactory, indicator, prefecture_wide_indicator

pytestmark = pytest.mark.django_db


def _refused(**kwargs):
    with pytest.raises(IntegrityError), transaction.atomic():
        MeasurementFactory(**kwargs)


def test_a_rate_over_100_is_refused_by_the_database():
    _refused(value=100.5)


def test_a_negative_value_is_refused_by_the_database():
    _refused(indicator=indicator("id_card_delay_days"), value=-1)


def test_a_numerator_above_its_denominator_is_refused_by_the_database():
    _refused(lost_calls=True, numerator=120, denominator=100, value=100)


def test_a_numerator_without_denominator_and_a_zero_denominator_are_refused():
    _refused(lost_calls=True, denominator=None)
    _refused(indicator=indicator("id_card_delay_days"), value=8, denominator=0)


def test_a_second_measurement_of_the_same_site_and_month_is_refused():
    first = MeasurementFactory()
    _refused(site=first.site, period=first.period)
    MeasurementFactory(site=first.site, period=datetime.date(2026, 2, 1))  # another month is fine


def test_a_second_prefecture_wide_measurement_of_the_same_month_is_refused():
    prefecture = factories.PrefectureFactory()
    crisis = prefecture_wide_indicator()
    MeasurementFactory(indicator=crisis, site=None, prefecture=prefecture, value=45)
    _refused(indicator=crisis, site=None, prefecture=prefecture, value=50)


def test_the_intermediate_target_must_be_easier_than_the_target():
    lost = Indicator.objects.get(code="lost_calls_rate")  # lower is better: 10 %, intermediate 15 %
    lost.intermediate_target = 5
    with pytest.raises(ValidationError, match="au-dessus de l'objectif"):
        lost.full_clean()
    with pytest.raises(IntegrityError), transaction.atomic():
        lost.save()


def test_a_rate_target_stays_within_100():
    pickup = Indicator.objects.get(code="pickup_rate")
    pickup.target = 120
    with pytest.raises(ValidationError, match="entre 0 et 100"):
        pickup.full_clean()


@pytest.mark.parametrize(
    ("code", "value", "status"),
    [
        ("lost_calls_rate", 9.99, "on_target"),
        ("lost_calls_rate", 10, "intermediate"),  # « moins de 10 % »: 10 % misses it
        ("lost_calls_rate", 14.99, "intermediate"),
        ("lost_calls_rate", 15, "off_target"),  # the intermediate target « moins de 15 % » keeps the same strictness
        ("pickup_rate", 90, "on_target"),
        ("pickup_rate", 86, "intermediate"),
        ("pickup_rate", 80, "off_target"),
        ("counter_visitors", 4000, "no_target"),
    ],
)
def test_the_traffic_light_is_the_same_in_python_and_in_the_database(code, value, status):
    measurement = MeasurementFactory(indicator=indicator(code), value=value)

    assert measurement.indicator.status_of(measurement.value) == status
    assert Measurement.objects.with_status().get(pk=measurement.pk).status == status


def test_an_indicator_is_stale_when_a_month_is_missing_after_its_delay():
    lost = Indicator.objects.get(code="lost_calls_rate")  # monthly, 45 days
    today = datetime.date(2026, 4, 15)

    # The March figure is due by 15 May: on 15 April, February is the latest month expected.
    assert lost.expected_period(today) == datetime.date(2026, 2, 1)
    assert not lost.is_stale(datetime.date(2026, 2, 1), today)
    assert lost.is_stale(datetime.date(2026, 1, 1), today)
    assert lost.is_stale(None, today)
    assert lost.next_due_on(datetime.date(2026, 2, 1)) == datetime.date(2026, 5, 15)  # March, 45 days after its end


def test_a_yearly_indicator_stays_fresh_for_a_year():
    phone = Indicator.objects.get(code="satisfaction_phone")  # yearly, 60 days
    today = datetime.date(2026, 4, 15)

    assert not phone.is_stale(datetime.date(2025, 6, 1), today)
    assert phone.is_stale(datetime.date(2025, 1, 1), today)

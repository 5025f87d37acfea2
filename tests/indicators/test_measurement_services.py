"""Entering a measurement: French messages for what is wrong, who may enter what, an upsert with its history."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from indicators.models import Indicator, Measurement
from indicators.services import measurements as services
from tests.indicators.conftest import TODAY
from tests.indicators.factories import PREFECTURE_WIDE, MeasurementFactory, indicator, prefecture_wide_indicator

pytestmark = pytest.mark.django_db


def _save(world, role="site_referent", code="peak_hours_displayed_rate", site="own", **kwargs):
    place = {"own": world.site, "sister": world.sister_site, "foreign": world.foreign_site, None: None}[site]
    kwargs.setdefault("period", "2026-03")
    return services.measurement_save(by=world.users[role], indicator=indicator(code), site=place, today=TODAY, **kwargs)


def _message(error):
    return " ".join(" ".join(messages) for messages in error.value.message_dict.values())


def test_a_referent_enters_a_value_of_their_site_with_a_french_decimal(world):
    result = _save(world, code="lost_calls_rate", value="8,5")

    assert result.outcome == "created"
    measurement = Measurement.objects.get()
    assert (measurement.value, measurement.period, measurement.site) == (
        Decimal("8.50"),
        datetime.date(2026, 3, 1),
        world.site,
    )
    assert (measurement.source, measurement.entered_by) == (Indicator.Source.ENTERED, world.users["site_referent"])
    assert measurement.prefecture == world.prefecture and measurement.is_rate


def test_saving_the_same_value_again_changes_nothing_and_a_new_value_updates_it(world):
    _save(world, value="100")
    assert _save(world, value="100").outcome == "unchanged"
    assert _save(world, value="50").outcome == "updated"

    measurement = Measurement.objects.get()
    assert measurement.value == 50
    history = list(measurement.history.order_by("history_date").values_list("history_type", "value", "history_user"))
    user = world.users["site_referent"].pk
    assert history == [("+", Decimal("100.00"), user), ("~", Decimal("50.00"), user)]


def test_a_rate_over_100_is_refused_with_a_clear_message(world):
    with pytest.raises(ValidationError) as error:
        _save(world, value="150")

    assert "Un taux ne peut pas dépasser 100 % (saisi : 150 %)" in _message(error)
    assert not Measurement.objects.exists()


def test_a_negative_delay_is_refused(world):
    with pytest.raises(ValidationError) as error:
        _save(world, code="id_card_delay_days", value="-3")

    assert "ne peut pas être négatif" in _message(error)


def test_a_month_in_the_future_is_refused(world):
    with pytest.raises(ValidationError) as error:
        _save(world, value="100", period="2026-05")

    assert "Mai 2026 n'est pas encore commencé" in _message(error)


@pytest.mark.parametrize("period", ["2026-13", "mars", "2026/03/01", ""])
def test_a_wrong_month_is_refused(world, period):
    with pytest.raises(ValidationError) as error:
        _save(world, value="100", period=period)

    assert "AAAA-MM" in _message(error) or "de 01 à 12" in _message(error)


def test_a_text_that_is_not_a_number_is_refused(world):
    with pytest.raises(ValidationError) as error:
        _save(world, value="huit")

    assert "« huit » n'est pas un nombre" in _message(error)


def test_a_rate_given_with_its_counts_is_computed_from_them(world):
    _save(world, role="quality_manager", code="lost_calls_rate", numerator=12, denominator=150)

    measurement = Measurement.objects.get()
    assert (measurement.value, measurement.numerator, measurement.denominator) == (Decimal("8.00"), 12, 150)


def test_a_numerator_above_its_denominator_is_refused(world):
    with pytest.raises(ValidationError) as error:
        _save(world, code="lost_calls_rate", numerator=160, denominator=150)

    assert "Le numérateur (160) dépasse le dénominateur (150)" in _message(error)


def test_a_value_that_contradicts_its_counts_is_refused(world):
    with pytest.raises(ValidationError) as error:
        _save(world, code="lost_calls_rate", value="20", numerator=12, denominator=150)

    assert "ne correspond pas à 12 / 150" in _message(error)


def test_a_computed_indicator_is_never_entered(world):
    with pytest.raises(ValidationError) as error:
        _save(world, code="complaints_in_time", value="100")

    assert "est calculé par Qualipref" in _message(error)


def test_a_prefecture_wide_indicator_is_entered_by_the_quality_manager_for_the_prefecture(world):
    def save(role):
        return _save(world, role, PREFECTURE_WIDE, site=None, prefecture=world.prefecture, value="45")

    prefecture_wide_indicator()

    result = save("quality_manager")

    assert (result.measurement.site, result.measurement.prefecture) == (None, world.prefecture)
    with pytest.raises(PermissionDenied):
        save("site_referent")


@pytest.mark.parametrize(
    ("role", "site"),
    [
        ("site_referent", "sister"),
        ("agent", "own"),
        ("manager", "own"),
        ("national", "own"),
        ("quality_manager", "foreign"),
    ],
)
def test_who_may_not_enter_a_site_s_indicators_is_refused(world, role, site):
    with pytest.raises(PermissionDenied):
        _save(world, role=role, site=site, value="100")


def test_the_api_creation_refuses_a_month_already_measured(world):
    MeasurementFactory(site=world.site, period=datetime.date(2026, 3, 1))

    with pytest.raises(ValidationError) as error:
        services.measurement_create(
            by=world.users["site_referent"],
            indicator=indicator("peak_hours_displayed_rate"),
            site=world.site,
            period="2026-03",
            value="50",
        )

    assert "existe déjà pour Sous-préfecture d'Arles en mars 2026" in _message(error)


def test_a_new_value_of_an_imported_rate_drops_its_counts(world):
    measurement = MeasurementFactory(lost_calls=True, site=world.site)

    services.measurement_update(by=world.users["site_referent"], measurement=measurement, value="9")

    measurement.refresh_from_db()
    assert (measurement.value, measurement.numerator, measurement.denominator) == (9, None, None)
    assert measurement.source == Indicator.Source.ENTERED


def test_deleting_a_measurement_keeps_its_history(world):
    measurement = _save(world, value="100").measurement

    services.measurement_delete(by=world.users["quality_manager"], measurement=measurement)

    assert not Measurement.objects.exists()
    assert list(Measurement.history.values_list("history_type", flat=True).order_by("history_date")) == ["+", "-"]


def test_a_computed_measurement_cannot_be_changed_or_deleted(world):
    measurement = MeasurementFactory(computed=True, site=world.site)

    with pytest.raises(PermissionDenied):
        services.measurement_update(by=world.users["quality_manager"], measurement=measurement, value="50")
    with pytest.raises(PermissionDenied):
        services.measurement_delete(by=world.users["quality_manager"], measurement=measurement)

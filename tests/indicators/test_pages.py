"""The indicator pages: catalogue, boards of a site, a prefecture and the nation (traffic lights, trends, staleness),
an indicator of a site in detail; each at a fixed number of queries whatever the data."""

import datetime
import re
from html import unescape

import pytest
from django.urls import reverse

from indicators import periods
from tests import factories
from tests.indicators.factories import MeasurementFactory, indicator

pytestmark = pytest.mark.django_db


def _text(response):
    return re.sub(r"\s+", " ", unescape(response.content.decode()))


def _months(last, count=12):
    return periods.months(periods.add_months(last, -(count - 1)), last)


def test_each_role_lands_on_the_board_of_its_scope(login, world):
    assert login("national").get(reverse("indicators_home")).url == reverse("indicators_national")
    assert login("quality_manager").get(reverse("indicators_home")).url == reverse(
        "indicators_prefecture", kwargs={"pk": world.prefecture.pk}
    )
    assert login("agent").get(reverse("indicators_home")).url == reverse(
        "indicators_site", kwargs={"pk": world.site.pk}
    )
    assert login("auditor").get(reverse("indicators_home")).url == reverse("indicator_catalogue")


def test_the_catalogue_lists_every_indicator_with_its_target_and_the_engagements_that_follow_it(login):
    text = _text(login("agent").get(reverse("indicator_catalogue")))

    assert "Taux d'appels perdus" in text and "inférieur à 10 %" in text
    assert "Délai de traitement des passeports" in text and "inférieur à 15 jours" in text
    assert "QP2-M1-E10" in text  # « Moins de 10 % d'appels perdus » names lost_calls_rate


def test_a_site_board_shows_the_latest_value_its_traffic_light_and_its_trend(login, world, today):
    for month, value in ((1, 12), (2, 9), (3, 8.5)):
        MeasurementFactory(lost_calls=True, site=world.site, period=datetime.date(2026, month, 1), value=value)

    response = login("agent").get(reverse("indicators_site", kwargs={"pk": world.site.pk}))

    row = response.context["board"].row("lost_calls_rate")
    assert [cell.value for cell in row.cells][-4:] == [12, 9, 8.5, None]  # April not measured yet
    assert (row.latest.period, row.status, row.stale) == (datetime.date(2026, 3, 1), "on_target", False)
    text = _text(response)
    assert '<tr id="indicator-lost_calls_rate"' in response.content.decode()
    assert "8,5 %" in text and "Atteint" in text
    assert "tendance sur 12 mois — janvier 2026 : 12 % ; février 2026 : 9 % ; mars 2026 : 8,5 %" in text
    assert "<polyline" in response.content.decode()


def test_an_indicator_not_measured_for_too_long_is_stale(login, world, today):
    MeasurementFactory(lost_calls=True, site=world.site, period=datetime.date(2025, 12, 1))

    board = login("quality_manager").get(reverse("indicators_site", kwargs={"pk": world.site.pk})).context["board"]

    row = board.row("lost_calls_rate")
    assert row.stale and row.last_period == datetime.date(2025, 12, 1)
    assert board.counts()["stale"] >= 1


def test_the_prefecture_board_adds_up_its_sites_with_the_ratio_of_sums(login, world, today):
    MeasurementFactory(lost_calls=True, site=world.site, numerator=10, denominator=100, value=10)
    MeasurementFactory(lost_calls=True, site=world.sister_site, numerator=20, denominator=900, value=2.22)

    response = login("manager").get(reverse("indicators_prefecture", kwargs={"pk": world.prefecture.pk}))

    latest = response.context["board"].row("lost_calls_rate").latest
    assert (latest.value, latest.numerator, latest.denominator) == (3, 30, 1000)
    assert list(response.context["sites"]) == [world.site, world.sister_site]


def test_the_national_board_is_for_national_administrators(login, world, today):
    MeasurementFactory(lost_calls=True, site=world.site, numerator=10, denominator=100, value=10)
    MeasurementFactory(lost_calls=True, site=world.foreign_site, numerator=30, denominator=100, value=30)

    response = login("national").get(reverse("indicators_national"))

    assert response.context["board"].row("lost_calls_rate").latest.value == 20
    assert login("quality_manager").get(reverse("indicators_national")).status_code == 403


def test_earlier_months_are_one_link_away(login, world, today):
    MeasurementFactory(lost_calls=True, site=world.site, period=datetime.date(2025, 1, 1))
    client = login("agent")

    response = client.get(reverse("indicators_site", kwargs={"pk": world.site.pk}), {"fin": "2025-04"})

    assert response.context["board"].months == _months(datetime.date(2025, 4, 1))
    assert response.context["next_url"] == "?fin=2026-04"
    assert response.context["board"].row("lost_calls_rate").latest.period == datetime.date(2025, 1, 1)


def test_an_indicator_of_a_site_in_detail_shows_its_chart_its_months_and_who_entered_them(login, world, today):
    from indicators.services import measurements

    for month, value in ((2, "9"), (3, "11")):
        measurements.measurement_save(
            by=world.users["site_referent"],
            indicator=indicator("lost_calls_rate"),
            site=world.site,
            period=f"2026-0{month}",
            value=value,
        )

    response = login("quality_manager").get(
        reverse("indicator_site_detail", kwargs={"pk": world.site.pk, "code": "lost_calls_rate"})
    )

    text = _text(response)
    assert "pygal-chart" in text and "Objectif : inférieur à 10 %" in text  # the trend and its target line
    assert "QP2-M1-E10" in text  # the engagements that follow the indicator
    assert "11 %" in text and "Intermédiaire" in text  # March: above 10 %, under 15 %
    assert [entry.value for entry in response.context["history"]] == [11, 9]
    assert world.users["site_referent"].get_full_name() in text


@pytest.mark.parametrize("months", [1, 12])
def test_a_board_costs_the_same_queries_whatever_the_data(login, world, today, months, django_assert_num_queries):
    for period in _months(datetime.date(2026, 3, 1), months):
        for site in (world.site, world.sister_site):
            MeasurementFactory(lost_calls=True, site=site, period=period)
            MeasurementFactory(indicator=indicator("id_card_delay_days"), site=site, period=period, value=8)
    client = login("quality_manager")
    client.get(reverse("indicators_site", kwargs={"pk": world.site.pk}))  # the session and the user

    # session, user, memberships (scope, navigation), site, indicators, measurements, latest months, recent entries;
    # the DSFR configuration is no longer read (kept by the process: qualipref.site_config)
    with django_assert_num_queries(8):
        client.get(reverse("indicators_site", kwargs={"pk": world.site.pk}))
    # session, user, memberships (scope, navigation), prefecture, indicators, aggregates, latest months, sites, recent;
    # the DSFR configuration is no longer read (kept by the process: qualipref.site_config)
    with django_assert_num_queries(9):
        client.get(reverse("indicators_prefecture", kwargs={"pk": world.prefecture.pk}))


def test_the_site_page_of_another_prefecture_is_not_found(login, world):
    other = factories.SiteFactory(prefecture=world.foreign_prefecture)

    assert login("quality_manager").get(reverse("indicators_site", kwargs={"pk": other.pk})).status_code == 404


def test_the_dashboards_panel_shows_the_key_indicators_of_a_scope(world, today, django_assert_num_queries):
    from django.template.loader import render_to_string

    from indicators.services import boards

    MeasurementFactory(lost_calls=True, site=world.site, value=12, numerator=120, denominator=1000)

    with django_assert_num_queries(3):  # indicators, measurements, latest months
        board = boards.panel(site=world.site)
    html = render_to_string(
        "indicators/_panel.html", {"board": board, "url": "/indicateurs/", "heading": "Indicateurs"}
    )

    assert [row.indicator.code for row in board.rows] == list(boards.PANEL_CODES)
    text = re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", html)))
    assert "Appels perdus 12 % mars 2026 inférieur à 10 % Intermédiaire" in text
    assert boards.panel(prefecture=world.prefecture).row("lost_calls_rate").latest.value == 12
    assert boards.panel().row("lost_calls_rate").latest.value == 12

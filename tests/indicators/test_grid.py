"""The entry grid (months × indicators): each cell saved on change with htmx, a refused value answered with its
French message next to the cell (422), the row's trend and light re-rendered out of band; without JavaScript the
whole grid posts at once."""

import datetime
import re
from html import unescape

import pytest
from django.urls import reverse

from indicators.models import Measurement
from tests.indicators.factories import PREFECTURE_WIDE, MeasurementFactory, indicator, prefecture_wide_indicator

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


def _text(response):
    return re.sub(r"\s+", " ", unescape(response.content.decode()))


def _cell(client, site, code, period, value, **extra):
    return client.post(
        reverse("measurement_cell_site", kwargs={"pk": site.pk}),
        {"indicator": code, "period": period, f"cell:{code}:{period}": value, "fin": "2026-04", **extra},
        **HTMX,
    )


def test_the_grid_has_a_row_per_entered_or_imported_site_indicator_and_a_column_per_month(login, world, today):
    response = login("site_referent").get(reverse("measurement_grid_site", kwargs={"pk": world.site.pk}))

    rows = [item["row"].indicator.code for item in response.context["grid_rows"]]
    assert "lost_calls_rate" in rows and "peak_hours_displayed_rate" in rows
    assert "complaints_in_time" not in rows  # computed
    assert "crisis_cell_activation_minutes" not in rows  # the prefecture's
    assert [month["label"] for month in response.context["months"]][-2:] == ["mars 26", "avr. 26"]
    html = response.content.decode()
    assert 'id="input-lost_calls_rate-2026-03"' in html and 'inputmode="decimal"' in html
    assert re.search(r'data-row="0"\s+data-col="0"', html)


def test_a_cell_saved_with_htmx_answers_the_cell_and_the_row_s_trend_out_of_band(login, world, today):
    response = _cell(login("site_referent"), world.site, "lost_calls_rate", "2026-03", "8,5")

    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="cell-lost_calls_rate-2026-03"' in html and 'value="8,5"' in html
    assert re.search(r'<div id="trend-lost_calls_rate"\s+class="qp-grid-trend"\s+hx-swap-oob="true">', html)
    assert "mars 2026 : 8,5 %" in _text(response)  # the trend now holds the value
    measurement = Measurement.objects.get()
    assert (measurement.value, measurement.entered_by) == (8.5, world.users["site_referent"])


def test_a_rate_over_100_is_refused_next_to_its_cell(login, world, today):
    response = _cell(login("site_referent"), world.site, "lost_calls_rate", "2026-03", "150")

    assert response.status_code == 422
    html = response.content.decode()
    assert 'aria-invalid="true"' in html and 'value="150"' in html  # what was typed stays, to be corrected
    assert "Un taux ne peut pas dépasser 100 % (saisi : 150 %)" in _text(response)
    assert not Measurement.objects.exists()


def test_a_negative_delay_and_a_word_are_refused(login, world, today):
    client = login("quality_manager")

    assert "ne peut pas être négatif" in _text(_cell(client, world.site, "id_card_delay_days", "2026-03", "-2"))
    assert "n'est pas un nombre" in _text(_cell(client, world.site, "id_card_delay_days", "2026-03", "huit"))


def test_a_month_to_come_is_refused(login, world, today):
    response = _cell(login("site_referent"), world.site, "lost_calls_rate", "2026-05", "8")

    assert response.status_code == 400
    assert "Mai 2026 n'est pas encore commencé" in response.content.decode()


def test_emptying_a_cell_removes_its_value(login, world, today):
    MeasurementFactory(site=world.site, period=datetime.date(2026, 3, 1))

    response = _cell(login("site_referent"), world.site, "peak_hours_displayed_rate", "2026-03", "")

    assert response.status_code == 200 and not Measurement.objects.exists()


def test_a_computed_indicator_cannot_be_posted_to_the_grid(login, world, today):
    response = _cell(login("site_referent"), world.site, "complaints_in_time", "2026-03", "100")

    assert response.status_code == 400 and not Measurement.objects.exists()


def test_who_may_only_read_gets_403(login, world, today):
    for role in ("agent", "manager", "national"):
        assert _cell(login(role), world.site, "lost_calls_rate", "2026-03", "8").status_code == 403
    assert not Measurement.objects.exists()


def test_without_javascript_the_whole_grid_is_posted_and_wrong_cells_are_kept_with_their_message(login, world, today):
    client = login("site_referent")
    url = reverse("measurement_grid_site", kwargs={"pk": world.site.pk})

    response = client.post(
        f"{url}?fin=2026-04",
        {
            "cell:lost_calls_rate:2026-02": "9",
            "cell:lost_calls_rate:2026-03": "120",
            "cell:id_card_delay_days:2026-03": "8,5",
            "cell:peak_hours_displayed_rate:2026-03": "",  # unchanged (empty)
        },
    )

    assert response.status_code == 422
    assert "Un taux ne peut pas dépasser 100 %" in _text(response)
    assert "1 valeur refusée (les autres sont enregistrées)" in _text(response)
    assert set(Measurement.objects.values_list("indicator__code", "value")) == {
        ("lost_calls_rate", 9),
        ("id_card_delay_days", 8.5),
    }

    response = client.post(f"{url}?fin=2026-04", {"cell:lost_calls_rate:2026-03": "12"})
    assert response.status_code == 302
    assert Measurement.objects.get(indicator=indicator("lost_calls_rate"), period="2026-03-01").value == 12


def test_the_prefecture_grid_holds_the_prefecture_wide_indicators(login, world, today):
    prefecture_wide_indicator()
    client = login("quality_manager")

    response = client.get(reverse("measurement_grid_prefecture", kwargs={"pk": world.prefecture.pk}))
    rows = [item["row"].indicator.code for item in response.context["grid_rows"]]
    assert set(rows) == {PREFECTURE_WIDE}  # the crisis cell's are computed (crisis/)

    response = client.post(
        reverse("measurement_cell_prefecture", kwargs={"pk": world.prefecture.pk}),
        {"indicator": PREFECTURE_WIDE, "period": "2026-03", "value": "45", "fin": "2026-04"},
        **HTMX,
    )
    assert response.status_code == 200
    measurement = Measurement.objects.get()
    assert (measurement.site, measurement.prefecture, measurement.value) == (None, world.prefecture, 45)


@pytest.mark.parametrize("months", [1, 12])
def test_the_grid_costs_the_same_queries_whatever_the_data(login, world, today, months, django_assert_num_queries):
    for month in range(1, months + 1):
        MeasurementFactory(lost_calls=True, site=world.site, period=datetime.date(2025, month, 1))
    client = login("site_referent")
    url = reverse("measurement_grid_site", kwargs={"pk": world.site.pk})
    client.get(url)

    # session, user, memberships (scope, navigation), site, manual codes, indicators, measurements, latest months; the
    # DSFR configuration is no longer read (kept by the process: qualipref.site_config)
    with django_assert_num_queries(8):
        client.get(url, {"fin": "2025-12"})


def test_a_prefecture_wide_indicator_is_not_entered_through_a_site_s_grid(login, world, today):
    prefecture_wide_indicator()
    response = _cell(login("quality_manager"), world.site, PREFECTURE_WIDE, "2026-03", "45")

    assert response.status_code == 400 and not Measurement.objects.exists()

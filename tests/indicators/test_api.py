"""``indicators/``, ``measurements/`` (filters, abilities, create, bulk, import, aggregates, history) and
``footfall/`` in the API."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from indicators.models import Indicator, Measurement
from tests.indicators.factories import FootfallSlotFactory, MeasurementFactory, indicator

pytestmark = pytest.mark.django_db
MARCH = datetime.date(2026, 3, 1)


def test_the_catalogue_gives_the_fields_of_the_contract(as_role):
    response = as_role("agent").get(reverse("api:indicator-list"), {"code": "lost_calls_rate"})

    (item,) = response.json()["results"]
    assert {"id", "code", "name", "unit", "target", "higher_is_better"} <= set(item)
    assert (item["unit"], item["target"], item["higher_is_better"]) == ("percent", "10.00", False)
    assert "QP2-M1-E10" in item["engagements"]
    assert item["abilities"] == {"update": False, "delete": False}


def test_a_national_administrator_sets_a_target_and_an_incoherent_one_is_refused_in_french(as_role):
    pk = indicator("lost_calls_rate").pk
    client = as_role("national")

    assert (
        client.patch(reverse("api:indicator-detail", kwargs={"pk": pk}), {"target": "8"}, format="json").status_code
        == 200
    )
    assert Indicator.objects.get(pk=pk).target == 8
    response = client.patch(reverse("api:indicator-detail", kwargs={"pk": pk}), {"target": "20"}, format="json")
    assert response.status_code == 400
    assert "au-dessus de l'objectif" in str(response.json())  # intermediate 15 % would be stricter than 20 %


def test_measurements_carry_the_contract_s_fields_their_status_and_abilities(as_role, world):
    MeasurementFactory(lost_calls=True, site=world.site, value=12, numerator=120, denominator=1000)

    (item,) = as_role("site_referent").get(reverse("api:measurement-list")).json()["results"]

    assert item["indicator"] == "lost_calls_rate" and item["period"] == "2026-03" and item["site"] == world.site.pk
    assert (item["value"], item["numerator"], item["denominator"], item["status"]) == (
        "12.00",
        120,
        1000,
        "intermediate",
    )
    assert item["abilities"] == {"update": True, "delete": True}
    assert as_role("agent").get(reverse("api:measurement-list")).json()["results"][0]["abilities"]["update"] is False


def test_measurements_are_filtered_by_indicator_months_and_status(as_role, world):
    MeasurementFactory(lost_calls=True, site=world.site, period=datetime.date(2026, 1, 1), value=20, numerator=200)
    MeasurementFactory(lost_calls=True, site=world.site, period=MARCH)
    MeasurementFactory(site=world.site, period=MARCH)
    client = as_role("quality_manager")

    def codes(**params):
        results = client.get(reverse("api:measurement-list"), params).json()["results"]
        return sorted((item["indicator"], item["period"]) for item in results)

    assert codes(indicator="lost_calls_rate") == [("lost_calls_rate", "2026-01"), ("lost_calls_rate", "2026-03")]
    assert codes(period_after="2026-02", indicator="lost_calls_rate,pickup_rate") == [("lost_calls_rate", "2026-03")]
    assert codes(status="off_target") == [("lost_calls_rate", "2026-01")]
    assert client.get(reverse("api:measurement-list"), {"period_after": "2026-13"}).status_code == 400


def test_measurements_of_other_sites_are_out_of_scope(as_role, world):
    foreign = MeasurementFactory(site=world.foreign_site)
    sister = MeasurementFactory(site=world.sister_site)

    assert as_role("site_referent").get(reverse("api:measurement-detail", kwargs={"pk": sister.pk})).status_code == 404
    assert (
        as_role("quality_manager").get(reverse("api:measurement-detail", kwargs={"pk": foreign.pk})).status_code == 404
    )


def test_creating_a_measurement_and_again_for_the_same_month_is_refused(as_role, world):
    client = as_role("site_referent")
    data = {
        "indicator": "lost_calls_rate",
        "site": world.site.pk,
        "period": "2026-03",
        "numerator": 12,
        "denominator": 150,
    }

    response = client.post(reverse("api:measurement-list"), data, format="json")
    assert response.status_code == 201
    assert (response.json()["value"], response.json()["source"]) == ("8.00", "entered")

    response = client.post(reverse("api:measurement-list"), {**data, "numerator": 10}, format="json")
    assert response.status_code == 400
    assert "existe déjà pour Sous-préfecture d'Arles en mars 2026" in response.json()["period"][0]


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"value": "150"}, "value", "Un taux ne peut pas dépasser 100 %"),
        ({"value": "-5"}, "value", "ne peut pas être négatif"),
        ({"value": "8", "period": "2099-01"}, "period", "n'est pas encore commencé"),
        ({"value": "8", "period": "2026-3-1x"}, "period", "AAAA-MM"),
    ],
)
def test_bad_values_are_refused_with_a_french_message_on_their_field(as_role, world, data, field, message):
    payload = {"indicator": "lost_calls_rate", "site": world.site.pk, "period": "2026-03", **data}

    response = as_role("quality_manager").post(reverse("api:measurement-list"), payload, format="json")

    assert response.status_code == 400 and message in " ".join(response.json()[field])
    assert not Measurement.objects.exists()


def test_updating_and_deleting_a_measurement(as_role, world):
    measurement = MeasurementFactory(site=world.site)
    client = as_role("site_referent")
    url = reverse("api:measurement-detail", kwargs={"pk": measurement.pk})

    assert client.patch(url, {"value": "80"}, format="json").json()["value"] == "80.00"
    history = client.get(reverse("api:measurement-history", kwargs={"pk": measurement.pk})).json()
    assert [entry["type"] for entry in history] == ["changed", "created"] and history[0]["user"] == "referent"
    assert client.delete(url).status_code == 204
    assert not Measurement.objects.exists()


def test_a_bulk_is_written_whole_or_not_at_all(as_role, world):
    client = as_role("quality_manager")
    good = {"indicator": "peak_hours_displayed_rate", "site": world.site.name, "period": "2026-03", "value": 100}
    bad = {
        "indicator": "peak_hours_displayed_rate",
        "site": str(world.sister_site.pk),
        "period": "2026-03",
        "value": 140,
    }

    response = client.post(reverse("api:measurement-bulk"), {"measurements": [good, bad]}, format="json")
    assert response.status_code == 400
    body = response.json()
    assert body["accepted"] is False and body["errors"][0]["line"] == 2
    assert "Un taux ne peut pas dépasser 100 %" in body["errors"][0]["message"]
    assert not Measurement.objects.exists()

    response = client.post(reverse("api:measurement-bulk"), {"measurements": [good]}, format="json")
    assert response.status_code == 200 and response.json()["created"] == 1
    response = client.post(reverse("api:measurement-bulk"), {"measurements": [good]}, format="json")
    assert (response.json()["created"], response.json()["unchanged"]) == (0, 1)


def test_an_export_is_imported_through_the_api(as_role, world):
    content = "Site;Mois;Visiteurs;Attente moyenne (minutes)\nSous-préfecture d'Arles;2026-03;4210;18,5\n"
    file = SimpleUploadedFile("file.csv", content.encode())

    response = as_role("site_referent").post(
        reverse("api:measurement-import"), {"format": "queue", "file": file}, format="multipart"
    )

    assert response.status_code == 200 and response.json()["created"] == 2


def test_aggregates_per_prefecture_and_nationally(as_role, world):
    MeasurementFactory(lost_calls=True, site=world.site, numerator=10, denominator=100, value=10)
    MeasurementFactory(lost_calls=True, site=world.sister_site, numerator=40, denominator=400, value=10)
    MeasurementFactory(lost_calls=True, site=world.foreign_site, numerator=50, denominator=500, value=10)

    rows = as_role("site_referent").get(reverse("api:measurement-aggregates")).json()["results"]
    assert rows == [
        {
            "indicator": "lost_calls_rate",
            "prefecture": world.prefecture.pk,
            "period": "2026-03",
            "value": "10.00",
            "numerator": 50,
            "denominator": 500,
            "places": 2,
            "method": "ratio",
            "status": "intermediate",
        }
    ]
    (national,) = (
        as_role("national").get(reverse("api:measurement-aggregates"), {"level": "national"}).json()["results"]
    )
    assert (national["prefecture"], national["denominator"]) == (None, 1000)


@pytest.mark.parametrize("count", [1, 30])
def test_the_list_costs_the_same_queries_whatever_the_number_of_rows(as_role, world, count, django_assert_num_queries):
    for month in range(count):
        MeasurementFactory(site=world.site, period=datetime.date(2020, 1, 1) + datetime.timedelta(days=31 * month))
    client = as_role("quality_manager")

    # memberships (scope), the page of measurements with their indicators and the people who entered them
    with django_assert_num_queries(2):
        response = client.get(reverse("api:measurement-list"))
    assert len(response.json()["results"]) == count


def test_the_footfall_heatmap_of_a_site(as_role, world):
    FootfallSlotFactory(service=world.service, day=datetime.date(2026, 3, 2), hour=9, visitors=40)
    FootfallSlotFactory(service=world.service, day=datetime.date(2026, 3, 9), hour=9, visitors=60)

    body = as_role("agent").get(reverse("api:footfall-heatmap", kwargs={"site_pk": world.site.pk})).json()

    assert body["hours"] == [9]
    assert body["rows"] == [{"weekday": "lundi", "cells": [{"hour": 9, "visitors": 50.0, "waiting": 15.0, "level": 5}]}]


def test_a_changed_target_keeps_who_changed_it(as_role):
    pk = indicator("pickup_rate").pk

    as_role("national").patch(reverse("api:indicator-detail", kwargs={"pk": pk}), {"target": "92"}, format="json")

    (entry,) = Indicator.history.filter(id=pk)
    assert (entry.target, entry.history_user.username) == (92, "national")

"""The demo: 24 months of indicators for the demo prefectures around the figures of the documents, a few weeks of
footfall, and the computed indicators of the other apps' demo data; loading it twice changes nothing."""

import datetime
from decimal import Decimal

import pytest
from django.db.models import Count, Max, Min

from indicators import periods
from indicators.models import ComputeRun, FootfallSlot, Measurement, MeasurementRollup
from indicators.services import aggregates
from qualipref.demo import load_demo
from tests.checks import assert_no_new_rows
from tests.indicators.test_rollups import assert_rollups_are_the_aggregates

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(demo_data):
    pass


def test_every_demo_site_has_24_months_of_phone_counter_and_title_figures(demo):
    last = periods.add_months(periods.current(), -1)
    rows = (
        Measurement.objects.filter(indicator__code="lost_calls_rate", prefecture__department_id="13")
        .values("site__name")
        .annotate(months=Count("pk"), first=Min("period"), last=Max("period"))
    )
    assert len(rows) == 5
    for row in rows:
        assert (row["months"], row["last"]) == (24, last), row
    for code in ("pickup_rate", "id_card_delay_days", "passport_delay_days", "counter_waiting_minutes"):
        assert Measurement.objects.filter(indicator__code=code, prefecture__department_id="13").count() == 120, code


def test_the_demo_figures_circle_around_the_documents_targets_and_some_months_miss_them(demo):
    lost = Measurement.objects.filter(indicator__code="lost_calls_rate").with_status()
    statuses = set(lost.values_list("status", flat=True))
    assert {"on_target", "intermediate"} <= statuses
    national = aggregates.national(Measurement.objects.filter(indicator__code="lost_calls_rate"))
    assert all(Decimal(4) < row.value < Decimal(16) for row in national)
    id_cards = Measurement.objects.filter(indicator__code="id_card_delay_days").with_status()
    assert {"on_target", "intermediate"} <= set(id_cards.values_list("status", flat=True))


def test_the_phone_improves_over_the_period(demo):
    rows = aggregates.national(Measurement.objects.filter(indicator__code="lost_calls_rate"))
    first_year = sum(row.value for row in rows[:12]) / 12
    second_year = sum(row.value for row in rows[12:]) / 12
    assert second_year < first_year


def test_the_computed_indicators_come_from_the_other_apps_demo_data(demo):
    bdr = Measurement.objects.filter(prefecture__department_id="13", period__year=2015)
    complaints = aggregates.per_prefecture(bdr.filter(indicator__code="complaints_in_time"))
    assert sum(row.denominator for row in complaints) == 46  # the 46 requests of 2015, all in time
    assert {row.value for row in complaints} == {Decimal("100.00")}
    satisfaction = dict(bdr.filter(indicator__code="satisfaction_phone").values_list("site__name", "value"))
    assert satisfaction["Sous-préfecture d'Arles"] == 87 and satisfaction["Sous-préfecture d'Aix-en-Provence"] == 46
    assert Measurement.objects.filter(indicator__code="agents_trained_4y").exists()
    assert Measurement.objects.filter(indicator__code="clu_meetings_per_year").exists()


def test_a_few_weeks_of_footfall_for_every_service(demo):
    days = FootfallSlot.objects.aggregate(first=Min("day"), last=Max("day"))
    assert (days["last"] - days["first"]).days >= 28
    assert FootfallSlot.objects.values("service").distinct().count() >= 15


def test_loading_the_demo_again_changes_nothing(demo):
    assert_no_new_rows(load_demo, Measurement.objects, FootfallSlot.objects, Measurement.history)
    run = ComputeRun.objects.order_by("-started_at").first()
    assert (run.created, run.updated, run.deleted) == (0, 0, 0)


def test_the_demo_measurements_have_who_entered_them(demo):
    arles = Measurement.objects.filter(site__name="Sous-préfecture d'Arles", source="imported").first()
    assert arles.entered_by.username == "referent-arles"
    assert arles.history.get().history_user.username == "referent-arles"
    assert Measurement.objects.filter(indicator__code="crisis_cell_activation_minutes", site=None).exists()
    assert not Measurement.objects.filter(period__gt=datetime.date.today()).exists()


def test_the_demo_s_rollups_are_the_aggregates_of_its_measurements(demo):
    assert MeasurementRollup.objects.filter(prefecture=None).exists()
    assert_rollups_are_the_aggregates()

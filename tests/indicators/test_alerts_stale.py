"""Stale manual indicators: a site whose latest measurement of an entered or imported indicator is older than its
freshness rule allows: the site's referents are told, once per missing month."""

import datetime

import pytest

from accounts.models import Notification
from indicators import alerts
from indicators.models import Indicator
from tests import factories
from tests.indicators.factories import MeasurementFactory

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 4, 15)  # « heures d'affluence », monthly, 45 days: February is expected by now
CODE = "peak_hours_displayed_rate"


@pytest.fixture(autouse=True)
def only_one_indicator(db):
    Indicator.objects.exclude(code=CODE).update(is_active=False)


def _run(today=TODAY):
    return alerts.collect_and_notify(today, collectors={"stale_indicators"})["stale_indicators"]


def _told():
    return sorted(Notification.objects.values_list("recipient__username", "key"))


def test_a_site_whose_latest_measurement_is_too_old_alerts_its_referents_once(world):
    MeasurementFactory(site=world.site, period=datetime.date(2026, 1, 1))

    _run()
    _run()

    assert _told() == [("referent", f"indicator:{CODE}:site:{world.site.pk}:2026-02:stale")]
    notice = Notification.objects.get()
    assert notice.kind == "indicator_stale"
    assert "02/2026" in notice.body and "01/2026" in notice.body
    assert notice.url.endswith(f"/{world.site.pk}/saisie/")


def test_an_up_to_date_site_alerts_nobody_and_a_site_without_referent_neither(world):
    MeasurementFactory(site=world.site, period=datetime.date(2026, 2, 1))

    assert _run() == 0  # Istres and Créteil have no referent: nobody to tell


def test_a_site_never_measured_is_stale_and_told_again_the_next_month(world):
    _run()
    _run(datetime.date(2026, 5, 20))

    prefix = f"indicator:{CODE}:site:{world.site.pk}"
    assert _told() == [("referent", f"{prefix}:2026-02:stale"), ("referent", f"{prefix}:2026-03:stale")]


def test_computed_and_inactive_indicators_are_not_looked_at(world):
    Indicator.objects.filter(code=CODE).update(is_active=False)
    Indicator.objects.filter(code="complaints_in_time").update(is_active=True)

    assert _run() == 0


def test_referents_of_other_sites_are_told_about_their_own_site_only(world):
    foreign_referent = factories.MembershipFactory(referent=True, site=world.foreign_site).user
    MeasurementFactory(site=world.site, period=datetime.date(2026, 3, 1))

    _run()

    assert _told() == [(foreign_referent.username, f"indicator:{CODE}:site:{world.foreign_site.pk}:2026-02:stale")]


def test_the_stale_collector_costs_the_same_queries_for_one_site_or_many(world, django_assert_max_num_queries):
    from indicators.alerts import stale

    Indicator.objects.filter(code="lost_calls_rate").update(is_active=True)
    with django_assert_max_num_queries(3):
        assert len(stale.collect(TODAY)) == 2
    for _ in range(5):
        site = factories.SiteFactory(prefecture=world.prefecture)
        factories.MembershipFactory(referent=True, site=site)
        MeasurementFactory(site=site, period=datetime.date(2025, 12, 1))
    with django_assert_max_num_queries(3):
        assert len(stale.collect(TODAY)) == 2 + 5 * 2

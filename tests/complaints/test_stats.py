"""Statistics per site or prefecture, per year or month: received, answered, in time, mean and median delay."""

import datetime

import pytest
from django.urls import reverse

from complaints import stats
from complaints.models import Complaint
from tests import factories

pytestmark = pytest.mark.django_db


def test_mean_median_and_rate_per_month(world):
    site = world.site
    # March: delays 2, 3 and 10 working days, and one late (answered 16 working days later).
    for days in (2, 3, 14):
        factories.ComplaintFactory(
            site=site,
            received_on=datetime.date(2026, 3, 2),
            answered=True,
            answered_on=datetime.date(2026, 3, 2) + datetime.timedelta(days=days),
        )
    factories.ComplaintFactory(
        site=site, received_on=datetime.date(2026, 3, 2), answered_late=True, answered_on=datetime.date(2026, 3, 24)
    )
    # April: one open and past due (late), one open not due yet (left out of the rate).
    factories.ComplaintFactory(site=site, received_on=datetime.date(2026, 4, 1))
    factories.ComplaintFactory(site=site, received_on=datetime.date(2026, 4, 30))

    rows, total = stats.complaint_statistics(
        Complaint.objects.all(), period=stats.PER_MONTH, today=datetime.date(2026, 5, 4)
    )

    march, april = rows
    assert (march.month, march.received, march.answered, march.in_time) == (3, 4, 4, 3)
    assert march.in_time_rate == 75.0
    assert march.mean_delay == pytest.approx((2 + 3 + 10 + 16) / 4)
    assert march.median_delay == 6.5
    assert (april.received, april.answered, april.overdue, april.pending_not_due) == (2, 0, 1, 1)
    assert april.in_time_rate == 0.0
    assert april.period_label == "avril 2026"
    assert (total.received, total.in_time, total.measured) == (6, 3, 5)
    assert total.in_time_rate == 60.0


def test_the_statistics_cost_two_queries_however_many_groups(world, django_assert_num_queries):
    for site in (world.site, world.sister_site, world.foreign_site):
        for month in range(1, 13):
            factories.ComplaintFactory(site=site, received_on=datetime.date(2025, month, 3), answered=True)

    with django_assert_num_queries(2):
        rows, total = stats.complaint_statistics(Complaint.objects.all(), period=stats.PER_MONTH)

    assert len(rows) == 36
    assert total.received == 36


def test_the_statistics_page_costs_the_same_for_one_or_many_sites(client, world, django_assert_num_queries):
    client.force_login(world.users["national"])
    factories.ComplaintFactory(site=world.site, received_on=datetime.date(2025, 3, 3), answered=True)
    url = reverse("complaint_stats")
    client.get(url, {"year": 2025})
    # session, user, scope, prefectures of the form, 2 for the figures; the DSFR configuration is no longer read
    # (kept by the process: qualipref.site_config)
    with django_assert_num_queries(6):
        client.get(url, {"year": 2025})
    for site in (world.sister_site, world.foreign_site):
        factories.ComplaintFactory.create_batch(3, site=site, received_on=datetime.date(2025, 6, 2), answered=True)
    with django_assert_num_queries(6):
        response = client.get(url, {"year": 2025, "period": "month"})

    assert len(response.context["rows"]) == 3


def test_a_malformed_year_is_said_in_french(client, world):
    client.force_login(world.users["quality_manager"])

    response = client.get(reverse("complaint_stats"), {"year": "deux-mille"})

    assert response.status_code == 200
    assert "Vérifiez l’année demandée." in response.content.decode()

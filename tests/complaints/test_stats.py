"""Statistics per site or prefecture, per year or month: received, answered, in time, mean and median delay."""

import datetime
import re

import pytest
from django.urls import reverse

from complaints import stats
from complaints.demo import load as load_complaints_demo
from complaints.models import Complaint
from qualipref.demo import load_demo
from tests import factories

pytestmark = pytest.mark.django_db


def _text(response):
    return re.sub(r"\s+", " ", response.content.decode())


@pytest.fixture
def demo(db):
    load_demo()
    load_complaints_demo()


def test_the_demo_reproduces_2015_in_the_bouches_du_rhone(demo):
    rows, total = stats.complaint_statistics(Complaint.objects.filter(received_on__year=2015), by=stats.BY_SITE)

    complaints = {
        row.label: row.received
        for row in stats.complaint_statistics(
            Complaint.objects.filter(received_on__year=2015, kind="complaint"), by=stats.BY_SITE
        )[0]
    }
    assert complaints == {
        "Sous-préfecture d'Istres": 6,
        "Sous-préfecture d'Arles": 13,
        "Sous-préfecture d'Aix-en-Provence": 4,
        "Marseille – Peytral": 10,
        "Marseille – Saint-Sébastien": 11,
    }
    assert (total.received, total.answered, total.in_time, total.in_time_rate) == (46, 46, 46, 100.0)
    assert all(row.in_time_rate == 100.0 for row in rows)
    assert total.median_delay <= 15


def test_the_statistics_page_shows_the_2015_figures_to_the_prefecture(client, demo):
    from accounts.models import User

    client.force_login(User.objects.get(username="direction13"))

    response = client.get(reverse("complaint_stats"), {"year": 2015, "by": "prefecture"})

    (row,) = response.context["rows"]
    assert (row.label, row.received, row.in_time_rate) == ("Préfecture des Bouches-du-Rhône", 46, 100.0)
    assert "100 %" in _text(response)


def test_the_statistics_are_scoped_like_the_register(client, demo):
    from accounts.models import User

    client.force_login(User.objects.get(username="agent-istres"))
    rows = client.get(reverse("complaint_stats"), {"year": 2015}).context["rows"]
    assert [(row.label, row.received) for row in rows] == [("Sous-préfecture d'Istres", 6)]

    client.force_login(User.objects.get(username="qualite94"))
    assert client.get(reverse("complaint_stats"), {"year": 2015}).context["rows"] == []


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
    with django_assert_num_queries(7):  # session, user, scope, DSFR config, prefectures of the form, 2 for the figures
        client.get(url, {"year": 2025})
    for site in (world.sister_site, world.foreign_site):
        factories.ComplaintFactory.create_batch(3, site=site, received_on=datetime.date(2025, 6, 2), answered=True)
    with django_assert_num_queries(7):
        response = client.get(url, {"year": 2025, "period": "month"})

    assert len(response.context["rows"]) == 3


def test_a_malformed_year_is_said_in_french(client, world):
    client.force_login(world.users["quality_manager"])

    response = client.get(reverse("complaint_stats"), {"year": "deux-mille"})

    assert response.status_code == 200
    assert "Vérifiez l’année demandée." in response.content.decode()

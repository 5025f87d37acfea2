"""The complaints' statistics on the demo, which reproduces the 2015 figures of the Bouches-du-Rhône."""

import pytest
from django.urls import reverse

from complaints import stats
from complaints.models import Complaint
from tests.checks import page_text

pytestmark = pytest.mark.django_db


def test_the_demo_reproduces_2015_in_the_bouches_du_rhone(demo_data):
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


def test_the_statistics_page_shows_the_2015_figures_to_the_prefecture(client, demo_data):
    from accounts.models import User

    client.force_login(User.objects.get(username="direction13"))

    response = client.get(reverse("complaint_stats"), {"year": 2015, "by": "prefecture"})

    (row,) = response.context["rows"]
    assert (row.label, row.received, row.in_time_rate) == ("Préfecture des Bouches-du-Rhône", 46, 100.0)
    assert "100 %" in page_text(response)


def test_the_statistics_are_scoped_like_the_register(client, demo_data):
    from accounts.models import User

    client.force_login(User.objects.get(username="agent-istres"))
    rows = client.get(reverse("complaint_stats"), {"year": 2015}).context["rows"]
    assert [(row.label, row.received) for row in rows] == [("Sous-préfecture d'Istres", 6)]

    client.force_login(User.objects.get(username="qualite94"))
    assert client.get(reverse("complaint_stats"), {"year": 2015}).context["rows"] == []

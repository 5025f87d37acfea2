"""The dashboards' crisis sections: the prefecture's shows its roster's next gap and its last exercise's activation
delay against the 1-hour commitment; the national one counts the prefectures whose last exercise met it (one
aggregate query, the same whatever the number of prefectures); writes to the roster and the log move the data
version the cached dashboards are kept under."""

import pytest

from crisis import services
from indicators.dashboards import common
from indicators.signals import dashboard_sources
from qualipref.lib import data_version
from sites.models import Department
from tests import factories
from tests.checks import assert_no_more_queries
from tests.crisis.conftest import paris
from tests.indicators.conftest import today  # noqa: F401 (fixture)
from tests.indicators.dashboards import landing

pytestmark = pytest.mark.django_db


def test_the_prefecture_dashboard_shows_the_next_gap_and_the_last_exercise(client, world, today):  # noqa: F811
    factories.OnCallShiftFactory(
        prefecture=world.prefecture, starts_at=paris(2026, 4, 1, 9), ends_at=paris(2026, 4, 20, 9)
    )
    factories.CrisisEventFactory(
        prefecture=world.prefecture, title="Exercice inondation", operational_at=paris(2015, 3, 18, 14, 50)
    )
    factories.CrisisEventFactory(
        prefecture=world.prefecture,
        title="Exercice accident industriel",
        alert_received_at=paris(2015, 10, 7, 9, 10),
        operational_at=paris(2015, 10, 7, 10, 25),
        activation_minutes=75,
    )
    factories.CrisisEventFactory(
        prefecture=world.prefecture, kind="event", title="Feux de forêt", alert_received_at=paris(2016, 8, 1, 9)
    )

    response = landing(client, world.users["quality_manager"])

    crisis = response.context["d"].crisis
    assert (crisis.next_gap.starts_at, crisis.last_exercise.title) == (
        paris(2026, 4, 20, 9),
        "Exercice accident industriel",
    )
    html = response.content.decode()
    assert "Prochain trou : du 20/04/2026" in html
    assert "Cellule opérationnelle en 75 minutes" in html and "Engagement d’une heure non tenu" in html


def test_a_prefecture_without_roster_says_so(client, world, today):  # noqa: F811
    html = landing(client, world.users["manager"]).content.decode()

    assert "Aucune astreinte enregistrée." in html and "Aucun exercice enregistré." in html


def test_the_national_dashboard_counts_the_prefectures_whose_last_exercise_met_the_commitment(client, world, today):  # noqa: F811
    factories.CrisisEventFactory(prefecture=world.prefecture)  # 45 minutes
    factories.CrisisEventFactory(
        prefecture=world.foreign_prefecture,
        alert_received_at=paris(2015, 1, 5, 9),
        operational_at=paris(2015, 1, 5, 9, 30),
        activation_minutes=30,
    )
    factories.CrisisEventFactory(
        prefecture=world.foreign_prefecture,
        alert_received_at=paris(2015, 6, 5, 9),
        operational_at=paris(2015, 6, 5, 10, 30),
        activation_minutes=90,
    )

    assert common.crisis_commitment_counts() == {"met": 1, "tested": 2}
    html = landing(client, world.users["national"]).content.decode()
    assert "préfecture sur 2 ayant enregistré un exercice" in html


def test_the_national_count_costs_the_same_for_1_or_30_prefectures(client, today, django_assert_max_num_queries):  # noqa: F811
    user = factories.MembershipFactory(national=True).user
    first = factories.PrefectureFactory(department=Department.objects.get(code="13"))
    factories.CrisisEventFactory(prefecture=first)

    def more_prefectures():
        for department in Department.objects.exclude(code="13")[:29]:
            prefecture = factories.PrefectureFactory(department=department)
            factories.CrisisEventFactory(prefecture=prefecture)
            factories.OnCallShiftFactory(prefecture=prefecture)

    assert_no_more_queries(django_assert_max_num_queries, lambda: landing(client, user), more_prefectures)


def test_roster_and_log_writes_move_the_data_version(world, qm):
    assert {"crisis.OnCallShift", "crisis.CrisisEvent"} <= {model._meta.label for model in dashboard_sources()}
    before = data_version.current()
    services.shift_create(
        by=qm,
        prefecture=world.prefecture,
        starts_at=paris(2015, 3, 2, 9),
        ends_at=paris(2015, 3, 9, 9),
        phone="06 12 34 56 78",
        person_name="Anne Vidal",
    )
    assert data_version.current() != before

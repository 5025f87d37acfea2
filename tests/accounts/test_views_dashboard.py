"""Each role lands on its dashboard; the lists on it cost the same number of queries for 1 or 30 rows."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from sites.models import Department
from tests import factories
from tests.permissions.world import build_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return build_world()


def _get(client, user):
    client.force_login(user)
    response = client.get(reverse("dashboard"))
    assert response.status_code == 200
    return response


def _queries(client, user):
    client.force_login(user)
    client.get(reverse("dashboard"))  # warm: what the process keeps (the DSFR configuration)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("dashboard")).status_code == 200
    return len(queries)


def test_home_sends_each_role_to_the_dashboard(client, world):
    client.force_login(world.users["agent"])
    response = client.get(reverse("home"))
    assert response.status_code == 302 and response["Location"] == reverse("dashboard")


def test_the_national_dashboard_counts_prefectures_sites_and_users(client, world):
    response = _get(client, world.users["national"])
    assert response.context["kind"] == "national"
    assert response.context["prefecture_count"] == 2
    assert response.context["site_count"] == 3
    html = response.content.decode()
    assert "Tableau de bord national" in html and "Préfecture du Val-de-Marne" in html


def test_the_prefecture_dashboard_lists_its_sites_with_their_services(client, world):
    response = _get(client, world.users["quality_manager"])
    html = response.content.decode()
    assert response.context["kind"] == "prefecture"
    assert "Sous-préfecture d&#x27;Arles" in html and "Sous-préfecture d&#x27;Istres" in html
    assert "Créteil" not in html
    (prefecture,) = response.context["prefectures"]
    assert [site.service_count for site in prefecture.visible_sites] == [1, 0]
    # quality manager, manager, auditor of the prefecture, referent and agent of Arles
    assert prefecture.team_count == 5


def test_the_site_dashboard_shows_my_site_its_services_and_upcoming_closures(client, world):
    today = timezone.localdate()
    factories.SiteClosureFactory(site=world.site, start_on=today, end_on=today, reason="Formation des agents")
    response = _get(client, world.users["agent"])
    html = response.content.decode()
    assert response.context["kind"] == "site"
    assert "Sous-préfecture d&#x27;Arles" in html and "Istres" not in html
    assert "Accueil général" in html
    assert f"le {today:%d/%m/%Y} — Formation des agents" in html


def test_the_auditor_dashboard_is_an_empty_state(client, world):
    html = _get(client, world.users["auditor"]).content.decode()
    assert "Aucun audit ne vous est confié pour le moment." in html


def test_a_user_without_membership_is_told_whom_to_contact(client, world):
    user = factories.UserFactory()
    html = _get(client, user).content.decode()
    assert "Aucune habilitation active : contactez votre responsable qualité." in html


def test_an_ended_membership_no_longer_opens_a_dashboard(client, world):
    membership = world.memberships["agent"]
    membership.valid_until = timezone.localdate() - datetime.timedelta(days=1)
    membership.save()
    html = _get(client, world.users["agent"]).content.decode()
    assert "Aucune habilitation active" in html


def test_the_national_dashboard_costs_the_same_for_1_or_30_prefectures(client, django_assert_num_queries):
    user = factories.MembershipFactory(national=True).user
    factories.PrefectureFactory(department=Department.objects.get(code="13"))
    expected = _queries(client, user)
    for department in Department.objects.exclude(code="13")[:29]:
        factories.SiteFactory(prefecture=factories.PrefectureFactory(department=department))
    with django_assert_num_queries(expected):
        client.get(reverse("dashboard"))


def test_the_prefecture_dashboard_costs_the_same_for_1_or_30_sites(client, django_assert_num_queries):
    membership = factories.MembershipFactory()
    factories.ServiceFactory(site__prefecture=membership.prefecture)
    expected = _queries(client, membership.user)
    for _ in range(29):
        factories.ServiceFactory(site=factories.SiteFactory(prefecture=membership.prefecture))
        factories.MembershipFactory(agent=True, site=factories.SiteFactory(prefecture=membership.prefecture))
    with django_assert_num_queries(expected):
        client.get(reverse("dashboard"))


def test_the_site_dashboard_costs_the_same_for_1_or_30_closures_and_services(client, django_assert_num_queries):
    membership = factories.MembershipFactory(referent=True)
    expected = _queries(client, membership.user)
    today = timezone.localdate()
    for day in range(30):
        on = today + datetime.timedelta(days=day)
        factories.SiteClosureFactory(site=membership.site, start_on=on, end_on=on)
        factories.ServiceFactory(site=membership.site)
    with django_assert_num_queries(expected):
        response = client.get(reverse("dashboard"))
    assert len(response.context["sites"][0].upcoming_closures) == 30

"""Territory pages: prefectures and sites scoped to the user, and the same query count for 1 or 30 rows."""

import pytest
from django.urls import reverse

from sites.models import Department, Site
from tests import factories
from tests.permissions.world import build_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return build_world()


def test_the_site_list_shows_only_the_sites_the_user_may_see(client, world):
    client.force_login(world.users["quality_manager"])
    sites = set(client.get(reverse("site_list")).context["page_obj"].object_list)
    assert sites == {world.site, world.sister_site}


def test_the_site_list_filters_by_kind_and_prefecture(client, world):
    world.sister_site.kind = Site.Kind.ANNEX
    world.sister_site.save()
    client.force_login(world.users["national"])
    by_kind = client.get(reverse("site_list"), {"kind": "annex"}).context["page_obj"].object_list
    by_prefecture = client.get(reverse("site_list"), {"prefecture": world.foreign_prefecture.pk})
    assert list(by_kind) == [world.sister_site]
    assert list(by_prefecture.context["page_obj"].object_list) == [world.foreign_site]


def test_the_prefecture_filter_offers_only_visible_prefectures_and_ignores_a_foreign_one(client, world):
    client.force_login(world.users["quality_manager"])
    response = client.get(reverse("site_list"), {"prefecture": world.foreign_prefecture.pk})
    form = response.context["filter_form"]
    assert list(form.fields["prefecture"].queryset) == [world.prefecture]
    assert "prefecture" in form.errors
    assert world.foreign_site not in response.context["page_obj"].object_list


def test_the_site_list_is_paginated_by_50(client, world):
    for _ in range(55):
        factories.SiteFactory(prefecture=world.prefecture)
    client.force_login(world.users["quality_manager"])
    first = client.get(reverse("site_list"))
    second = client.get(reverse("site_list"), {"page": 2})
    assert len(first.context["page_obj"].object_list) == 50
    assert len(second.context["page_obj"].object_list) == 7
    assert 'class="fr-pagination"' in first.content.decode()


def test_the_site_list_costs_the_same_for_1_or_30_sites(client, django_assert_num_queries):
    membership = factories.MembershipFactory()
    factories.ServiceFactory(site__prefecture=membership.prefecture)
    client.force_login(membership.user)
    client.get(reverse("site_list"))  # warm: what the process keeps (the DSFR configuration)
    # session, user, scope, prefectures of the filter, count and page of sites; the DSFR configuration is no longer
    # read (kept by the process: qualipref.site_config)
    with django_assert_num_queries(6):
        client.get(reverse("site_list"))
    for _ in range(29):
        factories.ServiceFactory(site=factories.SiteFactory(prefecture=membership.prefecture))
    with django_assert_num_queries(6):
        response = client.get(reverse("site_list"))
    assert len(response.context["page_obj"].object_list) == 30


def test_the_prefecture_list_costs_the_same_for_1_or_30_prefectures(client, django_assert_num_queries):
    user = factories.MembershipFactory(national=True).user
    factories.PrefectureFactory(department=Department.objects.get(code="13"))
    client.force_login(user)
    client.get(reverse("prefecture_list"))  # warm: what the process keeps (the DSFR configuration)
    # session, user, scope, count and page of prefectures; the DSFR configuration is no longer read (kept by the
    # process: qualipref.site_config)
    with django_assert_num_queries(5):
        client.get(reverse("prefecture_list"))
    for department in Department.objects.exclude(code="13")[:29]:
        factories.SiteFactory(prefecture=factories.PrefectureFactory(department=department))
    with django_assert_num_queries(5):
        response = client.get(reverse("prefecture_list"))
    assert len(response.context["page_obj"].object_list) == 30


def test_a_referent_sees_their_prefecture_with_their_own_site_only(client, world):
    client.force_login(world.users["site_referent"])
    response = client.get(reverse("prefecture_detail", kwargs={"pk": world.prefecture.pk}))
    assert list(response.context["sites"]) == [world.site]


def test_the_prefecture_page_costs_the_same_for_1_or_30_sites(client, django_assert_num_queries):
    membership = factories.MembershipFactory()
    factories.SiteFactory(prefecture=membership.prefecture)
    client.force_login(membership.user)
    url = reverse("prefecture_detail", kwargs={"pk": membership.prefecture.pk})
    client.get(url)  # warm: what the process keeps (the DSFR configuration)
    # the DSFR configuration is no longer read (kept by the process: qualipref.site_config): one query less
    with django_assert_num_queries(5):
        client.get(url)
    for _ in range(29):
        factories.ServiceFactory(site=factories.SiteFactory(prefecture=membership.prefecture))
    with django_assert_num_queries(5):
        client.get(url)


def test_the_site_page_shows_its_description_services_and_closures(client, world):
    client.force_login(world.users["agent"])
    world.site.address, world.site.postal_code, world.site.city = "16 rue de la Bastille", "13200", "Arles"
    world.site.opening_hours = "Du lundi au vendredi, de 8 h 30 à 16 h"
    world.site.save()
    html = client.get(reverse("site_detail", kwargs={"pk": world.site.pk})).content.decode()
    assert "16 rue de la Bastille" in html and "13200 Arles" in html
    assert "Du lundi au vendredi, de 8 h 30 à 16 h" in html
    assert "Accueil général" in html
    assert "15/05/2026" in html  # the world's closure, shown JJ/MM/AAAA


@pytest.mark.parametrize(
    ("role", "edit", "closures"),
    [
        ("national", True, True),
        ("quality_manager", True, True),
        ("site_referent", False, True),
        ("agent", False, False),
        ("manager", False, False),
    ],
)
def test_the_site_page_offers_the_buttons_the_role_may_use(client, world, role, edit, closures):
    client.force_login(world.users[role])
    html = client.get(reverse("site_detail", kwargs={"pk": world.site.pk})).content.decode()
    assert ("Modifier le site" in html) is edit
    assert ("Ajouter une fermeture" in html) is closures


def test_the_site_page_costs_the_same_for_1_or_30_services_and_closures(client, django_assert_num_queries):
    import datetime

    membership = factories.MembershipFactory(referent=True)
    site = membership.site
    client.force_login(membership.user)
    url = reverse("site_detail", kwargs={"pk": site.pk})
    factories.ServiceFactory(site=site)
    factories.SiteClosureFactory(site=site)
    client.get(url)  # warm: what the process keeps (the DSFR configuration)
    # the DSFR configuration is no longer read (kept by the process: qualipref.site_config): one query less
    with django_assert_num_queries(6):
        client.get(url)
    for day in range(1, 30):
        on = datetime.date(2030, 1, 1) + datetime.timedelta(days=day)
        factories.SiteClosureFactory(site=site, start_on=on, end_on=on)
        factories.ServiceFactory(site=site)
    with django_assert_num_queries(6):
        client.get(url)


def test_a_foreign_site_answers_404(client, world):
    client.force_login(world.users["quality_manager"])
    response = client.get(reverse("site_detail", kwargs={"pk": world.foreign_site.pk}))
    assert response.status_code == 404
    assert "Page non trouvée" in response.content.decode()

"""One rule for the results of a campaign (accounts.access.results_sites / can_see_site_results): a prefecture's
people and national administrators read every site's; a site's referent and agents read the campaign-wide
results, their own site's, and another site's only once published. The same on the results page (its site and
service filters, its comparison between sites) and in the API (``surveys/{id}/results/?site=&service=``)."""

import functools

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts import access
from surveys.models import CampaignSite
from tests import factories
from tests.surveys.factories import add_responses

pytestmark = pytest.mark.django_db

EVERY_SITE = ("quality_manager", "manager", "national")
OWN_SITE = ("site_referent", "agent")


@pytest.fixture
def istres_service(world):
    return factories.ServiceFactory(site=world.sister_site, name="Accueil des étrangers")


@pytest.fixture
def answered(campaign, world, istres_service):
    """Arles answered 4 times, Istres (not the referent's site) once, unpublished."""
    campaign.services.add(istres_service)
    add_responses(campaign, world.site, "courtesy", [4, 4, 1, None])
    add_responses(campaign, world.sister_site, "courtesy", [1], service=istres_service)
    return campaign


def _page(client, campaign, **params):
    return client.get(reverse("campaign_results", kwargs={"pk": campaign.pk}), params)


def _api(client, campaign, **params):
    return client.get(reverse("api:survey-results", kwargs={"pk": campaign.pk}), params)


def _assert_istres_is_for_every_site_people(get, world, istres_service, role):
    """``get(**params)`` (the page or the API) answers Istres' unpublished results, by site or by service, to the
    roles that read every site's, and a 404 to the others."""
    expected = 200 if role in EVERY_SITE else 404
    assert get(site=world.sister_site.pk).status_code == expected
    assert get(service=istres_service.pk).status_code == expected


def _publish(campaign, site):
    CampaignSite.objects.filter(campaign=campaign, site=site).update(published_at=timezone.now())


@pytest.mark.parametrize("role", EVERY_SITE + OWN_SITE)
def test_the_rule_is_one_function(world, answered, role):
    user = world.users[role]
    assert access.can_see_site_results(user, answered, world.site) is True
    assert access.can_see_site_results(user, answered, world.sister_site) is (role in EVERY_SITE)
    sites = access.results_sites(answered.sites.all(), user, answered)
    assert (world.sister_site in sites) is (role in EVERY_SITE)


@pytest.mark.parametrize("role", EVERY_SITE + OWN_SITE)
def test_another_site_unpublished_results_are_a_404_on_the_page_for_its_site_people_only(
    login, world, answered, istres_service, role
):
    client = login(role)

    _assert_istres_is_for_every_site_people(functools.partial(_page, client, answered), world, istres_service, role)
    assert _page(client, answered, site=world.site.pk).status_code == 200
    assert _page(client, answered).status_code == 200


@pytest.mark.parametrize("role", EVERY_SITE + OWN_SITE)
def test_another_site_unpublished_results_are_a_404_in_the_api_for_its_site_people_only(
    as_role, world, answered, istres_service, role
):
    client = as_role(role)

    _assert_istres_is_for_every_site_people(functools.partial(_api, client, answered), world, istres_service, role)
    own = _api(client, answered, site=world.site.pk)
    assert own.status_code == 200 and own.json()["responses"] == 4
    assert _api(client, answered).json()["responses"] == 5  # the campaign-wide figures, like prefecture-wide ones


@pytest.mark.parametrize("role", EVERY_SITE + OWN_SITE)
def test_the_comparison_and_the_filters_offer_only_the_sites_whose_results_the_user_reads(login, world, answered, role):
    response = _page(login(role), answered)

    rows = [row.label for row in response.context["comparison"]]
    offered = [site.pk for site in response.context["sites"]]
    assert ("Sous-préfecture d'Istres" in rows) is (role in EVERY_SITE)
    assert ("Sous-préfecture d'Istres – Accueil des étrangers" in rows) is (role in EVERY_SITE)
    assert (world.sister_site.pk in offered) is (role in EVERY_SITE)
    assert "Sous-préfecture d'Arles" in rows


@pytest.mark.parametrize("role", OWN_SITE)
def test_published_results_of_another_site_are_read_by_everyone_of_the_prefecture(
    login, as_role, world, answered, role
):
    _publish(answered, world.sister_site)

    assert _page(login(role), answered, site=world.sister_site.pk).status_code == 200
    assert _api(as_role(role), answered, site=world.sister_site.pk).status_code == 200


def test_the_auditor_reads_no_results(login, as_role, answered, world):
    assert _page(login("auditor"), answered, site=world.site.pk).status_code == 404
    assert _api(as_role("auditor"), answered).status_code == 404

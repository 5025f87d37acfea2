"""The admin writes memberships, sites and closures through the services: their refusals show in the form."""

import pytest
from django.urls import reverse

from accounts.models import Membership, Role
from sites.models import Site, SiteClosure
from tests import factories
from tests.permissions.world import build_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return build_world()


@pytest.fixture
def admin_client(client, world):
    client.force_login(world.users["national"])
    return client


def _membership(world, user, **changes):
    data = {
        "user": user.pk,
        "role": Role.AGENT,
        "prefecture": "",
        "site": world.sister_site.pk,
        "valid_from": "2026-01-01",
        "valid_until": "",
        **changes,
    }
    return data


def test_a_membership_added_in_the_admin_goes_through_the_service(admin_client, world):
    user = factories.UserFactory()
    response = admin_client.post(reverse("admin:accounts_membership_add"), _membership(world, user))
    assert response.status_code == 302
    membership = Membership.objects.get(user=user)
    assert membership.created_by == world.users["national"]


def test_the_admin_shows_the_service_message_for_an_end_before_the_start(admin_client, world):
    user = factories.UserFactory()
    response = admin_client.post(
        reverse("admin:accounts_membership_add"), _membership(world, user, valid_until="2025-12-31")
    )
    assert response.status_code == 200
    assert "La date de fin doit être postérieure ou égale à la date de début." in response.content.decode()
    assert not Membership.objects.filter(user=user).exists()


def test_the_admin_explains_a_scope_that_does_not_fit_the_role(admin_client, world):
    user = factories.UserFactory()
    response = admin_client.post(
        reverse("admin:accounts_membership_add"), _membership(world, user, prefecture=world.prefecture.pk)
    )
    assert "choisissez le site, pas la préfecture" in response.content.decode()
    assert not Membership.objects.filter(user=user).exists()


def test_memberships_are_ended_not_deleted_in_the_admin(admin_client, world):
    membership = world.memberships["agent"]
    response = admin_client.get(reverse("admin:accounts_membership_delete", args=[membership.pk]))
    assert response.status_code == 403


def _post_site(admin_client, site, new_closure, **changes):
    """Post the admin's change form of ``site`` (its service and closure unchanged) with ``changes`` and a new
    closure ``(start_on, end_on, reason)``."""
    start_on, end_on, reason = new_closure
    data = {
        "name": site.name,
        "kind": site.kind,
        "address": "",
        "postal_code": "",
        "city": "",
        "opening_hours": "",
        "accessibility_notes": "",
        "is_active": "on",
        "services-TOTAL_FORMS": "1",
        "services-INITIAL_FORMS": "1",
        "services-0-id": site.services.get().pk,
        "services-0-site": site.pk,
        "services-0-name": "Accueil général",
        "services-0-is_active": "on",
        "closures-TOTAL_FORMS": "2",
        "closures-INITIAL_FORMS": "1",
        "closures-0-id": site.closures.get().pk,
        "closures-0-site": site.pk,
        "closures-1-site": site.pk,
        "closures-1-start_on": start_on,
        "closures-1-end_on": end_on,
        "closures-1-reason": reason,
    }
    return admin_client.post(reverse("admin:sites_site_change", args=[site.pk]), {**data, **changes})


def test_an_overlapping_closure_added_in_the_admin_is_refused(admin_client, world):
    response = _post_site(admin_client, world.site, ("2026-05-15", "2026-05-15", "Pont"))
    assert response.status_code == 200
    assert "Cette période chevauche une fermeture déjà enregistrée pour ce site." in response.content.decode()
    assert SiteClosure.objects.filter(site=world.site).count() == 1


def test_a_site_changed_in_the_admin_goes_through_the_service(admin_client, world):
    response = _post_site(admin_client, world.site, ("2026-06-01", "2026-06-02", "Travaux"), city="Arles")
    assert response.status_code == 302, response.context and response.context["errors"]
    assert Site.objects.get(pk=world.site.pk).city == "Arles"
    assert SiteClosure.objects.filter(site=world.site).count() == 2


@pytest.mark.parametrize(
    "url_name",
    ["accounts_user_add", "accounts_membership_add", "sites_site_add", "sites_prefecture_add"],
)
def test_the_admin_forms_open(admin_client, url_name):
    assert admin_client.get(reverse(f"admin:{url_name}")).status_code == 200

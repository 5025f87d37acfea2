"""Editing a site's description and its closures, through sites.services; bad input writes nothing."""

import datetime

import pytest
from django.urls import reverse

from sites.models import SiteClosure
from tests import factories
from tests.permissions.world import build_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return build_world()


def _site_data(site, **changes):
    data = {
        "name": site.name,
        "kind": site.kind,
        "address": site.address,
        "postal_code": site.postal_code,
        "city": site.city,
        "opening_hours": site.opening_hours,
        "accessibility_notes": site.accessibility_notes,
        "is_active": "on" if site.is_active else "",
    }
    data.update(changes)
    return data


def _record_closure(client, user, site, **fields):
    """Post the form that records a closure of ``site``, as ``user``."""
    client.force_login(user)
    return client.post(reverse("closure_create", kwargs={"site_pk": site.pk}), fields)


def test_a_quality_manager_updates_the_opening_hours_and_accessibility(client, world):
    client.force_login(world.users["quality_manager"])
    url = reverse("site_edit", kwargs={"pk": world.site.pk})
    response = client.post(
        url,
        _site_data(world.site, opening_hours="Lundi à jeudi, 9 h – 12 h", accessibility_notes="Rampe d'accès"),
    )
    assert response.status_code == 302 and response["Location"] == reverse("site_detail", kwargs={"pk": world.site.pk})
    world.site.refresh_from_db()
    assert world.site.opening_hours == "Lundi à jeudi, 9 h – 12 h"
    assert world.site.accessibility_notes == "Rampe d'accès"
    assert world.site.history.count() == 2  # created, then changed (django-simple-history)


def test_a_name_already_used_in_the_prefecture_is_refused(client, world):
    client.force_login(world.users["quality_manager"])
    response = client.post(
        reverse("site_edit", kwargs={"pk": world.site.pk}), _site_data(world.site, name=world.sister_site.name)
    )
    assert response.status_code == 200
    assert response.context["form"].errors
    world.site.refresh_from_db()
    assert world.site.name == "Sous-préfecture d'Arles"


def test_a_manager_may_read_but_not_edit_a_site(client, world):
    client.force_login(world.users["manager"])
    response = client.post(reverse("site_edit", kwargs={"pk": world.site.pk}), _site_data(world.site, city="Nîmes"))
    assert response.status_code == 403
    world.site.refresh_from_db()
    assert world.site.city == ""


def test_a_referent_records_a_closure_of_their_site(client, world):
    response = _record_closure(
        client,
        world.users["site_referent"],
        world.site,
        start_on="2026-12-24",
        end_on="2026-12-26",
        reason="Fêtes de fin d'année",
    )
    assert response.status_code == 302
    closure = SiteClosure.objects.get(site=world.site, reason="Fêtes de fin d'année")
    assert (closure.start_on, closure.end_on) == (datetime.date(2026, 12, 24), datetime.date(2026, 12, 26))


def test_a_one_day_closure_needs_no_end(client, world):
    _record_closure(client, world.users["quality_manager"], world.site, start_on="2027-03-01", reason="Travaux")
    closure = SiteClosure.objects.get(reason="Travaux")
    assert closure.start_on == closure.end_on == datetime.date(2027, 3, 1)


def test_a_closure_ending_before_it_starts_is_refused_and_nothing_is_written(client, world):
    response = _record_closure(
        client, world.users["quality_manager"], world.site, start_on="2027-03-10", end_on="2027-03-09", reason="Travaux"
    )
    assert response.status_code == 200
    assert response.context["form"].errors["end_on"] == [
        "Le dernier jour de fermeture doit être postérieur ou égal au premier."
    ]
    assert "fr-input-group--error" in response.content.decode()
    assert not SiteClosure.objects.filter(reason="Travaux").exists()


def test_a_closure_overlapping_another_one_is_refused_and_nothing_is_written(client, world):
    # The world's closure is on 15/05/2026.
    response = _record_closure(
        client, world.users["quality_manager"], world.site, start_on="2026-05-14", end_on="2026-05-16", reason="Pont"
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Cette période chevauche une fermeture déjà enregistrée pour ce site." in html
    assert SiteClosure.objects.filter(site=world.site).count() == 1


def test_an_agent_may_not_record_a_closure(client, world):
    response = _record_closure(client, world.users["agent"], world.site, start_on="2027-03-01", reason="Travaux")
    assert response.status_code == 403
    assert not SiteClosure.objects.filter(reason="Travaux").exists()


def test_a_closure_of_a_foreign_site_cannot_be_recorded(client, world):
    response = _record_closure(
        client, world.users["quality_manager"], world.foreign_site, start_on="2027-03-01", reason="Travaux"
    )
    assert response.status_code == 404
    assert not SiteClosure.objects.filter(reason="Travaux").exists()


def test_deleting_a_closure_asks_for_confirmation_then_deletes_it(client, world):
    client.force_login(world.users["site_referent"])
    url = reverse("closure_delete", kwargs={"site_pk": world.site.pk, "pk": world.closure.pk})
    assert "Supprimer la fermeture" in client.get(url).content.decode()
    assert SiteClosure.objects.filter(pk=world.closure.pk).exists()
    response = client.post(url)
    assert response["Location"] == reverse("site_detail", kwargs={"pk": world.site.pk})
    assert not SiteClosure.objects.filter(pk=world.closure.pk).exists()


def test_a_closure_of_another_site_cannot_be_deleted_through_mine(client, world):
    client.force_login(world.users["site_referent"])
    other = factories.SiteClosureFactory(site=world.sister_site)
    response = client.post(reverse("closure_delete", kwargs={"site_pk": world.site.pk, "pk": other.pk}))
    assert response.status_code == 404
    assert SiteClosure.objects.filter(pk=other.pk).exists()

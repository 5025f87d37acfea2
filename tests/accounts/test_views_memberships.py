"""Habilitations: quality managers give and end roles in their prefecture, through accounts.services."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import Membership, Role
from tests import factories
from tests.permissions.world import build_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return build_world()


@pytest.fixture
def newcomer():
    return factories.UserFactory(username="nouvel-agent", first_name="Léa", last_name="Arnaud")


@pytest.fixture
def qm_client(client, world):
    client.force_login(world.users["quality_manager"])
    return client


def _post(client, **data):
    form = {"username": "nouvel-agent", "role": Role.AGENT, "valid_from": "2026-01-01", "valid_until": "", **data}
    return client.post(reverse("membership_create"), {key: value for key, value in form.items() if value is not None})


def _errors(response):
    return response.context["form"].errors


def test_a_quality_manager_gives_a_role_on_a_site_of_their_prefecture(qm_client, world, newcomer):
    response = _post(qm_client, site=world.sister_site.pk)
    assert response.status_code == 302 and response["Location"] == reverse("membership_list")
    membership = Membership.objects.get(user=newcomer)
    assert (membership.role, membership.site, membership.created_by) == (
        Role.AGENT,
        world.sister_site,
        world.users["quality_manager"],
    )
    assert "Habilitation créée" in qm_client.get(reverse("membership_list")).content.decode()


def test_an_end_before_the_start_is_refused_in_french_and_nothing_is_written(qm_client, world, newcomer):
    response = _post(qm_client, site=world.site.pk, valid_from="2026-06-01", valid_until="2026-05-31")
    assert response.status_code == 200
    assert _errors(response)["valid_until"] == ["La date de fin doit être postérieure ou égale à la date de début."]
    assert not Membership.objects.filter(user=newcomer).exists()


def test_a_site_of_another_prefecture_cannot_be_chosen(qm_client, world, newcomer):
    response = _post(qm_client, site=world.foreign_site.pk)
    assert response.status_code == 200
    assert "site" in _errors(response)
    assert not Membership.objects.filter(user=newcomer).exists()


def test_another_prefecture_cannot_be_chosen(qm_client, world, newcomer):
    response = _post(qm_client, role=Role.MANAGER, prefecture=world.foreign_prefecture.pk)
    assert "prefecture" in _errors(response)
    assert not Membership.objects.filter(user=newcomer).exists()


def test_a_quality_manager_cannot_make_a_national_administrator(qm_client, world, newcomer):
    response = _post(qm_client, role=Role.NATIONAL_ADMIN)
    assert "role" in _errors(response)
    assert Role.NATIONAL_ADMIN not in dict(response.context["form"].fields["role"].choices)
    assert not Membership.objects.filter(user=newcomer).exists()


def test_the_service_explains_a_scope_that_does_not_fit_the_role(qm_client, world, newcomer):
    response = _post(qm_client, role=Role.AGENT, prefecture=world.prefecture.pk)
    assert _errors(response)["prefecture"] == ["Ce rôle s'exerce sur un site : choisissez le site, pas la préfecture."]
    assert not Membership.objects.filter(user=newcomer).exists()


def test_an_overlapping_membership_is_refused(qm_client, world):
    response = _post(qm_client, username=world.users["agent"].username, site=world.site.pk)
    assert _errors(response)["__all__"] == ["Cette personne a déjà ce rôle sur ce périmètre pendant cette période."]
    assert Membership.objects.filter(user=world.users["agent"]).count() == 1


def test_an_unknown_username_is_refused(qm_client, world):
    response = _post(qm_client, username="personne", site=world.site.pk)
    assert _errors(response)["username"] == ["Aucun utilisateur actif n’a l’identifiant « personne »."]


def test_the_list_shows_the_memberships_of_the_managed_prefecture_only(qm_client, world):
    response = qm_client.get(reverse("membership_list"))
    shown = set(response.context["page_obj"].object_list)
    assert world.memberships["agent"] in shown and world.memberships["quality_manager"] in shown
    assert world.foreign_membership not in shown


def test_the_list_filters_active_and_ended_memberships(qm_client, world):
    ended = world.memberships["agent"]
    ended.valid_until = timezone.localdate() - datetime.timedelta(days=2)
    ended.save()
    active = set(qm_client.get(reverse("membership_list")).context["page_obj"].object_list)
    ended_only = set(qm_client.get(reverse("membership_list"), {"status": "ended"}).context["page_obj"].object_list)
    assert ended not in active and ended_only == {ended}


def test_the_list_costs_the_same_for_1_or_30_memberships(client, django_assert_num_queries):
    manager = factories.MembershipFactory()
    client.force_login(manager.user)
    url = reverse("membership_list")
    client.get(url)  # warm: what the process keeps (the DSFR configuration)
    # session, user, the user's scope, the count and the page of memberships; the DSFR header config is no longer
    # read (kept by the process: qualipref.site_config)
    expected = 5
    with django_assert_num_queries(expected):
        client.get(url)
    for _ in range(30):
        factories.MembershipFactory(agent=True, site=factories.SiteFactory(prefecture=manager.prefecture))
    with django_assert_num_queries(expected):
        response = client.get(url)
    assert len(response.context["page_obj"].object_list) == 31


def test_ending_a_membership_stops_it_today(qm_client, world):
    membership = world.memberships["agent"]
    page = qm_client.get(reverse("membership_end", kwargs={"pk": membership.pk}))
    assert "Clore l’habilitation" in page.content.decode()
    response = qm_client.post(reverse("membership_end", kwargs={"pk": membership.pk}))
    assert response["Location"] == reverse("membership_list")
    membership.refresh_from_db()
    assert membership.valid_until == timezone.localdate() - datetime.timedelta(days=1)


def test_a_quality_manager_cannot_end_their_own_management_role(qm_client, world):
    membership = world.memberships["quality_manager"]
    response = qm_client.post(reverse("membership_end", kwargs={"pk": membership.pk}), follow=True)
    assert "Vous ne pouvez pas clore votre propre habilitation de gestion." in response.content.decode()
    membership.refresh_from_db()
    assert membership.valid_until is None


def test_an_ended_membership_is_not_ended_again(qm_client, world):
    membership = world.memberships["agent"]
    last_year = timezone.localdate() - datetime.timedelta(days=365)
    membership.valid_until = last_year
    membership.save()
    qm_client.post(reverse("membership_end", kwargs={"pk": membership.pk}))
    membership.refresh_from_db()
    assert membership.valid_until == last_year


def test_an_agent_may_not_end_their_own_membership(client, world):
    client.force_login(world.users["agent"])
    response = client.post(reverse("membership_end", kwargs={"pk": world.memberships["agent"].pk}))
    assert response.status_code == 403
    world.memberships["agent"].refresh_from_db()
    assert world.memberships["agent"].valid_until is None


def test_a_membership_of_another_prefecture_is_not_found(qm_client, world):
    response = qm_client.post(reverse("membership_end", kwargs={"pk": world.foreign_membership.pk}))
    assert response.status_code == 404


def test_my_account_lists_my_own_memberships(client, world):
    client.force_login(world.users["site_referent"])
    response = client.get(reverse("account"))
    html = response.content.decode()
    assert list(response.context["memberships"]) == [world.memberships["site_referent"]]
    assert "Référent qualité de site" in html and "01/01/2020" in html
    assert reverse("password_change") in html

import datetime

import pytest

from accounts import access
from accounts.models import Membership
from sites.models import Prefecture, Site
from tests import factories
from tests.permissions.world import build_world


@pytest.fixture
def world(db):
    return build_world()


def _site_names(user):
    return set(Site.objects.for_user(user).values_list("name", flat=True))


def test_each_role_sees_the_sites_of_its_scope(world):
    all_sites = {"Sous-préfecture d'Arles", "Sous-préfecture d'Istres", "Créteil – Préfecture"}

    assert _site_names(world.users["national"]) == all_sites
    assert _site_names(world.users["quality_manager"]) == {"Sous-préfecture d'Arles", "Sous-préfecture d'Istres"}
    assert _site_names(world.users["manager"]) == {"Sous-préfecture d'Arles", "Sous-préfecture d'Istres"}
    assert _site_names(world.users["site_referent"]) == {"Sous-préfecture d'Arles"}
    assert _site_names(world.users["agent"]) == {"Sous-préfecture d'Arles"}
    assert _site_names(world.users["auditor"]) == set()


def test_a_site_role_reveals_the_prefecture_of_the_site_but_not_its_other_sites(world):
    referent = world.users["site_referent"]

    assert list(Prefecture.objects.for_user(referent)) == [world.prefecture]
    assert access.can_view_site(referent, world.site)
    assert not access.can_view_site(referent, world.sister_site)


def test_only_national_administrators_and_the_quality_manager_manage_a_prefecture(world):
    allowed = {
        role for role, user in world.users.items() if user and access.can_manage_prefecture(user, world.prefecture)
    }

    assert allowed == {"national", "quality_manager"}
    assert not access.can_manage_prefecture(world.users["quality_manager"], world.foreign_prefecture)


def test_closures_are_managed_by_the_prefecture_and_the_referent_of_the_site(world):
    allowed = {role for role, user in world.users.items() if user and access.can_manage_closures(user, world.site)}
    on_sister = {
        role for role, user in world.users.items() if user and access.can_manage_closures(user, world.sister_site)
    }

    assert allowed == {"national", "quality_manager", "site_referent"}
    assert on_sister == {"national", "quality_manager"}


def test_an_expired_membership_gives_nothing(world):
    agent = world.memberships["agent"]
    agent.valid_until = datetime.date.today() - datetime.timedelta(days=1)
    agent.save()
    user = agent.user
    access.clear_scope(user)

    assert _site_names(user) == set()
    assert access.home_dashboard(user) == "none"


def test_a_membership_ending_today_still_counts_today(world):
    agent = world.memberships["agent"]
    agent.valid_until = datetime.date.today()
    agent.save()
    access.clear_scope(agent.user)

    assert _site_names(agent.user) == {"Sous-préfecture d'Arles"}


def test_the_scope_is_read_in_one_query_and_then_reused(world, django_assert_num_queries):
    user = type(world.users["quality_manager"]).objects.get(pk=world.users["quality_manager"].pk)

    with django_assert_num_queries(1):
        access.get_scope(user)
        access.can_manage_prefecture(user, world.prefecture)
        access.can_view_site(user, world.site)
        access.home_dashboard(user)


def test_each_role_lands_on_its_dashboard(world):
    landing = {role: access.home_dashboard(user) for role, user in world.users.items() if user}

    assert landing == {
        "national": "national",
        "quality_manager": "prefecture",
        "manager": "prefecture",
        "site_referent": "site",
        "agent": "site",
        "auditor": "auditor",
    }


def test_an_inactive_user_has_no_scope_whatever_their_memberships(world):
    user = world.users["national"]
    user.is_active = False
    access.clear_scope(user)

    assert not access.is_national_admin(user)


def test_a_superuser_is_a_national_administrator(db):
    user = factories.UserFactory(is_superuser=True)

    assert access.is_national_admin(user)


def test_abilities_refuse_an_unknown_kind_of_object(world):
    with pytest.raises(TypeError, match="Pas de règle d'accès"):
        access.abilities(world.users["national"], object())


def test_quality_managers_see_the_memberships_of_their_prefecture_only(world):
    seen = set(Membership.objects.for_user(world.users["quality_manager"]).values_list("user__username", flat=True))

    assert seen == {"qm", "referent", "agent", "manager", "auditor"}
    assert "qm94" not in seen

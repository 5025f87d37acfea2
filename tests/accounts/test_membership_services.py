import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError

from accounts import services
from accounts.models import Membership, Role
from tests import factories
from tests.permissions.world import build_world


@pytest.fixture
def world(db):
    return build_world()


def test_the_database_refuses_a_membership_ending_before_it_starts(world):
    with pytest.raises(IntegrityError):
        Membership.objects.create(
            user=world.users["agent"],
            role=Role.AGENT,
            site=world.site,
            valid_from=datetime.date(2026, 6, 1),
            valid_until=datetime.date(2026, 5, 1),
        )


def test_the_database_refuses_a_site_role_without_a_site(world):
    with pytest.raises(IntegrityError):
        Membership.objects.create(user=world.users["agent"], role=Role.AGENT, prefecture=world.prefecture)


def test_a_quality_manager_may_not_grant_on_a_foreign_prefecture(world):
    with pytest.raises(PermissionDenied):
        services.membership_create(
            by=world.users["quality_manager"],
            user=world.users["agent"],
            role=Role.MANAGER,
            prefecture=world.foreign_prefecture,
        )
    assert not Membership.objects.filter(prefecture=world.foreign_prefecture, role=Role.MANAGER).exists()


def test_a_referent_may_not_grant_anything(world):
    with pytest.raises(PermissionDenied):
        services.membership_create(
            by=world.users["site_referent"], user=factories.UserFactory(), role=Role.AGENT, site=world.site
        )


def test_an_overlapping_period_for_the_same_role_and_scope_is_refused_but_a_later_one_is_accepted(world):
    user = factories.UserFactory()
    by = world.users["quality_manager"]
    services.membership_create(
        by=by,
        user=user,
        role=Role.AGENT,
        site=world.site,
        valid_from=datetime.date(2026, 1, 1),
        valid_until=datetime.date(2026, 6, 30),
    )

    with pytest.raises(ValidationError, match="déjà ce rôle"):
        services.membership_create(
            by=by, user=user, role=Role.AGENT, site=world.site, valid_from=datetime.date(2026, 6, 30)
        )
    later = services.membership_create(
        by=by, user=user, role=Role.AGENT, site=world.site, valid_from=datetime.date(2026, 7, 1)
    )

    assert later.valid_until is None


def test_a_quality_manager_may_not_end_their_own_management_role(world):
    own = world.memberships["quality_manager"]

    with pytest.raises(ValidationError, match="propre habilitation"):
        services.membership_end(by=world.users["quality_manager"], membership=own)


def test_granting_a_role_gives_the_access_at_once(world):
    user = factories.UserFactory()
    from accounts import access

    assert not access.can_view_site(user, world.sister_site)
    services.membership_create(by=world.users["national"], user=user, role=Role.AGENT, site=world.sister_site)

    assert access.can_view_site(user, world.sister_site)


def test_ending_an_already_ended_membership_is_refused_and_does_not_reopen_it(world):
    agent = world.memberships["agent"]
    agent.valid_until = datetime.date.today() - datetime.timedelta(days=10)
    agent.save()

    with pytest.raises(ValidationError, match="déjà close"):
        services.membership_end(by=world.users["quality_manager"], membership=agent)
    agent.refresh_from_db()
    assert agent.valid_until == datetime.date.today() - datetime.timedelta(days=10)


def test_ending_a_membership_that_has_not_started_cancels_it(world):
    future = factories.MembershipFactory(
        agent=True, site=world.site, valid_from=datetime.date.today() + datetime.timedelta(days=5)
    )

    future_id = future.pk

    services.membership_end(by=world.users["quality_manager"], membership=future)

    assert not Membership.objects.filter(pk=future_id).exists()
    assert Membership.history.filter(id=future_id, history_type="-").exists()

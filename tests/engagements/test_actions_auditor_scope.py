"""Auditors read the actions of the scope they audit (the audited sites, the prefecture-wide actions of the audited
prefecture), only while their access window is open, and never change them."""

import datetime

import pytest
from django.urls import reverse
from django.utils.html import escape

from accounts import access
from engagements.models import Action
from tests import factories
from tests.permissions.world import build_world

pytestmark = pytest.mark.django_db

TODAY = datetime.date.today()


@pytest.fixture
def world():
    return build_world()


@pytest.fixture
def actions(world):
    plan = factories.ActionPlanFactory(prefecture=world.prefecture)
    return {
        "arles": factories.ActionFactory(plan=plan, site=world.site),
        "istres": factories.ActionFactory(plan=plan, site=world.sister_site),
        "prefecture_wide": factories.ActionFactory(plan=plan),
        "foreign": factories.ActionFactory(
            plan=factories.ActionPlanFactory(prefecture=world.foreign_prefecture), site=world.foreign_site
        ),
    }


def _audit(world, *, auditors, **window):
    labelling = factories.LabellingFactory(prefecture=world.prefecture)
    return factories.AuditFactory(labelling=labelling, sites=[world.site], auditors=auditors, **window)


def _seen(user):
    return set(Action.objects.for_user(user).values_list("pk", flat=True))


def test_an_auditor_reads_the_actions_of_the_audited_sites_and_the_prefecture_wide_ones(world, actions):
    auditor = world.users["auditor"]
    _audit(world, auditors=[auditor])

    assert _seen(auditor) == {actions["arles"].pk, actions["prefecture_wide"].pk}
    assert not access.can_edit_action(auditor, actions["arles"])


def test_an_auditor_opens_an_audited_action_but_not_one_of_another_site(client, world, actions):
    auditor = world.users["auditor"]
    _audit(world, auditors=[auditor])
    client.force_login(auditor)

    assert client.get(reverse("action_detail", kwargs={"pk": actions["arles"].pk})).status_code == 200
    assert client.get(reverse("action_detail", kwargs={"pk": actions["istres"].pk})).status_code == 404
    assert client.get(reverse("action_detail", kwargs={"pk": actions["foreign"].pk})).status_code == 404


def test_an_auditor_sees_the_site_of_an_action_without_a_link_to_its_page(client, world, actions):
    # The site's page is not theirs (404): the action's page names the site without linking to it.
    auditor = world.users["auditor"]
    _audit(world, auditors=[auditor])
    client.force_login(auditor)

    html = client.get(reverse("action_detail", kwargs={"pk": actions["arles"].pk})).content.decode()

    site_url = reverse("site_detail", kwargs={"pk": world.site.pk})
    assert escape(world.site.name) in html
    assert f'href="{site_url}"' not in html
    assert client.get(site_url).status_code == 404
    client.force_login(world.users["site_referent"])
    assert (
        f'href="{site_url}"'
        in client.get(reverse("action_detail", kwargs={"pk": actions["arles"].pk})).content.decode()
    )
    assert client.get(reverse("action_detail", kwargs={"pk": actions["foreign"].pk})).status_code == 404


def test_outside_the_access_window_an_auditor_reads_no_action(world, actions):
    auditor = world.users["auditor"]
    _audit(
        world,
        auditors=[auditor],
        access_from=TODAY - datetime.timedelta(days=60),
        access_until=TODAY - datetime.timedelta(days=1),
    )

    assert _seen(auditor) == set()


def test_an_auditor_not_assigned_to_the_audit_reads_no_action(world, actions):
    other = factories.MembershipFactory(auditor=True, prefecture=world.prefecture).user
    _audit(world, auditors=[world.users["auditor"]])

    assert _seen(other) == set()

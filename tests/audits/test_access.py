"""Who sees which audit (accounts/access/audits.py)."""

import datetime

import pytest

from accounts import access
from audits.models import Audit
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def audits(world, cycle):
    auditor = world.users["auditor"]
    return {
        "arles": factories.AuditFactory(labelling=cycle, sites=[world.site], auditors=[auditor]),
        "istres": factories.AuditFactory(labelling=cycle, sites=[world.sister_site]),
        "closed": factories.AuditFactory(labelling=cycle, auditors=[auditor], window_closed=True),
        "foreign": factories.AuditFactory(
            labelling=factories.LabellingFactory(prefecture=world.foreign_prefecture, sites=[world.foreign_site])
        ),
    }


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("national", {"arles", "istres", "closed", "foreign"}),
        ("quality_manager", {"arles", "istres", "closed"}),
        ("manager", {"arles", "istres", "closed"}),
        ("site_referent", {"arles", "closed"}),  # the audits that cover Arles
        ("agent", {"arles", "closed"}),
        ("auditor", {"arles", "closed"}),  # assigned to them; the closed one is refused when opened (403)
    ],
)
def test_each_role_sees_its_audits(world, audits, role, expected):
    visible = set(Audit.objects.for_user(world.users[role]).values_list("pk", flat=True))
    assert visible == {audits[name].pk for name in expected}


def test_an_auditor_reads_an_audit_only_during_its_window(world, audits):
    auditor = world.users["auditor"]
    closed = audits["closed"]
    assert access.audit_window_refusal(auditor, closed) is not None
    assert access.can_view_audit(auditor, closed, on=datetime.date(2015, 9, 15))
    assert not access.can_view_audit(auditor, closed, on=datetime.date(2015, 10, 19))
    assert access.audit_window_refusal(world.users["quality_manager"], closed) is None
    readable = access.scope_audits(Audit.objects.all(), auditor, open_windows_only=True)
    assert set(readable) == {audits["arles"]}


def test_an_auditor_whose_role_ended_sees_nothing(world, audits):
    membership = world.memberships["auditor"]
    membership.valid_until = datetime.date(2020, 12, 31)
    membership.save()
    auditor = type(world.users["auditor"]).objects.get(pk=world.users["auditor"].pk)
    assert not Audit.objects.for_user(auditor).exists()


def test_abilities_follow_the_status(world, cycle):
    delivered = factories.AuditFactory(labelling=cycle, delivered=True, auditors=[world.users["auditor"]])
    manager = access.abilities(world.users["quality_manager"], delivered)
    assert manager["respond"] and manager["decide"] and not manager["fill"]
    assert not access.abilities(world.users["auditor"], delivered)["fill"]
    finding = factories.FindingFactory(audit=delivered, site=world.site)
    assert access.abilities(world.users["national"], finding)["publish"]
    assert not access.abilities(world.users["national"], finding)["create_action"]

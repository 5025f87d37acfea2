"""The API's serializers represent their rows at a lower cost than DRF's own ModelSerializer, with the same output
(qualipref.lib.drf.ModelSerializer, issue 14): every list answers byte for byte what DRF's representation gives, and
a serializer's fields are its own (built once per class, copied per instance)."""

import pytest
from rest_framework import serializers

from qualipref.lib import drf
from sites.serializers import SiteSerializer
from tests import factories

LISTS = [
    "notifications",
    "actions",
    "action-plans",
    "complaints",
    "correspondences",
    "audits",
    "findings",
    "assessments",
    "sites",
    "prefectures",
    "memberships",
    "meetings",
    "trainings",
    "labellings",
    "documents",
    "on-call-shifts",
    "crisis-events",
    "press-releases",
]


@pytest.fixture
def rows(world):
    """A few rows of each list in the world's prefecture: foreign keys set and null, dates, choices, texts."""
    site, user = world.site, world.users["national"]
    factories.NotificationFactory.create_batch(2, recipient=user)
    plan = factories.ActionPlanFactory(prefecture=world.prefecture)
    factories.ActionFactory.create_batch(3, plan=plan)
    factories.ComplaintFactory.create_batch(3, site=site)
    factories.CorrespondenceFactory.create_batch(3, site=site)
    labelling = factories.LabellingFactory(prefecture=world.prefecture, sites=[site], audited=True)
    audit = factories.AuditFactory(labelling=labelling)
    factories.FindingFactory.create_batch(3, audit=audit)
    factories.AssessmentFactory(audit=audit)
    factories.MeetingFactory.create_batch(2, prefecture=world.prefecture)
    factories.TrainingFactory.create_batch(2, site=site)
    factories.QualityDocumentFactory(prefecture=world.prefecture)
    factories.OnCallShiftFactory(prefecture=world.prefecture)
    factories.CrisisEventFactory(prefecture=world.prefecture)
    factories.PressReleaseFactory(prefecture=world.prefecture)
    return world


def _lists(client):
    return {name: client.get(f"/api/v1/{name}/").content for name in LISTS}


def test_every_list_answers_what_drf_represents(rows, as_role, monkeypatch):
    client = as_role("national")
    ours = _lists(client)
    assert all(b'"results":[{' in body for body in ours.values()), [
        n for n, b in ours.items() if b'"results":[{' not in b
    ]
    monkeypatch.setattr(drf.ModelSerializer, "to_representation", serializers.ModelSerializer.to_representation)
    monkeypatch.setattr(drf.ModelSerializer, "get_fields", serializers.ModelSerializer.get_fields)
    assert _lists(client) == ours


def test_a_serializer_s_fields_are_its_own(world):
    first, second = SiteSerializer(), SiteSerializer()
    first.fields["name"].help_text = "changed"
    first.fields.pop("prefecture")
    assert second.fields["name"] is not first.fields["name"]
    for other in (second, SiteSerializer()):
        assert other.fields["name"].help_text != "changed"
        assert "prefecture" in other.fields


def test_a_plain_column_is_read_straight_and_the_rest_goes_drf_s_way(world):
    plan = {name: read for name, read, _, _ in drf._row_plan(SiteSerializer())}
    assert plan["name"] is not None  # a column
    assert plan["prefecture"] is not None  # a foreign key's id
    assert plan["abilities"] is None  # source="*": DRF's way

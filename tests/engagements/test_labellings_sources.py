"""Steps written by another record (an audit, at its decision or closure): linked to it, once per kind; the body's
opinion at a follow-up audit (engagements.services.labellings)."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError

from engagements.services import labellings as services
from tests import factories

pytestmark = pytest.mark.django_db

D = datetime.date


@pytest.fixture
def granted(world):
    return factories.LabellingFactory(prefecture=world.prefecture, granted=True, sites=[world.site])


@pytest.fixture
def audit(granted):
    return factories.AuditFactory(
        labelling=granted,
        kind="follow_up",
        start_on=D(2016, 11, 14),
        end_on=D(2016, 11, 16),
        status="delivered",
        report_delivered_on=D(2016, 11, 30),
    )


def _follow_up(world, granted, **kwargs):
    return services.labelling_record_follow_up_audit(
        by=world.users["quality_manager"], labelling=granted, happened_on=D(2016, 11, 14), **kwargs
    )


def test_a_follow_up_written_by_an_audit_carries_it_and_its_opinion(world, granted, audit):
    _follow_up(world, granted, source=audit, opinion="favourable")

    step = granted.steps.get()
    assert (step.source, step.audit_id, step.opinion) == (audit, audit.pk, "favourable")
    granted.refresh_from_db()
    assert granted.next_audit_due == D(2017, 11, 27)  # labelled on 27/11/2015, 12-month follow-ups


def test_an_audit_must_give_the_opinion_and_a_valid_one(world, granted, audit):
    for opinion in ("", "perhaps"):
        with pytest.raises(ValidationError) as error:
            _follow_up(world, granted, source=audit, opinion=opinion)
        assert list(error.value.message_dict) == ["opinion"]
    assert not granted.steps.exists()


def test_a_follow_up_entered_by_hand_takes_no_opinion_nor_source(world, granted, audit):
    services.labelling_transition(
        by=world.users["quality_manager"], labelling=granted, step="follow_up_audit", happened_on=D(2016, 11, 14)
    )
    step = granted.steps.get()
    assert step.audit_id is None and step.opinion == "" and step.title == "Audit de suivi"
    with pytest.raises(ValidationError) as error:
        services.labelling_transition(
            by=world.users["quality_manager"],
            labelling=granted,
            step="follow_up_audit",
            happened_on=D(2016, 11, 15),
            source=audit,
        )
    assert "source" in error.value.message_dict


def test_the_database_keeps_one_step_of_a_kind_per_source(granted, audit):
    factories.LabellingStepFactory(labelling=granted, kind="follow_up_audit", source=audit, opinion="favourable")
    with pytest.raises(IntegrityError):
        factories.LabellingStepFactory(labelling=granted, kind="follow_up_audit", source=audit)


def test_the_database_keeps_the_opinion_for_follow_up_audits(granted):
    with pytest.raises(IntegrityError):
        factories.LabellingStepFactory(labelling=granted, kind="decision", opinion="favourable")

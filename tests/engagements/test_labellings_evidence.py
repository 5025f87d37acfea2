"""Evidence files of the steps: kept under media, checked by qualipref.lib.uploads (tests/test_uploads.py)."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from engagements.models import LabellingStep
from engagements.services import labellings as services
from tests import factories

PDF = b"%PDF-1.4\n% rapport d'audit\n"


def _file(name, content):
    return SimpleUploadedFile(name, content)


def test_a_step_keeps_its_evidence_under_media(world, settings):
    cycle = factories.LabellingFactory(prefecture=world.prefecture)

    services.labelling_record_internal_evaluation(
        by=world.users["quality_manager"],
        labelling=cycle,
        happened_on=datetime.date(2015, 6, 22),
        evidence=_file("rapport-audit-interne.pdf", PDF),
    )

    step = LabellingStep.objects.get()
    assert step.evidence.name.startswith(f"labellings/{datetime.date.today().year}/rapport-audit-interne")
    with step.evidence.open("rb") as stored:
        assert stored.read() == PDF


def test_a_refused_evidence_writes_nothing(world):
    cycle = factories.LabellingFactory(prefecture=world.prefecture)

    with pytest.raises(ValidationError):
        services.labelling_record_internal_evaluation(
            by=world.users["quality_manager"],
            labelling=cycle,
            happened_on=datetime.date(2015, 6, 22),
            evidence=_file("rapport.exe", b"MZ"),
        )

    cycle.refresh_from_db()
    assert cycle.status == "preparation"
    assert not LabellingStep.objects.exists()

"""Evidence files of the steps: 10 Mo at most, PDF, PNG, JPEG, ODT or DOCX, checked on the content too."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from engagements.models import LabellingStep
from engagements.services import labellings as services
from tests import factories

PDF = b"%PDF-1.4\n% rapport d'audit\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 16
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 16
ZIP = b"PK\x03\x04" + b"\x00" * 16


def _file(name, content):
    return SimpleUploadedFile(name, content)


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("rapport.pdf", PDF),
        ("photo.PNG", PNG),
        ("scan.jpg", JPEG),
        ("scan.jpeg", JPEG),
        ("cr.odt", ZIP),
        ("cr.docx", ZIP),
    ],
)
def test_accepted_types_pass_the_check(name, content):
    services.check_evidence_file(_file(name, content))


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        (
            "virus.exe",
            b"MZ",
            "Type de fichier non accepté (« .exe ») : formats acceptés PDF, PNG, JPEG, ODT ou DOCX, 10 Mo au plus.",
        ),
        (
            "rapport",
            PDF,
            "Type de fichier non accepté (sans extension) : formats acceptés PDF, PNG, JPEG, ODT ou DOCX, "
            "10 Mo au plus.",
        ),
        ("rapport.pdf", PNG, "Le contenu du fichier ne correspond pas à un document PDF."),
        ("tableau.docx", PDF, "Le contenu du fichier ne correspond pas à un document DOCX."),
    ],
)
def test_other_types_and_disguised_files_are_refused(name, content, message):
    with pytest.raises(ValidationError) as error:
        services.check_evidence_file(_file(name, content))

    assert error.value.message_dict == {"evidence": [message]}


def test_a_file_over_10_mo_is_refused_with_its_size():
    big = _file("rapport.pdf", PDF + b"0" * (10 * 1024 * 1024))

    with pytest.raises(ValidationError) as error:
        services.check_evidence_file(big, field="file")

    assert error.value.message_dict == {"file": ["Le fichier pèse 10,0 Mo : la taille maximale est de 10 Mo."]}


def test_a_file_of_exactly_10_mo_is_accepted():
    services.check_evidence_file(_file("rapport.pdf", PDF + b"0" * (10 * 1024 * 1024 - len(PDF))))


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

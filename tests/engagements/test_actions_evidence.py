"""Evidence files of an action: 10 Mo at most, PDF, PNG, JPEG, ODT, DOCX or XLSX judged on their content (not
their name), stored under media with a random name, served only to the people who see the action."""

from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from engagements.models import ActionEvidence
from engagements.services import actions as services
from qualipref.lib import uploads
from tests import documents
from tests.permissions.actions import action_objects


@pytest.fixture
def objects(world):
    return action_objects(world)


FILES = {
    "rapport.pdf": b"%PDF-1.7\n1 0 obj\n",
    "photo.png": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
    "photo.JPG": b"\xff\xd8\xff\xe0\x00\x10JFIF",
    "compte-rendu.odt": documents.ODT,
    "note.docx": documents.DOCX,
    "indicateurs.xlsx": documents.xlsx_bytes(),
}


def _upload(name, content):
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


@pytest.mark.parametrize("name", FILES)
def test_each_accepted_type_is_stored_under_media_with_its_real_content_type(world, objects, name):
    evidence = services.action_evidence_add(
        by=world.users["site_referent"], action=objects.own, file=_upload(name, FILES[name])
    )

    assert evidence.name == name
    assert evidence.size == len(FILES[name])
    kind = evidence.file.name.rsplit(".", 1)[1].replace("jpg", "jpeg")
    assert evidence.content_type == uploads.DOCUMENT_TYPES[kind][1]
    stored = Path(settings.MEDIA_ROOT) / evidence.file.name
    assert stored.read_bytes() == FILES[name]
    assert name not in evidence.file.name  # random name on disk


def test_a_file_over_10_mo_is_refused_and_nothing_is_stored(world, objects):
    big = b"%PDF-1.7\n" + b"0" * uploads.DOCUMENT_MAX_BYTES
    stored_before = set((Path(settings.MEDIA_ROOT) / "actions").rglob("*"))

    with pytest.raises(ValidationError) as error:
        services.action_evidence_add(
            by=world.users["quality_manager"], action=objects.own, file=_upload("gros.pdf", big)
        )

    assert error.value.message_dict["file"] == ["Le fichier pèse 10,0 Mo : la taille maximale est de 10 Mo."]
    assert list(objects.own.evidence.all()) == [objects.evidence]
    assert set((Path(settings.MEDIA_ROOT) / "actions").rglob("*")) == stored_before


def test_a_forbidden_extension_is_refused(world, objects):
    with pytest.raises(ValidationError) as error:
        services.action_evidence_add(
            by=world.users["quality_manager"], action=objects.own, file=_upload("script.exe", b"MZ\x90\x00")
        )
    assert error.value.message_dict["file"] == [
        "Type de fichier non accepté (« .exe ») : formats acceptés PDF, PNG, JPEG, ODT, DOCX ou XLSX, 10 Mo au plus."
    ]


def test_a_program_renamed_as_a_pdf_is_refused_on_its_content(world, objects):
    with pytest.raises(ValidationError) as error:
        services.action_evidence_add(
            by=world.users["quality_manager"], action=objects.own, file=_upload("rapport.pdf", b"MZ\x90\x00\x03")
        )
    assert error.value.message_dict["file"] == ["Le contenu du fichier ne correspond pas à un document PDF."]


def test_a_picture_named_as_a_pdf_is_refused(world, objects):
    with pytest.raises(ValidationError) as error:
        services.action_evidence_add(
            by=world.users["quality_manager"], action=objects.own, file=_upload("rapport.pdf", FILES["photo.png"])
        )
    assert error.value.message_dict["file"] == ["Le contenu du fichier ne correspond pas à un document PDF."]


def test_a_zip_that_is_not_an_office_document_is_refused(world, objects):
    with pytest.raises(ValidationError):
        services.action_evidence_add(
            by=world.users["quality_manager"],
            action=objects.own,
            file=_upload("note.docx", documents.zip_bytes({"a.txt": "x"})),
        )


def test_an_empty_file_is_refused(world, objects):
    with pytest.raises(ValidationError, match="vide"):
        services.action_evidence_add(by=world.users["quality_manager"], action=objects.own, file=_upload("a.pdf", b""))


def test_a_reader_may_not_add_evidence(world, objects):
    for role in ("manager", "agent", "national"):
        with pytest.raises(PermissionDenied):
            services.action_evidence_add(
                by=world.users[role], action=objects.own, file=_upload("rapport.pdf", FILES["rapport.pdf"])
            )


def test_evidence_uploaded_on_the_page_is_downloaded_by_a_reader_with_its_name(client, world, objects):
    client.force_login(world.users["site_referent"])
    response = client.post(
        reverse("action_evidence_create", kwargs={"pk": objects.own.pk}),
        {"file": _upload("compte rendu.pdf", FILES["rapport.pdf"])},
    )
    assert response.status_code == 302
    evidence = objects.own.evidence.get(name="compte rendu.pdf")

    client.force_login(world.users["manager"])
    download = client.get(
        reverse("action_evidence_download", kwargs={"pk": objects.own.pk, "evidence_pk": evidence.pk})
    )

    assert download.status_code == 200
    assert download["Content-Type"] == "application/pdf"
    assert "compte rendu.pdf" in download["Content-Disposition"]
    assert b"".join(download.streaming_content) == FILES["rapport.pdf"]


def test_a_refused_upload_on_the_page_shows_the_french_reason(client, world, objects):
    client.force_login(world.users["site_referent"])
    response = client.post(
        reverse("action_evidence_create", kwargs={"pk": objects.own.pk}),
        {"file": _upload("photo.pdf", FILES["photo.png"])},
        follow=True,
    )
    assert "Le contenu du fichier ne correspond pas à un document PDF." in response.content.decode()
    assert not ActionEvidence.objects.filter(name="photo.pdf").exists()


def test_removing_evidence_deletes_the_file_once_committed(world, objects, django_capture_on_commit_callbacks):
    stored = Path(settings.MEDIA_ROOT) / objects.evidence.file.name
    assert stored.exists()

    with django_capture_on_commit_callbacks(execute=True):
        services.action_evidence_delete(by=world.users["quality_manager"], evidence=objects.evidence)

    assert not stored.exists()
    assert not objects.own.evidence.exists()

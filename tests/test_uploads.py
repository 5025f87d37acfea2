"""The shared check of uploaded documents: 10 Mo at most, PDF, PNG, JPEG, ODT, DOCX or XLSX, judged on the content."""

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from qualipref.lib import uploads
from tests import documents
from tests.documents import DOCX, ODT

PDF = b"%PDF-1.4\n% rapport d'audit\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 16
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 16


def _file(name, content):
    return SimpleUploadedFile(name, content)


@pytest.mark.parametrize(
    ("name", "content", "kind"),
    [
        ("rapport.pdf", PDF, "pdf"),
        ("photo.PNG", PNG, "png"),
        ("scan.jpg", JPEG, "jpeg"),
        ("scan.jpeg", JPEG, "jpeg"),
        ("cr.odt", ODT, "odt"),
        ("cr.docx", DOCX, "docx"),
        ("indicateurs.xlsx", documents.xlsx_bytes(), "xlsx"),
    ],
)
def test_accepted_types_pass_the_check_and_give_their_kind(name, content, kind):
    assert uploads.check_document(_file(name, content)) == kind


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        (
            "virus.exe",
            b"MZ",
            "Type de fichier non accepté (« .exe ») : formats acceptés PDF, PNG, JPEG, ODT, DOCX ou XLSX, "
            "10 Mo au plus.",
        ),
        (
            "rapport",
            PDF,
            "Type de fichier non accepté (sans extension) : formats acceptés PDF, PNG, JPEG, ODT, DOCX ou XLSX, "
            "10 Mo au plus.",
        ),
        ("rapport.pdf", PNG, "Le contenu du fichier ne correspond pas à un document PDF."),
        ("rapport.pdf", b"MZ\x90\x00\x03", "Le contenu du fichier ne correspond pas à un document PDF."),
        ("tableau.docx", PDF, "Le contenu du fichier ne correspond pas à un document DOCX."),
        (
            "tableau.docx",
            documents.zip_bytes({"a.txt": "x"}),
            "Le contenu du fichier ne correspond pas à un document DOCX.",
        ),
        ("tableau.xlsx", DOCX, "Le contenu du fichier ne correspond pas à un document XLSX."),
        ("cr.odt", b"PK\x03\x04" + b"\x00" * 16, "Le contenu du fichier ne correspond pas à un document ODT."),
        ("vide.pdf", b"", "Le fichier est vide."),
    ],
)
def test_other_types_disguised_and_empty_files_are_refused(name, content, message):
    with pytest.raises(ValidationError) as error:
        uploads.check_document(_file(name, content), field="evidence")

    assert error.value.message_dict == {"evidence": [message]}


def test_a_file_over_10_mo_is_refused_with_its_size():
    big = _file("rapport.pdf", PDF + b"0" * (10 * 1024 * 1024))

    with pytest.raises(ValidationError) as error:
        uploads.check_document(big)

    assert error.value.message_dict == {"file": ["Le fichier pèse 10,0 Mo : la taille maximale est de 10 Mo."]}


def test_a_file_of_exactly_10_mo_is_accepted():
    assert uploads.check_document(_file("rapport.pdf", PDF + b"0" * (10 * 1024 * 1024 - len(PDF)))) == "pdf"


def test_the_check_rewinds_the_file_for_whoever_stores_it():
    upload = _file("cr.docx", DOCX)
    uploads.check_document(upload)
    assert upload.read() == DOCX

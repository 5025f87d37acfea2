"""The API of the register of quality documents: documents/ and document-versions/ (scoping, filters shared with the
page, query counts independent of the rows, foreign ids refused, the life cycle, the permission-checked download)."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from engagements.models import DocumentVersion, QualityDocument
from engagements.services import documents as services
from tests import factories

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _document(world, qm, prefecture=None, **kwargs):
    document = factories.QualityDocumentFactory(prefecture=prefecture or world.prefecture, owner=qm, **kwargs)
    document.sites.set([world.site] if document.prefecture_id == world.prefecture.pk else [])
    version = factories.DocumentVersionFactory(document=document, number="1.0")
    services.version_submit(by=qm, version=version)
    services.version_approve(by=qm, version=version)
    return document


def test_the_list_is_scoped_and_filtered_like_the_page(as_role, world, qm):
    own = _document(world, qm, kind="reception_guide")
    _document(world, qm, kind="procedure")
    _document(world, world.foreign_membership.user, prefecture=world.foreign_prefecture, kind="reception_guide")

    response = as_role("site_referent").get(
        reverse("api:document-list"), {"kind": "reception_guide", "site": world.site.pk}
    )

    assert [row["id"] for row in response.json()["results"]] == [own.pk]
    row = response.json()["results"][0]
    assert row["review_status"] == "up_to_date" and row["current_version"]["number"] == "1.0"
    assert row["abilities"] == {"update": False, "delete": False, "add_version": True, "approve": False}


def test_the_list_costs_the_same_for_1_or_20_documents(as_role, world, qm, django_assert_num_queries):
    _document(world, qm)
    client = as_role("quality_manager")
    client.get(reverse("api:document-list"))
    # count, page, its sites and engagements (the scope is read once per user object)
    with django_assert_num_queries(4) as one:
        client.get(reverse("api:document-list"))
    for _ in range(19):
        _document(world, qm)
    with django_assert_num_queries(len(one.captured_queries)):
        response = client.get(reverse("api:document-list"))
    assert response.json()["count"] == 20


def test_the_versions_list_costs_the_same_for_1_or_20_versions(as_role, world, qm, django_assert_num_queries):
    document = _document(world, qm)
    client = as_role("site_referent")
    url = reverse("api:document-version-list") + f"?document={document.pk}"
    client.get(url)
    # the filter's document, count, page (with their document and people), the documents' sites
    with django_assert_num_queries(4) as one:
        client.get(url)
    for number in range(2, 21):
        factories.DocumentVersionFactory(document=document, number=f"{number}.0", author=qm)
    with django_assert_num_queries(len(one.captured_queries)):
        response = client.get(url)
    assert response.json()["count"] == 20


def test_a_document_with_another_prefecture_site_or_prefecture_is_refused(as_role, world, qm):
    client = as_role("quality_manager")
    payload = {"prefecture": world.prefecture.pk, "reference": "P-1", "title": "Procédure", "kind": "procedure"}

    foreign_site = client.post(
        reverse("api:document-list"), {**payload, "owner": "qm", "sites": [world.foreign_site.pk]}, format="json"
    )
    foreign_prefecture = client.post(
        reverse("api:document-list"),
        {**payload, "prefecture": world.foreign_prefecture.pk, "owner": "qm"},
        format="json",
    )
    foreign_owner = client.post(reverse("api:document-list"), {**payload, "owner": "qm94"}, format="json")

    assert foreign_site.status_code == 400 and "sites" in foreign_site.json()
    assert foreign_prefecture.status_code == 400 and "prefecture" in foreign_prefecture.json()
    assert foreign_owner.status_code == 400
    assert "n'est pas habilité(e) sur cette préfecture" in foreign_owner.json()["owner"][0]
    assert not QualityDocument.objects.exists()


def test_a_version_is_uploaded_then_submitted_approved_and_downloaded(as_role, world, qm):
    document = _document(world, qm)
    referent = as_role("site_referent")
    created = referent.post(
        reverse("api:document-version-list"),
        {"document": document.pk, "number": "2.0", "dated": "2015-10-01", "file": SimpleUploadedFile("g.pdf", PDF)},
        format="multipart",
    )
    assert created.status_code == 201, created.json()
    pk = created.json()["id"]
    assert created.json()["status"] == "draft" and created.json()["file_name"] == "g.pdf"
    assert referent.post(reverse("api:document-version-submit", kwargs={"pk": pk})).json()["status"] == "in_review"

    refused = referent.post(reverse("api:document-version-approve", kwargs={"pk": pk}))
    assert refused.status_code == 403 and "responsable qualité" in refused.json()["detail"]

    approved = as_role("quality_manager").post(reverse("api:document-version-approve", kwargs={"pk": pk}))
    assert approved.json()["status"] == "approved" and approved.json()["approved_by"] == "qm"
    assert document.versions.get(number="1.0").status == DocumentVersion.Status.SUPERSEDED
    download = as_role("agent").get(approved.json()["download_url"])
    assert download.status_code == 200 and b"".join(download.streaming_content) == PDF


def test_a_file_of_the_wrong_type_and_a_version_without_file_nor_link_are_refused_in_french(as_role, world, qm):
    document = _document(world, qm)
    client = as_role("quality_manager")
    wrong = client.post(
        reverse("api:document-version-list"),
        {"document": document.pk, "number": "2.0", "dated": "2015-10-01", "file": SimpleUploadedFile("g.pdf", b"MZ!")},
        format="multipart",
    )
    empty = client.post(
        reverse("api:document-version-list"),
        {"document": document.pk, "number": "2.0", "dated": "2015-10-01"},
        format="json",
    )
    assert wrong.status_code == 400
    assert wrong.json()["file"] == ["Le contenu du fichier ne correspond pas à un document PDF."]
    assert empty.json()["file"] == ["Joignez le fichier de la version ou indiquez le lien où elle se trouve."]


def test_a_version_of_a_foreign_document_does_not_exist(as_role, world, qm):
    foreign = _document(world, world.foreign_membership.user, prefecture=world.foreign_prefecture)
    client = as_role("quality_manager")
    response = client.post(
        reverse("api:document-version-list"),
        {"document": foreign.pk, "number": "2.0", "dated": "2015-10-01", "url": "https://a.fr/x"},
        format="json",
    )
    assert response.status_code == 400 and "document" in response.json()
    foreign.refresh_from_db()
    version = foreign.current_version
    assert client.get(reverse("api:document-version-download", kwargs={"pk": version.pk})).status_code == 404

"""Pages of the register of quality documents: the scoped, filtered list (query count pinned), its exports (CSV,
XLSX, PDF), a document's page and its buttons, the forms (foreign ids refused), the permission-checked download."""

import datetime
import io
import subprocess

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from engagements.models import DocumentVersion, QualityDocument
from engagements.services import documents as services
from tests import factories
from tests.checks import page_text
from tests.pdf_pages import needs_poppler, pages

pytestmark = pytest.mark.django_db
PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def guide(guide, qm):
    """Arles' reception guide (tests/engagements/conftest.py), approved v1.0 (a PDF) and a draft v2.0."""
    document = guide
    v1 = services.version_add(
        by=qm,
        document=document,
        number="1.0",
        dated=datetime.date(2015, 3, 2),
        file=SimpleUploadedFile("guide-accueil-arles.pdf", PDF_BYTES),
    )
    services.version_submit(by=qm, version=v1)
    services.version_approve(by=qm, version=v1)
    services.version_add(by=qm, document=document, number="2.0", dated=datetime.date(2015, 9, 1), url="https://a.fr/g2")
    document.refresh_from_db()
    return document


def _many(world, qm, count):
    for _ in range(count):
        document = factories.QualityDocumentFactory(prefecture=world.prefecture, owner=qm)
        document.sites.set([world.site])
        version = factories.DocumentVersionFactory(document=document)
        services.version_submit(by=qm, version=version)
        services.version_approve(by=qm, version=version)


# --- the register ----------------------------------------------------------------------------------


def test_the_register_shows_own_and_national_documents_not_other_prefectures(client, world, qm, guide):
    national = factories.QualityDocumentFactory(prefecture=None, reference="GUIDE-QP2", owner=world.users["national"])
    factories.QualityDocumentFactory(prefecture=world.foreign_prefecture, reference="CRETEIL-1")
    client.force_login(world.users["agent"])

    response = client.get(reverse("document_list"))

    assert [d for d, _ in response.context["rows"]] == [national, guide]
    text = page_text(response)
    assert "Télécharger la version 1.0" in text and "CRETEIL-1" not in text
    assert "Nouveau document" not in text


def test_a_referent_finds_the_reception_guide_of_their_site_and_downloads_it(client, world, qm, guide):
    other = factories.QualityDocumentFactory(prefecture=world.prefecture, kind="reception_guide", owner=qm)
    other.sites.set([world.sister_site])
    client.force_login(world.users["site_referent"])

    response = client.get(reverse("document_list"), {"kind": "reception_guide", "site": world.site.pk})

    assert [d for d, _ in response.context["rows"]] == [guide]
    url = reverse("document_version_download", kwargs={"pk": guide.pk, "version_pk": guide.current_version_id})
    assert url in response.content.decode()
    download = client.get(url)
    assert download.status_code == 200 and b"".join(download.streaming_content) == PDF_BYTES
    assert 'filename="guide-accueil-arles.pdf"' in download["Content-Disposition"]


def test_the_register_filters_by_engagement_status_and_due(client, world, qm, guide):
    engagement = factories.labelling_referential("QP2").engagements.order_by("pk").first()
    guide.engagements.set([engagement])
    late = factories.QualityDocumentFactory(prefecture=world.prefecture, owner=qm)
    version = factories.DocumentVersionFactory(document=late)
    services.version_submit(by=qm, version=version)
    services.version_approve(by=qm, version=version)
    QualityDocument.objects.filter(pk=late.pk).update(review_due_on=datetime.date(2015, 1, 1))
    client.force_login(qm)

    def rows(**params):
        return [d for d, _ in client.get(reverse("document_list"), params).context["rows"]]

    assert rows(engagement=engagement.pk) == [guide]
    assert rows(status="late") == [late]
    assert rows(status="up_to_date") == [guide]
    assert rows(due="true") == [late]
    assert rows(q="arles") == [guide]


def test_a_filter_on_another_prefecture_site_is_refused(client, world, qm, guide):
    client.force_login(qm)
    response = client.get(reverse("document_list"), {"site": world.foreign_site.pk})
    assert response.context["filter_form"].errors["site"] == [
        "Sélectionnez un choix valide. Ce choix ne fait pas partie de ceux disponibles."
    ]
    assert world.foreign_site.name not in page_text(response)


def test_the_empty_register_says_where_to_start(client, world, qm):
    client.force_login(qm)
    text = page_text(client.get(reverse("document_list")))
    assert "Aucun document qualité n’est encore enregistré." in text and "Nouveau document" in text


def test_the_register_costs_the_same_for_1_or_30_documents(client, world, qm, django_assert_num_queries):
    _many(world, qm, 1)
    client.force_login(qm)
    client.get(reverse("document_list"))
    # session, user, scope, the count, the page and its sites, the prefectures shown, the choices of the filter's
    # sites and engagements; the DSFR configuration is no longer read (kept by the process: qualipref.site_config)
    with django_assert_num_queries(9) as first:
        client.get(reverse("document_list"))
    _many(world, qm, 29)
    with django_assert_num_queries(len(first.captured_queries)):
        response = client.get(reverse("document_list"))
    assert len(response.context["rows"]) == 30


# --- exports ---------------------------------------------------------------------------------------


def test_the_csv_export_has_every_filtered_document_with_its_links(client, world, qm, guide):
    client.force_login(world.users["site_referent"])
    response = client.get(reverse("document_export_csv"), {"kind": "reception_guide"})
    content = b"".join(response.streaming_content).decode("utf-8-sig")
    lines = content.splitlines()
    assert lines[0].startswith("Référence;Intitulé;Nature;Préfecture;Sites concernés")
    assert len(lines) == 2
    row = lines[1].split(";")
    assert row[:5] == [
        "GUIDE-ACC-ARLES",
        "Guide d'accueil de la sous-préfecture d'Arles",
        "Guide d'accueil",
        world.prefecture.name,
        world.site.name,
    ]
    assert row[7] == "1.0" and row[10] == "À jour"
    assert row[11] == f"http://testserver/qualite/documents/{guide.pk}/"
    assert row[12].endswith(f"/qualite/documents/{guide.pk}/versions/{guide.current_version_id}/")


def test_the_xlsx_export_keeps_dates_as_dates(client, world, qm, guide):
    client.force_login(qm)
    response = client.get(reverse("document_export_xlsx"))
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    header = [cell.value for cell in sheet[1]]
    row = [cell.value for cell in sheet[2]]
    assert header[0] == "Référence" and row[0] == "GUIDE-ACC-ARLES"
    assert isinstance(row[9], datetime.datetime) and row[9].date() == guide.review_due_on


@needs_poppler
def test_the_pdf_list_reads_the_register_with_its_links(client, world, qm, guide, tmp_path):
    client.force_login(qm)
    response = client.get(reverse("document_export_pdf"))
    assert response["Content-Type"] == "application/pdf"
    (page,) = pages(response.content, tmp_path)
    text = " ".join(page)
    assert "Tableau de gestion documentaire" in text and "1 document" in text
    assert "GUIDE-ACC-ARLES" in text and "Guide d'accueil" in text and "À jour" in text
    # The links of the document's page and of its version in force (pdftohtml writes the PDF's link annotations).
    path = tmp_path / "documents.pdf"
    path.write_bytes(response.content)
    links = subprocess.run(["pdftohtml", "-xml", "-stdout", "-i", str(path)], capture_output=True, text=True).stdout
    assert f"http://testserver/qualite/documents/{guide.pk}/" in links
    assert f"/qualite/documents/{guide.pk}/versions/{guide.current_version_id}/" in links


# --- a document's page -----------------------------------------------------------------------------


def test_the_page_shows_the_versions_and_the_buttons_of_the_quality_manager(client, world, qm, guide):
    client.force_login(qm)
    text = page_text(client.get(reverse("document_detail", kwargs={"pk": guide.pk})))
    assert "Version 1.0" in text and "Approuvée" in text and "Brouillon" in text
    assert "Soumettre en relecture" in text and "Archiver" in text and "Modifier le document" in text


def test_the_agent_reads_the_page_without_buttons(client, world, guide):
    client.force_login(world.users["agent"])
    text = page_text(client.get(reverse("document_detail", kwargs={"pk": guide.pk})))
    assert "Version 1.0" in text
    assert "Soumettre en relecture" not in text and "Déposer une nouvelle version" not in text


def test_submit_then_approve_by_buttons_supersedes_the_old_version(client, world, qm, guide):
    draft = guide.versions.get(number="2.0")
    client.force_login(world.users["site_referent"])
    client.post(reverse("document_version_submit", kwargs={"pk": guide.pk, "version_pk": draft.pk}))
    refused = client.post(reverse("document_version_approve", kwargs={"pk": guide.pk, "version_pk": draft.pk}))
    assert refused.status_code == 403

    client.force_login(qm)
    response = client.post(
        reverse("document_version_approve", kwargs={"pk": guide.pk, "version_pk": draft.pk}), follow=True
    )

    assert "La version 2.0 est approuvée" in page_text(response)
    assert "Remplacée" in page_text(response)
    assert guide.versions.get(number="1.0").status == DocumentVersion.Status.SUPERSEDED


def test_a_version_is_uploaded_through_the_form_and_a_wrong_type_is_refused(client, world, qm, guide):
    client.force_login(world.users["site_referent"])
    url = reverse("document_version_add", kwargs={"pk": guide.pk})
    refused = client.post(
        url, {"number": "3.0", "dated": "2015-10-01", "file": SimpleUploadedFile("guide.png", b"\x89PNG\r\n\x1a\n")}
    )
    assert "Type de fichier non accepté" in page_text(refused)

    saved = client.post(
        url, {"number": "3.0", "dated": "2015-10-01", "file": SimpleUploadedFile("guide-v3.pdf", PDF_BYTES)}
    )
    assert saved.status_code == 302
    assert guide.versions.get(number="3.0").file_name == "guide-v3.pdf"


def test_the_document_form_refuses_sites_and_owners_of_another_prefecture(client, world, qm):
    client.force_login(qm)
    response = client.post(
        reverse("document_create"),
        {
            "reference": "PROC-9",
            "title": "Procédure",
            "kind": "procedure",
            "owner": world.foreign_membership.user.pk,
            "sites": [world.foreign_site.pk],
            "review_months": 12,
        },
    )
    form = response.context["form"]
    assert set(form.errors) == {"owner", "sites"}
    assert not QualityDocument.objects.exists()

    saved = client.post(
        reverse("document_create"),
        {"reference": "PROC-9", "title": "Procédure", "kind": "procedure", "owner": qm.pk, "review_months": 12},
    )
    document = QualityDocument.objects.get()
    assert saved["Location"] == reverse("document_version_add", kwargs={"pk": document.pk})


def test_a_national_admin_chooses_the_register_first(client, world):
    client.force_login(world.users["national"])
    text = page_text(client.get(reverse("document_create")))
    assert "Document national" in text and world.prefecture.name in text
    form = client.get(reverse("document_create"), {"prefecture": "national"}).context["form"]
    assert "sites" not in form.fields


def test_a_download_of_another_prefecture_document_is_a_404(client, world, qm, guide):
    client.force_login(world.foreign_membership.user)
    url = reverse("document_version_download", kwargs={"pk": guide.pk, "version_pk": guide.current_version_id})
    assert client.get(url).status_code == 404


def test_the_quality_manager_edits_a_document_and_its_history_shows_the_change(client, world, qm, guide):
    client.force_login(qm)
    url = reverse("document_edit", kwargs={"pk": guide.pk})
    form = client.get(url).context["form"]
    data = {
        "reference": guide.reference,
        "title": guide.title,
        "kind": guide.kind,
        "owner": guide.owner_id,
        "sites": [world.site.pk, world.sister_site.pk],
        "review_months": 6,
    }
    assert form.initial["review_months"] == 12

    response = client.post(url, data, follow=True)

    guide.refresh_from_db()
    assert guide.review_months == 6 and set(guide.sites.all()) == {world.site, world.sister_site}
    text = page_text(response)
    assert "Périodicité de révision (mois)" in text and "12 mois" in text and "6 mois" in text


def test_a_national_admin_writes_a_national_document_from_the_page(client, world):
    national = world.users["national"]
    client.force_login(national)
    response = client.post(
        reverse("document_create") + "?prefecture=national",
        {
            "reference": "GUIDE-QP2",
            "title": "Guide Qualipref 2.0",
            "kind": "referential_guide",
            "owner": national.pk,
            "review_months": 24,
        },
    )
    document = QualityDocument.objects.get()
    assert response.status_code == 302 and document.prefecture is None

"""The PDF report: its text (pdftotext) holds the counts per site and the prefecture's response; it is stored with
its checksum and found again unchanged; a large one is produced by a Celery task whose progress the page shows."""

import datetime
import hashlib
import shutil
import subprocess

import pytest
from django.urls import reverse

from audits.models import AuditReport
from audits.services import reports as services
from audits.tasks import produce_audit_report
from engagements.models import Engagement
from qualipref.models import OutboxMessage
from tests import factories

pytestmark = pytest.mark.django_db

needs_pdftotext = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext absent (poppler-utils)")


def pdf_text(content, tmp_path):
    path = tmp_path / "rapport.pdf"
    path.write_bytes(content)
    result = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True)
    return " ".join(result.stdout.split())  # one line, single spaces: the layout does not matter


@pytest.fixture
def reported_audit(world, cycle):
    audit = factories.AuditFactory(labelling=cycle, auditors=[world.users["auditor"]], delivered=True)
    for category, number in (("strength", 20), ("improvement", 3), ("sensitive_point", 2)):
        factories.FindingFactory.create_batch(number, audit=audit, site=world.site, category=category)
    factories.FindingFactory.create_batch(17, audit=audit, site=world.sister_site, category="strength")
    engagement = Engagement.objects.get(referential=cycle.referential, code="QP2-M1-E03")
    factories.FindingFactory(
        audit=audit,
        site=world.sister_site,
        engagement=engagement,
        minor=True,
        text="L'accès des personnes à mobilité réduite n'est pas signalé à l'entrée.",
        response="Un panneau signalant l'accès PMR sera posé avant le 31/12/2015.",
        responded_on="2015-10-20",
    )
    factories.AssessmentFactory(
        audit=audit, engagement=engagement, site=world.sister_site, result="minor_nonconformity"
    )
    return audit


@needs_pdftotext
def test_the_report_text_holds_the_counts_per_site_and_the_response(reported_audit, tmp_path):
    content, pages, _ = services.render_report(reported_audit)
    assert content.startswith(b"%PDF-") and pages >= 5
    text = pdf_text(content, tmp_path)
    assert "Rapport d’audit" in text and "Préfecture des Bouches-du-Rhône" in text
    assert "Sous-préfecture d’Arles : 20 points forts, 3 pistes de progrès, 2 points sensibles" in text
    assert "Sous-préfecture d’Istres : 17 points forts, 1 non-conformité mineure" in text
    assert "Un panneau signalant l’accès PMR sera posé avant le 31/12/2015." in text
    assert "Page 2 sur" in text  # page numbers
    assert "du 14 septembre 2015 au 18 septembre 2015" in text  # French dates on the cover


@pytest.mark.skipif(shutil.which("pdffonts") is None, reason="pdffonts absent (poppler-utils)")
def test_the_report_embeds_the_marianne_font_and_fetches_nothing_outside(reported_audit, tmp_path):
    content, _, _ = services.render_report(reported_audit)
    path = tmp_path / "rapport.pdf"
    path.write_bytes(content)
    fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout
    assert "Marianne" in fonts and "Marianne-Bold" in fonts


def test_the_report_fetches_local_static_files_only(reported_audit, monkeypatch):
    fetched = []
    original = services.pdf._static_file

    def record(url):
        fetched.append(url)
        return original(url)

    monkeypatch.setattr(services.pdf, "_static_file", record)
    services.render_report(reported_audit)
    assert fetched and all("/static/dsfr/dist/fonts/Marianne-" in url for url in fetched)


def test_a_produced_report_is_stored_with_its_checksum_and_found_again_unchanged(reported_audit, world):
    report = services.report_generate(by=world.users["quality_manager"], audit=reported_audit)
    content = report.file.read()
    assert report.status == "done" and report.sha256 == hashlib.sha256(content).hexdigest()
    assert report.size == len(content) and report.generated_at is not None
    # the same data: the stored file is returned, not a new one
    again = services.report_generate(by=world.users["manager"], audit=reported_audit)
    assert again.pk == report.pk and AuditReport.objects.count() == 1
    # new data: a new report, the former one stays as it was
    factories.FindingFactory(audit=reported_audit, site=world.site)
    newer = services.report_generate(by=world.users["manager"], audit=reported_audit)
    assert newer.pk != report.pk
    report.refresh_from_db()
    with report.file.open("rb") as stored:
        assert hashlib.sha256(stored.read()).hexdigest() == report.sha256


def test_the_audit_page_downloads_the_pdf(login, reported_audit):
    response = login("auditor").get(reverse("audit_report", kwargs={"pk": reported_audit.pk}))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    body = b"".join(response.streaming_content)
    assert body.startswith(b"%PDF-")
    assert response["X-Report-SHA256"] == hashlib.sha256(body).hexdigest()


def test_a_large_report_is_produced_by_a_celery_task_with_its_progress(login, reported_audit, monkeypatch, tmp_path):
    monkeypatch.setattr(services, "LARGE_REPORT_ITEMS", 10)
    client = login("quality_manager")
    response = client.get(reverse("audit_report", kwargs={"pk": reported_audit.pk}))
    assert response.status_code == 302 and response["Location"].endswith("#rapports")
    report = AuditReport.objects.get()
    sent = list(OutboxMessage.objects.values_list("task", "args"))
    assert sent == [("audits.tasks.produce_audit_report", [report.pk])] and report.status == "pending"
    page = client.get(reverse("audit_detail", kwargs={"pk": reported_audit.pk})).content.decode()
    assert "Production du rapport en cours" in page and 'hx-trigger="every 2s"' in page
    # a second request while it runs does not start another production
    client.get(reverse("audit_report", kwargs={"pk": reported_audit.pk}))
    assert AuditReport.objects.count() == 1 and OutboxMessage.objects.count() == 1

    steps = []
    original = services.pdf.html_to_pdf

    def follow(html, on_progress=None):
        def record(percent, message):
            steps.append(percent)
            on_progress(percent, message)

        return original(html, on_progress=record)

    monkeypatch.setattr(services.pdf, "html_to_pdf", follow)
    assert produce_audit_report(report.pk) == "done"
    report.refresh_from_db()
    assert report.status == "done" and report.progress == 100 and report.pages >= 5
    assert steps == sorted(steps) and len(steps) >= 5
    status = client.get(reverse("audit_report_status", kwargs={"pk": reported_audit.pk, "report_pk": report.pk}))
    assert "télécharger le PDF" in status.content.decode()
    assert produce_audit_report(report.pk) == "done"  # idempotent: nothing produced twice


def test_the_delivered_report_is_kept_unchanged(reported_audit, world):
    from audits.services import audits as audit_services

    reported_audit.status, reported_audit.report_delivered_on = "writing", None
    reported_audit.save()
    report = services.report_generate(by=world.users["quality_manager"], audit=reported_audit)
    audit_services.audit_transition(
        by=world.users["quality_manager"], audit=reported_audit, step="deliver", on=reported_audit.end_on
    )
    report.refresh_from_db()
    assert report.delivered_on == reported_audit.end_on


@needs_pdftotext
def test_the_report_shows_the_cause_analysis_and_the_immediate_correction(reported_audit, tmp_path):
    nonconformity = reported_audit.findings.get(category="minor_nonconformity")
    nonconformity.cause_categories = ["equipment", "communication"]
    nonconformity.cause_whys = ["Panneau retiré pendant les travaux", "Aucune consigne de remise en place"]
    nonconformity.analysed_on = datetime.date(2015, 10, 20)
    nonconformity.correction = "Affichette provisoire posée à l’entrée."
    nonconformity.corrected_on = datetime.date(2015, 9, 17)
    nonconformity.save()
    text = pdf_text(services.render_report(reported_audit)[0], tmp_path)
    assert (
        "Analyse des causes (Matériel, Communication) : Panneau retiré pendant les travaux → Aucune consigne de "
        "remise en place" in text
    )
    assert "Correction immédiate du 17/09/2015 : Affichette provisoire posée à l’entrée." in text


def test_the_report_lists_the_quality_documents_serving_an_engagement(reported_audit, world):
    engagement = Engagement.objects.get(referential=reported_audit.labelling.referential, code="QP2-M1-E09")
    document = factories.QualityDocumentFactory(
        prefecture=reported_audit.prefecture,
        reference="PROC-TEL",
        title="Procédure d'accueil téléphonique",
        owner=world.users["quality_manager"],
    )
    document.engagements.set([engagement])

    html = services.report_html(reported_audit)

    assert "QP2-M1-E09, documents de référence" in html
    assert "PROC-TEL – Procédure d’accueil téléphonique (sans version approuvée)" in html

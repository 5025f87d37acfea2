"""Demo data of the register of quality documents: Bouches-du-Rhône's reception guide of Arles (approved v1.0 and a
newer draft v2.0, real PDFs made here), its crisis communication plan whose review is due soon, a national guide."""

import datetime
import subprocess

import pytest
from django.utils import timezone

from engagements.demo import documents as demo
from engagements.models import DocumentVersion, QualityDocument
from engagements.models.documents import ReviewStatus
from tests.checks import assert_no_new_rows

pytestmark = pytest.mark.django_db


@pytest.fixture
def loaded(demo_data):
    demo.load()


def test_the_reception_guide_of_arles_has_an_approved_pdf_and_a_newer_draft(loaded, tmp_path):
    guide = QualityDocument.objects.get(reference="GUIDE-ACC-ARLES")

    assert [site.name for site in guide.sites.all()] == ["Sous-préfecture d'Arles"]
    assert guide.kind == "reception_guide" and guide.owner.username == "referent-arles"
    versions = {v.number: v for v in guide.versions.all()}
    assert versions["1.0"].status == DocumentVersion.Status.APPROVED and guide.current_version == versions["1.0"]
    assert versions["2.0"].status == DocumentVersion.Status.DRAFT
    assert versions["1.0"].file_name == "guide-acc-arles-v1.0.pdf" and versions["1.0"].size > 1000
    # A real PDF made here (and written again by a second load when the media of a copied database lack it).
    path = tmp_path / "guide.pdf"
    path.write_bytes(versions["1.0"].file.read())
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    assert "Guide d'accueil de la sous-préfecture d'Arles" in text
    assert guide.engagements.filter(code="QP2-M1-E04").exists()


def test_the_crisis_communication_plan_is_due_for_review_soon(loaded):
    plan = QualityDocument.objects.get(reference="PCC-13")

    assert plan.get_kind_display() == "Plan de communication de crise"
    assert plan.review_status() == ReviewStatus.DUE
    assert 0 < (plan.review_due_on - timezone.localdate()).days < 60
    assert plan.engagements.filter(code="QP2-M7-E02").exists()


def test_a_national_guide_is_shared_by_every_prefecture(loaded):
    guide = QualityDocument.objects.get(reference="GUIDE-QP2")
    assert guide.prefecture is None and guide.current_version.url.startswith("https://")
    assert guide.review_due_on > timezone.localdate() + datetime.timedelta(days=60)


def test_loading_the_demo_twice_changes_nothing(loaded):
    assert_no_new_rows(demo.load, QualityDocument.objects, DocumentVersion.objects)

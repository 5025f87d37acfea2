"""In a real browser: the register of quality documents (« tableau de gestion documentaire »). A referent finds the
current reception guide of their site from the navigation and downloads it; the quality manager approves a newer
version and the old one shows « Remplacée »; the register driven by the keyboard only, and on a 375-px phone."""

import re
import subprocess

import pytest
from playwright.sync_api import expect

from tests.e2e.test_accessibility import PHONE

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

GUIDE = "Guide d'accueil de la sous-préfecture d'Arles"


@pytest.fixture
def documents_demo(demo):
    from engagements.demo import documents

    documents.load()  # writes again the demo's PDFs missing from this run's media
    return demo


def _pdf_text(download, tmp_path):
    path = tmp_path / "document.pdf"
    download.save_as(path)
    return subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout


def test_a_referent_finds_and_downloads_the_current_reception_guide_of_their_site(
    page, documents_demo, signed_in, artifacts, tmp_path
):
    signed_in("referent-arles")
    page.goto("/")
    page.get_by_role("button", name="Démarche qualité").click()
    page.get_by_role("link", name="Documents qualité").click()  # first click: the register

    expect(page.get_by_role("heading", level=1)).to_have_text("Documents qualité")
    row = page.locator("tbody tr", has_text=GUIDE)
    expect(row).to_contain_text("Guide d'accueil")
    expect(row).to_contain_text("À jour")
    artifacts.screenshot(page, "documents-registre-referent.png", full_page=True)
    page.checks.check_pending()

    with page.expect_download() as download_info:  # second click: the version in force
        row.get_by_role("link", name=re.compile(r"^Télécharger la version 1\.0")).click()
    download = download_info.value
    assert download.suggested_filename == "guide-acc-arles-v1.0.pdf"
    assert GUIDE in _pdf_text(download, tmp_path)


def test_the_quality_manager_approves_the_new_version_and_the_old_one_is_superseded(
    page, documents_demo, signed_in, artifacts
):
    signed_in("qualite13")
    page.goto("/qualite/documents/?kind=reception_guide")
    page.get_by_role("link", name=GUIDE, exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(GUIDE)

    versions = page.locator("#versions tbody tr")
    new, old = versions.filter(has_text="Version 2.0"), versions.filter(has_text="Version 1.0")
    expect(new).to_contain_text("Brouillon")
    new.get_by_role("button", name="Soumettre en relecture la version 2.0").click()
    expect(page.get_by_role("alert").or_(page.get_by_role("status"))).to_contain_text("soumise en relecture")
    expect(new).to_contain_text("En relecture")

    new.get_by_role("button", name="Approuver la version 2.0").click()

    expect(page.get_by_role("alert").or_(page.get_by_role("status"))).to_contain_text("La version 2.0 est approuvée")
    expect(new).to_contain_text("Approuvée")
    expect(old).to_contain_text("Remplacée")
    expect(page.get_by_role("link", name="Télécharger la version 2.0")).to_be_visible()
    artifacts.screenshot(page, "documents-version-approuvee.png", full_page=True)


def test_the_register_is_filtered_and_a_version_downloaded_with_the_keyboard_only(
    page, documents_demo, signed_in, artifacts
):
    signed_in("referent-arles")
    page.goto("/qualite/documents/")
    page.get_by_label("Nature").focus()
    page.keyboard.press("ArrowDown")  # the first nature after « Toutes les natures »: Procédure
    for _ in range(2):
        page.keyboard.press("ArrowDown")  # Fiche réflexe, Guide d'accueil
    expect(page.get_by_label("Nature")).to_have_value("reception_guide")
    page.get_by_role("button", name="Filtrer").focus()
    page.keyboard.press("Enter")

    expect(page).to_have_url(re.compile(r"kind=reception_guide"))
    expect(page.locator("tbody tr")).to_have_count(1)
    link = page.get_by_role("link", name=re.compile(r"^Télécharger la version 1\.0"))
    for _ in range(60):  # Tab until the download link has the focus
        page.keyboard.press("Tab")
        if link.evaluate("element => element === document.activeElement"):
            break
    expect(link).to_be_focused()
    artifacts.screenshot(page, "documents-clavier.png")
    with page.expect_download() as download_info:
        page.keyboard.press("Enter")
    assert download_info.value.suggested_filename.endswith(".pdf")


def test_the_register_and_a_document_fit_a_phone(page, documents_demo, signed_in, artifacts):
    from engagements.models import QualityDocument

    page.set_viewport_size(PHONE)
    signed_in("qualite13")
    guide = QualityDocument.objects.get(reference="GUIDE-ACC-ARLES")
    for url, name in (("/qualite/documents/", "registre"), (f"/qualite/documents/{guide.pk}/", "document")):
        assert page.goto(url).status == 200  # axe-core runs here
        overflow = page.evaluate("() => document.scrollingElement.scrollWidth - window.innerWidth")
        artifacts.screenshot(page, f"documents-375-{name}.png", full_page=True)
        assert overflow <= 0, f"{url} : {overflow} px de trop"

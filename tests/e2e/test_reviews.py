"""In a real browser, on a 375-px phone, keyboard only: the quality manager of the Bouches-du-Rhône drafts the 2015
review, writes a section, publishes it, and downloads its PDF and workbook once the worker has produced them (the
task's body is run by the test); the pages never scroll sideways and pass axe-core (page_checks.py)."""

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _overflow(page):
    return page.evaluate("() => document.scrollingElement.scrollWidth - window.innerWidth")


def test_the_quality_manager_writes_publishes_and_downloads_the_2015_review_on_a_phone(
    page, demo, signed_in, artifacts
):
    from reviews.models import ReviewPdf, YearlyReview

    page.set_viewport_size({"width": 375, "height": 800})
    signed_in("qualite13")
    page.goto("/bilans/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Bilans qualité annuels")
    page.get_by_role("link", name="Rédiger un bilan").focus()
    page.keyboard.press("Enter")
    page.checks.check_pending()  # axe on the form
    year = page.get_by_label("Année")
    year.fill("2015")
    year.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Bilan de la démarche qualité 2015")
    expect(page.get_by_text("Sur ces 46 réclamations et suggestions, 100 %")).to_be_visible()
    assert _overflow(page) <= 0, "le bilan défile horizontalement"
    page.checks.check_pending()  # axe on the draft: every section's figures and form

    text = "Nouveau référentiel en février : Qualipref 2.0. Mise en place d’un comité de pilotage qualité mensuel."
    narrative = page.get_by_label("Texte de la partie « I – Le pilotage de la démarche »")
    narrative.fill(text)
    narrative.press("Tab")  # to « Enregistrer le texte »
    page.keyboard.press("Enter")
    expect(page.locator(".fr-alert--success, .fr-notice")).to_contain_text("enregistré")
    expect(page.get_by_label("Texte de la partie « I – Le pilotage de la démarche »")).to_have_value(text)
    page.checks.check_pending()
    artifacts.screenshot(page, "bilan-375.png", full_page=False)

    page.get_by_role("button", name="Publier le bilan").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_text("Bilan publié")).to_be_visible()
    review = YearlyReview.objects.get(prefecture__department_id="13", year=2015)
    assert review.is_published and review.pilotage_text == text
    item = ReviewPdf.objects.get(review=review)
    _produce_while_no_page_polls(page, item.pk)
    pdf_link = page.get_by_role("link", name="télécharger le PDF")
    expect(pdf_link).to_be_visible()
    with page.expect_download() as download:
        pdf_link.focus()
        page.keyboard.press("Enter")
    assert download.value.suggested_filename == "bilan-qualite-2015-bouches-du-rhone.pdf"
    with page.expect_download() as workbook:
        page.get_by_role("link", name="Télécharger les tableaux (XLSX)").click()
    assert workbook.value.suggested_filename == "bilan-qualite-2015-bouches-du-rhone.xlsx"
    assert _overflow(page) <= 0
    artifacts.screenshot(page, "bilan-publie-375.png", full_page=False)


def test_the_national_administrator_writes_and_publishes_the_2015_national_review_on_a_phone(
    page, demo, signed_in, artifacts
):
    from reviews.models import ReviewPdf, YearlyReview

    page.set_viewport_size({"width": 375, "height": 800})
    signed_in("national")
    page.goto("/bilans/")
    page.get_by_role("link", name="Rédiger un bilan").focus()
    page.keyboard.press("Enter")
    whole_country = page.get_by_role("radio", name="France entière")
    whole_country.focus()
    page.keyboard.press("Space")
    expect(whole_country).to_be_checked()
    page.checks.check_pending()  # axe on the form with its scopes
    artifacts.screenshot(page, "bilan-national-formulaire-375.png", full_page=True)
    year = page.get_by_label("Année")
    year.fill("2015")
    year.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Bilan de la démarche qualité 2015")
    expect(page.locator(".fr-text--lead")).to_have_text("France entière")
    labels = page.get_by_role("table", name="Préfectures et sous-préfectures labellisées au 31/12/2015")
    expect(labels.get_by_role("row", name="Qualipref 2.0 numérique")).to_contain_text("Préfecture des Bouches-du-Rhône")
    expect(page.get_by_role("table", name="Actions réalisées en 2015 par préfecture et par origine")).to_be_visible()
    assert _overflow(page) <= 0, "le bilan national défile horizontalement"
    page.locator("#partie-evaluation").scroll_into_view_if_needed()
    artifacts.screenshot(page, "bilan-national-evaluation-375.png", full_page=False)
    page.checks.check_pending()  # axe on the national draft

    text = "Douze préfectures labellisées Qualipref 2.0 fin 2015 : l'objectif de 100 % n'est pas atteint."
    narrative = page.get_by_label("Texte de la partie « I – Le pilotage de la démarche »")
    narrative.fill(text)
    narrative.press("Tab")
    page.keyboard.press("Enter")
    expect(page.locator(".fr-alert--success, .fr-notice")).to_contain_text("enregistré")
    artifacts.screenshot(page, "bilan-national-375.png", full_page=False)

    page.get_by_role("button", name="Publier le bilan").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_text("Bilan publié")).to_be_visible()
    review = YearlyReview.objects.get(scope="national", year=2015)
    assert review.is_published and review.pilotage_text == text
    _produce_while_no_page_polls(page, ReviewPdf.objects.get(review=review).pk)
    pdf_link = page.get_by_role("link", name="télécharger le PDF")
    with page.expect_download() as download:
        pdf_link.focus()
        page.keyboard.press("Enter")
    assert download.value.suggested_filename == "bilan-qualite-2015-france.pdf"
    page.checks.check_pending()
    page.goto("/bilans/")
    expect(page.get_by_role("row", name="Bilan 2015").filter(has_text="France entière")).to_contain_text("Publié")


def _produce_while_no_page_polls(page, pdf_pk):
    """The PDF produced in the test's thread, as the worker does, then the review's page again. The page polls the
    PDF's state every 2 s: on SQLite (one in-memory database shared by the live server's threads) a poll reading
    reviews_reviewpdf while the production writes it failed the write with « database table is locked »."""
    from reviews import services

    url = page.url
    page.goto("about:blank")
    services.pdf_produce(pdf_pk)  # what the worker does
    page.goto(url)

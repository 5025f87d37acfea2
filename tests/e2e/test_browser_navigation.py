"""In a real browser: signing in, the navigation of each role, a foreign site's 404, local assets only."""

import re

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _menu(page):
    """The top-level entries of the header: links and drop-down buttons."""
    entries = page.locator("#fr-navigation .fr-nav__item > .fr-nav__link, #fr-navigation .fr-nav__item > .fr-nav__btn")
    return [label.strip() for label in entries.all_inner_texts()]


def test_a_quality_manager_signs_in_and_lands_on_the_prefecture_dashboard(page, demo, login, artifacts):
    login("qualite13", demo)
    expect(page).to_have_url(re.compile(r"/comptes/tableau-de-bord/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Tableau de bord")
    expect(page.get_by_role("heading", name="Préfecture des Bouches-du-Rhône")).to_be_visible()
    expect(page.locator(".fr-header__tools")).to_contain_text("Claire Fabre")
    artifacts.screenshot(page, "tableau-de-bord-qualite13.png", full_page=True)


def test_navigation_differs_by_role(page, demo, login):
    login("qualite13", demo)
    assert _menu(page) == [
        "Tableau de bord",
        "Sites",
        "Démarche qualité",
        "Usagers",
        "Crise",
        "Indicateurs",
        "Habilitations",
    ]
    expect(page.locator('#fr-navigation [aria-current="page"]')).to_have_text("Tableau de bord")

    page.get_by_role("button", name="Se déconnecter").click()
    expect(page).to_have_url(re.compile(r"/comptes/connexion/$"))

    login("agent-istres", demo)
    assert _menu(page) == ["Tableau de bord", "Mon site", "Démarche qualité", "Usagers", "Crise", "Indicateurs"]
    page.get_by_role("button", name="Usagers").click()
    expect(page.get_by_role("link", name="Réclamations et suggestions")).to_be_visible()
    page.get_by_role("link", name="Mon site").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Sous-préfecture d'Istres")
    expect(page.locator('#fr-navigation [aria-current="page"]')).to_have_text("Mon site")
    expect(page.get_by_role("link", name="Modifier le site")).to_have_count(0)


def test_a_foreign_site_answers_404(page, demo, login, artifacts, page_checks):
    page_checks.allow_console("status of 404")  # the foreign site asked for below
    from sites.models import Site

    arles = Site.objects.get(name="Sous-préfecture d'Arles")
    login("qualite94", demo)
    response = page.goto(f"/territoire/sites/{arles.pk}/")
    assert response.status == 404
    expect(page.get_by_role("heading", level=1)).to_have_text("Page non trouvée")
    expect(page.get_by_text("Erreur 404")).to_be_visible()
    artifacts.screenshot(page, "site-etranger-404.png")


def test_a_wrong_password_shows_the_french_error(page, demo, login):
    login("qualite13", "pas-le-bon-mot-de-passe")
    expect(page).to_have_url(re.compile(r"/comptes/connexion/$"))
    expect(page.get_by_role("alert")).to_contain_text("Identifiant ou mot de passe incorrect.")


def test_pages_load_every_asset_from_the_application_itself(page, demo, login, live_server):
    elsewhere = []
    page.on(
        "request",
        lambda request: None if request.url.startswith((live_server.url, "data:")) else elsewhere.append(request.url),
    )
    login("national", demo)
    page.get_by_role("navigation", name="Menu principal").get_by_role("link", name="Préfectures").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Préfectures")
    font = page.evaluate("getComputedStyle(document.body).fontFamily")
    assert "Marianne" in font
    assert elsewhere == []

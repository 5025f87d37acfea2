"""Every list of the logged-in pages (beyond the registers, tests/e2e/test_accessibility.py) on a 375-px phone: the
page never scrolls sideways (a wide table scrolls inside its DSFR wrapper), and axe-core passes (page_checks.py).
One test, one demo load: the lists are visited one after the other, by the role that reads each of them."""

import pytest
from playwright.sync_api import expect

from tests.e2e.test_accessibility import PHONE

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# (role, URL) of each list page, from the URL confs: the lists without a parameter, then those of one object.
LISTS = {
    "qualite13": [
        "/qualite/plans-d-action/",
        "/qualite/actions/",
        "/qualite/reunions/",
        "/qualite/formations/",
        "/qualite/formations/agents-non-formes/",
        "/qualite/documents/",
        "/qualite/referentiels/",
        "/qualite/labellisation/",
        "/audits/",
        "/audits/bonnes-pratiques/",
        "/enquetes/",
        "/enquetes/questionnaires/",
        "/indicateurs/",
        "/indicateurs/catalogue/",
        "/comptes/notifications/",
        "/comptes/habilitations/",
        "/comptes/mon-compte/jetons/",
        "/territoire/prefectures/",
        "/territoire/sites/",
        "/reclamations/modeles-de-reponse/",
        "/reclamations/statistiques/",
        "/courriers/delais/",
        "/crise/astreinte/",
        "/crise/evenements/",
        "/crise/communiques/",
    ],
    "national": [
        "/qualite/labellisation/national/",
        "/indicateurs/national/",
        "/comptes/habilitations/",
    ],
}


def _object_lists():
    """Lists that belong to one object: an audit's findings, a campaign's results, comments and typed-in papers."""
    from audits.models import Audit
    from surveys.models import Campaign

    audit = Audit.objects.filter(prefecture__department_id="13", findings__isnull=False).order_by("-pk").first()
    campaign = Campaign.objects.filter(prefecture__department_id="13", status="open").first()
    return [
        f"/audits/{audit.pk}/",
        f"/enquetes/{campaign.pk}/resultats/",
        f"/enquetes/{campaign.pk}/commentaires/",
        f"/enquetes/{campaign.pk}/saisie/",
    ]


def _overflow(page):
    return page.evaluate("() => document.scrollingElement.scrollWidth - window.innerWidth")


def _paper_grid_with_an_error(page, overflowing):
    """The paper grid once more, a cell refused: the DSFR's red bar beside it must not widen the page."""
    page.locator(".qp-entry-cell").first.fill("7")
    page.locator("#entry-form").get_by_role("button", name="Enregistrer").click()
    expect(page.locator(".qp-entry__cell.fr-input-group--error")).to_have_count(1)
    if _overflow(page) > 0:
        overflowing.append(f"saisie papier avec une case en erreur : {_overflow(page)} px de trop")


def test_no_list_scrolls_sideways_on_a_phone(page, demo, signed_in, artifacts):
    page.set_viewport_size(PHONE)
    overflowing = []
    for role, urls in LISTS.items():
        page.context.clear_cookies()
        signed_in(role)
        if role == "qualite13":
            urls = [*urls, *_object_lists()]
        for url in urls:
            response = page.goto(url)  # axe-core runs here
            assert response.status == 200, url
            if _overflow(page) > 0:
                overflowing.append(f"{url} ({role}) : {_overflow(page)} px de trop")
                artifacts.screenshot(page, f"liste-375-{url.strip('/').replace('/', '-')}.png", full_page=True)
            if url.endswith("/saisie/"):
                _paper_grid_with_an_error(page, overflowing)
    assert overflowing == [], "Pages plus larges que le téléphone :\n" + "\n".join(overflowing)

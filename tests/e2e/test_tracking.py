"""In a real browser, on a phone (375 px): a requester follows their request (« Suivre ma demande ») with its
reference and their postcode; a wrong address gets the error summary, which takes the focus. axe-core checks each
page (tests/e2e/page_checks.py)."""

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import TIMEOUT_MS
from tests.e2e.page_checks import PageChecks

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_requester_follows_their_request_on_a_phone(browser, live_server, demo):
    from sites.models import Site
    from tests import factories

    complaint = factories.ComplaintFactory(
        site=Site.objects.filter(is_active=True).order_by("pk").first(),
        with_requester=True,
        answered=True,
        response="Madame, un second agent renforce désormais l'accueil le matin.",
    )
    phone = browser.new_context(
        base_url=live_server.url, locale="fr-FR", viewport={"width": 375, "height": 812}, is_mobile=True
    )
    phone.set_default_timeout(TIMEOUT_MS)
    page = phone.new_page()
    checks = PageChecks(page)
    try:
        page.goto("/e-reclamation/suivi/")
        expect(page.get_by_role("heading", level=1)).to_have_text("Suivre ma demande")
        page.get_by_label("Référence de votre demande").fill(complaint.reference)
        page.get_by_label("Adresse électronique ou code postal").fill("13200")
        page.get_by_role("button", name="Afficher ma demande").click()

        summary = page.locator("[data-qp-form-errors]")
        expect(summary).to_contain_text("Aucune demande ne correspond à cette référence")
        expect(summary).to_be_focused()
        checks.check_pending()

        page.get_by_label("Adresse électronique ou code postal").fill("13800")
        page.get_by_role("button", name="Afficher ma demande").click()
        expect(page.locator("#suivi")).to_contain_text(complaint.reference)
        expect(page.locator("#suivi")).to_contain_text("Répondue")
        expect(page.locator("#reponse")).to_contain_text("un second agent renforce désormais l'accueil le matin")
        assert page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth") <= 0
        checks.finish()
    finally:
        phone.close()

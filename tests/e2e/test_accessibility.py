"""The pages that axe-core found wanting (RGAA 4), on a desktop and on a phone: every ``page.goto`` of the browser
tests runs axe-core (tests/e2e/page_checks.py), so visiting them is the test; what axe cannot see (a pausable
refresh, horizontal scrolling) is asserted here."""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from tests.e2e.conftest import TIMEOUT_MS
from tests.e2e.page_checks import PageChecks, axe_violations
from tests.e2e.test_audits import _follow_up_audit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ARLES = "Sous-préfecture d'Arles"
PHONE = {"width": 375, "height": 812}


@pytest.fixture
def phone(browser, live_server, request):
    """A 375-px phone, checked like the desktop page."""
    context = browser.new_context(
        base_url=live_server.url, locale="fr-FR", viewport=PHONE, is_mobile=True, has_touch=True
    )
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    page.checks = PageChecks(page)
    yield page
    try:
        if getattr(request.node, "report_call", None) and request.node.report_call.passed:
            page.checks.finish()
    finally:
        context.close()


def _public_urls():
    from sites.models import Site
    from surveys.models import Campaign

    arles = Site.objects.get(name=ARLES)
    campaign = Campaign.objects.filter(prefecture__department_id="13", status="open").first()
    return [
        "/comptes/connexion/",
        reverse("password_reset"),
        "/e-reclamation/",
        reverse("public_footfall_index"),
        reverse("public_footfall_site", kwargs={"pk": arles.pk}),
        reverse("survey_answer", kwargs={"pk": campaign.pk, "site_pk": arles.pk}),
        reverse("survey_kiosk", kwargs={"pk": campaign.pk, "site_pk": arles.pk, "key": campaign.kiosk_key}),
        reverse("survey_public_results", kwargs={"site_pk": arles.pk}),
        reverse("survey_public_screen", kwargs={"site_pk": arles.pk}),
    ]


def _horizontal_overflow(page):
    return page.evaluate("() => document.documentElement.scrollWidth - document.documentElement.clientWidth")


def test_the_public_pages_pass_axe_on_a_phone_without_horizontal_scrolling(phone, demo, artifacts):
    for url in _public_urls():
        phone.goto(url)  # axe-core runs here
        assert _horizontal_overflow(phone) <= 0, url
    phone.goto(_public_urls()[4])  # /affluence/<site>/
    artifacts.screenshot(phone, "affluence-375.png", full_page=True)


def test_the_public_pages_pass_axe_on_a_desktop(page, demo):
    for url in _public_urls():
        page.goto(url)


def test_the_login_page_has_a_menu_on_a_phone(phone, demo, artifacts):
    """The DSFR header of an anonymous page is whole: « Menu » opens « Se connecter » (no script error either)."""
    phone.goto("/comptes/connexion/")
    phone.get_by_role("button", name="Menu").click()
    expect(phone.locator("#fr-menu-mobile").get_by_role("link", name="Se connecter")).to_be_visible()
    artifacts.screenshot(phone, "connexion-menu-375.png")


def test_the_hall_screen_refreshes_by_a_script_that_a_visitor_may_suspend(page, demo):
    from sites.models import Site

    arles = Site.objects.get(name=ARLES)
    page.goto(reverse("survey_public_screen", kwargs={"site_pk": arles.pk}))
    expect(page.locator('meta[http-equiv="refresh"]')).to_have_count(0)
    expect(page.get_by_text("Cette page s’actualise toutes les 5 minutes.")).to_be_visible()
    page.get_by_role("button", name="Suspendre l’actualisation").click()
    expect(page.get_by_text("Actualisation automatique suspendue.")).to_be_visible()
    page.get_by_role("button", name="Reprendre l’actualisation").click()
    expect(page.get_by_text("Cette page s’actualise toutes les 5 minutes.")).to_be_visible()
    expect(page.get_by_role("link", name="Actualiser")).to_be_visible()


def test_the_agents_pages_named_by_the_audit_pass_axe(page, demo, signed_in, artifacts):
    from sites.models import Site

    signed_in("qualite13")
    page.goto("/comptes/mon-compte/")
    page.goto("/territoire/prefectures/")  # a pagination whose « Page précédente » is unavailable
    page.goto("/reclamations/")
    page.goto("/courriers/")
    page.goto("/api/v1/docs/")
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("API Qualipref")
    page.locator(".opblock-summary").first.click()  # an unfolded operation, checked too
    page.checks.settle()
    assert axe_violations(page) == []

    audit = _follow_up_audit()
    arles = Site.objects.get(name=ARLES)
    page.context.clear_cookies()
    signed_in("auditeur")
    page.goto(f"/audits/{audit.pk}/grille/?site={arles.pk}")
    page.set_viewport_size(PHONE)
    assert axe_violations(page) == []  # the grid scrolls in its own region on a phone


@pytest.mark.parametrize(
    ("url", "column"),
    [("/reclamations/", "Statut"), ("/courriers/", "Réponse"), ("/comptes/habilitations/", "Actions")],
)
def test_the_registers_show_their_key_column_at_1280_px_without_scrolling(
    page, demo, signed_in, artifacts, url, column
):
    signed_in("qualite13")
    page.goto(url)
    header = page.get_by_role("columnheader", name=column, exact=True)
    expect(header).to_be_in_viewport(ratio=1)
    scroller = page.locator(".qp-register .fr-table__container")
    assert scroller.evaluate("box => box.scrollWidth - box.clientWidth") <= 0, "le registre défile horizontalement"
    assert _horizontal_overflow(page) <= 0
    artifacts.screenshot(page, f"registre-1280-{column.lower()}.png", full_page=True)


def test_a_form_sent_back_with_errors_says_so_in_the_title_and_takes_the_focus(page, demo, login):
    """RGAA 11.10/11.11 and the DSFR: after a server-side refusal the title starts with « Erreur : » and the focus
    is on the summary of the errors (components/form.html and the public forms), not left on <body>."""
    login("qualite13", "pas-le-bon-mot-de-passe")
    expect(page).to_have_title(re.compile(r"^Erreur : "))
    expect(page.locator("[data-qp-form-errors]")).to_be_focused()
    expect(page.locator("[data-qp-form-errors]")).to_contain_text("Identifiant ou mot de passe incorrect.")

    page.goto("/e-reclamation/")
    title = page.title()
    assert not title.startswith("Erreur")
    page.get_by_role("button", name="Envoyer ma demande").click()
    page.wait_for_load_state()
    expect(page).to_have_title(f"Erreur : {title}")
    expect(page.locator("[data-qp-form-errors]")).to_be_focused()

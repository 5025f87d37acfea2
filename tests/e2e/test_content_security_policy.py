"""In a real browser, under the Content-Security-Policy header (settings: CSP): every page of a representative set,
per role, works without a single violation — the DSFR, htmx inline edits, our scripts, the map, the public forms,
Swagger UI and Redoc, the admin. A violation is caught twice: the page's ``securitypolicyviolation`` event and
Chromium's console message (« Refused to … Content Security Policy »)."""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from tests.e2e.conftest import TIMEOUT_MS, log_in
from tests.e2e.page_checks import PageChecks
from tests.e2e.test_audits import _follow_up_audit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ARLES = "Sous-préfecture d'Arles"
REDOCLY_LOGO = "https://cdn.redoc.ly/redoc/logo-mini.svg"
LISTENER = """
document.addEventListener("securitypolicyviolation", (event) => {
  window.__reportCspViolation(
    `${event.violatedDirective} ${event.blockedURI || "inline"} (${event.sourceFile}:${event.lineNumber})` +
      ` on ${location.pathname}`
  );
});
"""


class Watched:
    """A browser context whose pages report every CSP violation and every page missing the header."""

    def __init__(self, browser, live_server):
        self.violations = []
        self.context = browser.new_context(
            base_url=live_server.url, locale="fr-FR", viewport={"width": 1280, "height": 900}
        )
        self.context.set_default_timeout(TIMEOUT_MS)
        self.context.expose_function("__reportCspViolation", self._report)
        self.context.add_init_script(LISTENER)
        self.page = self.context.new_page()
        self.page.on("console", self._console)
        self.checks = self.page.checks = PageChecks(self.page)  # axe-core and the console, as on every page

    def _report(self, violation):
        self.violations.append(violation)

    def _console(self, message):
        if "Content Security Policy" in message.text:
            self.violations.append(f"console: {message.text}")

    def visit(self, url):
        response = self.page.goto(url)
        assert response.status == 200, (url, response.status)
        header = response.headers.get("content-security-policy", "")
        assert "script-src 'self'" in header and "frame-ancestors 'none'" in header, (url, header)
        self.checks.settle()
        return self.page

    def close(self):
        self.context.close()


@pytest.fixture
def watched(browser, live_server, request):
    contexts = []

    def open_context():
        contexts.append(Watched(browser, live_server))
        return contexts[-1]

    yield open_context
    try:
        if getattr(request.node, "report_call", None) and request.node.report_call.passed:
            for context in contexts:
                context.checks.finish()
    finally:
        for context in contexts:
            context.close()


def _settle(page):
    page.checks.settle()
    page.wait_for_timeout(200)  # events of the last scripts


def test_the_watcher_sees_a_violation(watched, demo):
    """The test of the tests: an inline script added to a page is refused, and reported."""
    browser = watched()
    browser.checks.allow_console("Content Security Policy")  # the refusal this test provokes
    page = browser.visit("/comptes/connexion/")
    page.evaluate("""() => { const s = document.createElement("script"); s.textContent = "window.x = 1";
                             document.body.append(s); }""")
    _settle(page)
    assert page.evaluate("window.x") is None
    assert any("script-src" in violation for violation in browser.violations), browser.violations


def test_the_agents_pages_run_without_a_csp_violation(watched, demo):
    from sites.models import Site
    from surveys.models import Campaign

    arles = Site.objects.get(name=ARLES)

    national = watched()
    log_in(national.page, "national", demo)
    page = national.visit("/")  # the national dashboard and its map
    expect(page.get_by_role("link", name=re.compile(r"^13 Bouches-du-Rhône – "))).to_have_count(1)
    national.visit("/admin/")
    national.visit("/admin/accounts/user/")
    national.visit("/indicateurs/")
    _settle(page)

    manager = watched()
    log_in(manager.page, "qualite13", demo)
    manager.visit("/")
    manager.visit("/reclamations/")
    manager.visit("/audits/")
    campaign = Campaign.objects.filter(prefecture__department_id="13", status="open").first()
    page = manager.visit(reverse("campaign_poster", kwargs={"pk": campaign.pk, "site_pk": arles.pk}))
    expect(page.get_by_role("button", name="Imprimer l’affiche (A4)")).to_be_visible()

    referent = watched()
    log_in(referent.page, "referent-arles", demo)
    referent.visit("/")
    page = referent.visit("/qualite/actions/")
    row = page.locator("tbody tr").first
    row.get_by_role("link", name=re.compile("^Modifier")).click()  # the row's controls, by htmx
    progress = row.get_by_label("Avancement de")
    progress.fill("70")
    progress.press("Enter")  # saved by htmx
    expect(page.locator("#inline-status")).to_have_text("Modification enregistrée.")
    _settle(page)

    auditor = watched()
    log_in(auditor.page, "auditeur", demo)
    auditor.visit("/")
    audit = _follow_up_audit()
    arles = Site.objects.get(name=ARLES)
    page = auditor.visit(f"/audits/{audit.pk}/grille/?site={arles.pk}")
    page.get_by_label("QP2-M1-E01 – Sous-préfecture d'Arles : résultat").select_option(label="1 · Conforme")
    expect(page.locator("#grid-progress")).to_contain_text("1 évaluation sur 200")  # saved by htmx
    auditor.visit(f"/audits/{audit.pk}/")
    _settle(page)

    violations = national.violations + manager.violations + referent.violations + auditor.violations
    assert violations == []


def test_the_public_pages_run_without_a_csp_violation(watched, demo):
    from sites.models import Site
    from surveys.models import Campaign

    visitor = watched()
    page = visitor.visit("/e-reclamation/")
    page.get_by_label("Site concerné").select_option(label="Sous-préfecture d'Istres")
    # our script fills the services of the chosen site
    expect(page.get_by_label("Service concerné (facultatif)")).to_be_enabled()
    expect(page.get_by_label("Service concerné (facultatif)").locator("option")).not_to_have_count(1)
    arles = Site.objects.get(name=ARLES)
    campaign = Campaign.objects.filter(prefecture__department_id="13", status="open").first()
    visitor.visit(reverse("survey_answer", kwargs={"pk": campaign.pk, "site_pk": arles.pk}))
    if Campaign.Channel.KIOSK not in campaign.channels:
        campaign.channels = [*campaign.channels, Campaign.Channel.KIOSK]
        campaign.save(update_fields=["channels"])
    visitor.visit(reverse("survey_kiosk", kwargs={"pk": campaign.pk, "site_pk": arles.pk, "key": campaign.kiosk_key}))
    visitor.visit(reverse("survey_public_results", kwargs={"site_pk": arles.pk}))
    _settle(visitor.page)
    assert visitor.violations == []


def test_swagger_ui_and_redoc_run_without_a_csp_violation(watched, demo):
    reader = watched()
    reader.checks.allow_console(re.escape(REDOCLY_LOGO))  # refused on purpose, see below
    log_in(reader.page, "qualite13", demo)
    page = reader.visit("/api/v1/docs/")
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("API Qualipref")
    page.locator(".opblock-summary").first.click()  # an operation unfolds
    _settle(page)
    page = reader.visit("/api/v1/redoc/")
    expect(page.locator(".api-info h1, h1").first).to_contain_text("API Qualipref")
    _settle(page)
    # Redoc's bundle hard-codes the Redocly logo of its menu's footer on a CDN: refused, as anything from outside
    # must be (the bundle hides the image when it fails). Nothing else may be refused.
    refused = [violation for violation in reader.violations if REDOCLY_LOGO not in violation]
    assert refused == [], reader.violations

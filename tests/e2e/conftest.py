"""Browser tests: Playwright's sync API driving Debian's Chromium against pytest-django's live server.

One browser for the whole run of the browser tests, a fresh context (cookies, storage) per test. Playwright's
sync API marks an event loop as running in the test thread, which makes Django refuse synchronous database
calls unless DJANGO_ALLOW_ASYNC_UNSAFE is set. Both last only while the browser tests run (the fixture has the
package scope: pytest-django runs these transactional tests together, after the others), so that neither the
loop nor the variable leaks into later tests or the subprocesses they start (`check --deploy` refuses it).
"""

import os
import threading
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.core.servers.basehttp import ThreadedWSGIServer
from django.test.testcases import LiveServerThread
from playwright.sync_api import expect

from tests.conftest import restore_reference_data
from tests.database_state import DEMO, copies, state
from tests.e2e.page_checks import TIMEOUT_MS, PageChecks

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ARTIFACTS = Path(settings.BASE_DIR) / "test-artifacts"

# expect() waits as long as any other step: its own 5 s default is shorter than a first API schema generation on the
# shared CI machine (Swagger UI still « loading » after 5 s failed a CI run).
expect.set_options(timeout=TIMEOUT_MS)


def _application_requests_one_at_a_time(application):
    """The WSGI application ``application`` serving one request at a time but for static files: the response is
    read whole under the lock, then sent."""
    lock = threading.Lock()

    def serve(environ, start_response):
        if environ.get("PATH_INFO", "").startswith(settings.STATIC_URL):
            return application(environ, start_response)
        with lock:
            response = application(environ, start_response)
            try:
                body = b"".join(response)
            finally:
                if hasattr(response, "close"):
                    response.close()  # request_finished, as the server would send it
        return [body]

    return serve


class SqliteLiveServer(ThreadedWSGIServer):
    """The live server on SQLite: the application's requests one at a time, static files side by side.

    On SQLite the test database lives in memory and every thread of Django's threaded live server shares its one
    connection: two requests of the browser at once (an htmx autosave and the next one) would interleave their
    transactions on it and one fail with « An error occurred in the current transaction ». A page's static files (some
    twenty stylesheets, scripts, fonts and icons, read from disk by the static files handler without the database)
    need no turn: served one by one, each on a new connection, they took most of a page's load. PostgreSQL gives each
    thread its own connection: its live server stays Django's."""

    def set_app(self, application):
        super().set_app(_application_requests_one_at_a_time(application))


if settings.DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    LiveServerThread.server_class = SqliteLiveServer


@pytest.fixture(scope="package")
def browser():
    if not CHROMIUM.exists():
        pytest.skip(
            f"Chromium absent ({CHROMIUM}) : installez le paquet Debian « chromium » pour les tests navigateur."
        )
    sync_api = pytest.importorskip("playwright.sync_api", reason="Playwright n'est pas installé.")
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    playwright = sync_api.sync_playwright().start()
    try:
        try:
            browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        except Exception as error:  # noqa: BLE001 - a broken browser install is reported with its reason
            pytest.skip(f"Chromium ne démarre pas : {error}")
        yield browser
        browser.close()
    finally:
        playwright.stop()
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    """The outcome of each phase on the test item, so that the page checks at teardown stay quiet after a failure."""
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


@pytest.fixture
def page(browser, live_server, request):
    context = browser.new_context(
        base_url=live_server.url, locale="fr-FR", viewport={"width": 1280, "height": 900}, color_scheme="light"
    )
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    page.checks = PageChecks(page)
    yield page
    try:
        if getattr(request.node, "report_call", None) and request.node.report_call.passed:
            page.checks.finish()  # axe on the last page, and no console error during the whole test
    finally:
        context.close()


@pytest.fixture
def page_checks(page):
    """The checks of the test's page, to allow a console error the test provokes on purpose."""
    return page.checks


class Artifacts:
    """test-artifacts/: what the tests download (PDFs: ``artifacts / name``), and screenshots of the pages they reach,
    for a person to look at, taken only with QUALIPREF_SCREENSHOTS=1: each costs 0.3 to 1 s, some sixty per series,
    and no test reads them."""

    def __init__(self, folder):
        self.folder = folder

    def __truediv__(self, name):
        return self.folder / name

    def screenshot(self, target, name, **options):
        """``target.screenshot`` (a page or a locator) into ``name``, when screenshots are asked for."""
        if os.environ.get("QUALIPREF_SCREENSHOTS") == "1":
            target.screenshot(path=self.folder / name, **options)


@pytest.fixture
def artifacts():
    ARTIFACTS.mkdir(exist_ok=True)
    return Artifacts(ARTIFACTS)


@pytest.fixture
def demo(transactional_db, demo_snapshot):
    """The demo data of `manage.py load_demo` (the README's accounts, password ``demo-qualipref``): the copy saved
    once per process (tests/database_state.py), or loaded again where the database cannot be copied."""
    from qualipref.demo import DEMO_PASSWORD, load_demo

    if demo_snapshot:
        state.ensure(DEMO)
    else:
        started = time.perf_counter()
        restore_reference_data()
        load_demo()
        copies.count("démo chargée", started)
    return DEMO_PASSWORD


def log_in(page, username, password):
    page.goto("/comptes/connexion/")
    page.get_by_role("textbox", name="Identifiant").fill(username)
    page.get_by_label("Mot de passe").fill(password)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_load_state()


@pytest.fixture
def login(page):
    """Through the login form, landing on the user's dashboard."""
    return lambda username, password: log_in(page, username, password)


@pytest.fixture
def signed_in(page, live_server):
    """``signed_in(username)``: a session put in the browser's cookies, no page opened. For the tests whose subject
    is elsewhere: the login form and the dashboards it lands on have their own (test_browser_navigation,
    test_accessibility, test_dashboards, test_content_security_policy)."""
    from django.conf import settings
    from django.test import Client

    from accounts.models import User

    def sign_in(username):
        client = Client()
        client.force_login(User.objects.get(username=username))
        session = client.cookies[settings.SESSION_COOKIE_NAME].value
        page.context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": session, "url": live_server.url}])

    return sign_in

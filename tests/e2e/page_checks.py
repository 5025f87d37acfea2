"""What every page the browser tests open must pass: axe-core (RGAA's automatable part) and a clean console.

axe-core comes bundled in the PyPI package axe-playwright-python; we inject its script and call ``axe.run``
ourselves (Playwright's evaluate goes through the DevTools protocol, outside the page's Content-Security-Policy).
A page is checked right after each ``page.goto`` of a test, before the test leaves a page it reached by a click
(the next ``goto``), and at the end of the test: every page the tests open, at the price of one axe run
(≈ 0.2 to 0.8 s) per page state (``PAGE_STATE``).
"""

import contextlib
import hashlib
import os
import re
import tempfile
from pathlib import Path

from axe_playwright_python.base import AXE_SCRIPT
from playwright.sync_api import TimeoutError as PlaywrightTimeout

TIMEOUT_MS = 20_000  # two test series of two processes each share the CI machine's two cores
AXE_OPTIONS = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21aa"]}, "resultTypes": ["violations"]}
FAILING_IMPACTS = {"serious", "critical"}

# Rules left out on a page, each with the reason: only what lives inside a third-party component we do not render.
EXEMPTIONS = [
    # Swagger UI draws each operation as a <button> holding the « copy path » and lock buttons (nested-interactive):
    # its React markup, not our template.
    (re.compile(r"^/api/v1/docs/"), {"nested-interactive"}),
]


# What axe's verdict depends on: the page's structure (elements, their attributes, where text stands) and the viewport,
# not the data the text holds. A page that axe passed is not checked again when a later test of the process reaches
# it in the same state: the same template with other names, dates, counts or ids (digits read as 0), a list with more
# rows of the same shape (identical neighbours counted once), the CSRF token and DSFR's random ids aside. Another
# element, class, attribute, an empty text or label where there was one, an opened menu or a form sent back with its
# errors is a new state, checked. One axe run costs 0.2 to 0.8 s; the same pages come back in most tests (the login
# page, the dashboards, a list before and after the test's change: DSFR's random ids made each one new before).
PAGE_STATE = r"""() => {
    const TEXT_ATTRIBUTES = new Set(
        ["aria-label", "title", "alt", "placeholder", "value", "content", "aria-valuetext"]);
    const TOKEN = /[A-Za-z0-9]{16,}/g;  // a CSRF token (htmx's hx-headers), DSFR's random ids (breadcrumb-…)
    const TRANSIENT = /\bfr-collapsing\b/g;  // a DSFR menu or accordion in the middle of its animation
    const shape = node => {
        if (node.nodeType === Node.TEXT_NODE) return node.data.trim() ? "#" : "";
        if (node.nodeType !== Node.ELEMENT_NODE) return "";
        const attributes = [...node.attributes].map(({name, value}) =>
            TEXT_ATTRIBUTES.has(name) || name.startsWith("data-") ? `${name}${value.trim() ? "#" : ""}`
                : `${name}=${value.replace(TRANSIENT, "").replace(TOKEN, "~").replace(/[0-9]+/g, "0")}`);
        attributes.sort();
        const children = [];
        for (const child of node.childNodes) {
            const childShape = shape(child);
            if (childShape && childShape !== children[children.length - 1]) children.push(childShape);
        }
        return `<${node.tagName} ${attributes.join(" ")}>${children.join("")}</>`;
    };
    return [innerWidth, innerHeight, location.pathname.replace(/[0-9]+/g, "0"), shape(document.documentElement)];
}"""


class PassedPages:
    """The page states axe passed in this run, shared by the run's pytest-xdist processes (a file per state in a
    folder named after the run): both processes reach the same pages (the login page, the dashboards, the lists), one
    check is enough."""

    def __init__(self):
        run = os.environ.get("PYTEST_XDIST_TESTRUNUID")
        self.folder = Path(tempfile.gettempdir()) / f"qualipref-axe-{run}" if run else None
        self.here = set()

    def __contains__(self, state):
        return state in self.here or (self.folder is not None and (self.folder / state).exists())

    def add(self, state):
        self.here.add(state)
        if self.folder is not None:
            self.folder.mkdir(exist_ok=True)
            (self.folder / state).touch()


_passed_pages = PassedPages()

# DSFR's script takes hold of its modals after the page's load: until then the header's menu, shown as the navigation
# bar on a desktop, carries the aria-labelledby that DSFR removes there (axe: aria-prohibited-attr, seen once in a full
# run). Waited for a short while only: a page without DSFR (Swagger UI) has no modal, one whose script never starts
# gets axe's verdict.
DSFR_STARTED = "() => !document.querySelector('.fr-modal:not([data-fr-js-modal])')"
DSFR_START_MS = 2_000


def _exempted(path):
    rules = set()
    for pattern, ids in EXEMPTIONS:
        if pattern.search(path):
            rules |= ids
    return rules


def axe_violations(page):
    """The serious and critical violations of the page as it stands, one readable line per rule."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.evaluate(AXE_SCRIPT)
    results = page.evaluate("options => axe.run(document, options)", AXE_OPTIONS)
    path = page.evaluate("() => location.pathname")
    exempted = _exempted(path)
    found = []
    for violation in results["violations"]:
        if violation["impact"] not in FAILING_IMPACTS or violation["id"] in exempted:
            continue
        targets = "; ".join(" ".join(node["target"]) for node in violation["nodes"][:5])
        found.append(f"{path} {violation['id']} ({violation['impact']}, {len(violation['nodes'])}×): {targets}")
    return found


class PageChecks:
    """Attached to a Playwright page: axe after each navigation, console errors and uncaught exceptions collected."""

    def __init__(self, page, *, allowed_console=()):
        self.page = page
        self.errors = []
        # Chromium logs every 4xx answer as an error; a refused form is answered 400 with its page, a refused inline
        # value 422 (htmx swaps the row with its French error message), by design.
        self.allowed_console = [re.compile(pattern) for pattern in ("status of 4(00|22)", *allowed_console)]
        self._unchecked = False
        self._in_flight = set()  # the page's requests not yet answered (see settle)
        page.on("request", lambda request: self._in_flight.add(request))
        page.on("requestfinished", lambda request: self._in_flight.discard(request))
        page.on("requestfailed", lambda request: self._in_flight.discard(request))
        page.on("console", self._console)
        page.on("pageerror", lambda error: self.errors.append(f"pageerror: {error}"))
        page.on("load", self._loaded)
        goto = page.goto

        def checked_goto(url, **kwargs):
            self.check_pending()
            response = goto(url, **kwargs)
            self._unchecked = True
            self.check_pending()
            return response

        page.goto = checked_goto

    def allow_console(self, pattern):
        """A console error the test provokes on purpose (a 404 it asks for)."""
        self.allowed_console.append(re.compile(pattern))

    def settle(self, quiet_ms=100):
        """Returns once the page has loaded and no request of it has been in flight for ``quiet_ms``: what the
        page's scripts fetch after its load (htmx, the map's data) has arrived and run. Playwright's
        « networkidle » waits for 500 ms of silence after every page; the live server answers in a few."""
        self.page.wait_for_load_state("load")
        quiet = waited = 0
        step = 25
        while quiet < quiet_ms:
            self.page.wait_for_timeout(step)  # Playwright's events (requests answered) are delivered meanwhile
            waited += step
            quiet = 0 if self._in_flight else quiet + step
            if waited > TIMEOUT_MS:
                pending = ", ".join(request.url for request in self._in_flight)
                raise AssertionError(f"Requêtes sans réponse après {TIMEOUT_MS} ms : {pending}")

    def _console(self, message):
        if message.type == "error" and not any(p.search(message.text) for p in self.allowed_console):
            self.errors.append(f"console: {message.text} ({message.location.get('url', '')})")

    def _loaded(self, _page):
        self._unchecked = True

    def check_pending(self):
        if not self._unchecked or self.page.is_closed() or self.page.url.startswith(("about:", "data:")):
            return
        self._unchecked = False
        try:
            self.page.wait_for_load_state("load")
            with contextlib.suppress(PlaywrightTimeout):
                self.page.wait_for_function(DSFR_STARTED, timeout=DSFR_START_MS)
            state = hashlib.sha256(repr(self.page.evaluate(PAGE_STATE)).encode()).hexdigest()
            if state in _passed_pages:
                return
            violations = axe_violations(self.page)
        except Exception as error:  # noqa: BLE001 - the page navigated away meanwhile: it will be checked there
            if "context was destroyed" in str(error) or "navigat" in str(error):
                return
            raise
        assert violations == [], "axe-core (RGAA) :\n" + "\n".join(violations)
        _passed_pages.add(state)

    def finish(self):
        self.check_pending()
        assert self.errors == [], "Erreurs dans la console du navigateur :\n" + "\n".join(self.errors)

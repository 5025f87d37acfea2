"""The permission matrix: every URL pattern of the project, every role, own and foreign objects.

Each request runs in a transaction rolled back afterwards, so that one role's write does not change what
the next role sees. A URL pattern that no row names fails `test_every_url_pattern_is_in_the_matrix`:
whoever adds a URL adds its row (tests/permissions/html.py for pages, api.py for the API).
"""

import pytest
from django.contrib import admin
from django.db import transaction
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.permissions import (
    actions,
    api,
    audits,
    complaints,
    correspondence,
    engagements,
    html,
    indicators,
    labellings,
    meetings,
    referentials,
    surveys,
)
from tests.permissions.world import ROLES, build_world

CASES = (
    api.CASES
    + html.CASES
    + engagements.CASES
    + referentials.CASES
    + meetings.CASES
    + labellings.CASES
    + actions.CASES
    + audits.CASES
    + complaints.CASES
    + correspondence.CASES
    + surveys.CASES
    + indicators.CASES
)

# The admin is for national administrators; everyone else is sent to its login page.
ADMIN_EXPECT = dict.fromkeys(ROLES, 302) | {"national": 200}


def _pattern_names(resolver=None, namespace=""):
    resolver = resolver or get_resolver()
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from _pattern_names(pattern, inner)
        elif isinstance(pattern, URLPattern):
            yield f"{namespace}{pattern.name}" if pattern.name else f"{namespace}<sans nom: {pattern.pattern}>"


def test_every_url_pattern_is_in_the_matrix():
    covered = {case.name for case in CASES}
    missing = sorted(name for name in set(_pattern_names()) if not name.startswith("admin:") and name not in covered)
    assert not missing, f"URL sans ligne dans la matrice des permissions : {missing}"


def test_every_row_of_the_matrix_names_an_existing_url_pattern():
    names = set(_pattern_names())
    assert not sorted({case.name for case in CASES} - names)


MINIMAL_PDF = b"%PDF-1.4\n% matrice des permissions : document non rendu\n%%EOF\n"


class _UnrenderedHTML:
    """Stands for ``weasyprint.HTML`` in the matrix: the template is still rendered to HTML by the view (a template
    error still fails the row), but its layout into a PDF is skipped."""

    def __init__(self, *, string, **_options):
        self.html = string
        self.pages = [None]

    def render(self):
        return self

    def write_pdf(self):
        return MINIMAL_PDF


@pytest.fixture(autouse=True)
def _pdf_layout_skipped(monkeypatch):
    """The matrix checks who may fetch a PDF, not the PDF: WeasyPrint's layout costs 3 to 15 s per row (seven roles
    each), and the documents are rendered and read (pdftotext) by their own tests: tests/audits/test_reports*.py,
    tests/indicators/test_dashboards_exports.py, tests/surveys/test_public_pages.py. Swapping the renderer below
    qualipref.lib.pdf keeps every line of the views, services and templates in the request."""
    import weasyprint

    monkeypatch.setattr(weasyprint, "HTML", _UnrenderedHTML)


def _request(client, case, world):
    url = reverse(case.name, kwargs=case.kwargs(world) if case.kwargs else None) + case.query
    data = case.data(world) if callable(case.data) else case.data
    if case.method == "get":
        return client.get(url)
    return getattr(client, case.method)(url, data=data, content_type="application/json")


def _statuses(client, case, world):
    got = {}
    for role in ROLES:
        user = world.users[role]
        client.logout()
        if user is not None:
            client.force_login(user)
        with transaction.atomic():
            got[role] = _request(client, case, world).status_code
            transaction.set_rollback(True)
    return got


@pytest.mark.django_db
@pytest.mark.parametrize("case", CASES, ids=lambda case: f"{case.method.upper()} {case.id}")
def test_each_role_gets_the_expected_status(client, case):
    world = build_world()
    got = _statuses(client, case, world)
    wrong = {
        role: f"attendu {case.expect[role]}, obtenu {got[role]}" for role in ROLES if got[role] != case.expect[role]
    }
    assert not wrong, wrong


@pytest.mark.django_db
@pytest.mark.parametrize("model", sorted(admin.site._registry, key=lambda m: m._meta.label), ids=str)
def test_the_admin_is_reserved_to_national_administrators(client, model):
    world = build_world()
    meta = model._meta
    case_url = reverse(f"admin:{meta.app_label}_{meta.model_name}_changelist")
    got = {}
    for role in ROLES:
        client.logout()
        if world.users[role] is not None:
            client.force_login(world.users[role])
        got[role] = client.get(case_url).status_code
    assert got == ADMIN_EXPECT

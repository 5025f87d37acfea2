"""The permission matrix: every URL pattern of the project, every role, own and foreign objects.

Every row is requested as every role, and each request runs in a transaction rolled back afterwards, so that one
role's write does not change what the next role sees. A URL pattern that no row names fails
`test_every_url_pattern_is_in_the_matrix`: whoever adds a URL adds its row (tests/permissions/html.py for pages,
api.py for the API).

What is the same for every row is done once per module, in a transaction rolled back at the module's end (see
``module_transaction`` in tests/conftest.py): the world (two prefectures, their sites, one user per role) and one
signed-in session per role. A role is signed in by the cookie of its session, not by ``force_login`` (a session INSERT,
a last_login UPDATE and django-axes' bookkeeping, for every role of every row). A request that changes its session (or
ends it) does so in its rolled-back transaction: the next one finds the session as it was. Each row builds its objects
(``kwargs``, ``data``) once, in the test's savepoint, before the roles' loop; the per-role rollback hands them to the
next role unchanged. Their files (evidence, reports) are written under the test's MEDIA_ROOT and removed by the views
only on commit (``transaction.on_commit``), which never comes.
"""

import dataclasses
from http.cookies import SimpleCookie

import pytest
from django.conf import settings
from django.contrib import admin
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.conftest import fast_passwords
from tests.database_state import module_transaction
from tests.permissions import (
    actions,
    api,
    audits,
    complaints,
    correspondence,
    crisis,
    documents,
    engagements,
    html,
    inbound,
    indicators,
    labellings,
    meetings,
    planning,
    referentials,
    reviews,
    surveys,
)
from tests.permissions.world import ROLES, build_world

CASES = (
    api.CASES
    + html.CASES
    + engagements.CASES
    + referentials.CASES
    + meetings.CASES
    + documents.CASES
    + labellings.CASES
    + actions.CASES
    + audits.CASES
    + complaints.CASES
    + correspondence.CASES
    + inbound.CASES
    + surveys.CASES
    + indicators.CASES
    + reviews.CASES
    + planning.CASES
    + crisis.CASES
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


@pytest.fixture(autouse=True)
def _pdf_layout_skipped(pdf_layout_skipped):
    """The matrix checks who may fetch a PDF, not the PDF (tests/pdf_layout.py): seven roles each would cost 3 to 15 s
    of layout per row."""


def _session_keys(users):
    """One signed-in session per role (None for anonymous visitors), the session's key as its cookie carries it."""
    keys = dict.fromkeys(users)
    for role, user in users.items():
        if user is not None:
            client = Client()
            client.force_login(user)
            keys[role] = client.cookies[settings.SESSION_COOKIE_NAME].value
    return keys


@pytest.fixture(scope="module")
def _signed_in_world(django_db_setup, django_db_blocker):
    with module_transaction(django_db_blocker):
        with fast_passwords():
            world = build_world()
        yield world, _session_keys(world.users)


@pytest.fixture
def world(_signed_in_world):
    """A copy of the module's world for one test: what a row keeps on it (tests/permissions/actions.py) goes with
    the test, whose savepoint undoes the objects."""
    return dataclasses.replace(_signed_in_world[0])


@pytest.fixture
def sessions(_signed_in_world):
    return _signed_in_world[1]


def _statuses(client, sessions, send):
    """The status code of ``send()`` for each role, each in a transaction rolled back afterwards."""
    got = {}
    for role in ROLES:
        # The previous role's cookies go too (session, messages, CSRF), as with Client.logout().
        client.cookies = SimpleCookie()
        if sessions[role] is not None:
            client.cookies[settings.SESSION_COOKIE_NAME] = sessions[role]
        with transaction.atomic():
            got[role] = send().status_code
            transaction.set_rollback(True)
    return got


def _sender(client, case, world):
    """The row's request, its objects built once for every role."""
    query = case.query(world) if callable(case.query) else case.query
    url = reverse(case.name, kwargs=case.kwargs(world) if case.kwargs else None) + query
    data = case.data(world) if callable(case.data) else case.data
    if case.method == "get":
        return lambda: client.get(url)
    return lambda: getattr(client, case.method)(url, data=data, content_type="application/json")


@pytest.mark.django_db
@pytest.mark.parametrize("case", CASES, ids=lambda case: f"{case.method.upper()} {case.id}")
def test_each_role_gets_the_expected_status(client, world, sessions, case):
    got = _statuses(client, sessions, _sender(client, case, world))
    wrong = {
        role: f"attendu {case.expect[role]}, obtenu {got[role]}" for role in ROLES if got[role] != case.expect[role]
    }
    assert not wrong, wrong


@pytest.mark.django_db
@pytest.mark.parametrize("model", sorted(admin.site._registry, key=lambda m: m._meta.label), ids=str)
def test_the_admin_is_reserved_to_national_administrators(client, sessions, model):
    meta = model._meta
    url = reverse(f"admin:{meta.app_label}_{meta.model_name}_changelist")
    assert _statuses(client, sessions, lambda: client.get(url)) == ADMIN_EXPECT

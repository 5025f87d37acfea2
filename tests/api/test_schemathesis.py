"""The API against its own OpenAPI schema, with schemathesis: no server error and every answer as the schema
describes it, for a national administrator and for a site referent.

Bounded: a fixed number of examples per operation and generation mode, with a derandomized seed (the same cases
every run), generated once and sent by both users (but for the cases on an object of the user's own). The app is
called in-process (WSGI, no network). The demo is loaded once for the module in a transaction rolled back at its
end; each generated request runs in a savepoint rolled back after it, so that every case starts from the demo and
nothing is left behind. The audit report's PDF is not laid out (tests/pdf_layout.py: its own tests read it).

schemathesis' own pytest integration (``from_fixture(...).parametrize()``) does not run under pytest 9 (it sets
``Function._nodeid``): the operations are walked here with its Python API instead, and every failure is collected
so that one run lists them all.
"""

import logging

import pytest
import schemathesis
from django.core import signals
from django.db import close_old_connections, transaction
from hypothesis import HealthCheck, Phase, given, seed, settings
from hypothesis.errors import Unsatisfiable
from schemathesis.checks import not_a_server_error
from schemathesis.generation.modes import GenerationMode
from schemathesis.specs.openapi.checks import response_schema_conformance, status_code_conformance
from werkzeug.test import Client as WerkzeugClient

from tests.conftest import FAST_PASSWORD_HASHERS

MAX_EXAMPLES = 3
SEED = 2026
CHECKS = [not_a_server_error, response_schema_conformance, status_code_conformance]
PASSWORD = "demo-qualipref"


def _excluded(operation):
    """Operations left out, each with its reason."""
    # The schema and the Swagger page are not part of the API under test.
    return operation.path in ("/api/v1/schema/", "/api/v1/docs/")


@pytest.fixture(scope="module")
def in_process(demo_data):
    """Django's WSGI handler, without the end-of-request connection closing (as Django's test client does): the
    requests run inside the test's transaction."""
    from django.core.handlers.wsgi import WSGIHandler

    handler = WSGIHandler()

    def application(environ, start_response):
        environ.setdefault("REMOTE_ADDR", "127.0.0.9")  # set by every real server, not by werkzeug's test client
        return handler(environ, start_response)

    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield application
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture(scope="module")
def api_schema(in_process):
    return schemathesis.openapi.from_wsgi("/api/v1/schema/?format=json", in_process)


@pytest.fixture(scope="module")
def tokens(in_process):
    """Tokens obtained as an API client does (``POST auth/token/``), whatever stores them."""
    from django.test import override_settings

    # Through the same in-process app: Django's test Client would connect close_old_connections again.
    client = WerkzeugClient(in_process)
    result = {}
    for username in ("national", "referent-arles"):
        with override_settings(PASSWORD_HASHERS=FAST_PASSWORD_HASHERS):  # those of the demo_data fixture
            response = client.post("/api/v1/auth/token/", json={"username": username, "password": PASSWORD})
        assert response.status_code == 200, response.get_data()
        result[username] = response.get_json()["token"]
    return result


def _failures(schema, tokens):
    """Every failing operation, mode and user, with schemathesis' message (the first failing case of each)."""
    headers = {username: {"Authorization": f"Token {token}"} for username, token in tokens.items()}
    failures = []
    errors = []  # the exceptions behind the 500s, from Django's log
    handler = _Collect(errors)
    logging.getLogger("django.request").addHandler(handler)
    try:
        return _walk(schema, headers, failures, errors)
    finally:
        logging.getLogger("django.request").removeHandler(handler)


class _Collect(logging.Handler):
    def __init__(self, errors):
        super().__init__(logging.ERROR)
        self.errors = errors

    def emit(self, record):
        if record.exc_info:
            kind, value, _ = record.exc_info
            self.errors.append(f"{kind.__name__}: {' '.join(str(value).split())[:300]}")


def _existing_id(app, path, headers, cache):
    """The id of an object the user sees, from the list of the operation's resource (``/x/`` for ``/x/{id}/...``):
    random ids are almost never those of the demo's objects."""
    base = path.split("{id}")[0]
    if base not in cache:
        response = WerkzeugClient(app).get(base, headers=headers)
        body = response.get_json() if response.status_code == 200 else None
        rows = body.get("results", []) if isinstance(body, dict) else body or []
        cache[base] = rows[0]["id"] if rows and isinstance(rows[0], dict) and "id" in rows[0] else None
    return cache[base]


def _variants(schema, operation, headers, ids):
    """(mode, path parameters, the users who send its cases): every user sends the same generated cases (one
    generation for all: it is half the cost), except those on an object of the user's own (its id differs)."""
    variants = [(mode, None, list(headers)) for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE)]
    if "{id}" in operation.path:
        for username, user_headers in headers.items():
            existing = _existing_id(schema.app, operation.path, user_headers, ids.setdefault(username, {}))
            if existing is not None:
                variants.append((GenerationMode.POSITIVE, {"id": existing}, [username]))
    return variants


def _walk(schema, headers, failures, errors):
    ids = {}
    sender = {}
    for result in schema.get_all_operations():
        operation = result.ok()
        if _excluded(operation):
            continue
        for mode, path_parameters, usernames in _variants(schema, operation, headers, ids):

            @seed(SEED)
            @settings(
                max_examples=MAX_EXAMPLES,
                derandomize=True,
                deadline=None,
                database=None,
                phases=[Phase.explicit, Phase.generate],
                suppress_health_check=list(HealthCheck),
                report_multiple_bugs=False,
            )
            @given(case=operation.as_strategy(generation_mode=mode, path_parameters=path_parameters))
            def run(case):
                for username in usernames:  # noqa: B023 - run() is called in this iteration only
                    sender["username"] = username  # the one named in the failure
                    with transaction.atomic():
                        try:
                            case.call_and_validate(headers=headers[username], checks=CHECKS)
                        finally:
                            transaction.set_rollback(True)

            errors.clear()
            label = f"{operation.label} [{mode}{', id existant' if path_parameters else ''}]"
            try:
                run()
            except Unsatisfiable:
                pass  # nothing to negate (an operation without parameters)
            except (Exception, BaseExceptionGroup) as error:  # collected, reported together below
                failures.append(_summary(f"{label} ({sender['username']})", error, errors))
    return failures


def _summary(label, error, errors):
    """One failure in a few lines: the checks that failed, the request to reproduce it, the server's exception."""
    text = str(error)
    lines = [label]
    found = getattr(error, "exceptions", None) or [error]
    for failure in found:
        title = getattr(failure, "title", None) or f"{failure.__class__.__name__}: {failure}"
        code = getattr(failure, "code", "")
        message = getattr(failure, "message", "")
        lines.append(f"  - {code} {title}: {' '.join(str(message).split())[:400]}")
    curl = [line.strip() for line in text.splitlines() if line.strip().startswith("curl ")]
    lines.extend(f"  {line[:600]}" for line in curl[:1])
    lines.extend(f"  ! {error_text}" for error_text in errors[:1])
    return "\n".join(lines)


@pytest.mark.django_db
def test_the_api_answers_as_its_schema_says_without_server_error(api_schema, tokens, settings, pdf_layout_skipped):
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "localhost"]
    failures = _failures(api_schema, tokens)
    assert not failures, f"{len(failures)} échec(s) :\n\n" + "\n\n".join(failures)

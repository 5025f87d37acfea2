"""What the test database holds between two tests, and how it gets there cheaply (tests/conftest.py imports these
fixtures and hooks).

The database is in one of three states: the migrated template (what every ordinary test expects: référentiels,
catalogue, départements, beat schedules), the demo (`manage.py load_demo`, which the browser tests and the
``demo_data`` modules read), or whatever a transactional test committed. Rather than flushing after each
transactional test (pytest-django's way: half a second on PostgreSQL, and the data migrations' rows are lost with
the rest) and loading the demo again in each module that reads it (3 to 5 s), the next test that needs a state
copies it back (tests/database_copies.py: a whole database on PostgreSQL, 14 MB in a second or more; SQLite's
backup API in memory), and only when the database is not in that state already: a module of ordinary tests after
another copies nothing. On PostgreSQL, the demo after a browser test is put back in place (the tables the test wrote,
refilled from a copy kept in the database: InPlaceSnapshot), not copied whole. The tests that read the demo run in a
row (``pytest_collection_modifyitems``), so that the database goes from the template to the demo and back a few
times per process, not twice per module that reads it. The suite prints what the states cost (``Copies``).

Where the database cannot be copied (SQLite in a file, --reuse-db), Django's flush and a load per module stay.
"""

import collections
import contextlib
import time

import pytest
from django.test import TransactionTestCase

TEMPLATE, DEMO = "template", "demo"
DEMO_FIXTURES = {"demo", "demo_data"}  # they bring the demo themselves


class DatabaseState:
    """The state of this process's test database: TEMPLATE, DEMO, or None (what a transactional test left)."""

    def __init__(self):
        self.current = TEMPLATE  # the test database is created from the template
        self._backend = ...  # not looked for yet

    def backend(self):
        """The copier of the test database, or None where it cannot be copied (its template missing too)."""
        if self._backend is ...:
            from django.db import connection

            from tests.database_copies import copies, fingerprint

            backend = copies(connection)
            usable = backend is not None and backend.has_template(connection.settings_dict["NAME"], fingerprint())
            self._backend = backend if usable else None
        return self._backend

    def ensure(self, wanted):
        """The database in state ``wanted`` (TEMPLATE, or DEMO once saved), copied only if it is not already."""
        if self.current == wanted:
            return
        from django.db import connection

        from tests.database_copies import fingerprint

        backend = self.backend()
        started = time.perf_counter()
        if wanted == TEMPLATE:
            backend.create_from_template(connection.settings_dict["NAME"], fingerprint())
            copies.count("base migrée copiée", started)
        else:
            how = backend.restore(DEMO)
            copies.count(f"démo {how}", started)
        self.current = wanted


state = DatabaseState()


class Copies:
    """What the states of the test database cost in this process: how many times, how many seconds, per kind (the
    demo loaded, a copy of the migrated template or of the demo, the demo put back in place). pytest-xdist's processes
    hand theirs to the main one, which prints the sum after the tests (``pytest_terminal_summary``)."""

    def __init__(self):
        self.counts = collections.Counter()
        self.seconds = collections.Counter()

    def count(self, kind, started):
        self.counts[kind] += 1
        self.seconds[kind] += time.perf_counter() - started

    def add(self, counts, seconds):
        self.counts.update(counts)
        self.seconds.update(seconds)

    def lines(self):
        return [
            f"{kind} : {self.counts[kind]} fois, {self.seconds[kind]:.1f} s"
            for kind in sorted(self.counts, key=lambda kind: -self.seconds[kind])
        ]


copies = Copies()


def pytest_sessionfinish(session):
    workeroutput = getattr(session.config, "workeroutput", None)  # in a pytest-xdist process
    if workeroutput is not None:
        workeroutput["database_copies"] = (dict(copies.counts), dict(copies.seconds))


@pytest.hookimpl(optionalhook=True)  # pytest-xdist's hook
def pytest_testnodedown(node, error):
    counts, seconds = getattr(node, "workeroutput", {}).get("database_copies", ({}, {}))
    copies.add(counts, seconds)


def pytest_terminal_summary(terminalreporter):
    if copies.counts:
        terminalreporter.write_sep("-", "états de la base de test (tous processus)")
        for line in copies.lines():
            terminalreporter.write_line(line)


_django_fixture_teardown = TransactionTestCase._fixture_teardown


def _fixture_teardown_without_flush(self):
    """After a transactional test, the database is left as the test made it (no flush): the next test that needs a
    known state copies it back (DatabaseState.ensure). Where it cannot be copied, Django's flush, which empties the
    data migrations' rows too: the next test puts them back."""
    if state.backend() is None:
        _django_fixture_teardown(self)
    state.current = None


TransactionTestCase._fixture_teardown = _fixture_teardown_without_flush


def _uses_database(item):
    return item.get_closest_marker("django_db") is not None or bool(
        {"db", "transactional_db", "live_server", "django_db_reset_sequences"} & set(item.fixturenames)
    )


def _order(item):
    """pytest-django's group of the test (0: in a transaction, 1: transactional, 2: no database), then where its
    group puts the tests that read the demo: last among the first, first among the transactional ones."""
    from pytest_django.plugin import validate_django_db

    marker = item.get_closest_marker("django_db")
    transactional = bool(marker and any(validate_django_db(marker)[:2]))
    transactional = transactional or bool({"transactional_db", "live_server"} & set(item.fixturenames))
    uses_database = transactional or marker is not None or "db" in item.fixturenames
    reads_demo = bool(DEMO_FIXTURES & set(item.fixturenames))
    if transactional:
        return (1, not reads_demo)
    return (0, reads_demo) if uses_database else (2, False)


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items):
    """After pytest-django's order (its groups kept, tests of a group in their order), the tests that read the demo
    together: the last ones of the first group, then the browser tests and the other transactional tests that read it,
    then the transactional tests that do not. The database changes state at the ends of that run only, instead of
    twice per module that reads the demo (on PostgreSQL, each change copies a whole database: a second or more, and
    a checkpoint of the server). Under pytest-xdist (--dist loadfile) the modules are handed out in this order, so each
    process meets them in a row too."""
    items.sort(key=_order)


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item):
    """Before a test that reads the database, the migrated template if a transactional test or a demo left something
    else (the demo fixtures put the demo in place themselves, a module's fixture that holds a transaction open owns
    the database until the module's end). Then, before a browser test on PostgreSQL, the test
    process's own connection is closed: the browser tests' fixtures run while Playwright's event loop runs, where
    Django's ``connection`` is another connection object (asgiref's Local follows the event loop's context); their
    copies of the database close that one, then drop the database under this one, which a later test would find
    dead (« server closed the connection unexpectedly »)."""
    if not _uses_database(item):
        return
    from django.db import connection
    from pytest_django.plugin import blocking_manager_key

    owned = DEMO_FIXTURES & set(item.fixturenames) or connection.in_atomic_block  # a module's transaction is open
    if not owned and state.current != TEMPLATE:
        with item.config.stash[blocking_manager_key].unblock():
            if state.backend() is None:
                from tests.conftest import restore_reference_data

                restore_reference_data()  # after Django's flush
                state.current = TEMPLATE
            else:
                state.ensure(TEMPLATE)
    if "live_server" in item.fixturenames and connection.vendor == "postgresql" and not connection.in_atomic_block:
        connection.close()


@contextlib.contextmanager
def module_transaction(django_db_blocker):
    """A transaction for data shared by a whole test module (built once, in the ``with``), rolled back at the
    module's end; each test (``django_db``) runs in a savepoint of it, so what a test writes is undone too. The
    autouse fixtures are function-scoped: build the data under ``tests.conftest.fast_passwords()``."""
    from django.db import transaction

    with django_db_blocker.unblock(), transaction.atomic():
        yield
        transaction.set_rollback(True)


@pytest.fixture(scope="session")
def demo_snapshot(django_db_setup, django_db_blocker):
    """The demo loaded once per process on the migrated database (the state `make demo` gives) and saved as a copy
    of the whole test database, which the demo fixtures copy back: True, or False where the database cannot be
    copied (each user of the demo loads it then)."""
    from qualipref.demo import load_demo
    from tests.conftest import fast_passwords

    with django_db_blocker.unblock():
        backend = state.backend()
    if backend is None:
        yield False
        return
    with django_db_blocker.unblock():
        state.ensure(TEMPLATE)
        started = time.perf_counter()
        with fast_passwords():
            load_demo()
        copies.count("démo chargée", started)
        started = time.perf_counter()
        backend.snapshot(DEMO)
        copies.count("démo sauvegardée", started)
        state.current = DEMO
    yield True
    with django_db_blocker.unblock():
        backend.drop_snapshot(DEMO)


@pytest.fixture(scope="module")
def demo_data(demo_snapshot, django_db_blocker):
    """The demo of `manage.py load_demo` for a whole test module (``module_transaction``). Only for modules whose
    every test reads the demo: the demo stays in place until the module's last test."""
    from qualipref.demo import load_demo
    from tests.conftest import fast_passwords

    if demo_snapshot:
        with django_db_blocker.unblock():
            state.ensure(DEMO)
    with module_transaction(django_db_blocker):
        if not demo_snapshot:
            started = time.perf_counter()
            with fast_passwords():
                load_demo()
            copies.count("démo chargée", started)
        yield

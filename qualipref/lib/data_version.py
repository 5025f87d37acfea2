"""A token in the shared cache that changes whenever data read by the dashboards is written: what is cached from
that data (indicators.dashboards.cache) is keyed by it, so one write makes every cached dashboard obsolete.

Row writes bump it through signals (indicators.signals); the services whose bulk writes send none
(``QuerySet.update``, ``bulk_create``, ``bulk_update``: the computation of the indicators, imports of measurements
and letters, bulk status changes and copies of actions, campaigns' sites, the anonymisation) call ``bump``
themselves, right after the write: tests/test_data_version_writes.py reads the code and fails on one that does
not. Bumped at once and again when the writing transaction commits (one hook per transaction, however many rows
it writes): a page built in between, from the data before the commit, is not kept under the new token. Imports no
app.

Fails open: with the cache away (Redis down; django-redis then answers None and drops writes, and logs) the version
is a new token each time, so nothing cached is read, and a bump is a no-op: writes and pages carry on from the
database. Any other cache error is logged here and ignored likewise.
"""

import logging
import uuid

from django.core.cache import cache
from django.db import transaction

logger = logging.getLogger(__name__)

KEY = "qualipref:data-version"


def current():
    try:
        version = cache.get(KEY)
        if version is None:
            cache.add(KEY, uuid.uuid4().hex, None)
            version = cache.get(KEY)
    except Exception:  # noqa: BLE001 - a cache that raises must not turn a page into a 500
        logger.warning("Cache injoignable : version des données non lue.", exc_info=True)
        version = None
    # No version from the cache: a token of this request only, which no cached page carries.
    return version or f"uncached-{uuid.uuid4().hex}"


def _new():
    try:
        cache.set(KEY, uuid.uuid4().hex, None)
    except Exception:  # noqa: BLE001 - the write is done; with the cache away nothing cached is read either
        logger.warning("Cache injoignable : version des données non changée.", exc_info=True)


def bump(using="default"):
    _new()
    connection = transaction.get_connection(using)
    # One commit hook per transaction, however many rows it writes: Django gives each one a new list of hooks.
    if connection.in_atomic_block and getattr(connection, "_data_version_hooked", None) is not connection.run_on_commit:
        transaction.on_commit(_new, using=using, robust=True)
        connection._data_version_hooked = connection.run_on_commit

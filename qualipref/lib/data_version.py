"""A token in the shared cache that changes whenever data read by the dashboards is written: what is cached from
that data (indicators.dashboards.cache) is keyed by it, so one write makes every cached dashboard obsolete.

Row writes bump it through signals (indicators.signals); bulk writes that send none (the computation of the
indicators, imports of measurements and letters) call ``bump`` themselves. Bumped at once and again when the
writing transaction commits (one hook per transaction, however many rows it writes): a page built in between,
from the data before the commit, is not kept under the new token. Imports no app.
"""

import uuid

from django.core.cache import cache
from django.db import transaction

KEY = "qualipref:data-version"


def current():
    version = cache.get(KEY)
    if version is None:
        cache.add(KEY, uuid.uuid4().hex, None)
        version = cache.get(KEY)
    return version


def _new():
    cache.set(KEY, uuid.uuid4().hex, None)


def bump(using="default"):
    _new()
    connection = transaction.get_connection(using)
    # One commit hook per transaction, however many rows it writes: Django gives each one a new list of hooks.
    if connection.in_atomic_block and getattr(connection, "_data_version_hooked", None) is not connection.run_on_commit:
        transaction.on_commit(_new, using=using, robust=True)
        connection._data_version_hooked = connection.run_on_commit

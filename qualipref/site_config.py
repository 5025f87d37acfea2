"""django-dsfr's site configuration (``SITE_CONFIG`` of every page: title, tagline, brand, notice), read once per
process instead of once per page.

django-dsfr's own context processor queries ``DsfrConfig`` on every render, a query on every page for a row that
changes only when someone edits it in the administration. Here each process keeps the row it read under a token
of the shared cache; a save or a deletion of the configuration replaces the token when its transaction commits
(not before: a process that read the row meanwhile would keep the old row under the new token), so every process
reads the row again at its next page. The token is read from the shared cache on every page (Redis in
production: what one process learns, all do). With the cache away or emptied, no token: the row is read from the
database, as django-dsfr does. A write that sends no signal (``QuerySet.update``, a migration) is seen by the
processes started after it; it calls ``changed()`` to reach the running ones.
"""

import logging
import uuid

from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.utils.translation import get_language
from dsfr.models import DsfrConfig

logger = logging.getLogger(__name__)

KEY = "qualipref:dsfr-config"

# (token, {language: configuration}) of this process.
_kept = (None, {})


def _token():
    try:
        return cache.get(KEY)
    except Exception:  # noqa: BLE001 - a cache that raises must not turn a page into a 500
        logger.warning("Cache injoignable : configuration du site lue en base.", exc_info=True)
        return None


def _read(language):
    """django-dsfr's choice: the configuration of the current language, else the first one."""
    return DsfrConfig.objects.filter(language=language).first() or DsfrConfig.objects.first()


def current(language):
    global _kept
    token, configs = _kept
    latest = _token()
    if latest is not None and latest == token and language in configs:
        return configs[language]
    config = _read(language)
    if latest is None:
        # No token yet (emptied cache): one is set, and the row just read is kept under it only if the set won
        # (another process's change may have set its own meanwhile: then the next page reads again).
        latest = uuid.uuid4().hex
        try:
            if not cache.add(KEY, latest, None):
                return config
        except Exception:  # noqa: BLE001
            return config
    if latest != token:
        configs = {}
    configs[language] = config
    _kept = (latest, configs)
    return config


def site_config(request):
    """Replaces ``dsfr.context_processors.site_config`` (same context)."""
    return {"SITE_CONFIG": current(get_language())}


def changed():
    """Every process reads the configuration again at its next page."""
    try:
        cache.set(KEY, uuid.uuid4().hex, None)
    except Exception:  # noqa: BLE001
        logger.warning("Cache injoignable : configuration du site non renouvelée.", exc_info=True)


def _on_write(**kwargs):
    transaction.on_commit(changed)


def connect():
    post_save.connect(_on_write, sender=DsfrConfig, dispatch_uid="qualipref-site-config-save")
    post_delete.connect(_on_write, sender=DsfrConfig, dispatch_uid="qualipref-site-config-delete")

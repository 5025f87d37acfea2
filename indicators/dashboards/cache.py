"""Built dashboards kept a minute in the shared cache, keyed by the data version (qualipref.lib.data_version) and
the day: a dashboard is CPU-bound Python (aggregates of the stored measurements, the map) and 8 readers at once on
two cores would otherwise rebuild it for each request. Any write to what it reads changes the version: the next
request builds it again. A build for another day than today is never cached; DASHBOARD_CACHE_SECONDS=0 turns
the cache off. With the cache away (Redis down) the dashboard is built from the database: django-redis answers a
miss and drops the write (IGNORE_EXCEPTIONS), the data version gives a token no cached page carries.
"""

from django.conf import settings
from django.core.cache import cache
from django.template.loader import render_to_string
from django.utils import timezone

from qualipref.lib import data_version

# Part of every key: bump it when what a build holds changes shape, so that the processes of a new release never read
# a build the old code cached (the prefectures' labelling state in words came with 2).
BUILD_FORMAT = 2


def cached(name, *parts, build, today=None):
    seconds = settings.QUALIPREF_DASHBOARD_CACHE_SECONDS  # the bound on staleness should a write escape the version
    if not seconds or (today is not None and today != timezone.localdate()):
        return build()
    key = ":".join(
        (
            "dashboards",
            f"v{BUILD_FORMAT}",
            data_version.current(),
            timezone.localdate().isoformat(),
            name,
            *map(str, parts),
        )
    )
    return cache.get_or_set(key, build, seconds)


def rendered(template, name, *parts, build, today=None):
    """``template`` rendered with ``{"d": build()}``, kept under the same key as the built dashboard (with
    ``-html``): a dashboard's HTML is the same for every reader it is built for, and rendering it (most of a
    200 kB page) cost each request more than reading the built dashboard from the cache. Nothing in those templates
    may depend on the request (tests/indicators/test_dashboards_cache.py compares them with a render within one)."""
    return cached(f"{name}-html", *parts, build=lambda: render_to_string(template, {"d": build()}), today=today)

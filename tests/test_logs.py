"""Logs an operator can read during an outage: the cache's failures once a minute, not a traceback per call."""

import logging

from qualipref.lib.logs import OncePerInterval


def _record(message="Exception ignored"):
    try:
        raise ConnectionError("Error 111 connecting to 127.0.0.1:6395. Connection refused.")
    except ConnectionError:
        import sys

        return logging.LogRecord("qualipref.cache", logging.ERROR, __file__, 1, message, None, sys.exc_info())


def test_one_record_per_interval_goes_through_with_its_reason_and_without_the_traceback():
    kept = OncePerInterval(seconds=60)
    records = [_record() for _ in range(50)]
    passed = [record for record in records if kept.filter(record)]
    assert len(passed) == 1
    assert passed[0].exc_info is None
    assert passed[0].getMessage() == "Exception ignored : Error 111 connecting to 127.0.0.1:6395. Connection refused."


def test_the_next_record_after_the_interval_says_how_many_were_held_back():
    kept = OncePerInterval(seconds=0.05)
    assert kept.filter(_record())
    assert not kept.filter(_record())
    assert not kept.filter(_record())
    import time

    time.sleep(0.06)
    record = _record()
    assert kept.filter(record)
    assert record.getMessage().endswith("(2 autre(s) depuis le message précédent)")


def test_with_redis_away_the_cache_logs_one_line_for_many_failed_calls(settings, caplog):
    """The project's logging configuration (settings.LOGGING) puts the filter on django-redis' logger."""
    from django.core.cache import cache

    settings.DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS = True
    settings.DJANGO_REDIS_LOGGER = "qualipref.cache"
    settings.CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": "redis://127.0.0.1:6395/0",  # nothing listens there
            "OPTIONS": {"IGNORE_EXCEPTIONS": True, "SOCKET_CONNECT_TIMEOUT": 0.2, "SOCKET_TIMEOUT": 0.2},
        }
    }
    for _ in logging.getLogger("qualipref.cache").filters:
        _._last = None  # another test of this process may have logged through it within the minute
    with caplog.at_level(logging.WARNING):
        for number in range(20):
            assert cache.get(f"key-{number}") is None
            cache.set(f"key-{number}", number)
    lines = [record for record in caplog.records if record.name == "qualipref.cache"]
    assert len(lines) == 1
    assert lines[0].exc_info is None
    assert "Connection refused" in lines[0].getMessage()

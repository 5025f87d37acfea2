import datetime

import pytest

from tests.api.conftest import api_client, as_role, login, world  # noqa: F401 (the API tests' fixtures)

# Every test of the indicators runs « today » on a fixed day, so that months are never in the future by accident.
TODAY = datetime.date(2026, 4, 15)


@pytest.fixture
def today(monkeypatch):
    """Pin ``timezone.localdate()`` (used by the services and the pages) to TODAY."""
    from django.utils import timezone

    original = timezone.localdate

    def localdate(value=None, timezone=None):
        return TODAY if value is None else original(value, timezone)

    monkeypatch.setattr(timezone, "localdate", localdate)
    return TODAY

"""What the tests see of the Celery broker: the ids of the task messages it accepted (the ``published`` fixture, to
import into a test module or a conftest)."""

import pytest
from celery.signals import after_task_publish


@pytest.fixture
def published():
    """Ids of the task messages handed to the broker during the test."""
    ids = []

    def record(sender=None, headers=None, **kwargs):
        ids.append(headers["id"])

    after_task_publish.connect(record, weak=False)
    yield ids
    after_task_publish.disconnect(record)

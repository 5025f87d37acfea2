"""The computation runs in a real Celery worker on Redis (as in production): the task enqueued after the commit of
a write computes the months it touched; a task run twice changes nothing. Without Redis the tests are skipped,
which QUALIPREF_STRICT=1 (CI) turns into a failure; so are they on SQLite, whose in-memory test database cannot be
shared with the worker's thread."""

import datetime
import time

import pytest
from django.db import transaction

from indicators import catalogue, tasks
from indicators.models import ComputeRun, Measurement
from tests import factories
from tests.test_celery_worker import (  # noqa: F401 (fixtures)
    RESULT_TIMEOUT,
    database_shared_with_worker,
    worker_app,
)

pytestmark = [
    pytest.mark.worker,
    pytest.mark.usefixtures("database_shared_with_worker"),
    pytest.mark.filterwarnings("ignore:Call to deprecated setex:DeprecationWarning"),
]


def _wait_for(condition, timeout=RESULT_TIMEOUT):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.2)
    return False


@pytest.fixture
def arles(db):
    catalogue.sync()  # a transactional test ends with a flush, which empties the catalogue loaded by its migration
    site = factories.SiteFactory(name="Sous-préfecture d'Arles")
    ComputeRun.objects.create(
        kind="full", state="succeeded", started_at=datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC)
    )
    return site


def test_a_complaint_committed_is_computed_by_the_worker(worker_app, arles):  # noqa: F811
    with transaction.atomic():
        factories.ComplaintFactory(site=arles, answered=True)

    assert _wait_for(lambda: Measurement.objects.filter(indicator__code="complaints_in_time").exists())
    measurement = Measurement.objects.get(indicator__code="complaints_in_time")
    assert (measurement.site, measurement.value, measurement.numerator, measurement.denominator) == (arles, 100, 1, 1)
    assert _wait_for(lambda: ComputeRun.objects.filter(kind="changes", state="succeeded").exists())


def test_the_task_run_twice_by_the_worker_changes_nothing_the_second_time(worker_app, arles):  # noqa: F811
    factories.ComplaintFactory(site=arles)
    _wait_for(lambda: ComputeRun.objects.filter(kind="changes", state="succeeded").exists())

    first = ComputeRun.objects.get(pk=tasks.compute_all.delay().get(timeout=RESULT_TIMEOUT))
    second = ComputeRun.objects.get(pk=tasks.compute_all.delay().get(timeout=RESULT_TIMEOUT))

    assert first.state == second.state == "succeeded"
    assert (second.created, second.updated, second.deleted) == (0, 0, 0)
    assert second.unchanged == first.created + first.updated + first.unchanged


def test_one_month_is_computed_by_the_worker(worker_app, arles):  # noqa: F811
    factories.ComplaintFactory(site=arles, answered=True)

    run = ComputeRun.objects.get(pk=tasks.compute_period.delay("2026-03").get(timeout=RESULT_TIMEOUT))

    assert (run.kind, run.scope) == ("period", "2026-03")
    assert Measurement.objects.filter(period=datetime.date(2026, 3, 1), indicator__code="complaints_in_time").exists()

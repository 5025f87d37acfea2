"""A write to a source of the computed indicators enqueues one incremental computation after its commit; no app
imports the indicators (the receivers are connected by indicators.apps)."""

import pytest
from django.db import transaction

from indicators import signals, tasks
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def enqueued():
    """The incremental runs handed to the broker (through the outbox) during the test."""
    from celery.signals import after_task_publish

    calls = []

    def record(sender=None, **kwargs):
        if sender == tasks.compute_changes.name:
            calls.append("compute_changes")

    after_task_publish.connect(record, weak=False)
    yield calls
    after_task_publish.disconnect(record)


def test_a_complaint_saved_enqueues_the_incremental_run_once_committed(
    world, enqueued, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        factories.ComplaintFactory(site=world.site)
        factories.ComplaintFactory(site=world.site)
        assert enqueued == []  # nothing before the commit

    assert enqueued == ["compute_changes"]  # one message for the burst


def test_nothing_is_enqueued_when_the_transaction_rolls_back(world, enqueued, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError), transaction.atomic():
        factories.ComplaintFactory(site=world.site)
        raise RuntimeError("annulée")

    assert enqueued == []


def test_after_the_run_started_a_new_write_enqueues_again(
    world, enqueued, django_capture_on_commit_callbacks, monkeypatch
):
    from indicators.services import compute

    monkeypatch.setattr(compute, "run_changes", lambda: type("Run", (), {"pk": 1})())
    with django_capture_on_commit_callbacks(execute=True):
        factories.TrainingFactory(site=world.site)
    tasks.compute_changes()  # the task clears the key before reading the changes
    with django_capture_on_commit_callbacks(execute=True):
        factories.ActionFactory(plan=factories.ActionPlanFactory(prefecture=world.prefecture))

    assert enqueued == ["compute_changes", "compute_changes"]


def test_a_broker_that_does_not_answer_does_not_break_the_write(world, monkeypatch, django_capture_on_commit_callbacks):
    from qualipref.celery import app
    from qualipref.models import OutboxMessage

    monkeypatch.setattr(app.conf, "broker_url", "redis://127.0.0.1:6395/0")  # nothing listens there
    monkeypatch.setenv("CELERY_BROKER_URL", "redis://127.0.0.1:6395/0")
    with django_capture_on_commit_callbacks(execute=True):
        complaint = factories.ComplaintFactory(site=world.site)

    assert type(complaint).objects.filter(pk=complaint.pk).exists()
    # the message waits in the outbox for the relay
    assert list(OutboxMessage.objects.filter(sent_at__isnull=True).values_list("task", flat=True)) == [
        tasks.compute_changes.name
    ]


def test_the_sources_of_every_computation_are_watched():
    labels = {model._meta.label for model in signals.watched_models()}

    assert {
        "complaints.Complaint",
        "complaints.Correspondence",
        "engagements.Action",
        "engagements.Training",
        "engagements.Meeting",
        "accounts.Membership",
        "surveys.Response",
        "surveys.Campaign",
    } <= labels

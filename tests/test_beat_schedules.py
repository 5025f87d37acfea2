"""Periodic tasks live in the database (django-celery-beat), created by data migrations with
qualipref.lib.beat.schedule_daily: each names a task the worker knows, at a sensible hour of Paris."""

import pytest
from django_celery_beat.models import PeriodicTask

from qualipref.celery import app

pytestmark = pytest.mark.django_db

EXPECTED = {
    "accounts.tasks.purge_expired_tokens": "3:0",
    "complaints.tasks.enforce_retention": "3:30",
    "planning.tasks.refresh_programmes": "6:0",
    "indicators.tasks.send_deadline_alerts": "6:30",
    "accounts.tasks.send_notification_digests": "7:0",
}


def test_the_daily_jobs_are_scheduled_before_the_digest():
    scheduled = {
        task.task: f"{task.crontab.hour}:{task.crontab.minute}"
        for task in PeriodicTask.objects.filter(crontab__isnull=False).select_related("crontab")
    }

    assert EXPECTED.items() <= scheduled.items()
    assert all(str(task.crontab.timezone) == "Europe/Paris" for task in PeriodicTask.objects.filter(task__in=EXPECTED))


def test_every_schedule_names_a_task_the_worker_knows():
    app.loader.import_default_modules()

    unknown = {task.task for task in PeriodicTask.objects.all()} - set(app.tasks)

    assert not unknown

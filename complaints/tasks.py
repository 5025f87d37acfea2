"""Celery tasks of the complaints app: thin, idempotent, taking ids; the work is in the services.

Daily schedules (django-celery-beat, complaints/migrations/0003_beat_schedules.py): ``enforce_retention`` at
03:30. ``send_deadline_alerts`` keeps its schedule but disabled: indicators.tasks.send_deadline_alerts gathers the
alerts of every app at 06:30, these included (same keys: never sent twice), before the digest at 07:00.
"""

from celery import shared_task

from complaints import alerts, retention


@shared_task
def send_deadline_alerts():
    """Notify the assignees and referents of complaints and letters near or past their deadline."""
    return alerts.send_deadline_alerts()


@shared_task
def enforce_retention():
    """Anonymise the personal data of complaints and letters past the retention period."""
    return retention.enforce_retention()


@shared_task
def run_correspondence_import(import_id):
    """Import a big CSV file of correspondence in the background (the page polls its progress)."""
    from complaints.correspondence import imports
    from complaints.models import CorrespondenceImport

    batch = CorrespondenceImport.objects.filter(pk=import_id).first()
    if batch is None:
        return None
    return imports.import_run(batch=batch).status

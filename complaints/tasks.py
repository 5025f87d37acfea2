"""Celery tasks of the complaints app: thin, idempotent, taking ids; the work is in the services.

Daily schedule (django-celery-beat, complaints/migrations/0003_beat_schedules.py): ``enforce_retention`` at
03:30. The deadline alerts of complaints and letters are sent by the job of every app's alerts
(indicators.tasks.send_deadline_alerts, collector indicators.alerts.complaints). Every 5 minutes
(complaints/migrations/0010_read_mailboxes_schedule.py): ``read_mailboxes``, the prefectures' mailboxes.
"""

from celery import shared_task

from complaints import retention


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


@shared_task(bind=True, max_retries=None)
def send_reply(self, delivery_id):
    """E-mail the answer of a complaint to its requester (complaints.deliveries): a refusal of the mail server is
    recorded on the delivery and tried again later, MAX_ATTEMPTS times in all."""
    from complaints import deliveries

    delivery = deliveries.deliver(delivery_id)
    delay = deliveries.retry_delay(delivery)
    if delay is not None:
        raise self.retry(countdown=delay)
    return delivery.status if delivery is not None else None


@shared_task
def read_mailboxes():
    """Read every active mailbox of the prefectures (complaints.inbound.reading): new messages become items, wait
    in the triage or in quarantine. A mailbox out of reach is logged and the others still read."""
    from complaints.inbound import reading

    return reading.read_all()

"""Celery tasks of accounts: thin, idempotent, calling accounts.notifications."""

from celery import shared_task

from accounts import notifications


@shared_task
def send_notification_digests():
    """Daily (07:00, django-celery-beat): e-mail each user their notifications not read nor e-mailed yet."""
    return notifications.send_digests()

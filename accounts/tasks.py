"""Celery tasks of accounts: thin, idempotent, calling accounts.notifications and accounts.tokens."""

from celery import shared_task

from accounts import notifications, tokens


@shared_task
def send_notification_digests():
    """Daily (07:00, django-celery-beat): e-mail each user their notifications not read nor e-mailed yet."""
    return notifications.send_digests()


@shared_task
def purge_expired_tokens():
    """Daily (03:00, django-celery-beat): delete the API tokens past their expiry."""
    return tokens.tokens_purge_expired()

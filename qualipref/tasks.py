"""Celery tasks of the project package."""

from celery import shared_task


@shared_task
def ping():
    """Answer "pong": proves that a worker consumes the broker's queue (tests, `make run`, monitoring).

    `celery -A qualipref call qualipref.tasks.ping` then look for "succeeded ... 'pong'" in the worker's log.
    """
    return "pong"

"""Celery tasks of the project package."""

from celery import shared_task


@shared_task
def ping():
    """Answer "pong": proves that a worker consumes the broker's queue (tests, `make run`, monitoring).

    `celery -A qualipref call qualipref.tasks.ping` then look for "succeeded ... 'pong'" in the worker's log.
    """
    return "pong"


@shared_task
def relay_outbox():
    """Every minute (beat): work items left pending or running are re-queued or marked failed, then the tasks the
    broker did not take are sent (qualipref.outbox). Idempotent: two runs never send one message twice."""
    from qualipref import outbox

    return outbox.recover()

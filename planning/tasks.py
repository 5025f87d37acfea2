"""Celery tasks of the programme: thin, idempotent.

- ``refresh_programmes``: daily (beat, 06:00, before the deadline alerts of 06:30), rebuild every prefecture's
  programme of the year (and of the next one from October) and link what fulfils its items.
"""

from celery import shared_task


@shared_task
def refresh_programmes():
    from planning import services

    return {
        f"{prefecture_id}:{year}": result.created
        for (prefecture_id, year), result in services.refresh_programmes().items()
    }

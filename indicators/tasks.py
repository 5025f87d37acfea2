"""Celery tasks of the indicators: thin, idempotent, over indicators.services.compute.

- ``compute_all``: nightly, every computed indicator from its oldest data (beat, 02:30);
- ``compute_changes``: the prefectures and months touched since the latest run (beat every 10 minutes, and enqueued
  after the commit of a write to a source, see indicators.signals);
- ``compute_period``: one month, every prefecture (``manage.py compute_indicators --period``).
- ``send_deadline_alerts``: the deadline alerts of every app (indicators.alerts; beat, 06:30).
- ``produce_dashboard_pdf``: the PDF of a dashboard (national, a prefecture's, a site's) asked for on its page
  (through the outbox).
"""

import logging

from celery import shared_task
from django.core.cache import cache

from indicators.services import compute

logger = logging.getLogger(__name__)

# One ``compute_changes`` message for a burst of commits: the key lives a few seconds, and the task clears it
# before it reads the changes, so a commit that comes after that read enqueues the next run.
QUEUED_KEY = "indicators:compute-changes-queued"
QUEUED_SECONDS = 5
CHANGES_KEY = "indicators:compute-changes"


@shared_task(acks_late=True)
def produce_dashboard_pdf(pdf_id):
    """Produce a requested dashboard PDF (indicators.services.dashboard_pdf.pdf_produce); a produced one is left as
    is."""
    from indicators.services.dashboard_pdf import pdf_produce

    item = pdf_produce(pdf_id)
    return item.status if item is not None else None


@shared_task
def send_deadline_alerts():
    """The deadline alerts of every app (indicators.alerts), daily at 06:30 before the digest: {source: offered}."""
    from indicators import alerts

    return alerts.collect_and_notify()


@shared_task
def compute_all():
    return compute.run_full().pk


@shared_task
def compute_changes():
    cache.delete(QUEUED_KEY)
    return compute.run_changes().pk


@shared_task
def compute_period(period):
    return compute.run_period(period=period).pk


def enqueue_changes():
    """Ask for an incremental run (called after a commit, by indicators.signals), through the outbox (recorded, then
    sent; the relay sends it if the broker is away). Several commits in a few seconds make one message: the cache
    key, or without the cache (Redis away: ``add`` answers None) the message still unsent."""
    from qualipref import outbox

    if cache.add(QUEUED_KEY, True, timeout=QUEUED_SECONDS) is False:
        return
    outbox.enqueue(compute_changes, key=CHANGES_KEY, once=True)

"""Celery tasks of the yearly reviews: thin, idempotent, enqueued through the outbox."""

from celery import shared_task


@shared_task(acks_late=True)
def produce_review_pdf(pdf_id):
    """Produce a published review's PDF and workbook (reviews.services.pdf_produce); a produced one is left as is."""
    from reviews.services import pdf_produce

    item = pdf_produce(pdf_id)
    return item.status if item is not None else None

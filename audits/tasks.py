"""Celery tasks of the audits: thin, idempotent, enqueued on commit (they take ids and call a service)."""

from celery import shared_task


@shared_task(acks_late=True)
def produce_audit_report(report_id):
    """Produce a requested PDF report (audits.services.reports.report_produce); a produced one is left as is."""
    from audits.services.reports import report_produce

    report = report_produce(report_id)
    return report.status if report is not None else None

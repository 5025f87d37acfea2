"""The PDF report from the audit page: produced now and downloaded (a small report), or produced by a Celery task
whose progress the page follows (a large one); stored reports are downloaded unchanged."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from audits.models import AuditReport
from audits.services import reports as services
from audits.views.common import visible_audit
from qualipref.views import file_response, flash_outcome


def pdf_response(report, *, inline=False):
    response = file_response(report.file, report.filename, inline=inline, content_type="application/pdf")
    response["X-Report-Id"] = str(report.pk)
    response["X-Report-SHA256"] = report.sha256
    return response


@require_http_methods(["GET", "POST"])
def audit_report(request, pk):
    """GET: the PDF of a small audit, produced now (the same data gives the stored file back). A large audit, or
    POST: the production is handed to a Celery task and the audit page follows its progress."""
    audit = visible_audit(request, pk)
    if request.method == "GET" and not services.is_large(audit):
        return pdf_response(services.report_generate(by=request.user, audit=audit))
    services.report_request(by=request.user, audit=audit)
    messages.info(request, "Le rapport est en cours de production : il sera disponible dans quelques instants.")
    return redirect(reverse("audit_detail", kwargs={"pk": audit.pk}) + "#rapports")


@require_GET
def audit_report_status(request, pk, report_pk):
    """The progress of a production (polled by the audit page with htmx until it ends)."""
    audit = visible_audit(request, pk)
    report = get_object_or_404(AuditReport, pk=report_pk, audit=audit)
    return render(request, "audits/_report_progress.html", {"audit": audit, "report": report})


@require_GET
def audit_report_file(request, pk, report_pk):
    """A stored report, byte for byte as it was produced (its SHA-256 in the ``X-Report-SHA256`` header)."""
    audit = visible_audit(request, pk)
    report = get_object_or_404(AuditReport, pk=report_pk, audit=audit, status=AuditReport.Status.DONE)
    return pdf_response(report)


@require_http_methods(["POST"])
def audit_report_retry(request, pk, report_pk):
    """« Relancer » a failed production (a new request; the failure stays listed)."""
    audit = visible_audit(request, pk)
    report = get_object_or_404(AuditReport, pk=report_pk, audit=audit)
    flash_outcome(
        request,
        lambda: services.report_retry(by=request.user, report=report),
        "La production du rapport est relancée : suivez son avancement ci-dessous.",
        level=messages.INFO,
    )
    return redirect(reverse("audit_detail", kwargs={"pk": audit.pk}) + "#rapports")

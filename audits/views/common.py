"""What every audit page does first: fetch the audit or the finding through ``for_user`` (a foreign one is a
404), refuse an auditor outside the access window (403), and ask accounts.access what the user may change."""

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from django.urls import reverse

from accounts import access
from audits.models import Audit, Finding

AUDIT_RELATIONS = ("prefecture__department", "labelling__referential")


def audit_queryset(user, *, listed=False):
    """``listed``: for lists and choices, where an auditor's audits outside their window do not show at all."""
    audits = Audit.objects.readable_by(user) if listed else Audit.objects.for_user(user)
    return audits.select_related(*AUDIT_RELATIONS).prefetch_related("auditors", "sites")


def _check_window(user, audit):
    refusal = access.audit_window_refusal(user, audit)
    if refusal:
        raise PermissionDenied(refusal)


def visible_audit(request, pk):
    """The audit, when the user may see it now (404 when not theirs, 403 outside an auditor's window)."""
    audit = get_object_or_404(audit_queryset(request.user), pk=pk)
    _check_window(request.user, audit)
    return audit


def managed_audit(request, pk, message="Seul le responsable qualité de la préfecture modifie ses audits."):
    audit = visible_audit(request, pk)
    if not access.can_manage_audits(request.user, audit.prefecture):
        raise PermissionDenied(message)
    return audit


def fillable_audit(request, pk):
    """The audit, when the user may write its grid and findings (its auditors in their window, its managers)."""
    audit = visible_audit(request, pk)
    if not access.can_fill_audit(request.user, audit):
        raise PermissionDenied(
            "Seuls les auditeurs de cet audit et le responsable qualité de la préfecture le remplissent (et, pour "
            "une autoévaluation, le référent de son site)."
        )
    return audit


def visible_finding(request, pk):
    finding = get_object_or_404(
        Finding.objects.for_user(request.user).select_related(
            "site",
            "engagement",
            "module",
            "responded_by",
            "closed_by",
            "verified_in",
            "created_by",
            "analysed_by",
            "effectiveness_checked_by",
        ),
        pk=pk,
    )
    finding.audit = visible_audit(request, finding.audit_id)
    return finding


def list_crumb():
    return ("Audits", reverse("audit_list"))


def audit_crumb(audit):
    return (audit.title, reverse("audit_detail", kwargs={"pk": audit.pk}))

"""The PDF audit report (WeasyPrint): its content, its production and its storage.

- ``report_context(audit)`` gathers what the template needs in a fixed number of queries (whatever the number of
  findings and cells); ``report_html`` renders ``templates/pdf/audit_report.html``.
- ``report_generate`` renders it now and stores it (``AuditReport``: the file, its SHA-256, the date, who asked).
  The same data gives the same document: the latest stored report whose source is identical is returned as is.
- A large report (more than ``LARGE_REPORT_ITEMS`` findings and grid cells) is produced by a Celery task
  (``audits.tasks.produce_audit_report``) that records its progress on the ``AuditReport`` row; the audit page
  shows it and offers the file when it is there.
- The request, the task's body and the sweep are qualipref.production's (shared with the dashboards' PDFs): the
  task is recorded in the request's transaction (qualipref.outbox), a broker that is away delays it, never loses
  it. A production left pending or running beyond WORK_STALE_MINUTES is sent again, or marked failed after
  WORK_MAX_ATTEMPTS sends (``sweep_stale_reports``); the page then offers « Relancer » (``report_retry``).
- The report delivered to the prefecture is the one marked ``delivered_on`` when the delivery is recorded
  (audits.services.audits): found again unchanged, with its checksum.
"""

import hashlib
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Prefetch
from django.template.loader import render_to_string
from django.utils import timezone

from accounts import access
from audits import palette
from audits.models import Audit, AuditReport, Finding, FindingAction
from audits.services.grid import build_grid
from audits.services.summaries import CATEGORIES, GENERAL, finding_counts, grid_by_module
from qualipref import production
from qualipref.lib import charts, pdf

TEMPLATE = "pdf/audit_report.html"
LARGE_REPORT_ITEMS = 400  # findings + grid cells beyond which the page hands the production to Celery

Category = Finding.Category


def _require_reader(by, audit):
    refusal = access.audit_window_refusal(by, audit)
    if refusal:
        raise PermissionDenied(refusal)
    if not access.can_download_audit_report(by, audit):
        raise PermissionDenied("Vous ne pouvez pas consulter le rapport de cet audit.")


def report_size(audit):
    """Findings + cells of the grid: what makes a report long to produce."""
    from audits.services.grid import scope_engagements

    return audit.findings.count() + scope_engagements(audit).count() * audit.sites.count()


def is_large(audit):
    return report_size(audit) > LARGE_REPORT_ITEMS


# --- content ----------------------------------------------------------------------------------------


@dataclass
class ModuleFindings:
    module: object  # None: findings without a module
    findings: list = field(default_factory=list)


@dataclass
class PlaceFindings:
    label: str
    modules: list = field(default_factory=list)


def _findings(audit):
    actions = FindingAction.objects.select_related("action__owner", "action__site").order_by("action__due_on", "pk")
    return list(
        audit.findings.select_related("site", "engagement", "module", "responded_by", "verified_in")
        .prefetch_related(Prefetch("action_links", queryset=actions))
        .order_by("site__kind", "site__name", "module__number", "engagement__number", "category", "pk")
    )


def _by_place(findings, counts):
    """Findings grouped by the places of the counts (prefecture, each sous-préfecture, general), then by module
    (in the order of the référentiel; findings without a module last), then by engagement and category."""
    place_of_site = {}
    for place in counts.places:
        for site in place.sites:
            place_of_site[site.pk] = place.label
    categories = list(Category.values)
    by_place = {}
    for finding in findings:
        by_place.setdefault(place_of_site.get(finding.site_id, GENERAL), []).append(finding)
    ordered = []
    for place in counts.places:
        rows = sorted(
            by_place.get(place.label, []),
            key=lambda f: (
                f.module is None,
                f.module.number if f.module else 0,
                f.engagement.number if f.engagement else 0,
                categories.index(f.category),
                f.site.name if f.site else "",
                f.pk,
            ),
        )
        if not rows:
            continue
        group = PlaceFindings(label=place.label)
        for finding in rows:
            if not group.modules or group.modules[-1].module_key != finding.module_id:
                module = ModuleFindings(module=finding.module)
                module.module_key = finding.module_id
                group.modules.append(module)
            group.modules[-1].findings.append(finding)
        ordered.append(group)
    return ordered


def _charts(audit, counts, grid):
    places = [place.label for place in counts.places]
    series = [
        (Category(category).label, [place.count(category) for place in counts.places], palette.colour(category))
        for category in CATEGORIES
    ]
    by_category = charts.bar_chart(
        chart_id=f"audit-{audit.pk}-constats",
        title="Constats par site et par catégorie",
        labels=[label.replace("Sous-préfecture d'", "").replace("Sous-préfecture de ", "") for label in places],
        series=series,
        height=340,
    )
    modules = grid_by_module(grid)
    result_series = [
        (label, [module_counts[value] for _, module_counts in modules], palette.colour(value))
        for value, label in grid_results_choices()
    ]
    by_module = charts.bar_chart(
        chart_id=f"audit-{audit.pk}-grille",
        title="Résultats de la grille par module (engagements × sites)",
        labels=[f"Module {module.number}" for module, _ in modules],
        series=result_series,
        stacked=True,
        horizontal=True,
        height=max(220, 60 + 45 * len(modules)),
    )
    return {"by_category": by_category, "by_module": by_module}


def grid_results_choices():
    from audits.models import Assessment

    return Assessment.Result.choices


def report_context(audit):
    """What the report shows, in a fixed number of queries (about 15, whatever the number of findings)."""
    audit = (
        Audit.objects.select_related("prefecture__department", "labelling__referential", "created_by")
        .prefetch_related("auditors", "modules")
        .get(pk=audit.pk)
    )
    sites = list(audit.sites.order_by("kind", "name"))
    counts = finding_counts(audit, sites=sites)
    grid = build_grid(audit)
    findings = _findings(audit)
    answerable = [finding for finding in findings if finding.is_answerable]
    return {
        "audit": audit,
        "prefecture": audit.prefecture,
        "referential": audit.labelling.referential,
        "auditors": [user.get_full_name() or user.username for user in audit.auditors.all()],
        "sites": sites,
        "modules": sorted(audit.modules.all(), key=lambda module: module.number),
        "counts": counts,
        "categories": [(category, category.label) for category in CATEGORIES],
        "grid": grid,
        "findings_by_place": _by_place(findings, counts),
        "nonconformities": [finding for finding in answerable if finding.is_nonconformity],
        "sensitive_points": [finding for finding in answerable if not finding.is_nonconformity],
        "charts": _charts(audit, counts, grid),
        "results": grid_results_choices(),
        "generated_on": timezone.localdate(),
        "palette": palette.COLOURS,
        "tint": palette.TINT,
    }


def report_html(audit, context=None):
    context = context or report_context(audit)
    return render_to_string(TEMPLATE, context)


def render_report(audit, *, on_progress=None):
    """(PDF bytes, pages, SHA-256 of the source) of the audit's report, rendered now."""
    html = report_html(audit)
    source = hashlib.sha256(html.encode("utf-8")).hexdigest()
    content, pages = pdf.html_to_pdf(html, on_progress=on_progress)
    return content, pages, source


# --- storage ------------------------------------------------------------------------------------------


def _filename(audit_id):
    return f"audit-{audit_id}-{timezone.now():%Y%m%d-%H%M%S}.pdf"


def latest_report(audit):
    return audit.reports.filter(status=AuditReport.Status.DONE).order_by("-generated_at", "-pk").first()


def report_generate(*, by, audit) -> AuditReport:
    """Render the report now and store it; the latest stored report is returned when its source is identical
    (the same data gives the same document, byte for byte)."""
    _require_reader(by, audit)
    html = report_html(audit)
    source = hashlib.sha256(html.encode("utf-8")).hexdigest()
    latest = latest_report(audit)
    if latest is not None and latest.source_sha256 == source and production.stored(latest):
        return latest
    content, pages = pdf.html_to_pdf(html)
    report = AuditReport(audit=audit, requested_by=by if getattr(by, "pk", None) else None)
    with transaction.atomic():
        return production.store(report, content, pages=pages, filename=_filename(audit.pk), source_sha256=source)


PRODUCE_TASK = "audits.tasks.produce_audit_report"


def report_request(*, by, audit) -> AuditReport:
    """Ask for the report of a large audit: a pending row, produced by a Celery task once committed. A production
    already pending or running is returned instead of a second one."""
    _require_reader(by, audit)
    return production.request(
        audit.reports.all(),
        create=lambda: AuditReport.objects.create(
            audit=audit, requested_by=by if getattr(by, "pk", None) else None, step=production.WAITING_STEP
        ),
        task=PRODUCE_TASK,
    )


def report_retry(*, by, report) -> AuditReport:
    """« Relancer » a failed production: a new request (the failure stays listed), or the production already
    pending or running."""
    if not access.can_retry_audit_report(by, report):
        raise PermissionDenied("Vous ne pouvez pas relancer la production de ce rapport.")
    if report.status != AuditReport.Status.FAILED:
        raise ValidationError("Seule une production en échec peut être relancée.")
    return report_request(by=by, audit=report.audit)


def sweep_stale_reports(*, before):
    """Productions pending or running without progress since ``before``: sent again through the outbox, or
    marked failed after WORK_MAX_ATTEMPTS sends; those whose task still waits for the broker are left to the relay.
    Returns the number handled."""
    return production.sweep(
        AuditReport.objects.filter(updated_at__lt=before), task=PRODUCE_TASK, label="Rapport d'audit"
    )


def _render_stored(report, on_progress):
    content, pages, source = render_report(report.audit, on_progress=on_progress)
    return content, pages, {"filename": _filename(report.audit_id), "source_sha256": source}


def report_produce(report_id):
    """Produce a requested report (the Celery task's body): idempotent, a report already produced is left as is."""
    return production.produce(
        AuditReport.objects.select_related("audit"), report_id, render=_render_stored, label="rapport d'audit"
    )

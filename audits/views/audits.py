"""Audit pages: the list, an audit's page (status, counts per site, findings, non-conformities, reports), planning
and edit forms, status steps, the decision, and the comparison of two audits of a prefecture."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from accounts import access
from audits.filters import AuditFilter
from audits.forms import AuditCompareForm, AuditForm, CycleForm, DecisionForm, TransitionForm, manageable_cycles
from audits.models import Audit, Finding, FindingAction, MysteryVisit
from audits.services import audits as services
from audits.services import findings as finding_services
from audits.services import grid as grid_services
from audits.services import summaries
from audits.services.reports import LARGE_REPORT_ITEMS
from audits.views.common import audit_crumb, audit_queryset, list_crumb, managed_audit, visible_audit
from engagements.services import labellings as labelling_services
from qualipref.lib import charts
from qualipref.lib.dates import short_date
from qualipref.views import breadcrumb, paginate, put_errors_on_form, redirect_if_saved

Category = Finding.Category


# --- list ---------------------------------------------------------------------------------------------


@require_GET
def audit_list(request):
    audits = (
        Audit.objects.readable_by(request.user)
        .select_related("prefecture__department", "labelling__referential")
        .with_counts(sites=True)
        .order_by("-start_on", "-pk")
    )
    filterset = AuditFilter(request.GET or None, queryset=audits, request=request)
    page_obj = paginate(request, filterset.qs)
    for audit in page_obj.object_list:
        audit.counts_line = summaries.counts_sentence({c: getattr(audit, f"{c}_count") for c in Category.values})
    return render(
        request,
        "audits/audit_list.html",
        {
            "title": "Audits",
            "filterset": filterset,
            "page_obj": page_obj,
            "filtered": any(value for name, value in request.GET.items() if name != "page"),
            "can_create": access.may_manage_audits(request.user),
            "show_prefecture": access.is_national_admin(request.user),
            "breadcrumb_data": breadcrumb("Audits"),
        },
    )


# --- planning -----------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def audit_create(request):
    if not access.may_manage_audits(request.user):
        raise PermissionDenied("Seul le responsable qualité d’une préfecture planifie ses audits.")
    cycles = manageable_cycles(request.user)
    cycle = None
    chosen = request.GET.get("cycle") or request.POST.get("cycle")
    if chosen and str(chosen).isdigit():
        cycle = get_object_or_404(cycles, pk=chosen)
    elif cycles.count() == 1:
        cycle = cycles.first()
    context = {
        "title": "Planifier un audit",
        "breadcrumb_data": breadcrumb("Planifier un audit", list_crumb()),
    }
    if cycle is None:
        context.update(
            {"cycle_form": CycleForm(request.GET or None, actor=request.user), "has_cycles": cycles.exists()}
        )
        return render(request, "audits/audit_form.html", context)
    form = AuditForm(request.POST or None, labelling=cycle)
    response = redirect_if_saved(
        request,
        form,
        lambda: services.audit_create(by=request.user, labelling=cycle, **form.service_fields()),
        lambda audit: f"L’audit est planifié : {audit.title}.",
        lambda audit: reverse("audit_detail", kwargs={"pk": audit.pk}),
    )
    context.update({"form": form, "cycle": cycle})
    return response or render(request, "audits/audit_form.html", context)


@require_http_methods(["GET", "POST"])
def audit_edit(request, pk):
    audit = managed_audit(request, pk)
    if audit.status == Audit.Status.CLOSED:
        raise PermissionDenied("Cet audit est clos : il ne se modifie plus.")
    form = AuditForm(request.POST or None, labelling=audit.labelling, audit=audit)
    response = redirect_if_saved(
        request,
        form,
        lambda: services.audit_update(by=request.user, audit=audit, **form.service_fields()),
        "L’audit a été enregistré.",
        reverse("audit_detail", kwargs={"pk": audit.pk}),
    )
    return response or render(
        request,
        "audits/audit_form.html",
        {
            "title": f"Modifier l’{audit.title[0].lower()}{audit.title[1:]}",
            "form": form,
            "audit": audit,
            "cycle": audit.labelling,
            "breadcrumb_data": breadcrumb("Modifier", list_crumb(), audit_crumb(audit)),
        },
    )


# --- one audit ----------------------------------------------------------------------------------------


def _findings(audit, user):
    """The findings of the page, with their actions, in 2 queries whatever their number."""
    links = FindingAction.objects.select_related("action").order_by("pk")
    findings = list(
        audit.findings.select_related("site", "engagement", "module")
        .prefetch_related(Prefetch("action_links", queryset=links))
        .order_by("site__kind", "site__name", "category", "engagement__code", "pk")
    )
    can_edit = access.can_edit_audit_content(user, audit)
    can_respond = access.can_respond_to_audit(user, audit)
    for finding in findings:
        finding.audit = audit  # no query per row
        finding.linked_actions = [link.action for link in finding.action_links.all()]
        finding.can_edit = can_edit
        finding.can_respond = can_respond and finding.is_answerable
        if finding.is_nonconformity:
            # later audits (who may verify the actions) are listed on the finding's page
            finding.closure = finding_services.closure_check(finding, actions=finding.linked_actions, audits=[])
    return findings


def _steps(audit, user):
    if not access.can_manage_audits(user, audit.prefecture):
        return []
    rows = []
    for step in services.allowed_steps(audit):
        _, label, _ = services.STEPS[step]
        rows.append({"step": step, "label": label, "blockers": services.step_blockers(audit, step)})
    return rows


CYCLE_KINDS = (Audit.Kind.LABELLING, Audit.Kind.FOLLOW_UP, Audit.Kind.RENEWAL)  # audits that write in the cycle


@require_GET
def audit_detail(request, pk):
    audit = visible_audit(request, pk)
    user = request.user
    abilities = access.abilities(user, audit)
    findings = _findings(audit, user)
    counts = summaries.finding_counts(audit)
    assessed, total, percent = grid_services.grid_progress(audit)
    reports = list(audit.reports.select_related("requested_by").order_by("-created_at", "-pk")[:10])
    pending = next((report for report in reports if not report.is_finished), None)
    nonconformities = [finding for finding in findings if finding.is_nonconformity]
    return render(
        request,
        "audits/audit_detail.html",
        {
            "title": audit.title,
            "audit": audit,
            "abilities": abilities,
            "steps": _steps(audit, user),
            "step_count": len(Audit.Status),
            "step_index": list(Audit.Status).index(Audit.Status(audit.status)) + 1,
            "next_status": _next_status_label(audit),
            "counts": counts,
            "categories": summaries.CATEGORIES,
            "findings": findings,
            "nonconformities": nonconformities,
            "open_nonconformities": [finding for finding in nonconformities if not finding.is_closed],
            "grid_assessed": assessed,
            "grid_total": total,
            "grid_percent": percent,
            "reports": reports,
            "pending_report": pending,
            "large_report": (len(findings) + total) > LARGE_REPORT_ITEMS,
            "mystery_visits": audit.mystery_visits.select_related("site", "service")
            .prefetch_related("criteria")
            .order_by("happened_on", "pk")
            if audit.kind == Audit.Kind.MYSTERY or abilities["fill"]
            else MysteryVisit.objects.none(),
            "decision_form": DecisionForm() if abilities["decide"] else None,
            # What the audit wrote in its cycle (follow-up with its opinion, labelling or renewal and decision).
            "cycle_steps": list(labelling_services.steps_of(audit)) if audit.kind in CYCLE_KINDS else [],
            "cycle_link": access.can_manage_audits(user, audit.prefecture),
            "is_late": audit.is_report_late(),
            "auditors": list(audit.auditors.all()),
            "window_open": audit.window_open(),
            "is_auditor": access.is_assigned_auditor(user, audit),
            "breadcrumb_data": breadcrumb(audit.title, list_crumb()),
        },
    )


def _next_status_label(audit):
    statuses = list(Audit.Status)
    index = statuses.index(Audit.Status(audit.status))
    return statuses[index + 1].label if index + 1 < len(statuses) else ""


def _transition_message(audit, target, with_opinion):
    message = f"L’audit est désormais « {target.label} »."
    labelling = audit.labelling
    if with_opinion and labelling.is_running:
        labelling.refresh_from_db(fields=["next_audit_due"])
        message += (
            " L’audit de suivi est inscrit au cycle de labellisation : prochain audit avant le "
            f"{short_date(labelling.next_audit_due)}."
        )
    return message


@require_http_methods(["GET", "POST"])
def audit_transition(request, pk, step):
    """GET asks for the date of the step; POST records it (audits.services.audits.audit_transition)."""
    audit = managed_audit(request, pk, "Seul le responsable qualité de la préfecture fait avancer ses audits.")
    if step not in services.STEPS:
        raise PermissionDenied("Étape inconnue.")
    target, label, date_label = services.STEPS[step]
    with_opinion = services.asks_opinion(audit, step)
    form = TransitionForm(request.POST or None, date_label=date_label, with_opinion=with_opinion)
    response = redirect_if_saved(
        request,
        form,
        lambda: services.audit_transition(by=request.user, audit=audit, step=step, **form.service_fields()),
        lambda saved: _transition_message(saved, target, with_opinion),
        reverse("audit_detail", kwargs={"pk": audit.pk}),
    )
    return response or render(
        request,
        "audits/audit_transition.html",
        {
            "title": label,
            "audit": audit,
            "form": form,
            "allowed": step in services.allowed_steps(audit),
            "blockers": services.step_blockers(audit, step) if step in services.allowed_steps(audit) else [],
            "with_opinion": with_opinion,
            "breadcrumb_data": breadcrumb(label, list_crumb(), audit_crumb(audit)),
        },
    )


@require_http_methods(["GET", "POST"])
def audit_decision(request, pk):
    audit = managed_audit(request, pk, "Seul le responsable qualité de la préfecture enregistre la décision.")
    form = DecisionForm(request.POST or None)
    response = redirect_if_saved(
        request,
        form,
        lambda: services.audit_record_decision(by=request.user, audit=audit, **form.cleaned_data),
        lambda _: f"Décision {audit.get_decision_display().lower()} enregistrée : le cycle de labellisation avance.",
        reverse("audit_detail", kwargs={"pk": audit.pk}),
    )
    return response or render(
        request,
        "audits/audit_decision.html",
        {
            "title": "Décision de l’organisme",
            "audit": audit,
            "form": form,
            "breadcrumb_data": breadcrumb("Décision", list_crumb(), audit_crumb(audit)),
        },
    )


# --- comparison ---------------------------------------------------------------------------------------


def _comparison_chart(comparison):
    return charts.bar_chart(
        chart_id="comparaison-audits",
        title="Constats par catégorie",
        labels=[category.label for category, _, _ in comparison.category_rows],
        series=[
            (comparison.first.title, [first for _, first, _ in comparison.category_rows], charts.GREY),
            (comparison.second.title, [second for _, _, second in comparison.category_rows], charts.BLUE_FRANCE),
        ],
        height=320,
    )


@require_GET
def audit_compare(request):
    """Two audits of the same prefecture: engagement by engagement, what improved and what regressed."""
    audits = audit_queryset(request.user, listed=True).order_by("prefecture__department_id", "-start_on")
    chosen = {name: request.GET[name] for name in ("first", "second") if request.GET.get(name)}
    if len(chosen) == 2:
        form = AuditCompareForm(request.GET, audits=audits)
    else:  # « Comparer avec un autre audit » from an audit's page: that audit is preselected
        form = AuditCompareForm(initial=chosen, audits=audits)
    comparison = chart = None
    if form.is_bound and form.is_valid():
        first, second = form.cleaned_data["first"], form.cleaned_data["second"]
        try:
            comparison = summaries.compare(first, second)
        except ValidationError as error:
            put_errors_on_form(form, error)
        else:
            chart = _comparison_chart(comparison)
    return render(
        request,
        "audits/audit_compare.html",
        {
            "title": "Comparer deux audits",
            "form": form,
            "comparison": comparison,
            "chart": chart,
            "breadcrumb_data": breadcrumb("Comparer deux audits", list_crumb()),
        },
    )

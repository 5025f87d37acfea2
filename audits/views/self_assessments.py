"""« L'autoévaluation trimestrielle des conditions d'accueil »: a site's quarters of the year, starting one, its
checklist filled on a phone or a tablet (each answer saved as a cell of the grid: views.grid.audit_grid_cell), and
its gaps turned into actions."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from accounts import access
from audits.models import Assessment, QuarterlySelfAssessment
from audits.services import grid as grid_services
from audits.services import self_assessments as services
from audits.views.common import visible_audit
from qualipref.views import breadcrumb
from sites.models import Site

Result = Assessment.Result
# The three answers of the checklist, as cells of the grid.
CHECKLIST_OPTIONS = [
    (Result.COMPLIANT, "Conforme"),
    (Result.MINOR_NONCONFORMITY, "Non conforme"),
    (Result.NOT_APPLICABLE, "Sans objet"),
]


def _visible_site(request, site_pk):
    return get_object_or_404(Site.objects.for_user(request.user).select_related("prefecture"), pk=site_pk)


def _year(request, default):
    raw = request.GET.get("annee", "")
    return int(raw) if raw.isdigit() and 2000 <= int(raw) <= 2100 else default


def _site_crumbs(site):
    return (site.name, reverse("site_detail", kwargs={"pk": site.pk}))


@require_GET
def site_self_assessments(request, site_pk):
    """The four quarters of a year of a site: done, in progress, missing, due, upcoming; « Commencer » where due."""
    site = _visible_site(request, site_pk)
    today = timezone.localdate()
    year = _year(request, today.year)
    title = "Autoévaluations trimestrielles des conditions d’accueil"
    return render(
        request,
        "audits/site_self_assessments.html",
        {
            "title": title,
            "site": site,
            "year": year,
            "rows": services.site_year(site, year, on=today),
            "can_start": access.can_start_self_assessment(request.user, site),
            "years": (year - 1, year + 1) if year < today.year else (year - 1, None),
            "breadcrumb_data": breadcrumb(title, _site_crumbs(site)),
        },
    )


@require_POST
def self_assessment_start(request, site_pk):
    site = _visible_site(request, site_pk)
    if not access.can_start_self_assessment(request.user, site):
        raise PermissionDenied("Seuls le responsable qualité de la préfecture et le référent du site la commencent.")
    raw_year, raw_quarter = request.POST.get("year", ""), request.POST.get("quarter", "")
    try:
        check = services.self_assessment_start(
            by=request.user,
            site=site,
            year=int(raw_year) if raw_year.isdigit() else None,
            quarter=int(raw_quarter) if raw_quarter.isdigit() else None,
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("site_self_assessments", site_pk=site.pk)
    messages.success(request, f"Autoévaluation {check.label} commencée : cochez chaque engagement sur place.")
    return redirect("self_assessment_checklist", pk=check.audit_id)


def _checklist(request, pk):
    audit = visible_audit(request, pk)
    check = QuarterlySelfAssessment.objects.filter(audit=audit).select_related("site").first()
    if check is None:
        raise Http404("Cet audit n’est pas une autoévaluation trimestrielle.")
    return audit, check


@require_GET
def self_assessment_checklist(request, pk):
    """The checklist of the quarter on a phone or a tablet: one card per engagement, three answers and a comment."""
    audit, check = _checklist(request, pk)
    grid = grid_services.build_grid(audit)
    cells = [row[0] for module in grid.modules for _engagement, row in module.rows]
    actions = services.gap_actions([cell.assessment for cell in cells])
    can_edit = access.can_edit_audit_content(request.user, audit)
    title = f"Autoévaluation {check.label} – {check.site.name}"
    return render(
        request,
        "audits/self_assessment_checklist.html",
        {
            "title": title,
            "audit": audit,
            "check": check,
            "items": [(cell, actions.get(cell.assessment.pk) if cell.assessment else None) for cell in cells],
            "can_edit": can_edit,
            "can_act": access.can_create_action(request.user, audit.prefecture, check.site),
            "options": CHECKLIST_OPTIONS,
            "progress": {"assessed": grid.assessed, "total": grid.total, "percent": grid.percent},
            "breadcrumb_data": breadcrumb(
                check.label,
                _site_crumbs(check.site),
                (
                    "Autoévaluations trimestrielles",
                    reverse("site_self_assessments", kwargs={"site_pk": check.site_id}),
                ),
            ),
        },
    )


def render_checklist_item(request, audit, cell, *, errors, pending, status):
    """The answer of a checklist item's autosave (views.grid.audit_grid_cell with ``layout=checklist``)."""
    assessed, total, percent = grid_services.grid_progress(audit)
    action = services.gap_actions([cell.assessment]).get(cell.assessment.pk) if cell.assessment else None
    return render(
        request,
        "audits/_checklist_item_response.html",
        {
            "audit": audit,
            "cell": cell,
            "action": action,
            "can_edit": True,
            "can_act": access.can_create_action(request.user, audit.prefecture, cell.site),
            "options": CHECKLIST_OPTIONS,
            "errors": errors or {},
            "pending": pending or {},
            "progress": {"assessed": assessed, "total": total, "percent": percent},
            "saved": not errors,
        },
        status=status,
    )


@require_POST
def self_assessment_gap_action(request, pk, cell_pk):
    """« Créer l'action »: the gap becomes an action of the plan, once."""
    audit, check = _checklist(request, pk)
    cell = get_object_or_404(Assessment, pk=cell_pk, audit=audit)
    try:
        action = services.gap_create_action(by=request.user, assessment=cell)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"Action créée dans le plan « {action.plan} » : {action.title}")
    url = reverse("self_assessment_checklist", kwargs={"pk": audit.pk})
    return redirect(f"{url}#item-{cell.engagement_id}")

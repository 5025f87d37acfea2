"""The assessment grid page (filled in the browser: keyboard, autosave of each cell with htmx, progress), the
pre-fill from the previous audit, the evidence of a cell, and the mystery visits and calls that feed the grid."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts import access
from audits.forms import CellForm, CriterionFormSet, MysteryVisitForm
from audits.models import Assessment, MysteryVisit
from audits.services import audits as audit_services
from audits.services import grid as services
from audits.views.common import audit_crumb, fillable_audit, list_crumb, visible_audit
from audits.views.self_assessments import render_checklist_item
from qualipref.lib import uploads
from qualipref.views import breadcrumb, error_dict, file_response, put_errors_on_form

Result = Assessment.Result
# The options of a cell: typing the digit in a focused select chooses it (the browser's type-ahead).
RESULT_OPTIONS = [
    (Result.NOT_ASSESSED, "0 · Non évalué"),
    (Result.COMPLIANT, "1 · Conforme"),
    (Result.MINOR_NONCONFORMITY, "2 · NC mineure"),
    (Result.MAJOR_NONCONFORMITY, "3 · NC majeure"),
    (Result.NOT_APPLICABLE, "4 · Non applicable"),
]


def _grid_url(audit, site_id=None):
    url = reverse("audit_grid", kwargs={"pk": audit.pk})
    return f"{url}?site={site_id}" if site_id else url


def _selected_sites(request, audit):
    raw = request.GET.get("site", "")
    sites = list(services.scope_sites(audit))
    if raw.isdigit():
        chosen = [site for site in sites if site.pk == int(raw)]
        if chosen:
            return sites, chosen
    return sites, None


@require_GET
def audit_grid(request, pk):
    audit = visible_audit(request, pk)
    all_sites, chosen = _selected_sites(request, audit)
    grid = services.build_grid(audit, sites=chosen)
    can_edit = access.can_edit_audit_content(request.user, audit)
    assessed, total, percent = services.grid_progress(audit)
    previous = audit_services.previous_audit(audit) if can_edit else None
    return render(
        request,
        "audits/audit_grid.html",
        {
            "title": "Grille d’évaluation",
            "audit": audit,
            "grid": grid,
            "all_sites": all_sites,
            "chosen_site": chosen[0] if chosen else None,
            "can_edit": can_edit,
            "result_options": RESULT_OPTIONS,
            "progress": {"assessed": assessed, "total": total, "percent": percent},
            "previous": previous,
            "evidence_accept": uploads.DOCUMENT_ACCEPT,
            "evidence_help": uploads.DOCUMENT_HELP,
            "breadcrumb_data": breadcrumb("Grille d’évaluation", list_crumb(), audit_crumb(audit)),
        },
    )


def _render_cell(request, audit, engagement, site, *, errors=None, pending=None, status=200):
    cell = services.Cell(
        engagement=engagement,
        site=site,
        assessment=Assessment.objects.filter(audit=audit, engagement=engagement, site=site).first(),
    )
    assessed, total, percent = services.grid_progress(audit)
    return render(
        request,
        "audits/_grid_cell_response.html",
        {
            "audit": audit,
            "cell": cell,
            "can_edit": True,
            "result_options": RESULT_OPTIONS,
            "errors": errors or {},
            "pending": pending or {},
            "progress": {"assessed": assessed, "total": total, "percent": percent},
            "evidence_accept": uploads.DOCUMENT_ACCEPT,
            "saved": not errors,
        },
        status=status,
    )


@require_POST
def audit_grid_cell(request, pk):
    """One cell saved (result, comment, evidence): htmx gets the re-rendered cell and the progress, with the French
    message next to the cell when the service refuses; without JavaScript, back to the grid."""
    audit = fillable_audit(request, pk)
    form = CellForm(request.POST, request.FILES)
    if not form.is_valid():
        if "engagement" in form.errors or "site" in form.errors:
            return HttpResponseBadRequest("Cellule inconnue : engagement ou site manquant.")
        errors = {name: " ".join(messages_) for name, messages_ in form.errors.items()}
        engagement, site = form.cleaned_data["engagement"], form.cleaned_data["site"]
    else:
        data = form.cleaned_data
        engagement, site = data["engagement"], data["site"]
        errors = {}
        try:
            services.assessment_record(
                by=request.user,
                audit=audit,
                engagement=engagement,
                site=site,
                result=data["result"] or None,
                comment=data["comment"] if "comment" in request.POST else None,
                evidence=data["evidence"],
                remove_evidence=data["remove_evidence"],
            )
        except ValidationError as error:
            errors = error_dict(error)
    checklist = request.POST.get("layout") == "checklist"  # the quarterly self-assessment (views.self_assessments)
    if not request.htmx:
        if errors:
            messages.error(request, "La cellule n’a pas été enregistrée : " + " ".join(errors.values()))
        else:
            messages.success(request, f"{engagement.code} – {site.name} : enregistré.")
        if checklist:
            url = reverse("self_assessment_checklist", kwargs={"pk": audit.pk})
            return redirect(f"{url}#item-{engagement.pk}")
        return redirect(_grid_url(audit, request.POST.get("return_site")) + f"#cell-{engagement.pk}-{site.pk}")
    pending = {"result": request.POST.get("result", ""), "comment": request.POST.get("comment", "")} if errors else {}
    status = 422 if errors else 200
    if checklist:
        cell = services.Cell(
            engagement=engagement,
            site=site,
            assessment=Assessment.objects.filter(audit=audit, engagement=engagement, site=site).first(),
        )
        return render_checklist_item(request, audit, cell, errors=errors, pending=pending, status=status)
    return _render_cell(request, audit, engagement, site, errors=errors, pending=pending, status=status)


def _grid_button(request, pk, service, said):
    """A button of the grid page: ``service`` runs on the audit, then its refusal or ``said(count)`` (a message
    level and text) is flashed, and the grid shown again."""
    audit = fillable_audit(request, pk)
    try:
        count = service(by=request.user, audit=audit)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.add_message(request, *said(count))
    return redirect(_grid_url(audit))


def _prefilled(count):
    if not count:
        return messages.INFO, "Rien à reprendre : les cellules évaluées dans l’audit précédent le sont déjà ici."
    plural = "s" if count > 1 else ""
    message = f"{count} évaluation{plural} reprise{plural} de l’audit précédent"
    return messages.SUCCESS, f"{message} (les cellules déjà évaluées sont inchangées)."


@require_POST
def audit_grid_prefill(request, pk):
    return _grid_button(request, pk, services.grid_prefill, _prefilled)


@require_GET
def assessment_evidence(request, pk, cell_pk):
    """The evidence of a cell, served to those who see the audit only (media files are not public)."""
    audit = visible_audit(request, pk)
    cell = get_object_or_404(Assessment, pk=cell_pk, audit=audit)
    if not cell.evidence:
        raise Http404("Aucun justificatif.")
    return file_response(cell.evidence, cell.evidence_name or "justificatif")


# --- mystery visits and calls ---------------------------------------------------------------------------


def _criteria_initial(channel):
    return [{"label": label, "score": None, "max_score": 1} for label in services.MYSTERY_CRITERIA[channel]]


def _criteria_of(formset):
    return [
        {
            "label": form.cleaned_data.get("label", ""),
            "engagement": form.cleaned_data.get("engagement"),
            "score": form.cleaned_data.get("score"),
            "max_score": form.cleaned_data.get("max_score") or 1,
        }
        for form in formset.forms
        if form.cleaned_data.get("label")
    ]


def _visit_page(request, audit, visit=None):
    engagements = services.scope_engagements(audit)
    channel = request.GET.get("canal") or (visit.channel if visit else MysteryVisit.Channel.CALL)
    if channel not in MysteryVisit.Channel.values:
        channel = MysteryVisit.Channel.CALL
    if visit is not None:
        initial = {
            "channel": visit.channel,
            "happened_on": visit.happened_on,
            "site": visit.site_id,
            "service": visit.service_id,
            "scenario": visit.scenario,
            "notes": visit.notes,
        }
        criteria = [
            {"label": c.label, "engagement": c.engagement_id, "score": c.score, "max_score": c.max_score}
            for c in visit.criteria.all()
        ]
    else:
        initial, criteria = {"channel": channel}, _criteria_initial(channel)
    criteria += [{"label": "", "score": None, "max_score": 1}] * 2
    form = MysteryVisitForm(request.POST or None, audit=audit, initial=initial)
    formset = CriterionFormSet(
        request.POST or None, initial=criteria, prefix="criteria", form_kwargs={"engagements": engagements}
    )
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        data = form.cleaned_data
        try:
            saved = services.mystery_visit_save(
                by=request.user,
                audit=audit,
                visit=visit,
                criteria=_criteria_of(formset),
                channel=data["channel"],
                site=data["site"],
                service=data["service"],
                happened_on=data["happened_on"],
                scenario=data["scenario"],
                notes=data["notes"],
            )
        except ValidationError as error:
            put_errors_on_form(form, error)
        else:
            messages.success(request, f"{saved} : enregistrée.")
            return redirect(reverse("audit_detail", kwargs={"pk": audit.pk}) + "#enquete-mystere")
    title = "Modifier la visite mystère" if visit else "Nouvelle visite ou nouvel appel mystère"
    return render(
        request,
        "audits/mystery_visit_form.html",
        {
            "title": title,
            "audit": audit,
            "form": form,
            "formset": formset,
            "visit": visit,
            "breadcrumb_data": breadcrumb(title, list_crumb(), audit_crumb(audit)),
        },
    )


@require_http_methods(["GET", "POST"])
def mystery_visit_create(request, pk):
    audit = fillable_audit(request, pk)
    if not audit.is_editable:
        raise PermissionDenied("Le rapport est remis : l’audit ne reçoit plus de visite mystère.")
    return _visit_page(request, audit)


@require_http_methods(["GET", "POST"])
def mystery_visit_edit(request, pk, visit_pk):
    audit = fillable_audit(request, pk)
    visit = get_object_or_404(MysteryVisit.objects.prefetch_related("criteria"), pk=visit_pk, audit=audit)
    if not audit.is_editable:
        raise PermissionDenied("Le rapport est remis : les visites mystère ne se modifient plus.")
    return _visit_page(request, audit, visit)


def _fed(count):
    plural = "s" if count > 1 else ""
    return messages.SUCCESS, f"{count} cellule{plural} de la grille renseignée{plural} d’après l’enquête mystère."


@require_POST
def mystery_feed(request, pk):
    return _grid_button(request, pk, services.mystery_feed_grid, _fed)

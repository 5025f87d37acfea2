"""One action's pages: detail (comments, evidence, history), creation, edit, status change."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts import access
from engagements.forms.actions import (
    ActionCreateForm,
    ActionEditForm,
    ActionStatusForm,
    CommentForm,
    EvidenceForm,
)
from engagements.models import ActionEvidence
from engagements.services import actions as services
from engagements.views.common import editable_action, list_crumb, managed_prefectures, visible_action
from qualipref.views import breadcrumb, file_response, flash_outcome, redirect_if_saved

# --- one action -----------------------------------------------------------------------------------


def _source_label(action):
    if not action.source_type_id:
        return ""
    try:
        obj = action.source_object
    except Exception:  # noqa: BLE001 - a source of an app that is gone is shown by its number
        obj = None
    return str(obj) if obj is not None else f"n° {action.source_id}"


@require_GET
def action_detail(request, pk):
    action = visible_action(request, pk)
    can_edit = access.can_edit_action(request.user, action)
    return render(
        request,
        "engagements/actions/action_detail.html",
        {
            "title": action.title,
            "action": action,
            "overdue": action.is_overdue(),
            "can_edit": can_edit,
            "can_change_status": can_edit and bool(services.allowed_statuses(request.user, action)),
            "source_label": _source_label(action),
            # Auditors read the actions they audit but not the site's page: no link that would answer 404.
            "can_view_site": action.site is not None and access.can_view_site(request.user, action.site),
            "comments": action.comments.select_related("author").order_by("created_at"),
            "evidence": action.evidence.select_related("uploaded_by").order_by("created_at"),
            "history": services.action_history(action),
            "comment_form": CommentForm() if can_edit else None,
            "evidence_form": EvidenceForm() if can_edit else None,
            "evidence_accept": services.EVIDENCE_ACCEPT,
            "breadcrumb_data": breadcrumb(f"Action n° {action.pk}", list_crumb()),
        },
    )


@require_http_methods(["GET", "POST"])
def action_create(request):
    if not access.may_create_actions(request.user):
        raise PermissionDenied("Seuls le responsable qualité et les référents de site créent des actions.")
    form = ActionCreateForm(request.POST or None, actor=request.user)
    response = redirect_if_saved(
        request,
        form,
        lambda: services.action_create(by=request.user, plan=form.cleaned_data["plan"], **form.service_fields()),
        lambda action: f"L’action « {action.title} » a été créée.",
        lambda action: reverse("action_detail", kwargs={"pk": action.pk}),
        denied_on="site",
    )
    return response or render(
        request,
        "engagements/actions/action_form.html",
        {
            "title": "Nouvelle action",
            "form": form,
            "has_plans": form.has_plans,
            "can_manage_plans": managed_prefectures(request.user),
            "breadcrumb_data": breadcrumb("Nouvelle action", list_crumb()),
        },
    )


@require_http_methods(["GET", "POST"])
def action_edit(request, pk):
    action = editable_action(request, pk)
    title = action.title
    form = ActionEditForm(request.POST or None, actor=request.user, action=action)
    response = redirect_if_saved(
        request,
        form,
        lambda: services.action_update(by=request.user, action=action, **form.service_fields()),
        "L’action a été enregistrée.",
        reverse("action_detail", kwargs={"pk": action.pk}),
    )
    return response or render(
        request,
        "engagements/actions/action_form.html",
        {
            "title": f"Modifier « {title} »",
            "action": action,
            "form": form,
            "has_plans": True,
            "breadcrumb_data": breadcrumb(
                "Modifier", list_crumb(), (f"Action n° {action.pk}", reverse("action_detail", kwargs={"pk": pk}))
            ),
        },
    )


@require_http_methods(["GET", "POST"])
def action_status(request, pk):
    """The status change with its inputs (reason of an abandon, date of completion, effectiveness)."""
    action = editable_action(request, pk)
    form = ActionStatusForm(request.POST or None, actor=request.user, action=action)
    response = redirect_if_saved(
        request,
        form,
        lambda: services.action_update(by=request.user, action=action, **form.service_fields()),
        lambda _: f"L’action est désormais « {action.get_status_display()} ».",
        reverse("action_detail", kwargs={"pk": action.pk}),
    )
    return response or render(
        request,
        "engagements/actions/action_status.html",
        {
            "title": "Changer le statut",
            "action": action,
            "form": form,
            "breadcrumb_data": breadcrumb(
                "Changer le statut",
                list_crumb(),
                (f"Action n° {action.pk}", reverse("action_detail", kwargs={"pk": pk})),
            ),
        },
    )


@require_POST
def action_comment_create(request, pk):
    action = editable_action(request, pk)
    form = CommentForm(request.POST)
    if form.is_valid():
        flash_outcome(
            request,
            lambda: services.action_comment_add(by=request.user, action=action, text=form.cleaned_data["text"]),
            "Votre commentaire a été ajouté.",
        )
    else:
        messages.error(request, "Le commentaire est vide.")
    return redirect(reverse("action_detail", kwargs={"pk": pk}) + "#commentaires")


@require_POST
def action_evidence_create(request, pk):
    action = editable_action(request, pk)
    form = EvidenceForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            evidence = services.action_evidence_add(by=request.user, action=action, file=form.cleaned_data["file"])
        except ValidationError as error:
            messages.error(request, "Le justificatif n’a pas été enregistré : " + " ".join(error.messages))
        else:
            messages.success(request, f"Le justificatif « {evidence.name} » a été ajouté.")
    else:
        messages.error(request, "Choisissez un fichier à déposer.")
    return redirect(reverse("action_detail", kwargs={"pk": pk}) + "#justificatifs")


def _evidence_of(request, pk, evidence_pk):
    action = visible_action(request, pk)
    evidence = get_object_or_404(ActionEvidence.objects.select_related("action"), pk=evidence_pk, action=action)
    return action, evidence


@require_GET
def action_evidence_download(request, pk, evidence_pk):
    """Evidence is served by the application, to the people who may see the action only."""
    _, evidence = _evidence_of(request, pk, evidence_pk)
    return file_response(evidence.file, evidence.name, content_type=evidence.content_type)


@require_http_methods(["GET", "POST"])
def action_evidence_delete(request, pk, evidence_pk):
    action, evidence = _evidence_of(request, pk, evidence_pk)
    if not access.can_edit_action(request.user, action):
        raise PermissionDenied("Vous ne pouvez pas retirer ce justificatif.")
    if request.method == "POST":
        services.action_evidence_delete(by=request.user, evidence=evidence)
        messages.success(request, f"Le justificatif « {evidence.name} » a été retiré.")
        return redirect(reverse("action_detail", kwargs={"pk": pk}) + "#justificatifs")
    return render(
        request,
        "engagements/actions/evidence_delete.html",
        {
            "title": "Retirer un justificatif",
            "action": action,
            "evidence": evidence,
            "breadcrumb_data": breadcrumb(
                "Retirer un justificatif",
                list_crumb(),
                (f"Action n° {action.pk}", reverse("action_detail", kwargs={"pk": pk})),
            ),
        },
    )

"""Pages of the register of complaints and suggestions (mounted at /reclamations/).

Objects are fetched through ``for_user`` (a foreign complaint is a 404); what the user may change is asked to
accounts.access (403 when they may see but not handle); writes go through complaints.services. The requester's
personal data is rendered only when ``access.can_see_requester`` says so.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts import access
from complaints import deliveries, exports, services, stats
from complaints.deadlines import attach_remaining_working_days
from complaints.filters import ComplaintFilter
from complaints.forms import (
    AnswerForm,
    ComplaintActionForm,
    ComplaintForm,
    ReassignForm,
    ReplyTemplateForm,
    StatsForm,
)
from complaints.history import complaint_history
from complaints.inbound.queries import inbound_messages_of
from complaints.models import Complaint, ReplyTemplate
from complaints.register.views import (
    answer_page,
    create_page,
    edit_page,
    item_getters,
    letter_download,
    open_first,
    register_page,
    resend_reply,
    services_of_the_chosen_site,
)
from qualipref.lib.dates import short_date
from qualipref.views import breadcrumb, flash_outcome, redirect_if_saved
from sites.models import Prefecture

DETAIL_RELATIONS = ("site", "prefecture", "service", "assigned_to", "answered_by", "engagement")


def _list_crumb():
    return ("Réclamations et suggestions", reverse("complaint_list"))


def _detail_crumb(complaint):
    return (complaint.reference, reverse("complaint_detail", kwargs={"pk": complaint.pk}))


_visible, _handled = item_getters(Complaint, DETAIL_RELATIONS, services.check_handler)


# --- the register -----------------------------------------------------------------------------------------


def _register(request):
    queryset = open_first(
        Complaint.objects.for_user(request.user).select_related("site", "service", "assigned_to"),
        Q(status__in=Complaint.OPEN_STATUSES),
    )
    return ComplaintFilter(request.GET or None, queryset=queryset, request=request)


@require_GET
def complaint_list(request):
    filterset = _register(request)
    page_obj, querystring = register_page(request, filterset)
    if access.is_national_admin(request.user):
        services_of_the_chosen_site(filterset.form)
    return render(
        request,
        "complaints/complaint_list.html",
        {
            "title": "Réclamations et suggestions",
            "filter_form": filterset.form,
            "page_obj": page_obj,
            "today": timezone.localdate(),
            "querystring": querystring,
            "can_create": access.may_handle_complaints(request.user),
            "can_manage_templates": access.manageable_reply_template_prefectures(
                Prefecture.objects.all(), request.user
            ).exists(),
            "breadcrumb_data": breadcrumb("Réclamations et suggestions"),
        },
    )


@require_GET
def complaint_export_csv(request):
    return exports.complaints_csv_response(_register(request).qs, request.user)


@require_http_methods(["GET", "POST"])
def complaint_create(request):
    if not access.may_handle_complaints(request.user):
        raise PermissionDenied(
            "Seuls les agents, les référents et le responsable qualité enregistrent les réclamations."
        )
    return create_page(
        request,
        form=ComplaintForm(request.POST or None, actor=request.user, initial={"received_on": timezone.localdate()}),
        create=lambda **fields: services.complaint_create(by=request.user, **fields),
        saved=lambda complaint: (
            f"{complaint.get_kind_display()} {complaint.reference} enregistrée : "
            f"réponse attendue au plus tard le {short_date(complaint.due_on)}."
        ),
        to=lambda complaint: reverse("complaint_detail", kwargs={"pk": complaint.pk}),
        title="Enregistrer une réclamation ou une suggestion",
        current="Nouvelle réclamation",
        crumbs=(_list_crumb(),),
        cancel_url=reverse("complaint_list"),
    )


# --- one complaint ----------------------------------------------------------------------------------------


@require_GET
def complaint_detail(request, pk):
    complaint = _visible(request, pk)
    attach_remaining_working_days([complaint])
    user = request.user
    can_handle = access.can_handle_complaint(user, complaint)
    # read once answered only: an open complaint costs no query for them
    sendings = deliveries.deliveries_of(complaint) if complaint.is_answered else []
    return render(
        request,
        "complaints/complaint_detail.html",
        {
            "title": f"{complaint.get_kind_display()} {complaint.reference}",
            "complaint": complaint,
            "today": timezone.localdate(),
            "can_handle": can_handle,
            "can_see_requester": access.can_see_requester(user, complaint),
            "can_see_response": access.can_see_response(user, complaint),
            "can_create_action": can_handle and access.can_create_action(user, complaint.prefecture, complaint.site),
            "actions": services.actions_of(complaint, user),
            "history": complaint_history(complaint),
            "deliveries": sendings,
            "resend_url": reverse("complaint_resend_reply", kwargs={"pk": complaint.pk})
            if can_handle and deliveries.may_resend(sendings)
            else "",
            "inbound_messages": inbound_messages_of(complaint) if access.can_see_requester(user, complaint) else [],
            "breadcrumb_data": breadcrumb(complaint.reference, _list_crumb()),
        },
    )


@require_GET
def complaint_letter_pdf(request, pk):
    """The postal reply of an answered complaint: a letter on the prefecture's letterhead, to print (it names the
    requester: for those who handle the complaint only)."""
    complaint = _handled(request, pk)
    return letter_download(
        complaint,
        complaint.reference,
        missing="Cette réclamation n’a pas encore de réponse : la lettre se prépare une fois la réponse enregistrée.",
    )


@require_http_methods(["GET", "POST"])
def complaint_edit(request, pk):
    complaint = _handled(request, pk, "edit")
    if complaint.status == Complaint.Status.CLOSED:
        messages.info(request, services.CLOSED_REFUSED)
        return redirect("complaint_detail", pk=complaint.pk)
    initial = {name: getattr(complaint, name) for name in services.EDITABLE_FIELDS - {"assigned_to"}}
    initial.update(site=complaint.site_id, service=complaint.service_id, engagement=complaint.engagement_id)
    return edit_page(
        request,
        form=ComplaintForm(request.POST or None, actor=request.user, complaint=complaint, initial=initial),
        update=lambda **fields: services.complaint_update(by=request.user, complaint=complaint, **fields),
        saved=lambda: f"{complaint.reference} enregistrée ; échéance : {short_date(complaint.due_on)}.",
        detail_url=reverse("complaint_detail", kwargs={"pk": complaint.pk}),
        title=f"Modifier {complaint.reference}",
        crumbs=(_list_crumb(), _detail_crumb(complaint)),
        complaint=complaint,
    )


@require_http_methods(["GET", "POST"])
def complaint_answer(request, pk):
    complaint = _handled(request, pk, "answer")
    detail_url = reverse("complaint_detail", kwargs={"pk": complaint.pk})
    return answer_page(
        request,
        item=complaint,
        label=complaint.reference,
        form_class=AnswerForm,
        answer=lambda **fields: services.complaint_answer(by=request.user, complaint=complaint, **fields),
        refused=services.answered_refused,
        detail_url=detail_url,
        next_url=detail_url,
        crumbs=(_list_crumb(), _detail_crumb(complaint)),
        lead=f"Reçue le {short_date(complaint.received_on)}, "
        f"réponse attendue au plus tard le {short_date(complaint.due_on)}.",
        summary=("La demande", complaint.description),
        contact=(complaint.requester_name, complaint.requester_email, complaint.requester_address),
        letter_after=True,
    )


def _assignment_message(complaint):
    who = complaint.assigned_to
    if who is None:
        return f"{complaint.reference} est à attribuer."
    return f"{complaint.reference} attribuée à {who.get_full_name() or who.username}."


@require_http_methods(["GET", "POST"])
def complaint_reassign(request, pk):
    complaint = _handled(request, pk, "reassign")
    if not complaint.is_open:
        messages.info(request, services.NOT_OPEN_REFUSED)
        return redirect("complaint_detail", pk=complaint.pk)
    form = ReassignForm(
        request.POST or None,
        users=services.assignable_users(complaint),
        initial={"assigned_to": complaint.assigned_to_id},
    )
    response = redirect_if_saved(
        request,
        form,
        lambda: services.complaint_reassign(by=request.user, complaint=complaint, **form.cleaned_data),
        lambda _: _assignment_message(complaint),
        reverse("complaint_detail", kwargs={"pk": complaint.pk}),
    )
    return response or render(
        request,
        "complaints/register/form.html",
        {
            "title": f"Attribuer {complaint.reference}",
            "complaint": complaint,
            "form": form,
            "submit_label": "Attribuer",
            "breadcrumb_data": breadcrumb("Attribuer", _list_crumb(), _detail_crumb(complaint)),
        },
    )


@require_POST
def complaint_close(request, pk):
    complaint = _handled(request, pk, "close")
    flash_outcome(
        request,
        lambda: services.complaint_close(by=request.user, complaint=complaint),
        f"{complaint.reference} est close.",
    )
    return redirect("complaint_detail", pk=complaint.pk)


@require_POST
def complaint_resend_reply(request, pk):
    complaint = _handled(request, pk, "answer")
    return resend_reply(request, complaint, reverse("complaint_detail", kwargs={"pk": complaint.pk}))


@require_http_methods(["GET", "POST"])
def complaint_action_create(request, pk):
    """« Créer une action »: the complaint becomes an action of its prefecture's current action plan."""
    complaint = _handled(request, pk, "create_action")
    if not access.can_create_action(request.user, complaint.prefecture, complaint.site):
        raise PermissionDenied("Seuls le responsable qualité et le référent du site créent des actions.")
    initial = {"title": f"Suite à la {complaint.get_kind_display().lower()} {complaint.reference}"}
    form = ComplaintActionForm(request.POST or None, initial=initial)
    response = redirect_if_saved(
        request,
        form,
        lambda: services.complaint_create_action(by=request.user, complaint=complaint, **form.cleaned_data),
        lambda action: f"Action créée dans le plan « {action.plan} » : {action.title}",
        reverse("complaint_detail", kwargs={"pk": complaint.pk}),
    )
    return response or render(
        request,
        "complaints/register/form.html",
        {
            "title": f"Créer une action à partir de {complaint.reference}",
            "complaint": complaint,
            "form": form,
            "submit_label": "Créer l’action",
            "lead": "L’action rejoint le plan d’action en cours de la préfecture, sur le site de la réclamation.",
            "breadcrumb_data": breadcrumb("Créer une action", _list_crumb(), _detail_crumb(complaint)),
        },
    )


# --- statistics ------------------------------------------------------------------------------------------


@require_GET
def complaint_stats(request):
    today = timezone.localdate()
    data = request.GET.copy()
    data.setdefault("year", str(today.year))
    data.setdefault("by", stats.BY_SITE)
    data.setdefault("period", stats.PER_YEAR)
    form = StatsForm(data, actor=request.user)
    rows, total = [], None
    if form.is_valid():
        queryset = Complaint.objects.for_user(request.user).filter(received_on__year=form.cleaned_data["year"])
        if form.cleaned_data["prefecture"]:
            queryset = queryset.filter(prefecture=form.cleaned_data["prefecture"])
        if form.cleaned_data["kind"]:
            queryset = queryset.filter(kind=form.cleaned_data["kind"])
        rows, total = stats.complaint_statistics(
            queryset, by=form.cleaned_data["by"], period=form.cleaned_data["period"], today=today
        )
    return render(
        request,
        "complaints/stats.html",
        {
            "title": "Statistiques des réclamations",
            "form": form,
            "rows": rows,
            "total": total,
            "by": form.cleaned_data.get("by") if form.is_valid() else stats.BY_SITE,
            "breadcrumb_data": breadcrumb("Statistiques", _list_crumb()),
        },
    )


# --- reply templates -------------------------------------------------------------------------------------


def _templates_crumb():
    return ("Modèles de réponse", reverse("reply_template_list"))


@require_GET
def reply_template_list(request):
    templates = (
        ReplyTemplate.objects.for_user(request.user)
        .select_related("prefecture")
        .order_by("prefecture__department_id", "title")
    )
    templates = list(templates)
    for template in templates:
        template.editable = access.can_manage_reply_templates(request.user, template.prefecture)
    return render(
        request,
        "complaints/reply_template_list.html",
        {
            "title": "Modèles de réponse",
            "templates": templates,
            "can_create": access.manageable_reply_template_prefectures(Prefecture.objects.all(), request.user).exists(),
            "breadcrumb_data": breadcrumb("Modèles de réponse", _list_crumb()),
        },
    )


@require_http_methods(["GET", "POST"])
def reply_template_create(request):
    if not access.manageable_reply_template_prefectures(Prefecture.objects.all(), request.user).exists():
        raise PermissionDenied("Seul le responsable qualité d’une préfecture rédige ses modèles de réponse.")
    form = ReplyTemplateForm(request.POST or None, actor=request.user)
    response = redirect_if_saved(
        request,
        form,
        lambda: services.reply_template_create(by=request.user, **form.cleaned_data),
        lambda template: f"Modèle « {template.title} » enregistré.",
        "reply_template_list",
    )
    return response or render(
        request,
        "complaints/register/form.html",
        {
            "title": "Nouveau modèle de réponse",
            "form": form,
            "submit_label": "Enregistrer le modèle",
            "cancel_url": reverse("reply_template_list"),
            "breadcrumb_data": breadcrumb("Nouveau modèle", _list_crumb(), _templates_crumb()),
        },
    )


@require_http_methods(["GET", "POST"])
def reply_template_edit(request, pk):
    template = get_object_or_404(ReplyTemplate.objects.for_user(request.user).select_related("prefecture"), pk=pk)
    if not access.can_manage_reply_templates(request.user, template.prefecture):
        raise PermissionDenied("Seul le responsable qualité de la préfecture modifie ses modèles de réponse.")
    title = template.title
    initial = {"title": template.title, "body": template.body, "is_active": template.is_active}
    form = ReplyTemplateForm(request.POST or None, actor=request.user, template=template, initial=initial)
    response = redirect_if_saved(
        request,
        form,
        lambda: services.reply_template_update(by=request.user, template=template, **form.cleaned_data),
        lambda _: f"Modèle « {template.title} » enregistré.",
        "reply_template_list",
    )
    return response or render(
        request,
        "complaints/register/form.html",
        {
            "title": f"Modifier « {title} »",
            "form": form,
            "submit_label": "Enregistrer le modèle",
            "cancel_url": reverse("reply_template_list"),
            "breadcrumb_data": breadcrumb("Modifier", _list_crumb(), _templates_crumb()),
        },
    )

"""Pages of correspondence tracking (mounted at /courriers/).

Objects come through ``for_user`` (a foreign item is a 404); what the user may change is asked to
accounts.access (403 when they may see but not handle); writes go through the services. The sender is rendered
only when ``access.can_see_sender`` says so. A big import runs in a Celery task: its page polls
``correspondence_import_progress`` with htmx (every second) until the report is there.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts import access
from complaints import deliveries
from complaints.correspondence import imports, services
from complaints.correspondence.filters import CorrespondenceFilter
from complaints.correspondence.forms import (
    AnswerForm,
    CorrespondenceForm,
    DelaysForm,
    ImportForm,
)
from complaints.deadlines import attach_remaining_working_days
from complaints.history import correspondence_history
from complaints.inbound.queries import inbound_messages_of
from complaints.models import Correspondence, CorrespondenceImport
from complaints.register.views import (
    answer_page,
    create_page,
    edit_page,
    item_getters,
    letter_download,
    open_first,
    register_page,
    resend_reply,
)
from qualipref.lib.dates import short_date
from qualipref.views import breadcrumb, flash_outcome, redirect_if_saved
from sites.models import Prefecture, Site

RELATIONS = ("site", "prefecture", "service", "assigned_to")
TITLE = "Courriers et courriels"


def _list_crumb():
    return (TITLE, reverse("correspondence_list"))


def _detail_crumb(item):
    return (item.label, reverse("correspondence_detail", kwargs={"pk": item.pk}))


def _imports_crumb():
    return ("Import CSV", reverse("correspondence_import"))


_visible, _handled = item_getters(Correspondence, RELATIONS, services.check_handler)


# --- the list -----------------------------------------------------------------------------------------


@require_GET
def correspondence_list(request):
    queryset = open_first(
        Correspondence.objects.for_user(request.user).select_related("site", "service", "assigned_to"),
        Q(answered_on__isnull=True),
    )
    filterset = CorrespondenceFilter(request.GET or None, queryset=queryset, request=request)
    page_obj, querystring = register_page(request, filterset)
    user = request.user
    for item in page_obj.object_list:
        item.can_handle = access.can_handle_correspondence(user, item)
    return render(
        request,
        "complaints/correspondence/list.html",
        {
            "title": TITLE,
            "filter_form": filterset.form,
            "page_obj": page_obj,
            "today": timezone.localdate(),
            "querystring": querystring,
            "can_create": access.may_handle_correspondence(user),
            "can_import": _import_prefectures(user).exists(),
            "can_set_delays": access.correspondence_delay_prefectures(Prefecture.objects.all(), user).exists(),
            "breadcrumb_data": breadcrumb(TITLE),
        },
    )


@require_http_methods(["GET", "POST"])
def correspondence_create(request):
    if not access.may_handle_correspondence(request.user):
        raise PermissionDenied("Seuls les agents, les référents et le responsable qualité enregistrent les courriers.")
    return create_page(
        request,
        form=CorrespondenceForm(
            request.POST or None, actor=request.user, initial={"received_on": timezone.localdate()}
        ),
        create=lambda **fields: services.correspondence_create(by=request.user, **fields),
        saved=lambda item: (
            f"{item.get_kind_display()} {item.label} enregistré : réponse attendue au plus tard le "
            f"{short_date(item.due_on)} ({item.delay_days} jours ouvrés)."
        ),
        to=lambda item: (
            "correspondence_create"
            if "another" in request.POST
            else reverse("correspondence_detail", kwargs={"pk": item.pk})
        ),
        title="Enregistrer un courrier",
        current="Nouveau courrier",
        crumbs=(_list_crumb(),),
        another=True,
        cancel_url=reverse("correspondence_list"),
    )


# --- one item -----------------------------------------------------------------------------------------


@require_GET
def correspondence_detail(request, pk):
    item = _visible(request, pk)
    attach_remaining_working_days([item])
    can_handle = access.can_handle_correspondence(request.user, item)
    # read once answered only: an open item's page costs no query for them
    sendings = deliveries.deliveries_of(item) if item.is_answered else []
    return render(
        request,
        "complaints/correspondence/detail.html",
        {
            "title": f"{item.get_kind_display()} {item.label}",
            "item": item,
            "today": timezone.localdate(),
            "can_handle": can_handle,
            "can_see_sender": access.can_see_sender(request.user, item),
            "history": correspondence_history(item),
            "deliveries": sendings,
            "resend_url": reverse("correspondence_resend_reply", kwargs={"pk": item.pk})
            if can_handle and deliveries.may_resend(sendings)
            else "",
            "inbound_messages": inbound_messages_of(item) if access.can_see_sender(request.user, item) else [],
            "has_letter": deliveries.letter_available(item),
            "breadcrumb_data": breadcrumb(item.label, _list_crumb()),
        },
    )


@require_http_methods(["GET", "POST"])
def correspondence_edit(request, pk):
    item = _handled(request, pk, "edit")
    initial = {name: getattr(item, name) for name in services.EDITABLE_FIELDS}
    initial.update(site=item.site_id, service=item.service_id, assigned_to=item.assigned_to_id)
    form = CorrespondenceForm(
        request.POST or None,
        actor=request.user,
        correspondence=item,
        users=services.assignable_users(item),
        initial=initial,
    )
    return edit_page(
        request,
        form=form,
        update=lambda **fields: services.correspondence_update(by=request.user, correspondence=item, **fields),
        saved=lambda: f"{item.label} enregistré ; échéance : {short_date(item.due_on)}.",
        detail_url=reverse("correspondence_detail", kwargs={"pk": item.pk}),
        title=f"Modifier {item.label}",
        crumbs=(_list_crumb(), _detail_crumb(item)),
    )


@require_http_methods(["GET", "POST"])
def correspondence_answer(request, pk):
    """Mark the item answered, on the date given (today by default), with the text of the answer when it leaves
    from here (e-mailed, or printed as a letter); ``next``: the page to go back to (a list of the register)."""
    item = _handled(request, pk, "answer")
    detail_url = reverse("correspondence_detail", kwargs={"pk": item.pk})
    next_url = request.POST.get("next") or ""
    if not (next_url.startswith("/courriers/") and "//" not in next_url):
        next_url = detail_url
    return answer_page(
        request,
        item=item,
        label=item.label,
        form_class=AnswerForm,
        answer=lambda **fields: services.correspondence_answer(by=request.user, correspondence=item, **fields),
        refused=services.answered_refused,
        detail_url=detail_url,
        next_url=next_url,
        crumbs=(_list_crumb(), _detail_crumb(item)),
        lead=f"Reçu le {short_date(item.received_on)}, réponse attendue au plus tard le {short_date(item.due_on)}.",
        summary=(item.get_kind_display(), item.subject or "Sans objet"),
        contact=(item.sender, item.sender_email, item.sender_address),
        letter_after=item.kind == Correspondence.Kind.LETTER,
    )


@require_GET
def correspondence_letter_pdf(request, pk):
    """The postal reply of a letter answered with its text: on the prefecture's letterhead, to print (it names the
    sender: for those who handle the item only)."""
    item = _handled(request, pk)
    return letter_download(
        item,
        item.reference or f"courrier-{item.pk}",
        missing="Ce courrier n’a pas de réponse à imprimer : la lettre se prépare pour un courrier répondu "
        "avec le texte de sa réponse.",
    )


@require_POST
def correspondence_resend_reply(request, pk):
    item = _handled(request, pk, "answer")
    return resend_reply(request, item, reverse("correspondence_detail", kwargs={"pk": item.pk}))


@require_http_methods(["GET", "POST"])
def correspondence_delete(request, pk):
    item = _handled(request, pk, "delete")
    if request.method == "POST":
        label = item.label
        services.correspondence_delete(by=request.user, correspondence=item)
        messages.success(request, f"{label} supprimé.")
        return redirect("correspondence_list")
    return render(
        request,
        "complaints/correspondence/delete.html",
        {
            "title": f"Supprimer {item.label}",
            "item": item,
            "breadcrumb_data": breadcrumb("Supprimer", _list_crumb(), _detail_crumb(item)),
        },
    )


# --- bulk import ------------------------------------------------------------------------------------


def _import_prefectures(user):
    return access.correspondence_import_prefectures(Prefecture.objects.all(), user)


@require_http_methods(["GET", "POST"])
def correspondence_import(request):
    """Upload a CSV export: small files are imported at once, big ones by a task (progress bar)."""
    if not _import_prefectures(request.user).exists():
        raise PermissionDenied("Seuls les agents, les référents et le responsable qualité importent des courriers.")
    form = ImportForm(request.POST or None, request.FILES or None, actor=request.user)
    response = redirect_if_saved(
        request,
        form,
        lambda: imports.import_start(
            by=request.user, prefecture=form.cleaned_data["prefecture"], file=form.cleaned_data["file"]
        ),
        None,  # the import's page says how it goes
        lambda batch: reverse("correspondence_import_detail", kwargs={"pk": batch.pk}),
    )
    if response:
        return response
    recent = (
        CorrespondenceImport.objects.for_user(request.user)
        .select_related("prefecture", "created_by")
        .order_by("-created_at", "-pk")[:10]
    )
    return render(
        request,
        "complaints/correspondence/import.html",
        {
            "title": "Importer des courriers (CSV)",
            "form": form,
            "columns": imports.COLUMNS,
            "kinds": imports.Kind.choices,
            "sites": access.correspondence_sites(
                Site.objects.filter(prefecture__in=_import_prefectures(request.user)), request.user
            )
            .select_related("prefecture")
            .order_by("prefecture__department_id", "name"),
            "recent": recent,
            "breadcrumb_data": breadcrumb("Import CSV", _list_crumb()),
        },
    )


def _import(request, pk):
    return get_object_or_404(
        CorrespondenceImport.objects.for_user(request.user).select_related("prefecture", "created_by"), pk=pk
    )


def _import_state(request, pk):
    """The import and whether the user may « Relancer » it: its page and its polled state show both."""
    batch = _import(request, pk)
    return {"batch": batch, "can_retry": access.can_retry_correspondence_import(request.user, batch)}


@require_GET
def correspondence_import_detail(request, pk):
    state = _import_state(request, pk)
    name = state["batch"].file_name
    return render(
        request,
        "complaints/correspondence/import_detail.html",
        {
            "title": f"Import « {name} »",
            **state,
            "breadcrumb_data": breadcrumb(name, _list_crumb(), _imports_crumb()),
        },
    )


@require_http_methods(["POST"])
def correspondence_import_retry(request, pk):
    """« Relancer » an import that failed for want of a worker."""
    batch = _import(request, pk)
    flash_outcome(
        request,
        lambda: imports.import_retry(by=request.user, batch=batch),
        "L'import est relancé : suivez son avancement ci-dessous.",
        level=messages.INFO,
    )
    return redirect("correspondence_import_detail", pk=batch.pk)


@require_GET
def correspondence_import_progress(request, pk):
    """The state of an import (htmx polls it every second while it runs)."""
    return render(request, "complaints/correspondence/_import_state.html", _import_state(request, pk))


# --- delays of a prefecture -----------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def correspondence_delays(request):
    prefectures = list(
        access.correspondence_delay_prefectures(Prefecture.objects.all(), request.user).order_by("department_id")
    )
    if not prefectures:
        raise PermissionDenied("Seul le responsable qualité d’une préfecture fixe ses délais de réponse.")
    chosen = next((p for p in prefectures if str(p.pk) == request.GET.get("prefecture")), prefectures[0])
    delays = services.delays_of(chosen)
    form = DelaysForm(
        request.POST or None,
        initial={
            "elected_official_days": delays.elected_official_days,
            "local_authority_days": delays.local_authority_days,
        },
    )
    response = redirect_if_saved(
        request,
        form,
        lambda: services.correspondence_delays_update(by=request.user, prefecture=chosen, **form.cleaned_data),
        f"Délais de {chosen} enregistrés : ils s’appliquent aux courriers enregistrés désormais.",
        "correspondence_list",
    )
    return response or render(
        request,
        "complaints/correspondence/delays.html",
        {
            "title": f"Délais de réponse — {chosen}",
            "form": form,
            "prefectures": prefectures,
            "chosen": chosen,
            "breadcrumb_data": breadcrumb("Délais de réponse", _list_crumb()),
        },
    )

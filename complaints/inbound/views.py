"""The triage of the e-mails read from the prefectures' mailboxes, under /courriels-recus/ (names start with
``inbound_``): the messages no rule placed and the quarantined ones, filed by hand or discarded."""

from django.contrib import messages as flash
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from accounts import access
from complaints.models import InboundAttachment, InboundMessage
from qualipref.lib.dates import short_date
from qualipref.views import breadcrumb, file_response, flash_outcome, paginate
from sites.models import Site

from . import queries, triage
from .forms import FileMessageForm

TITLE = "Courriels reçus à trier"


def _check_triage(user):
    if not access.may_triage_inbound(user):
        raise PermissionDenied("Seuls le responsable qualité, les référents et les agents trient les courriels reçus.")


def _sites_by_prefecture(user, prefecture_ids):
    """The sites the user files on, per prefecture of the page (one query for the whole page)."""
    sites = {}
    queryset = access.complaint_sites(Site.objects.filter(is_active=True), user).filter(
        prefecture_id__in=prefecture_ids
    )
    for site in queryset.order_by("name"):
        sites.setdefault(site.prefecture_id, []).append(site)
    return sites


@require_GET
def inbound_list(request):
    _check_triage(request.user)
    page_obj = paginate(request, queries.waiting_messages(request.user))
    rows = list(page_obj)
    sites = _sites_by_prefecture(request.user, {message.prefecture_id for message in rows})
    for message in rows:
        message.form = FileMessageForm(message=message, user=request.user, sites=sites.get(message.prefecture_id, []))
    return render(
        request,
        "complaints/inbound/list.html",
        {
            "title": TITLE,
            "page_obj": page_obj,
            "rows": rows,
            "breadcrumb_data": breadcrumb(TITLE),
        },
    )


def _waiting(request, pk):
    message = get_object_or_404(InboundMessage.objects.for_user(request.user), pk=pk)
    return message


@require_POST
def inbound_file(request, pk):
    _check_triage(request.user)
    message = _waiting(request, pk)
    form = FileMessageForm(request.POST, message=message, user=request.user)
    try:
        if not form.is_valid():
            raise ValidationError([error for field_errors in form.errors.values() for error in field_errors])
        message = triage.inbound_file(
            by=request.user, message=message, site=form.cleaned_data["site"], kind=form.cleaned_data["kind"]
        )
    except ValidationError as error:
        # The form sits in the message's row of the list: the refusal comes back there, the message kept.
        flash.error(request, "Le courriel n’a pas été enregistré : " + " ".join(error.messages))
        return redirect(reverse("inbound_list") + f"#message-{message.pk}")
    item = message.item
    label = item.reference if message.complaint_id else item.label
    flash.success(
        request,
        f"Courriel enregistré ({item.get_kind_display().lower()} {label}, {item.site.name}) : "
        f"réponse attendue au plus tard le {short_date(item.due_on)}.",
    )
    return redirect("inbound_list")


@require_POST
def inbound_discard(request, pk):
    _check_triage(request.user)
    message = _waiting(request, pk)
    flash_outcome(
        request,
        lambda: triage.inbound_discard(by=request.user, message=message),
        "Le courriel a été écarté.",
    )
    return redirect("inbound_list")


@require_GET
def inbound_attachment(request, pk):
    """An attachment is served by the application, to those who handle its item, or who triage its message."""
    attachment = get_object_or_404(
        InboundAttachment.objects.select_related("message__complaint", "message__correspondence"), pk=pk
    )
    if not access.can_read_inbound(request.user, attachment.message):
        raise Http404("Pièce jointe introuvable.")  # like a foreign item: its existence is not told
    return file_response(attachment.file, attachment.name, content_type=attachment.content_type)

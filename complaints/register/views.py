"""What the pages of the two registers share (complaints.views, complaints.correspondence.views): the order of
a list (open items first, the most urgent on top), a page of it with the remaining working days of its rows, and
the « Enregistrer », « Modifier » and « Répondre » pages (the one update flow:
complaints.register.services.Register.update); the letter answering an item, as a PDF to print
(complaints.deliveries.letter_pdf)."""

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from complaints.deadlines import attach_remaining_working_days
from complaints.forms import TemplatePickerForm
from complaints.models import ReplyTemplate
from complaints.models.register import open_first_order
from qualipref.pagination import EstimatingPaginator
from qualipref.views import breadcrumb, flash_outcome, paginate, redirect_if_saved


def item_getters(model, relations, check_handler):
    """(visible, handled) for the pages of a register: ``visible(request, pk)`` is the item the user sees (a foreign
    one is a 404), with its ``relations``; ``handled(request, pk, action="handle")`` the item when the user may
    ``action`` it (the refusal's message is the register's service's, as in the API)."""

    def visible(request, pk):
        return get_object_or_404(model.objects.for_user(request.user).select_related(*relations), pk=pk)

    def handled(request, pk, action="handle"):
        item = visible(request, pk)
        check_handler(request.user, item, action)
        return item

    return visible, handled


def letter_download(item, reference, *, missing):
    """The PDF letter answering ``item`` (a complaint or a correspondence item) as a download; 404 with
    ``missing`` when it has none (complaints.deliveries.letter_available)."""
    from complaints import deliveries

    if not deliveries.letter_available(item):
        raise Http404(missing)
    response = HttpResponse(deliveries.letter_pdf(item), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="reponse-{reference}.pdf"'
    return response


def resend_reply(request, item, detail_url):
    """« Renvoyer la réponse » (POST) on the page of an item of either register whose e-mail did not arrive: a new
    sending to the address the item holds now; the refusal (nothing to send again) is flashed."""
    from complaints import deliveries

    flash_outcome(
        request,
        lambda: deliveries.resend_reply(item, by=request.user),
        "La réponse repart par courriel ; son envoi s'affiche ci-dessous.",
    )
    return redirect(detail_url)


def open_first(queryset, open_items):
    """Open items first by due date, then the answered ones, the latest received first; ``open_items``: the Q of
    an open item of the register (the one its indexes are built on: complaints.models.register.register_indexes)."""
    return queryset.order_by(*open_first_order(open_items))


def register_page(request, filterset):
    """(page, query string without the page number) of a filtered register: the remaining working days of the
    whole page cost two queries for the calendars of its sites, however many rows. Beyond 10,000 items the count
    is PostgreSQL's estimate (« environ »): an exact one costs the national letters 35 ms on every page."""
    page_obj = paginate(request, filterset.qs, paginator_class=EstimatingPaginator)
    page_obj.object_list = attach_remaining_working_days(page_obj.object_list)
    query = request.GET.copy()
    query.pop("page", None)
    return page_obj, query.urlencode()


def services_of_the_chosen_site(form):
    """The « Service » options of a register's filter form as a national user's page shows them, once the filters
    have been applied: the services of the chosen site only, or none but the one chosen (at national scale, 500
    sites and 1,000 services: 150 kB of options on every page). The filter itself still takes any service the user
    may see (the API's FilterSet, unchanged)."""
    cleaned = getattr(form, "cleaned_data", {})
    site, chosen = cleaned.get("site"), cleaned.get("service")
    service = form.fields["service"]
    keep = service.queryset.filter(site=site) if site is not None else service.queryset.none()
    if chosen is not None:
        keep = keep | service.queryset.filter(pk=chosen.pk)
    if site is None:  # said by the empty option: a hint above the list would push it below its neighbours
        service.empty_label = "Choisissez d'abord un site"
    service.queryset = keep  # set after empty_label: the widget's choices are built from both


def answered_message(item, label):
    """« Réponse enregistrée pour … : 3 jours ouvrés, dans les délais. », once the answer is saved."""
    plural = "s" if item.answer_delay > 1 else ""
    verdict = "dans les délais" if item.answered_in_time else "hors délai"
    return f"Réponse enregistrée pour {label} : {item.answer_delay} jour{plural} ouvré{plural}, {verdict}."


def create_page(request, *, form, create, saved, to, title, current, crumbs, **context):
    """The « Enregistrer » page of either register: the register's create service (``create(**fields)``; the item
    is assigned to its author when they ticked « me l'attribuer »), then the message ``saved(item)`` and the
    redirect ``to(item)``; ``current`` and ``crumbs``: the breadcrumb's last item and its links."""

    def save():
        fields = form.service_fields()
        if form.cleaned_data.get("assign_to_me"):
            fields["assigned_to"] = request.user
        return create(**fields)

    return redirect_if_saved(request, form, save, saved, to) or render(
        request,
        "complaints/register/form.html",
        {
            "title": title,
            "form": form,
            "submit_label": "Enregistrer",
            "breadcrumb_data": breadcrumb(current, *crumbs),
            **context,
        },
    )


def edit_page(request, *, form, update, saved, detail_url, title, crumbs, **context):
    """The « Modifier » page of an item of either register: the form, then the register's update service
    (``update(**fields)``; its refusals go on the form), then back to the item with the message ``saved()`` (called
    once saved: the due date may have changed)."""
    response = redirect_if_saved(request, form, lambda: update(**form.service_fields()), lambda _: saved(), detail_url)
    return response or render(
        request,
        "complaints/register/form.html",
        {
            "title": title,
            "form": form,
            "submit_label": "Enregistrer les modifications",
            "cancel_url": detail_url,
            "breadcrumb_data": breadcrumb("Modifier", *crumbs),
            **context,
        },
    )


def answer_page(
    request,
    *,
    item,
    label,
    form_class,
    answer,
    refused,
    detail_url,
    next_url,
    crumbs,
    lead,
    summary,
    contact,
    letter_after,
):
    """The « Répondre » page of an item of either register: GET ``?modele=<id>`` fills the answer with a reply
    template of the prefecture (its placeholders filled for the item); POST records it through the register's
    ``answer(**fields)`` service (the fields of ``form_class``) and goes to ``next_url`` with the delay and the
    verdict. Beside the form: what was asked (``summary``: heading and text), the requester's ``contact`` lines,
    and how the answer leaves: e-mailed when the item has an address to answer to (complaints.deliveries.reply_of),
    else printed as a letter when ``letter_after``. An item already answered goes back to ``detail_url`` with the
    register's ``refused(item)`` message."""
    from complaints import deliveries, services  # deliveries reads the registers' services: imported when used

    if item.is_answered:
        messages.info(request, refused(item))
        return redirect(detail_url)
    templates = ReplyTemplate.objects.filter(prefecture_id=item.prefecture_id, is_active=True).order_by("title")
    picker = TemplatePickerForm(request.GET or None, templates=templates)
    initial = {"answered_on": timezone.localdate()}
    if request.method == "GET" and picker.is_valid() and picker.cleaned_data["modele"]:
        initial["response"] = services.reply_template_render(
            template=picker.cleaned_data["modele"], complaint=item, by=request.user
        )
    form = form_class(request.POST or None, initial=initial)
    response = redirect_if_saved(
        request, form, lambda: answer(**form.cleaned_data), lambda _: answered_message(item, label), next_url
    )
    reply_email = deliveries.reply_of(item).email
    return response or render(
        request,
        "complaints/register/answer.html",
        {
            "title": f"Répondre à {label}",
            "lead": lead,
            "form": form,
            "picker": picker,
            "has_templates": bool(picker.fields["modele"].queryset),
            "cancel_url": detail_url,
            "summary_heading": summary[0],
            "summary_text": summary[1],
            "contact": [line for line in contact if line],
            "reply_email": reply_email,
            "letter_after": letter_after and not reply_email,
            "breadcrumb_data": breadcrumb("Répondre", *crumbs),
        },
    )

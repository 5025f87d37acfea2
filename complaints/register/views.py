"""What the pages of the two registers share (complaints.views, complaints.correspondence.views): the order of
a list (open items first, the most urgent on top), a page of it with the remaining working days of its rows, and
the « Modifier » page (the one update flow: complaints.register.services.Register.update)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render

from complaints.deadlines import attach_remaining_working_days
from complaints.models.register import open_first_order
from qualipref.views import breadcrumb, paginate, put_errors_on_form


def open_first(queryset, open_items):
    """Open items first by due date, then the answered ones, the latest received first; ``open_items``: the Q of
    an open item of the register (the one its indexes are built on: complaints.models.register.register_indexes)."""
    return queryset.order_by(*open_first_order(open_items))


def register_page(request, filterset):
    """(page, query string without the page number) of a filtered register: the remaining working days of the
    whole page cost two queries for the calendars of its sites, however many rows."""
    page_obj = paginate(request, filterset.qs)
    page_obj.object_list = attach_remaining_working_days(page_obj.object_list)
    query = request.GET.copy()
    query.pop("page", None)
    return page_obj, query.urlencode()


def edit_page(request, *, form, update, saved, detail_url, title, crumbs, **context):
    """The « Modifier » page of an item of either register: the form, then the register's update service
    (``update(**fields)``; its refusals go on the form), then back to the item with the message ``saved()`` (called
    once saved: the due date may have changed)."""
    if request.method == "POST" and form.is_valid():
        try:
            update(**form.service_fields())
        except ValidationError as error:
            put_errors_on_form(form, error)
        else:
            messages.success(request, saved())
            return redirect(detail_url)
    return render(
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

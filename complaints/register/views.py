"""What the pages of the two registers share (complaints.views, complaints.correspondence.views): the order of
a list (open items first, the most urgent on top) and a page of it with the remaining working days of its rows."""

from django.db.models import Case, F, IntegerField, Value, When

from complaints.deadlines import attach_remaining_working_days
from qualipref.views import paginate


def open_first(queryset, open_items):
    """Open items first by due date, then the answered ones, the latest received first; ``open_items``: the Q of
    an open item of the register."""
    rank = Case(When(open_items, then=Value(0)), default=Value(1), output_field=IntegerField())
    return queryset.order_by(rank, Case(When(open_items, then=F("due_on"))), "-received_on", "-pk")


def register_page(request, filterset):
    """(page, query string without the page number) of a filtered register: the remaining working days of the
    whole page cost two queries for the calendars of its sites, however many rows."""
    page_obj = paginate(request, filterset.qs)
    page_obj.object_list = attach_remaining_working_days(page_obj.object_list)
    query = request.GET.copy()
    query.pop("page", None)
    return page_obj, query.urlencode()

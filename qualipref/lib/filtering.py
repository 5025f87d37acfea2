"""What the FilterSets of the lists share (one FilterSet a list, for its page and its API; imports no app)."""

from django.db.models import Q


def visible_to_requester(queryset):
    """The ``queryset`` argument of a ModelChoiceFilter: the objects the requesting user may see (the queryset's
    ``for_user``), so that a foreign id is refused like an unknown one; none without a request (the generation of
    the API schema)."""

    def choices(request):
        if request is None or not hasattr(request, "user"):
            return queryset.none()
        return queryset.for_user(request.user)

    return choices


def contains_any(queryset, value, *fields):
    """The rows of ``queryset`` where one of ``fields`` contains ``value`` (trimmed, case-insensitive): the search
    box (``q``) of a list; a blank value filters nothing."""
    value = (value or "").strip()
    if not value:
        return queryset
    condition = Q()
    for field in fields:
        condition |= Q(**{f"{field}__icontains": value})
    return queryset.filter(condition)

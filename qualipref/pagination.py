import hashlib
import json
from functools import cached_property
from urllib.parse import urlencode

from django.core import signing
from django.core.exceptions import ImproperlyConfigured
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.paginator import Paginator
from django.db import connections
from django.db.models import F
from django.db.models.fields.tuple_lookups import Tuple, TupleLessThan
from rest_framework import pagination
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.utils.urls import remove_query_param, replace_query_param


class EstimatingPaginator(Paginator):
    """Django's Paginator whose count is exact up to ``exact_up_to`` rows (a COUNT over at most that many: about a
    millisecond) and beyond that, on PostgreSQL, the planner's estimate (``estimated``; never below what was counted):
    an exact COUNT(*) of the national letters (500,000 rows) costs 35 ms on every page. SQLite counts exactly.
    With an estimate, the page numbers near the end are approximate (a page past the real end is empty)."""

    exact_up_to = 10_000
    estimated = False

    @cached_property
    def count(self):
        queryset = self.object_list
        if connections[queryset.db].vendor != "postgresql":
            return queryset.count()
        counted = queryset.order_by()[: self.exact_up_to + 1].count()  # any rows: only how many matters
        if counted <= self.exact_up_to:
            return counted
        self.estimated = True
        return max(planned_rows(queryset), counted)


def planned_rows(queryset):
    """The number of rows PostgreSQL's planner expects ``queryset`` to return (EXPLAIN: no row is read)."""
    sql, params = queryset.order_by().query.sql_with_params()
    with connections[queryset.db].cursor() as cursor:
        cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}", params)
        plan = cursor.fetchone()[0]
    return int((json.loads(plan) if isinstance(plan, str) else plan)[0]["Plan"]["Plan Rows"])


class PageNumberPagination(pagination.PageNumberPagination):
    page_size_query_param = "page_size"
    max_page_size = 500


class CursorPagination(pagination.CursorPagination):
    """For big tables (measurements…): stable pages however many rows are added meanwhile, no COUNT(*).
    Views set ``ordering`` (default: newest first by id)."""

    ordering = "-pk"
    page_size_query_param = "page_size"
    max_page_size = 500


class NewestFirstPagination(PageNumberPagination):
    """Page numbers as PageNumberPagination, and a keyset walk through ``next`` for the big lists ordered by
    descending columns that end on a unique one (the registers' ``("-received_on", "-id")``), however deep.

    - ``?page=N`` (or no parameter): PageNumberPagination's page, ``previous``, and ``count`` from
      EstimatingPaginator (exact up to 10,000 rows, PostgreSQL's estimate beyond); but ``next`` is
      ``?after=<cursor>`` (``page`` removed), the position of the page's last row. With an estimated count, whether
      there is a next page is read from the rows (a full page has one), not from the estimate.
    - ``?after=<cursor>`` (``page`` ignored): the ``page_size`` rows strictly after that row in the order, chosen by
      a row comparison ``(received_on, id) < (…)`` that PostgreSQL reads from the index of the order: no OFFSET, and
      every page costs what the first does (tests/test_query_plans.py). ``count`` is not counted again: it is the
      one the walk's first page counted, carried in the cursor (rows added or deleted since are not in it) —
      counted exactly when the cursor was made for another user or other filters. ``previous`` is null.

    The cursor is opaque and signed (``SECRET_KEY``) for this list: a malformed or altered one is a 400. It only
    positions: the user's scope and the filters apply to the rows after it as to any page. Rows added or deleted
    between two requests neither repeat nor skip a row of the walk."""

    after_query_param = "after"
    after_query_description = (
        "Curseur opaque tiré du lien « next » : les lignes qui suivent, sans OFFSET ; « count » y est celui de la "
        "première page du parcours."
    )
    invalid_after_message = (
        "Curseur invalide : reprenez le lien « next » d'une page de cette liste, ou repartez de la première page."
    )
    not_counted = {"page", "page_size", "after", "format"}  # the query parameters that do not change the count
    django_paginator_class = EstimatingPaginator

    def paginate_queryset(self, queryset, request, view=None):
        self.request, self.model = request, queryset.model
        self.columns = _descending_columns(queryset)
        token = request.query_params.get(self.after_query_param)
        if token is None:
            self.after = None
            rows = super().paginate_queryset(queryset, request, view)
            paginator = self.page.paginator
            self.count = paginator.count
            self.has_next = len(rows) == paginator.per_page if paginator.estimated else self.page.has_next()
        else:
            self.after, self.count = self._read(token, queryset)
            size = self.get_page_size(request)
            rows = list(self.rows_after(queryset, self.after)[: size + 1])
            self.has_next = len(rows) > size
            del rows[size:]
        self.last = rows[-1] if rows else None
        return rows

    def rows_after(self, queryset, position):
        """``queryset``'s rows strictly after ``position`` (the values of its order's columns) in its order."""
        return queryset.filter(TupleLessThan(Tuple(*(F(field.attname) for field in self.columns)), position))

    def get_paginated_response(self, data):
        return Response(
            {"count": self.count, "next": self.get_next_link(), "previous": self.get_previous_link(), "results": data}
        )

    def get_next_link(self):
        if not self.has_next:
            return None
        url = remove_query_param(self.request.build_absolute_uri(), self.page_query_param)
        return replace_query_param(url, self.after_query_param, self._cursor(self.last))

    def get_previous_link(self):
        return None if self.after is not None else super().get_previous_link()

    def _search(self):
        """What ``count`` depends on besides the rows: the user (their scope) and the filters."""
        params = sorted(
            (k, v) for k, values in self.request.query_params.lists() if k not in self.not_counted for v in values
        )
        return hashlib.sha256(f"{self.request.user.pk}?{urlencode(params)}".encode()).hexdigest()[:16]

    def _signer(self):
        return signing.Signer(salt=f"qualipref.pagination.after.{self.model._meta.label_lower}", sep=".")

    def _cursor(self, row):
        position = [field.value_to_string(row) for field in self.columns]
        return self._signer().sign_object([*position, self.count, self._search()])

    def _read(self, token, queryset):
        """(position, count) from a cursor of this list; a 400 when it is not one."""
        try:
            *position, count, search = self._signer().unsign_object(token)
            if len(position) != len(self.columns) or not isinstance(count, int):
                raise ValueError(token)
            position = [field.to_python(value) for field, value in zip(self.columns, position, strict=True)]
        except (signing.BadSignature, DjangoValidationError, ValueError, TypeError):
            raise ValidationError({self.after_query_param: [self.invalid_after_message]}) from None
        return position, count if search == self._search() else self.django_paginator_class(queryset, 1).count

    def get_schema_operation_parameters(self, view):
        after = {
            "name": self.after_query_param,
            "required": False,
            "in": "query",
            "description": self.after_query_description,
            "schema": {"type": "string"},
        }
        return [*super().get_schema_operation_parameters(view), after]

    def get_paginated_response_schema(self, schema):
        result = super().get_paginated_response_schema(schema)
        properties = result["properties"]
        properties["count"]["description"] = (
            "Nombre de lignes de la liste (filtres et périmètre appliqués) : exact jusqu'à 10 000, au-delà une "
            "estimation de PostgreSQL (jamais inférieure à 10 001). Avec « after », celui de la première page du "
            "parcours, sans les lignes ajoutées ou supprimées depuis."
        )
        properties["next"]["description"] = "La page suivante, par curseur (« after ») ; null sur la dernière."
        properties["next"]["example"] = "https://qualipref.example/api/v1/correspondences/?after=WyIyMDI2…"
        properties["previous"]["description"] = "La page précédente avec « page » ; toujours null avec « after »."
        return result


def _descending_columns(queryset):
    """The model fields of ``queryset``'s order, which must be descending columns (names, not expressions) that are
    never NULL (a row comparison with NULL is never true: those rows would be skipped)."""
    order = queryset.query.order_by
    meta = queryset.model._meta
    if order and all(isinstance(name, str) and name.startswith("-") for name in order):
        columns = [meta.pk if name == "-pk" else meta.get_field(name[1:]) for name in order]
        if not any(column.null for column in columns):
            return columns
    raise ImproperlyConfigured(f"NewestFirstPagination needs an order of non-null descending columns, not {order!r}")

"""The registry of computed indicators: one ``Computation`` per indicator code, computed by the database.

A computation answers three questions about its source data, each with a few queries whatever the volume:
- ``compute(scope)``: the rows (site or prefecture, month, numerator, denominator or value) of the months and
  prefectures of ``scope``, aggregated by the database (GROUP BY site and month);
- ``changes(since)``: which prefectures and months the source rows written since ``since`` (``updated_at``)
  touch, for the incremental run;
- ``first_day()``: the oldest day of its source data, where a full run starts.

``sql(scope)``, when given, is ``compute`` as one SQL query and its parameters, selecting the columns
(prefecture_id, site_id, period, numerator, denominator, value) of the same rows: on PostgreSQL the measurements
are then compared and written by the database itself (indicators.services.compute), nothing read into Python.

``watches`` names the models whose writes enqueue an incremental run (indicators.signals); ``requires`` a model
that must exist for the computation to run at all (an app still to come: it is then skipped, not failed).
An app plugs an indicator in with one function: ``register(in_time("letters_in_time", "complaints.Correspondence",
condition=Q(kind="letter")))``.
"""

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.apps import apps
from django.db import connection
from django.db.models import Count, F, Max, Min, Q
from django.db.models.functions import TruncMonth

from indicators import periods

CENT = Decimal("0.01")


@dataclass(frozen=True)
class Row:
    """One computed measurement: a site's (``site_id``) or a whole prefecture's (``site_id`` None)."""

    prefecture_id: int
    site_id: int | None
    period: datetime.date
    numerator: int | None = None
    denominator: int | None = None
    value: Decimal | None = None  # given for non-rates; rates get 100 × numerator / denominator


@dataclass(frozen=True)
class Scope:
    first: datetime.date  # first month
    last: datetime.date  # last month (included)
    today: datetime.date
    prefecture_ids: frozenset | None = None  # None: every prefecture

    @property
    def first_day(self):
        return self.first

    @property
    def last_day(self):
        """The last day of the scope's last month, never after today."""
        return min(periods.month_end(self.last), self.today)

    @property
    def months(self):
        return periods.months(self.first, self.last)

    def restrict(self, queryset, prefecture_path="prefecture_id"):
        if self.prefecture_ids is None:
            return queryset
        return queryset.filter(**{f"{prefecture_path}__in": self.prefecture_ids})


@dataclass(frozen=True)
class Change:
    """Source rows written since the last run touch ``prefecture_id`` from ``first`` to ``last`` (dates)."""

    prefecture_id: int
    first: datetime.date
    last: datetime.date


@dataclass(frozen=True)
class Computation:
    code: str
    compute: Callable[[Scope], Iterable[Row]]
    changes: Callable[[datetime.datetime, datetime.date], Iterable[Change]]
    first_day: Callable[[], datetime.date | None]
    watches: tuple = ()
    requires: tuple = field(default=())
    sql: Callable[[Scope], tuple[str, list]] | None = None
    # Rows grouped from whatever source rows the scope holds (no row per month of the scope): a full run needs no
    # first month, so it spares the query for the oldest day of its data.
    open_start: bool = False

    def available(self):
        for label in self.requires or self.watches[:1]:
            try:
                apps.get_model(label)
            except LookupError:
                return False
        return True


REGISTRY: dict[str, Computation] = {}


def register(computation):
    """Add (or replace) the computation of an indicator code."""
    REGISTRY[computation.code] = computation
    return computation


def registered():
    return dict(REGISTRY)


def rate_value(numerator, denominator):
    return (Decimal(100) * numerator / denominator).quantize(CENT, rounding=ROUND_HALF_UP)


def model(label):
    return apps.get_model(label)


def prefecture_path(model_class):
    """How to reach the prefecture of a row: its own denormalised ``prefecture`` or its site's."""
    names = {f.name for f in model_class._meta.get_fields()}
    return "prefecture_id" if "prefecture" in names else "site__prefecture_id"


def changed_ranges(queryset, *, prefecture, first, last=None, today):
    """[Change] of the rows of ``queryset`` (already filtered on ``updated_at``): per prefecture, the months from
    the oldest ``first`` date to the newest ``last`` date (or today when ``last`` is None)."""
    aggregates = {"first": Min(first)}
    if last is not None:
        aggregates["last"] = Max(last)
    rows = queryset.order_by().values(prefecture).annotate(**aggregates)
    return [
        Change(
            prefecture_id=row[prefecture],
            first=row["first"],
            last=row["last"] if last is not None and row["last"] else today,
        )
        for row in rows
        if row["first"] is not None and row[prefecture] is not None
    ]


def ratio_rows(counted, *, prefecture):
    """``compute`` and ``sql`` (Computation keywords) of a share per site and month: ``counted(scope)`` gives the
    rows (``prefecture``, site_id, month, numerator, denominator); months with nothing to measure are left out."""

    def compute(scope):
        for row in counted(scope):
            if row["denominator"]:
                yield Row(row[prefecture], row["site_id"], row["month"], row["numerator"], row["denominator"])

    def sql(scope):
        columns = (f"q.{prefecture}", "q.site_id", "q.month::date", "q.numerator", "q.denominator", "NULL::numeric")
        return grouped_sql(counted(scope), columns, where="q.denominator > 0")

    return {"compute": compute, "sql": sql}


def month_changes(queryset, date_field):
    """``changes`` and ``first_day`` (Computation keywords) of rows counted in the month of their ``date_field``:
    a changed row changes that month; the first day is the oldest date. ``queryset``: a callable (the model is
    looked up when it runs)."""

    def changes(since, today):
        items = queryset()
        path = prefecture_path(items.model)
        return changed_ranges(
            items.filter(updated_at__gte=since), prefecture=path, first=date_field, last=date_field, today=today
        )

    def first_day():
        return queryset().aggregate(first=Min(date_field))["first"]

    return {"changes": changes, "first_day": first_day}


# --- the share of items answered by their due date ------------------------------------------------------------


def grouped_sql(queryset, columns, *, where=""):
    """The SQL of a ``values().annotate()`` queryset (one row per group) as the rows of ``Computation.sql``:
    ``columns`` are the six SQL expressions over its aliases (``q.name``), ``where`` filters the groups."""
    inner, params = queryset.query.sql_with_params()
    return f"SELECT {', '.join(columns)} FROM ({inner}) q{' WHERE ' + where if where else ''}", list(params)


def in_time(code, label, *, condition=None, date_field="received_on", answered_field="answered_on"):
    """The ``*_in_time`` indicators (docs/domaine.md, § Indicateurs): among the items of ``label`` received in the
    month (and matching ``condition``), the share answered by their ``due_on``; unanswered past due count as late,
    unanswered not yet due are left out. Per site and month of receipt."""
    condition = condition or Q()

    def queryset():
        return model(label).objects.filter(condition)

    def counted(scope):
        items = queryset()
        path = prefecture_path(items.model)
        items = scope.restrict(
            items.filter(**{f"{date_field}__gte": scope.first_day, f"{date_field}__lte": scope.last_day}), path
        )
        answered = Q(**{f"{answered_field}__isnull": False})
        measured = answered | Q(due_on__lt=scope.today)
        return (
            items.order_by()
            .annotate(month=TruncMonth(date_field))
            .values("site_id", "month", m_prefecture=F(path))
            .annotate(
                denominator=Count("pk", filter=measured),
                numerator=Count("pk", filter=answered & Q(**{f"{answered_field}__lte": F("due_on")})),
            )
        )

    return Computation(
        code=code,
        **ratio_rows(counted, prefecture="m_prefecture"),
        **month_changes(queryset, date_field),
        watches=(label,),
        open_start=True,
    )


# --- one query for every month of a scope ------------------------------------------------------------------------


def months_table(scope, *extra):
    """SQL ``VALUES`` rows of the scope's months, for a query that counts every month at once instead of one query
    per month: (first day, last day — never after today —, then one column per ``extra(last_day)`` function), and
    their parameters. Portable (PostgreSQL and SQLite)."""
    date = "%s::date" if connection.vendor == "postgresql" else "%s"
    rows, params = [], []
    for period in scope.months:
        end = min(periods.month_end(period), scope.today)
        values = [period, end, *(function(end) for function in extra)]
        rows.append("(" + ", ".join([date] * len(values)) + ")")
        params += values
    return ", ".join(rows), params


def as_date(value):
    """A date read by raw SQL (SQLite gives text)."""
    return datetime.date.fromisoformat(value) if isinstance(value, str) else value


def in_prefectures(scope, column):
    """`` AND column IN (...)`` and its parameters when the scope is limited to some prefectures."""
    if scope.prefecture_ids is None:
        return "", []
    ids = sorted(scope.prefecture_ids)
    return f" AND {column} IN ({', '.join(['%s'] * len(ids))})", ids


def rolling_count(scope, label, date_field, *, conditions=()):
    """Per prefecture and month of ``scope``, the rows of ``label`` whose ``date_field`` falls in the 12 months that
    end with the month (today for the current one), among those matching ``conditions`` ([(field, "=" or "<>",
    value)]); from the month of the prefecture's first such row (before it, nothing says it had none).
    One query: [(prefecture_id, month, count)]."""
    sql, params = rolling_count_sql(scope, label, date_field, conditions=conditions)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [(prefecture_id, as_date(month), count) for prefecture_id, month, count in cursor.fetchall()]


def rolling_count_sql(scope, label, date_field, *, conditions=()):
    """The query of ``rolling_count`` and its parameters: rows (prefecture_id, month, count)."""
    meta = model(label)._meta
    table, column = meta.db_table, meta.get_field(date_field).column
    prefecture = meta.get_field("prefecture").column
    tests = [(meta.get_field(name).column, operator, value) for name, operator, value in conditions]
    if any(operator not in ("=", "<>") for _, operator, _ in tests):
        raise ValueError("Opérateur de condition inconnu.")

    def where(alias):
        return "".join(f" AND {alias}{name} {operator} %s" for name, operator, _ in tests)

    values, value_params = months_table(scope, lambda end: periods.month_end(periods.add_months(end, -12)))
    only, only_params = in_prefectures(scope, "f.prefecture_id")
    condition_params = [value for _, _, value in tests]
    sql = (
        f"WITH m (month, month_end, year_start) AS (VALUES {values}), "
        f"f AS (SELECT {prefecture} AS prefecture_id, MIN({column}) AS first FROM {table} WHERE 1 = 1{where('')} "
        f"GROUP BY {prefecture}) "
        f"SELECT f.prefecture_id, m.month, COUNT(r.id) FROM f CROSS JOIN m "
        f"LEFT JOIN {table} r ON r.{prefecture} = f.prefecture_id AND r.{column} > m.year_start "
        f"AND r.{column} <= m.month_end{where('r.')} "
        f"WHERE f.first <= m.month_end{only} GROUP BY f.prefecture_id, m.month"
    )
    return sql, [*value_params, *condition_params, *condition_params, *only_params]


def rolling_count_computation(code, label, date_field, *, conditions=(), first_of=None):
    """The Computation ``code``: per prefecture and month, its rows of ``label`` matching ``conditions`` whose
    ``date_field`` falls in the 12 months ending with the month (``rolling_count``); its first day is the oldest
    ``date_field`` of the rows matching ``first_of`` (filter keywords; all rows when None)."""

    def compute(scope):
        for prefecture_id, month, count in rolling_count(scope, label, date_field, conditions=conditions):
            yield Row(prefecture_id, None, month, value=count)

    return Computation(
        code=code,
        compute=compute,
        sql=lambda scope: prefecture_counts_sql(rolling_count_sql(scope, label, date_field, conditions=conditions)),
        changes=lambda since, today: changed_ranges(
            model(label).objects.filter(updated_at__gte=since),
            prefecture="prefecture_id",
            first=date_field,
            today=today,
        ),
        first_day=lambda: model(label).objects.filter(**(first_of or {})).aggregate(first=Min(date_field))["first"],
        watches=(label,),
    )


def prefecture_counts_sql(rows_sql):
    """``Computation.sql`` of prefecture-wide counts (``rolling_count_sql``: prefecture, month, count): the count
    is the value."""
    sql, params = rows_sql
    return (
        "SELECT q.prefecture_id, NULL::bigint, q.month::date, NULL::integer, NULL::integer, q.count::numeric "
        f"FROM ({sql}) q (prefecture_id, month, count)",
        params,
    )

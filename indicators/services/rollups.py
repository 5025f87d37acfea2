"""The rollups of the measurements (indicators.models.MeasurementRollup): per indicator, month and prefecture, and
nationally, the additive parts of indicators.services.aggregates, so that a prefecture's or the nation's board reads
a few hundred rows instead of every site's measurements (44 ms of the 94–125 ms of the national dashboard at scale
1 went into adding up 500 sites × 12 months, bench/national.py).

Maintained by every write of measurements, in its transaction, by recomputing the rows of what it touched — a
« box »: indicators × months × prefectures (all of them when ``prefecture_ids`` is None) — in four set-based
statements, whatever the number of rows (``refresh``):

- the rows saved or deleted one by one (entry, edits, deletes: pages, API, admin) by the signals of
  indicators.signals (``measurement_written``), one box per row;
- the bulk writes, which send no signal, by their writer: a computation (indicators.services.compute) refreshes
  its scope, a batch (imports, ``POST measurements/bulk/``) and the demo the box of their rows. Rows saved one by
  one inside ``batch(box)`` are refreshed once, with the box, at its end.

Concurrency (PostgreSQL): a refresh takes a transaction-level advisory lock per indicator (in id order, in one
statement) before recomputing; its statements then read every write committed before it, and a concurrent writer of
the same indicator recomputes after it has committed (READ COMMITTED: each statement reads what is committed when
it starts). Without the lock, two writers of two sites of a prefecture could each recompute the prefecture's row
from a snapshot missing the other's site. SQLite serialises writers by itself.

``rebuild()`` (``manage.py rebuild_rollups``) recomputes them all; the tests compare them with the aggregate of the
raw measurements after every write path (tests/indicators/test_rollups.py).
"""

import contextlib
import datetime
import threading
from dataclasses import dataclass

from django.db import connection, transaction
from django.db.models import DecimalField, ExpressionWrapper, F, FloatField, Q, Sum
from django.db.models.functions import Cast
from django.utils import timezone

from indicators.models import Measurement, MeasurementRollup
from indicators.services import aggregates

# The first key of the advisory locks of the rollups (pg_advisory_xact_lock(ROLLUP_LOCK, indicator id)).
ROLLUP_LOCK = 1_402_001
PART_NAMES = tuple(aggregates.PARTS)
COLUMNS = ("indicator_id", "period", "prefecture_id", *PART_NAMES, "created_at", "updated_at")


@dataclass(frozen=True)
class Box:
    """What a write touched: these indicators over the months [first, last], in these prefectures (None: all)."""

    indicator_ids: frozenset
    first: datetime.date
    last: datetime.date
    prefecture_ids: frozenset | None = None

    @classmethod
    def of(cls, keys):
        """The box around ``keys`` ((indicator id, period, prefecture id)); None when there is none."""
        keys = list(keys)
        if not keys:
            return None
        return cls(
            indicator_ids=frozenset(key[0] for key in keys),
            first=min(key[1] for key in keys),
            last=max(key[1] for key in keys),
            prefecture_ids=frozenset(key[2] for key in keys),
        )

    def contains(self, key):
        indicator_id, period, prefecture_id = key
        return (
            indicator_id in self.indicator_ids
            and self.first <= period <= self.last
            and (self.prefecture_ids is None or prefecture_id in self.prefecture_ids)
        )

    def filter(self, queryset):
        queryset = queryset.filter(indicator_id__in=self.indicator_ids, period__gte=self.first, period__lte=self.last)
        if self.prefecture_ids is not None:
            queryset = queryset.filter(prefecture_id__in=self.prefecture_ids)
        return queryset


def key_of(measurement):
    return (measurement.indicator_id, measurement.period, measurement.prefecture_id)


# --- writing -------------------------------------------------------------------------------------------------


def _lock(indicator_ids):
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(pg_advisory_xact_lock(%s, id)) FROM (SELECT DISTINCT unnest(%s::integer[]) AS id "
            "ORDER BY 1) ids",
            [ROLLUP_LOCK, sorted(indicator_ids)],
        )


def _insert(queryset, prefecture_id, prefix=""):
    """INSERT INTO the rollups the rows of ``queryset`` (values: indicator_id, period[, prefecture_id], and the
    names of PARTS, each after ``prefix``)."""
    select, params = queryset.query.sql_with_params()
    now = timezone.now()
    table = MeasurementRollup._meta.db_table
    parts = (f"q.{prefix}{name}" for name in PART_NAMES)
    sources = ", ".join(["q.indicator_id", "q.period", prefecture_id, *parts])
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} ({', '.join(COLUMNS)}) SELECT {sources}, %s, %s FROM ({select}) q",
            [now, now, *params],
        )


def refresh(box):
    """Recompute the rollups of ``box`` from the measurements: its prefectures' rows, then the national rows of its
    indicators and months. Four statements (five with the lock), whatever the number of rows; in the caller's
    transaction (or its own)."""
    if box is None:
        return
    with transaction.atomic():
        _lock(box.indicator_ids)
        box.filter(MeasurementRollup.objects.filter(prefecture__isnull=False)).delete()
        per_prefecture = (
            box.filter(Measurement.objects.all())
            .order_by()
            .values("indicator_id", "period", "prefecture_id")
            .annotate(**aggregates.PARTS)
        )
        _insert(per_prefecture, "q.prefecture_id")
        months = Box(box.indicator_ids, box.first, box.last)
        months.filter(MeasurementRollup.objects.filter(prefecture__isnull=True)).delete()
        national = (
            months.filter(MeasurementRollup.objects.filter(prefecture__isnull=False))
            .order_by()
            .values("indicator_id", "period")
            .annotate(**{f"total_{name}": Sum(name) for name in PART_NAMES})
        )
        _insert(national, "NULL", prefix="total_")


def rebuild():
    """Every rollup recomputed from the measurements (``manage.py rebuild_rollups``): the number of rows."""
    with transaction.atomic():
        indicator_ids = set(Measurement.objects.order_by().values_list("indicator_id", flat=True).distinct())
        _lock(indicator_ids)
        MeasurementRollup.objects.all().delete()
        span = Measurement.objects.order_by().values_list("period", flat=True)
        first, last = span.order_by("period").first(), span.order_by("-period").first()
        if first is not None:
            refresh(Box(frozenset(indicator_ids), first, last))
        return MeasurementRollup.objects.count()


_pending = threading.local()


def _batches():
    if not hasattr(_pending, "batches"):
        _pending.batches = []
    return _pending.batches


class _Batch:
    def __init__(self, box):
        self.box = box  # what the block writes in bulk; it may set it once it knows
        self.keys = set()  # the rows saved or deleted one by one in the block


@contextlib.contextmanager
def batch(box=None):
    """Measurements saved or deleted one by one inside the block are refreshed once, at its end, with ``box``
    (what the block writes in bulk, or sets as ``.box`` of what it yields): a computation that deletes rows by the
    ORM, a writer of many rows. Nothing is refreshed when the block raises (its transaction is rolled back)."""
    pending = _Batch(box)
    _batches().append(pending)
    try:
        yield pending
    finally:
        _batches().pop()
    refresh(pending.box)
    refresh(Box.of(key for key in pending.keys if pending.box is None or not pending.box.contains(key)))


def measurement_written(keys):
    """A measurement saved or deleted by the ORM (the signals): refreshed now, or at the end of the current
    ``batch``."""
    batches = _batches()
    if batches:
        batches[-1].keys.update(keys)
    else:
        refresh(Box.of(keys))


# --- reading -------------------------------------------------------------------------------------------------


def _mean():
    """The plain mean of the values, as the measurements' AVG gives it: numeric division on PostgreSQL (its AVG is
    sum / count in numeric), in floating point on SQLite (where a whole sum is stored as an integer)."""
    if connection.vendor == "postgresql":
        return ExpressionWrapper(F("sum_value") / F("places"), output_field=DecimalField())
    return Cast("sum_value", FloatField()) / Cast("places", FloatField())


def rows(*, indicators, first=None, last=None, prefecture=None):
    """The rollups of ``indicators`` over [first, last] (open ends: None): of ``prefecture``, or national (None)."""
    scope = Q(prefecture=prefecture) if prefecture is not None else Q(prefecture__isnull=True)
    queryset = MeasurementRollup.objects.filter(scope, indicator__in=indicators)
    if first is not None:
        queryset = queryset.filter(period__gte=first)
    if last is not None:
        queryset = queryset.filter(period__lte=last)
    return queryset


def aggregate(*, indicators, first, last, prefecture=None):
    """[AggregateRow] of ``indicators`` over [first, last] for ``prefecture`` (or the nation): what
    ``aggregates.aggregate`` gives from the measurements of the prefecture (or of all), read from the rollups."""
    group = ["indicator_id", "period", *(["prefecture_id"] if prefecture is not None else [])]
    return _figures(rows(indicators=indicators, first=first, last=last, prefecture=prefecture), group)


def per_prefecture(*, indicators, first, last, prefectures=None):
    """[AggregateRow] of ``indicators`` over [first, last], one per prefecture and month, of ``prefectures`` (a
    queryset: a region's) or of every prefecture: what ``aggregates.per_prefecture`` gives from their measurements,
    read from the prefectures' rollups in one query (the yearly review of a region or of the nation)."""
    queryset = MeasurementRollup.objects.filter(
        prefecture__isnull=False, indicator__in=indicators, period__gte=first, period__lte=last
    )
    if prefectures is not None:
        queryset = queryset.filter(prefecture__in=prefectures)
    return _figures(queryset, ["indicator_id", "period", "prefecture_id"])


def _figures(queryset, group):
    parts = queryset.values("indicator_id", "period", "prefecture_id", "indicator__unit", *PART_NAMES).annotate(
        mean_value=_mean()
    )
    return aggregates.figures(parts, group)

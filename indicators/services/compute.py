"""Computation of the computed indicators: the runs (nightly full, incremental, one month) and the idempotent
upsert of their measurements.

Each computation (indicators.computations) aggregates its source rows in the database; its rows are then compared
with the stored measurements of the same scope (indicator, months, prefectures) and only the differences are
written: created, updated, or deleted when their source is gone. A second run over unchanged data writes nothing.
Runs of the same indicator are serialised by a row lock on the indicator, so two workers never race.
On PostgreSQL, a computation given as SQL (``Computation.sql``) is compared and written by the database in one
statement (``_upsert_in_database``): nothing is read into Python but the four counts and the span of what was
written (whose rollups are then recomputed: indicators.services.rollups). Elsewhere (SQLite) and for
computations that need Python (the surveys' past rates), the rows are compared in Python. Either way computed
measurements are written without history rows (only entered and imported ones have a history).

The incremental run recomputes the prefectures and months touched by the source rows written since the start of
the latest finished run (``updated_at``), minus a margin for transactions still open then; a run that dies midway
leaves no finished run behind, so the next one reads the same changes again. The nightly full run also catches
what time alone changes (an unanswered complaint becoming late) and what no ``updated_at`` tells (deletions).
"""

import datetime
import logging
from dataclasses import dataclass

from django.db import connection, transaction
from django.db.models import Min
from django.utils import timezone

from indicators import computations, periods
from indicators.computations.base import Scope, rate_value
from indicators.models import ComputeRun, Indicator, Measurement
from indicators.services import rollups
from qualipref.lib import data_version

logger = logging.getLogger(__name__)

# Source rows saved this long before the start of the previous run are read again (transactions still open then).
WATERMARK_MARGIN = datetime.timedelta(minutes=10)
BATCH = 1000
OPEN_START = datetime.date(1, 1, 1)


@dataclass
class Counts:
    created: int = 0
    updated: int = 0
    deleted: int = 0
    unchanged: int = 0

    def __iadd__(self, other):
        self.created += other.created
        self.updated += other.updated
        self.deleted += other.deleted
        self.unchanged += other.unchanged
        return self

    @property
    def written(self):
        return self.created + self.updated + self.deleted

    def __str__(self):
        return (
            f"{self.created} créée(s), {self.updated} modifiée(s), {self.deleted} supprimée(s), "
            f"{self.unchanged} inchangée(s)"
        )


def _computed_indicators(codes=None):
    """{code: (indicator, computation)} of the active computed indicators whose computation can run."""
    indicators = Indicator.objects.active().filter(source=Indicator.Source.COMPUTED)
    if codes is not None:
        indicators = indicators.filter(code__in=codes)
    registry = computations.registered()
    result = {}
    for indicator in indicators:
        computation = registry.get(indicator.code)
        if computation is not None and computation.available():
            result[indicator.code] = (indicator, computation)
    return result


def upsert(indicator, computation, scope) -> Counts:
    """Make the stored measurements of ``indicator`` in ``scope`` equal to what ``computation`` gives."""
    with transaction.atomic(), rollups.batch() as written:
        Indicator.objects.select_for_update().filter(pk=indicator.pk).values_list("pk", flat=True).first()
        if computation.sql is not None and connection.vendor == "postgresql":
            counts, written.box = _upsert_in_database(indicator, computation, scope)
        else:
            counts, written.box = _upsert_in_python(indicator, computation, scope)
        if counts.written:
            data_version.bump()  # bulk and SQL writes send no signal (nor do they refresh a rollup: the batch does)
        return counts


# The computed rows (c), the stored measurements of the scope (s), joined (j: a computed row without stored one is
# to insert, a stored one without computed one is ``gone``, to delete); then
# the inserts, updates and deletes, all reading the same snapshot, and their counts. A stored row entered by hand
# (source not computed) is left alone, as in Python. Runs under the indicator's row lock: no concurrent writer.
UPSERT_SQL = """
WITH c AS MATERIALIZED (
    SELECT q.prefecture_id, q.site_id, q.period, {value} AS value, {numerator} AS numerator,
           {denominator} AS denominator
    FROM ({computed}) q (prefecture_id, site_id, period, numerator, denominator, value)
), s AS MATERIALIZED (
    SELECT id, prefecture_id, site_id, period, value, numerator, denominator, source FROM {table}
    WHERE indicator_id = %s AND period >= %s AND period <= %s {only}
), j AS MATERIALIZED (
    SELECT c.*, c.period IS NULL AS gone, s.id AS stored_id, s.source,
           (s.value, s.numerator, s.denominator) IS NOT DISTINCT FROM (c.value, c.numerator, c.denominator) AS same
    FROM c FULL JOIN s ON s.prefecture_id = c.prefecture_id AND coalesce(s.site_id, 0) = coalesce(c.site_id, 0)
         AND s.period = c.period
), inserted AS (
    INSERT INTO {table} (created_at, updated_at, indicator_id, prefecture_id, site_id, period, value, numerator,
                         denominator, is_rate, source, note)
    SELECT %s, %s, %s, prefecture_id, site_id, period, value, numerator, denominator, %s, %s, ''
    FROM j WHERE stored_id IS NULL
    RETURNING period, prefecture_id
), updated AS (
    UPDATE {table} m SET value = j.value, numerator = j.numerator, denominator = j.denominator, updated_at = %s
    FROM j WHERE m.id = j.stored_id AND j.source = %s AND NOT j.gone AND NOT j.same
    RETURNING m.period, m.prefecture_id
), deleted AS (
    DELETE FROM {table} m USING j WHERE m.id = j.stored_id AND j.source = %s AND j.gone
    RETURNING m.period, m.prefecture_id
), written AS (
    SELECT * FROM inserted UNION ALL SELECT * FROM updated UNION ALL SELECT * FROM deleted
)
SELECT (SELECT count(*) FROM inserted), (SELECT count(*) FROM updated), (SELECT count(*) FROM deleted),
       (SELECT count(*) FROM j WHERE source = %s AND NOT gone AND same),
       (SELECT min(period) FROM written), (SELECT max(period) FROM written),
       (SELECT array_agg(DISTINCT prefecture_id) FROM written)
"""


def _written(indicator, first, last, prefecture_ids):
    """The rollups' box of what an upsert wrote (rows created, updated or deleted): None when nothing."""
    if first is None:
        return None
    return rollups.Box(frozenset([indicator.pk]), first, last, frozenset(prefecture_ids))


def _upsert_in_database(indicator, computation, scope):
    """(Counts, the rollups' box of what was written)."""
    computed, computed_params = computation.sql(scope)
    if indicator.is_rate:  # the rule of _upsert_in_python: a rate is 100 × numerator / denominator, half up
        value = (
            "CASE WHEN q.numerator IS NOT NULL THEN round(100 * q.numerator::numeric / q.denominator, 2) "
            "ELSE q.value END"
        )
        numerator, denominator = "q.numerator", "CASE WHEN q.numerator IS NOT NULL THEN q.denominator END"
    else:
        value, numerator, denominator = "q.value", "NULL::integer", "q.denominator"
    only, only_params = "", []
    if scope.prefecture_ids is not None:
        only, only_params = "AND prefecture_id = ANY(%s)", [sorted(scope.prefecture_ids)]
    sql = UPSERT_SQL.format(
        value=value,
        numerator=numerator,
        denominator=denominator,
        computed=computed,
        table=Measurement._meta.db_table,
        only=only,
    )
    now, source = timezone.now(), Indicator.Source.COMPUTED.value
    params = [
        *computed_params,
        *[indicator.pk, scope.first, scope.last, *only_params],  # s
        *[now, now, indicator.pk, indicator.is_rate, source],  # inserted
        *[now, source],  # updated
        source,  # deleted
        source,  # unchanged
    ]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        created, updated, deleted, unchanged, first, last, prefecture_ids = cursor.fetchone()
    counts = Counts(created=created, updated=updated, deleted=deleted, unchanged=unchanged)
    return counts, _written(indicator, first, last, prefecture_ids)


def _upsert_in_python(indicator, computation, scope):
    """(Counts, the rollups' box of what was written)."""
    counts = Counts()
    written = []  # (period, prefecture id)
    wanted = {}
    for row in computation.compute(scope):
        if indicator.is_rate and row.numerator is not None:
            values = (rate_value(row.numerator, row.denominator), row.numerator, row.denominator)
        elif indicator.is_rate:  # a rate known without its counts (a past survey's table)
            values = (row.value, None, None)
        else:
            values = (row.value, None, row.denominator)
        wanted[(row.prefecture_id, row.site_id, row.period)] = values
    stored = Measurement.objects.filter(indicator=indicator, period__gte=scope.first, period__lte=scope.last)
    if scope.prefecture_ids is not None:
        stored = stored.filter(prefecture_id__in=scope.prefecture_ids)
    now = timezone.now()
    to_update, to_delete, kept = [], [], set()
    columns = ("pk", "prefecture_id", "site_id", "period", "value", "numerator", "denominator", "source")
    for pk, prefecture_id, site_id, period, value, numerator, denominator, source in stored.values_list(*columns):
        key = (prefecture_id, site_id, period)
        kept.add(key)
        if source != Indicator.Source.COMPUTED:
            continue  # entered by hand before the indicator became computed: left alone
        values = wanted.get(key)
        if values is None:
            to_delete.append(pk)
            written.append((period, prefecture_id))
        elif (value, numerator, denominator) == values:
            counts.unchanged += 1
        else:
            written.append((period, prefecture_id))
            new_value, new_numerator, new_denominator = values
            to_update.append(
                Measurement(
                    pk=pk, value=new_value, numerator=new_numerator, denominator=new_denominator, updated_at=now
                )
            )
    to_create = [
        Measurement(
            indicator=indicator,
            prefecture_id=prefecture_id,
            site_id=site_id,
            period=period,
            value=value,
            numerator=numerator,
            denominator=denominator,
            is_rate=indicator.is_rate,
            source=Indicator.Source.COMPUTED,
            created_at=now,
            updated_at=now,
        )
        for (prefecture_id, site_id, period), (value, numerator, denominator) in wanted.items()
        if (prefecture_id, site_id, period) not in kept
    ]
    Measurement.objects.bulk_create(to_create, batch_size=BATCH)
    Measurement.objects.bulk_update(to_update, ["value", "numerator", "denominator", "updated_at"], batch_size=BATCH)
    for start in range(0, len(to_delete), BATCH):
        Measurement.objects.filter(pk__in=to_delete[start : start + BATCH]).delete()
    counts.created, counts.updated, counts.deleted = len(to_create), len(to_update), len(to_delete)
    written += [(measurement.period, measurement.prefecture_id) for measurement in to_create]
    if not written:
        return counts, None
    periods_written = [period for period, _ in written]
    return counts, _written(indicator, min(periods_written), max(periods_written), {p for _, p in written})


def _first_period(indicator, computation):
    """Where a full run of an indicator starts: its oldest source data, or its oldest stored measurement (whose
    source may be gone)."""
    days = [computation.first_day(), indicator.measurements.aggregate(first=Min("period"))["first"]]
    days = [day for day in days if day is not None]
    return periods.month_start(min(days)) if days else None


def compute(*, first=None, last=None, prefecture_ids=None, codes=None, today=None) -> Counts:
    """Compute the computed indicators (``codes``: some of them) over the months [first, last] (default: from
    their oldest data to the current month) for ``prefecture_ids`` (default: all)."""
    today = today or timezone.localdate()
    last = min(periods.month_start(last), periods.current(today)) if last else periods.current(today)
    ids = frozenset(prefecture_ids) if prefecture_ids is not None else None
    counts = Counts()
    for indicator, computation in _computed_indicators(codes).values():
        if first:
            start = periods.month_start(first)
        elif computation.open_start:  # from any date: every source row and every stored measurement
            start = OPEN_START
        else:
            start = _first_period(indicator, computation)
        if start is None or start > last:
            continue
        counts += upsert(indicator, computation, Scope(first=start, last=last, today=today, prefecture_ids=ids))
    return counts


# --- runs ----------------------------------------------------------------------------------------------------


def _start(kind, scope=""):
    return ComputeRun.objects.create(kind=kind, started_at=timezone.now(), scope=scope[:300])


def _finish(run, counts, scope=None):
    run.state = ComputeRun.State.SUCCEEDED
    run.finished_at = timezone.now()
    run.created, run.updated, run.deleted, run.unchanged = (
        counts.created,
        counts.updated,
        counts.deleted,
        counts.unchanged,
    )
    if scope is not None:
        run.scope = scope[:300]
    run.save()
    logger.info("Calcul des indicateurs (%s) : %s.", run.get_kind_display(), counts)
    return run


def _fail(run, error):
    run.state = ComputeRun.State.FAILED
    run.finished_at = timezone.now()
    run.error = f"{error.__class__.__name__}: {error}"[:2000]
    run.save()


def _run(kind, work, scope=""):
    run = _start(kind, scope)
    try:
        counts, final_scope = work()
    except Exception as error:
        _fail(run, error)
        raise
    return _finish(run, counts, final_scope)


def run_full(*, today=None) -> ComputeRun:
    """Every computed indicator, every prefecture, from the oldest data to the current month (nightly)."""
    return _run(ComputeRun.Kind.FULL, lambda: (compute(today=today), "tous les indicateurs calculés"), "complet")


def run_period(*, period, today=None) -> ComputeRun:
    """Every computed indicator of every prefecture for one month (``manage.py compute_indicators --period``)."""
    month = periods.parse(period, today=today)
    label = periods.format_period(month)
    return _run(ComputeRun.Kind.PERIOD, lambda: (compute(first=month, last=month, today=today), label), label)


def watermark():
    """Source rows saved since this moment are to be computed again; None: never computed."""
    latest = (
        ComputeRun.objects.filter(
            state=ComputeRun.State.SUCCEEDED, kind__in=[ComputeRun.Kind.FULL, ComputeRun.Kind.CHANGES]
        )
        .order_by("-started_at")
        .values_list("started_at", flat=True)
        .first()
    )
    return None if latest is None else latest - WATERMARK_MARGIN


def _changes(today):
    since = watermark()
    if since is None:
        return compute(today=today), "premier calcul : complet"
    now_month = periods.current(today)
    oldest = datetime.date(periods.FIRST_YEAR, 1, 1)
    counts, touched = Counts(), []
    for code, (indicator, computation) in _computed_indicators().items():
        # The prefectures touched, over the months from the oldest to the newest touched: one scope per indicator,
        # so that the queries do not multiply with the prefectures (each computation counts all months at once).
        prefecture_ids, first, last = set(), None, None
        for change in computation.changes(since, today):
            start = max(periods.month_start(change.first), oldest)
            end = min(periods.month_start(change.last), now_month)
            if start > end:
                continue
            prefecture_ids.add(change.prefecture_id)
            first = start if first is None else min(first, start)
            last = end if last is None else max(last, end)
        if not prefecture_ids:
            continue
        scope = Scope(first=first, last=last, today=today, prefecture_ids=frozenset(prefecture_ids))
        counts += upsert(indicator, computation, scope)
        touched.append(f"{code} {periods.format_period(first)}→{periods.format_period(last)} ({len(prefecture_ids)})")
    return counts, "; ".join(touched) or "aucune modification"


def run_changes(*, today=None) -> ComputeRun:
    """The prefectures and months touched by the source rows written since the latest finished run."""
    today = today or timezone.localdate()
    return _run(ComputeRun.Kind.CHANGES, lambda: _changes(today), "modifications récentes")


STALE_RUN = "Calcul interrompu (worker arrêté ou tué) : le calcul suivant reprend les mêmes données."


def sweep_stale_runs(*, before):
    """Runs still « running » since before ``before``: their worker died (a finished run always records its end).
    Marked failed; nothing to re-queue, the next periodic run reads what they would have read (qualipref.outbox)."""
    return ComputeRun.objects.filter(state=ComputeRun.State.RUNNING, started_at__lt=before).update(
        state=ComputeRun.State.FAILED, finished_at=timezone.now(), error=STALE_RUN, updated_at=timezone.now()
    )

"""Indicators of the crisis communication cell (crisis/): the on-call roster's coverage and the activation delay of
the cell at its last event or exercise of the month. Both are prefecture-wide (``site_id`` None).

Their changes are read from the registers' history (django-simple-history): a shift or an event created, changed
or deleted since the last run touches the months of every version of that row, its former dates included.
"""

from decimal import Decimal

from django.db.models import Max, Min
from django.utils import timezone

from indicators import periods

from .base import Change, Computation, Row, model, register

SHIFT = "crisis.OnCallShift"
EVENT = "crisis.CrisisEvent"


def _history_changes(label, first, last):
    """``changes`` of a register with a history: per prefecture, from the oldest ``first`` to the newest ``last``
    of every version of the rows written since ``since`` (deleted ones included). One query."""

    def changes(since, today):
        history = model(label).history
        written = history.filter(history_date__gte=since).values("id")
        rows = (
            history.filter(id__in=written).order_by().values("prefecture_id").annotate(first=Min(first), last=Max(last))
        )
        return [
            Change(row["prefecture_id"], timezone.localdate(row["first"]), timezone.localdate(row["last"]))
            for row in rows
        ]

    return changes


def _first_day(label, field):
    def first_day():
        first = model(label).objects.aggregate(first=Min(field))["first"]
        return None if first is None else timezone.localdate(first)

    return first_day


# --- the on-call roster covers every hour of the month ------------------------------------------------------


def _coverage(scope):
    """Per prefecture and month, from the month of its first shift: minutes covered by a shift (numerator) among
    the minutes of the whole month (denominator; the roster is planned ahead, the current month counts to its end).
    Two queries: the first shift of each prefecture, the shifts of the scope's months (crisis.roster)."""
    from crisis import roster

    months = roster.month_bounds(scope.months)
    if not months:
        return
    shifts = scope.restrict(model(SHIFT).objects.all())
    firsts = shifts.order_by().values("prefecture_id").annotate(first=Min("starts_at"))
    spans = roster.shifts_between(months[0][1], months[-1][2], queryset=shifts).values_list(
        "prefecture_id", "starts_at", "ends_at"
    )
    covered = roster.covered_by_month(spans, months)
    for row in firsts:
        first_month = periods.month_start(timezone.localdate(row["first"]))
        for period, starts_at, ends_at in months:
            if period < first_month:
                continue
            total = int((ends_at - starts_at).total_seconds() // 60)
            minutes = min(int(covered.get((row["prefecture_id"], period), 0) // 60), total)
            yield Row(row["prefecture_id"], None, period, numerator=minutes, denominator=total)


register(
    Computation(
        code="phone_on_call_coverage_rate",
        compute=_coverage,
        changes=_history_changes(SHIFT, "starts_at", "ends_at"),
        first_day=_first_day(SHIFT, "starts_at"),
        watches=(SHIFT,),
    )
)


# --- the crisis cell is operational within the hour ---------------------------------------------------------


def _activation(scope):
    """Per prefecture and month, the activation delay (minutes) of its last event or exercise of the month (by the
    time the alert was received). One query."""
    from crisis import roster

    start = roster.local_midnight(scope.first)
    end = roster.local_midnight(periods.add_months(scope.last, 1))
    events = (
        scope.restrict(model(EVENT).objects.filter(alert_received_at__gte=start, alert_received_at__lt=end))
        .order_by("prefecture_id", "alert_received_at", "pk")
        .values_list("prefecture_id", "alert_received_at", "activation_minutes")
    )
    last = {}
    for prefecture_id, received_at, minutes in events:
        last[(prefecture_id, periods.month_start(timezone.localdate(received_at)))] = minutes
    for (prefecture_id, period), minutes in last.items():
        yield Row(prefecture_id, None, period, value=Decimal(minutes))


register(
    Computation(
        code="crisis_cell_activation_minutes",
        compute=_activation,
        changes=_history_changes(EVENT, "alert_received_at", "alert_received_at"),
        first_day=_first_day(EVENT, "alert_received_at"),
        watches=(EVENT,),
    )
)

"""The on-call roster read over a period: its shifts, its gaps (hours no shift covers) and the hours covered.

Everything here reads the shifts of the period in one query and walks them once, in order (shifts of a prefecture
never overlap, crisis.services, but the walk does not rely on it). The pages, the alert of the coming weeks
(indicators.alerts.crisis), the dashboards and the indicator ``phone_on_call_coverage_rate``
(indicators.computations.crisis) all use it: one rule of what a gap is.
"""

import bisect
import datetime
from dataclasses import dataclass

from django.utils import timezone

from crisis.models import ONE_HOUR, OnCallShift

# The coming weeks watched by the roster's page, its alert and the dashboard.
HORIZON_DAYS = 14


@dataclass(frozen=True)
class Gap:
    prefecture_id: int
    starts_at: datetime.datetime
    ends_at: datetime.datetime

    @property
    def hours(self):
        # in UTC: Python subtracts two datetimes of the same zone by their wall clocks
        return (self.ends_at.astimezone(datetime.UTC) - self.starts_at.astimezone(datetime.UTC)) / ONE_HOUR


def local_midnight(day):
    """The start of ``day`` in the project's time zone (Europe/Paris), as an aware datetime in UTC: Python subtracts
    two datetimes of the same zone by their wall clocks, which would give a day of the change of time 24 hours."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time())).astimezone(datetime.UTC)


def window(today, days=HORIZON_DAYS):
    """[start, end) of the ``days`` coming days from ``today``'s midnight."""
    return local_midnight(today), local_midnight(today + datetime.timedelta(days=days))


def shifts_between(start, end, *, prefecture_ids=None, queryset=None):
    """The shifts sharing an instant with [start, end), by prefecture then start: one query."""
    shifts = (queryset if queryset is not None else OnCallShift.objects.all()).overlapping(start, end)
    if prefecture_ids is not None:
        shifts = shifts.filter(prefecture_id__in=prefecture_ids)
    return shifts.order_by("prefecture_id", "starts_at", "pk")


def walk(spans, start, end, prefecture_ids):
    """One pass over ``spans`` ((prefecture_id, starts_at, ends_at), by prefecture then start): {prefecture_id:
    (covered seconds in [start, end), [Gap])} for each of ``prefecture_ids`` (a prefecture without a span is one
    gap)."""
    result = {pk: (0.0, []) for pk in prefecture_ids}
    cursors = dict.fromkeys(prefecture_ids, start)
    covered = dict.fromkeys(prefecture_ids, 0.0)
    gaps = {pk: [] for pk in prefecture_ids}
    for prefecture_id, starts_at, ends_at in spans:
        if prefecture_id not in cursors:
            continue
        cursor = cursors[prefecture_id]
        begin, finish = max(starts_at, cursor), min(ends_at, end)
        if starts_at > cursor:
            gaps[prefecture_id].append(Gap(prefecture_id, cursor, min(starts_at, end)))
        if finish > begin:
            covered[prefecture_id] += (finish.astimezone(datetime.UTC) - begin.astimezone(datetime.UTC)).total_seconds()
        cursors[prefecture_id] = max(cursor, min(ends_at, end))
    for pk, cursor in cursors.items():
        if cursor < end:
            gaps[pk].append(Gap(pk, cursor, end))
        result[pk] = (covered[pk], gaps[pk])
    return result


def gaps(prefecture_ids, start, end):
    """{prefecture_id: [Gap]} of [start, end): one query."""
    spans = shifts_between(start, end, prefecture_ids=prefecture_ids).values_list(
        "prefecture_id", "starts_at", "ends_at"
    )
    return {pk: found for pk, (_covered, found) in walk(spans, start, end, list(prefecture_ids)).items()}


def next_gaps(prefecture_ids, *, now=None, days=HORIZON_DAYS):
    """{prefecture_id: the first Gap from ``now`` to the end of the coming ``days`` days, or None}: one query."""
    now = now or timezone.now()
    _start, end = window(timezone.localdate(now), days)
    return {pk: (found[0] if found else None) for pk, found in gaps(prefecture_ids, now, end).items()}


def month_bounds(periods_):
    """[(period, its first instant, the first instant of the next month)] of months given by their first day,
    in local time (a month of the change to summer time has one hour less)."""
    bounds = []
    for period in periods_:
        following = (period.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)
        bounds.append((period, local_midnight(period), local_midnight(following)))
    return bounds


def covered_by_month(spans, months):
    """One pass over ``spans`` ((prefecture_id, starts_at, ends_at), by prefecture then start): {(prefecture_id,
    period): covered seconds} over ``months`` (``month_bounds``). An instant covered twice counts once."""
    covered = {}
    if not months:
        return covered
    start, end = months[0][1], months[-1][2]
    ends = [month_end for _period, _start, month_end in months]
    cursors = {}
    for prefecture_id, starts_at, ends_at in spans:
        begin = max(starts_at, cursors.get(prefecture_id, start))
        finish = min(ends_at, end)
        if finish <= begin:
            continue
        cursors[prefecture_id] = finish
        for period, month_start, month_end in months[bisect.bisect_right(ends, begin) :]:
            if month_start >= finish:
                break
            until, since = min(finish, month_end), max(begin, month_start)
            seconds = (until.astimezone(datetime.UTC) - since.astimezone(datetime.UTC)).total_seconds()
            covered[(prefecture_id, period)] = covered.get((prefecture_id, period), 0) + seconds
    return covered

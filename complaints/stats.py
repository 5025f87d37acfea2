"""Yearly and monthly statistics of the register, per site or per prefecture.

For each group (site or prefecture) and period (year or month of receipt): received, answered, answered in time,
the rate in time, the mean and the median delay of the answers in working days. Two queries whatever the number
of groups: the counts and means are aggregated by the database; the medians are computed here over one list of
delays (the delay of each answer is stored when it is answered, in its site's calendar).

The rate in time follows the ``complaints_in_time`` indicator (docs/domaine.md, § Indicateurs): among the items received
in the period, the share answered by their due date; unanswered items past due count as late, unanswered items not yet
due are left out.
"""

import statistics
from dataclasses import dataclass, field

from django.db.models import Avg, Count, Q
from django.db.models.functions import ExtractMonth, ExtractYear
from django.utils import timezone

from qualipref.lib.months import MONTHS
from qualipref.lib.rates import percent

BY_SITE = "site"
BY_PREFECTURE = "prefecture"
PER_YEAR = "year"
PER_MONTH = "month"


_GROUP_FIELDS = {
    BY_SITE: ("site_id", "site__name", "prefecture__department_id"),
    BY_PREFECTURE: ("prefecture_id", "prefecture__name", "prefecture__department_id"),
}


@dataclass
class StatsRow:
    group_id: int | None
    label: str
    department: str
    year: int | None
    month: int | None
    received: int = 0
    answered: int = 0
    in_time: int = 0
    pending_not_due: int = 0  # unanswered, not yet due: left out of the rate
    overdue: int = 0  # unanswered, past due: late
    mean_delay: float | None = None
    delays: list = field(default_factory=list, repr=False)

    @property
    def period_label(self):
        if self.year is None:
            return "Toutes périodes"
        if self.month is None:
            return str(self.year)
        return f"{MONTHS[self.month - 1]} {self.year}"

    @property
    def measured(self):
        """Items the rate is computed on: received, minus those still within their delay."""
        return self.received - self.pending_not_due

    @property
    def in_time_rate(self):
        """Percentage answered in time, None when nothing can be measured yet."""
        return percent(self.in_time, self.measured)

    @property
    def median_delay(self):
        return statistics.median(self.delays) if self.delays else None


def complaint_statistics(queryset, *, by=BY_SITE, period=PER_YEAR, today=None):
    """(rows, total) of a queryset of complaints already scoped (``for_user``) and filtered by the caller."""
    if by not in _GROUP_FIELDS:
        raise ValueError(f"Regroupement inconnu : {by!r}.")
    if period not in (PER_YEAR, PER_MONTH):
        raise ValueError(f"Période inconnue : {period!r}.")
    today = today or timezone.localdate()
    group_id, group_label, department = _GROUP_FIELDS[by]
    periods = {"year": ExtractYear("received_on")}
    if period == PER_MONTH:
        periods["month"] = ExtractMonth("received_on")
    keys = [group_id, *periods]
    unanswered = Q(answered_on__isnull=True)
    aggregated = (
        queryset.order_by()
        .annotate(**periods)
        .values(group_id, group_label, department, *periods)
        .annotate(
            received=Count("pk"),
            answered=Count("pk", filter=~unanswered),
            in_time=Count("pk", filter=Q(answered_in_time=True)),
            pending_not_due=Count("pk", filter=unanswered & Q(due_on__gte=today)),
            overdue=Count("pk", filter=unanswered & Q(due_on__lt=today)),
            mean_delay=Avg("answer_delay"),
        )
    )
    rows = {}
    for values in aggregated:
        key = tuple(values[name] for name in keys)
        rows[key] = StatsRow(
            group_id=values[group_id],
            label=values[group_label],
            department=values[department],
            year=values["year"],
            month=values.get("month"),
            received=values["received"],
            answered=values["answered"],
            in_time=values["in_time"],
            pending_not_due=values["pending_not_due"],
            overdue=values["overdue"],
            mean_delay=values["mean_delay"],
        )
    total = StatsRow(group_id=None, label="Total", department="", year=None, month=None)
    delays = queryset.order_by().annotate(**periods).filter(answer_delay__isnull=False)
    for values in delays.values_list(*keys, "answer_delay"):
        *key, delay = values
        rows[tuple(key)].delays.append(delay)
        total.delays.append(delay)
    ordered = sorted(rows.values(), key=lambda row: (row.year, row.month or 0, row.department, row.label))
    for row in ordered:
        total.received += row.received
        total.answered += row.answered
        total.in_time += row.in_time
        total.pending_not_due += row.pending_not_due
        total.overdue += row.overdue
    if total.delays:
        total.mean_delay = sum(total.delays) / len(total.delays)
    if len({(row.year, row.month) for row in ordered}) == 1:
        total.year, total.month = ordered[0].year, ordered[0].month
    return ordered, total

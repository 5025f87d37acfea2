"""Measurements of sites added up per prefecture or nationally, by the database, in one query.

- a rate is the ratio of the sums (calls lost in the prefecture / calls received in the prefecture), never the
  mean of the sites' rates; when a site typed its rate without its counts, the mean of the rates is the only
  honest figure left, and the row says so (``method = "mean"``);
- a delay, a waiting time, a number of rings is the mean weighted by its effectif (titles, visitors, calls)
  when every row has one, the plain mean otherwise;
- a count (meetings, surveys, visitors) is the sum.
"""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Avg, Count, DecimalField, F, Sum

from indicators.models import Indicator, Measurement

RATIO, WEIGHTED, MEAN, SUM = "ratio", "weighted", "mean", "sum"
METHOD_LABELS = {
    RATIO: "rapport des totaux",
    WEIGHTED: "moyenne pondérée par les effectifs",
    MEAN: "moyenne simple (effectifs non renseignés)",
    SUM: "somme",
}
CENT = Decimal("0.01")
PERCENT = Indicator.Unit.PERCENT
COUNT = Indicator.Unit.COUNT


@dataclass(frozen=True)
class AggregateRow:
    indicator_id: int
    prefecture_id: int | None  # None: national
    period: object
    value: Decimal | None
    numerator: int | None
    denominator: int | None
    places: int  # measurements added up (sites, or prefectures for prefecture-wide indicators)
    method: str

    @property
    def method_label(self):
        return METHOD_LABELS[self.method]


# The additive parts of a group of measurements: what a prefecture's or the nation's figure is made of, summed by
# the database here and in the rollups (indicators.services.rollups), which keep them per prefecture and nationally.
PARTS = {
    "places": Count("pk"),
    "counted": Count("numerator"),
    "weighted": Count("denominator"),
    "sum_numerator": Sum("numerator"),
    "sum_denominator": Sum("denominator"),
    "sum_value": Sum("value"),
    "sum_weighted": Sum(F("value") * F("denominator"), output_field=DecimalField(max_digits=24, decimal_places=2)),
}


def aggregate(measurements, *, per_prefecture=True):
    """[AggregateRow] of a queryset of measurements (already scoped and filtered by the caller), one per
    indicator, month and (with ``per_prefecture``) prefecture; one query, whatever the number of rows."""
    group = ["indicator_id", "period", *(["prefecture_id"] if per_prefecture else [])]
    rows = measurements.order_by().values(*group, "indicator__unit").annotate(**PARTS, mean_value=Avg("value"))
    return figures(rows, group)


def figures(parts, group):
    """[AggregateRow] of ``parts`` (a values() queryset with the names of PARTS, ``mean_value`` and
    ``indicator__unit``), ordered by ``group``: the method and the value of each group, from the sums the database
    gave. Computed here rather than by CASE expressions in the query: building and compiling those cost a dashboard's
    panel more than its query (2 of its 5 ms), for the same double-precision arithmetic."""
    result = []
    for row in parts.order_by(*group):
        method, value = _method_and_value(row)
        counted = method == RATIO
        result.append(
            AggregateRow(
                indicator_id=row["indicator_id"],
                prefecture_id=row.get("prefecture_id"),
                period=row["period"],
                value=None if value is None else Decimal(str(value)).quantize(CENT, rounding=ROUND_HALF_UP),
                numerator=row["sum_numerator"] if counted else None,
                denominator=row["sum_denominator"] if row["weighted"] == row["places"] else None,
                places=row["places"],
                method=method,
            )
        )
    return result


def _method_and_value(row):
    """A rate is the ratio of the sums when every row has its counts, a count the sum, another figure the mean
    weighted by the effectifs when every row has one, else the plain mean: the method and its value (a float, as
    PostgreSQL's double precision gives it; None when a sum is missing or a denominator is nothing)."""
    unit, places = row["indicator__unit"], row["places"]
    if unit == PERCENT and row["counted"] == places:
        numerator = _as_float(row["sum_numerator"])
        return RATIO, None if numerator is None else _divided(100.0 * numerator, row["sum_denominator"])
    if unit == COUNT:
        return SUM, _as_float(row["sum_value"])
    if unit != PERCENT and row["weighted"] == places:
        return WEIGHTED, _divided(_as_float(row["sum_weighted"]), row["sum_denominator"])
    return MEAN, _as_float(row["mean_value"])


def _as_float(value):
    return None if value is None else float(value)


def _divided(numerator, denominator):
    if numerator is None or not denominator:
        return None
    return numerator / float(denominator)


def per_prefecture(measurements):
    return aggregate(measurements, per_prefecture=True)


def national(measurements):
    return aggregate(measurements, per_prefecture=False)


def for_prefecture(prefecture, *, first, last, indicators=None):
    """The aggregates of one prefecture over [first, last] (all its sites and its prefecture-wide rows)."""
    queryset = Measurement.objects.filter(prefecture=prefecture).between(first, last)
    if indicators is not None:
        queryset = queryset.filter(indicator__in=indicators)
    return per_prefecture(queryset)

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

from django.db.models import Avg, Case, Count, DecimalField, F, FloatField, Q, Sum, Value, When
from django.db.models.functions import Cast

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


def _float(expression):
    return Cast(expression, FloatField())


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
    ``indicator__unit``), ordered by ``group``: the method and the value of each group, computed by the database."""
    every_row_counted = Q(counted=F("places"))
    every_row_weighted = Q(weighted=F("places"))
    rows = parts.annotate(
        method=Case(
            When(Q(indicator__unit=PERCENT) & every_row_counted, then=Value(RATIO)),
            When(indicator__unit=COUNT, then=Value(SUM)),
            When(~Q(indicator__unit=PERCENT) & every_row_weighted, then=Value(WEIGHTED)),
            default=Value(MEAN),
        ),
        aggregate_value=Case(
            When(
                Q(indicator__unit=PERCENT) & every_row_counted,
                then=100.0 * _float("sum_numerator") / _float("sum_denominator"),
            ),
            When(indicator__unit=COUNT, then=_float("sum_value")),
            When(
                ~Q(indicator__unit=PERCENT) & every_row_weighted,
                then=_float("sum_weighted") / _float("sum_denominator"),
            ),
            default=_float("mean_value"),
            output_field=FloatField(),
        ),
    ).order_by(*group)
    result = []
    for row in rows:
        value = row["aggregate_value"]
        counted = row["method"] == RATIO
        result.append(
            AggregateRow(
                indicator_id=row["indicator_id"],
                prefecture_id=row.get("prefecture_id"),
                period=row["period"],
                value=None if value is None else Decimal(str(value)).quantize(CENT, rounding=ROUND_HALF_UP),
                numerator=row["sum_numerator"] if counted else None,
                denominator=row["sum_denominator"] if row["weighted"] == row["places"] else None,
                places=row["places"],
                method=row["method"],
            )
        )
    return result


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

"""Indicators of the satisfaction surveys: the satisfaction rate of each dimension per site, and the number of
campaigns of each prefecture over 12 months.

A campaign counts in the month it closes. Individual responses give the counts (answers 3 and 4 among the answers
1 to 4, « sans avis » left out: the rate of surveys.results); a past campaign known only by its rates
(``AggregatedResult``) gives its rate, with its counts when the number of answers is known, a site's services put
together when the site has no row of its own.
"""

from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, Min, Q
from django.db.models.functions import TruncMonth

from indicators import periods

from .base import (
    CENT,
    Computation,
    Row,
    changed_ranges,
    model,
    register,
    rolling_count_computation,
)

ANSWER = "surveys.Answer"
CAMPAIGN = "surveys.Campaign"
RESULT = "surveys.AggregatedResult"
RESPONSE = "surveys.Response"
NOT_DRAFT = [("status", "<>", "draft")]
QUESTION_CODES = ("phone", "accessibility", "conditions", "opening_hours", "signage", "courtesy", "waiting_time")


def _closing(scope):
    return {"campaign__closes_on__gte": scope.first_day, "campaign__closes_on__lte": scope.last_day}


def _aggregated(scope, code):
    """{(prefecture, site, month): (numerator, denominator, value)} of the campaigns known by their rates."""
    rows = scope.restrict(
        model(RESULT).objects.filter(question_code=code, **_closing(scope)), "site__prefecture_id"
    ).values_list("site__prefecture_id", "site_id", "campaign__closes_on", "service_id", "rate", "answers")
    grouped = {}
    for prefecture_id, site_id, closes_on, service_id, rate, answers in rows:
        key = (prefecture_id, site_id, periods.month_start(closes_on))
        grouped.setdefault(key, {"site": [], "services": []})["site" if service_id is None else "services"].append(
            (rate, answers)
        )
    result = {}
    for key, found in grouped.items():
        parts = found["site"] or found["services"]
        if all(answers for _, answers in parts):
            numerator = sum(round(rate * answers / 100) for rate, answers in parts)
            result[key] = (numerator, sum(answers for _, answers in parts), None)
        else:  # rates without their counts: the mean of the rates is all there is
            mean = sum(Decimal(rate) for rate, _ in parts) / len(parts)
            result[key] = (None, None, mean.quantize(CENT, rounding=ROUND_HALF_UP))
    return result


def satisfaction(code):
    def compute(scope):
        answers = scope.restrict(
            model(ANSWER).objects.filter(question_code=code, **_closing(scope)), "site__prefecture_id"
        )
        counted = (
            answers.order_by()
            .annotate(month=TruncMonth("campaign__closes_on"))
            .values("site__prefecture_id", "site_id", "month")
            .annotate(
                denominator=Count("pk", filter=Q(value__isnull=False)), numerator=Count("pk", filter=Q(value__gte=3))
            )
        )
        rows = {
            (row["site__prefecture_id"], row["site_id"], row["month"]): (row["numerator"], row["denominator"], None)
            for row in counted
            if row["denominator"]
        }
        for key, (numerator, denominator, value) in _aggregated(scope, code).items():
            if key in rows and numerator is not None:
                rows[key] = (rows[key][0] + numerator, rows[key][1] + denominator, None)
            elif key not in rows:
                rows[key] = (numerator, denominator, value)
        for (prefecture_id, site_id, month), (numerator, denominator, value) in rows.items():
            yield Row(prefecture_id, site_id, month, numerator, denominator, value)

    def changes(since, today):
        # A changed response, aggregated result or campaign changes the month its campaign closed.
        return [
            change
            for label, prefecture, closes_on in (
                (RESPONSE, "prefecture_id", "campaign__closes_on"),
                (RESULT, "campaign__prefecture_id", "campaign__closes_on"),
                (CAMPAIGN, "prefecture_id", "closes_on"),
            )
            for change in changed_ranges(
                model(label).objects.filter(updated_at__gte=since),
                prefecture=prefecture,
                first=closes_on,
                last=closes_on,
                today=today,
            )
        ]

    return Computation(
        code=f"satisfaction_{code}",
        compute=compute,
        changes=changes,
        first_day=lambda: model(CAMPAIGN).objects.aggregate(first=Min("closes_on"))["first"],
        watches=(RESPONSE, CAMPAIGN, RESULT),
        requires=(ANSWER, CAMPAIGN, RESULT),
    )


for _code in QUESTION_CODES:
    register(satisfaction(_code))


# Per prefecture and month, its campaigns (drafts aside) closed in the 12 months ending with the month; from the
# month its first campaign closed (before it, nothing says it had none).
register(rolling_count_computation("satisfaction_surveys_per_year", CAMPAIGN, "closes_on", conditions=NOT_DRAFT))

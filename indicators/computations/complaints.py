"""Indicators of the complaints register (and of the correspondence, once the complaints app has it)."""

from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, Q, Sum
from django.db.models.functions import TruncMonth

from .base import CENT, Computation, Row, grouped_sql, in_time, model, month_changes, register

COMPLAINT = "complaints.Complaint"
CORRESPONDENCE = "complaints.Correspondence"

register(in_time("complaints_in_time", COMPLAINT))
# Correspondence (docs/domaine.md, § Engagements chiffrés: letters 15 working days, e-mails 5): computed as soon as
# the model exists.
register(in_time("letters_in_time", CORRESPONDENCE, condition=Q(kind="letter")))
register(in_time("emails_in_time", CORRESPONDENCE, condition=Q(kind="email")))


def _answer_delay(scope):
    """Mean delay in working days of the complaints answered, per site and month of receipt, weighted by their
    number (the delay of each answer is stored when it is answered, in its site's calendar)."""
    for row in _delays(scope):
        value = (Decimal(row["total"]) / row["answered"]).quantize(CENT, rounding=ROUND_HALF_UP)
        yield Row(row["prefecture_id"], row["site_id"], row["month"], None, row["answered"], value)


def _answer_delay_sql(scope):
    columns = (
        "q.prefecture_id",
        "q.site_id",
        "q.month::date",
        "NULL::integer",
        "q.answered",
        "round(q.total::numeric / q.answered, 2)",
    )
    return grouped_sql(_delays(scope), columns)


def _delays(scope):
    complaints = scope.restrict(
        model(COMPLAINT).objects.filter(
            received_on__gte=scope.first_day, received_on__lte=scope.last_day, answer_delay__isnull=False
        )
    )
    return (
        complaints.order_by()
        .annotate(month=TruncMonth("received_on"))
        .values("prefecture_id", "site_id", "month")
        .annotate(answered=Count("pk"), total=Sum("answer_delay"))
    )


register(
    Computation(
        code="complaints_answer_delay",
        compute=_answer_delay,
        sql=_answer_delay_sql,
        open_start=True,
        **month_changes(lambda: model(COMPLAINT).objects.all(), "received_on"),
        watches=(COMPLAINT,),
    )
)

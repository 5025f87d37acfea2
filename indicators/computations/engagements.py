"""Indicators of the action plans, the training records and the quality meetings."""

from django.db import connection
from django.db.models import Count, F, Min, Q
from django.db.models.functions import TruncMonth

from .base import (
    Computation,
    Row,
    as_date,
    changed_ranges,
    in_prefectures,
    model,
    month_changes,
    months_table,
    ratio_rows,
    register,
    rolling_count_computation,
)

ACTION = "engagements.Action"
TRAINING = "engagements.Training"
TRAINEE = "engagements.Trainee"
MEETING = "engagements.Meeting"
MEMBERSHIP = "accounts.Membership"
DONE = ("done", "verified")
OPEN = ("todo", "in_progress")
CLU = [("kind", "=", "clu")]


# --- actions done by their due date -------------------------------------------------------------------------


def _actions_counted(scope):
    """Among the actions due in the month (abandoned ones aside), the share done by their due date; open ones past
    due are late, open ones not yet due are left out. Per site; the prefecture-wide actions make a row of their
    prefecture (``site_id`` None)."""
    actions = scope.restrict(
        model(ACTION)
        .objects.exclude(status="abandoned")
        .filter(due_on__gte=scope.first_day, due_on__lte=scope.last_day)
    )
    done = Q(status__in=DONE)
    return (
        actions.order_by()
        .annotate(month=TruncMonth("due_on"))
        .values("prefecture_id", "site_id", "month")
        .annotate(
            denominator=Count("pk", filter=done | Q(status__in=OPEN, due_on__lt=scope.today)),
            numerator=Count("pk", filter=done & Q(completed_on__lte=F("due_on"))),
        )
    )


register(
    Computation(
        code="actions_on_time",
        **ratio_rows(_actions_counted, prefecture="prefecture_id"),
        **month_changes(lambda: model(ACTION).objects.filter(due_on__isnull=False), "due_on"),
        open_start=True,
        watches=(ACTION,),
    )
)


# --- reception agents trained in the last 4 years ------------------------------------------------------------


def _agents(scope):
    """At the end of each month (today for the current one), the share of the site's reception agents (with or
    without an account) whose latest reception training is less than 4 years old: the rule of the training pages
    (engagements.services.trainings.people_to_train: active agent membership on that day and active user, or a
    trainee « agent d'accueil » on the site that day; a reception training between the 4-year cutoff and that
    day), for every month of the scope in one query."""
    sql, params = _agents_counts_sql(scope)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        for prefecture_id, site_id, month, denominator, numerator in cursor.fetchall():
            yield Row(prefecture_id, site_id, as_date(month), numerator, denominator)


def _agents_sql(scope):
    sql, params = _agents_counts_sql(scope)
    return (
        "SELECT q.prefecture_id, q.site_id, q.month::date, q.numerator, q.denominator, NULL::numeric "
        f"FROM ({sql}) q (prefecture_id, site_id, month, denominator, numerator)",
        params,
    )


def _agents_counts_sql(scope):
    """The query of ``_agents``: rows (prefecture, site, month, agents, agents trained). The agents are the users
    with an agent membership and the trainees (people without an account) marked « agent d'accueil » working on
    the site at the month's end (engagements.services.trainings.people_to_train, the same rule)."""
    from engagements.services.trainings import training_cutoff

    membership, training, trainee = model(MEMBERSHIP)._meta, model(TRAINING)._meta, model(TRAINEE)._meta
    user, site = model("accounts.User")._meta, model("sites.Site")._meta
    values, value_params = months_table(scope, training_cutoff)
    only, only_params = in_prefectures(scope, "s.prefecture_id")
    trained = (
        f"CASE WHEN EXISTS (SELECT 1 FROM {training.db_table} t WHERE t.{{column}} = {{person}} "
        f"AND t.reception = %s AND t.trained_on <= m.month_end AND t.trained_on >= m.cutoff) THEN 1 ELSE 0 END"
    )
    sql = (
        f"WITH m (month, month_end, cutoff) AS (VALUES {values}), "
        f"p (prefecture_id, site_id, month, user_id, trainee_id, trained) AS ("
        f"SELECT s.prefecture_id, ms.site_id, m.month, ms.user_id, NULL, "
        f"{trained.format(column='person_id', person='ms.user_id')} "
        f"FROM {membership.db_table} ms JOIN {user.db_table} u ON u.id = ms.user_id "
        f"JOIN {site.db_table} s ON s.id = ms.site_id CROSS JOIN m "
        f"WHERE ms.role = %s AND u.is_active = %s AND ms.valid_from <= m.month_end "
        f"AND (ms.valid_until IS NULL OR ms.valid_until >= m.month_end){only} "
        f"UNION ALL "
        f"SELECT s.prefecture_id, tr.site_id, m.month, NULL, tr.id, "
        f"{trained.format(column='trainee_id', person='tr.id')} "
        f"FROM {trainee.db_table} tr JOIN {site.db_table} s ON s.id = tr.site_id CROSS JOIN m "
        f"WHERE tr.reception_agent = %s AND tr.started_on <= m.month_end "
        f"AND (tr.left_on IS NULL OR tr.left_on >= m.month_end){only}) "
        f"SELECT prefecture_id, site_id, month, COUNT(DISTINCT user_id) + COUNT(DISTINCT trainee_id), "
        f"COUNT(DISTINCT CASE WHEN trained = 1 THEN user_id END) "
        f"+ COUNT(DISTINCT CASE WHEN trained = 1 THEN trainee_id END) "
        f"FROM p GROUP BY prefecture_id, site_id, month"
    )
    return sql, [*value_params, True, "agent", True, *only_params, True, True, *only_params]


def _agents_changes(since, today):
    trainings = changed_ranges(
        model(TRAINING).objects.filter(updated_at__gte=since),
        prefecture="site__prefecture_id",
        first="trained_on",
        today=today,
    )
    memberships = changed_ranges(
        model(MEMBERSHIP).objects.filter(updated_at__gte=since, role="agent", site__isnull=False),
        prefecture="site__prefecture_id",
        first="valid_from",
        today=today,
    )
    trainees = changed_ranges(
        model(TRAINEE).objects.filter(updated_at__gte=since),
        prefecture="site__prefecture_id",
        first="started_on",
        today=today,
    )
    return trainings + memberships + trainees


def _agents_first_day():
    first = model(MEMBERSHIP).objects.filter(role="agent", site__isnull=False).aggregate(first=Min("valid_from"))
    first_trainee = model(TRAINEE).objects.filter(reception_agent=True).aggregate(first=Min("started_on"))
    days = [day for day in (first["first"], first_trainee["first"]) if day is not None]
    return min(days, default=None)


register(
    Computation(
        code="agents_trained_4y",
        compute=_agents,
        sql=_agents_sql,
        changes=_agents_changes,
        first_day=_agents_first_day,
        watches=(TRAINING, MEMBERSHIP, TRAINEE),
    )
)


# --- local users' committees in the last 12 months -------------------------------------------------------------


# Per prefecture and month, the CLU meetings held in the 12 months ending with the month; from the month of the
# prefecture's first CLU recorded in Qualipref (before it, nothing says it had none).
register(
    rolling_count_computation("clu_meetings_per_year", MEETING, "held_on", conditions=CLU, first_of={"kind": "clu"})
)

"""Benchmark: computing the computed indicators for a national dataset (indicators.services.compute).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/qualipref_bench .venv/bin/python bench/indicators_compute.py
    ... bench/indicators_compute.py --prefectures 20 --months 12          # smaller

Builds a throwaway PostgreSQL database (``bench_<name>``, destroyed at the end) holding ``--prefectures`` prefectures
of ``--sites`` sites over ``--months`` months: complaints, letters and e-mails, actions, reception agents with their
trainings, CLU meetings (100 × 5 × 24 by default: about 100,000 complaints, 240,000 letters and e-mails, 14,000
actions, 2,000 agents). Then times, in the same run:
- the baseline: the same aggregates written as raw SQL (GROUP BY site and month, nothing written), what any
  implementation must at least read;
- the full computation (the nightly run): the same aggregates through the registry, compared with the stored
  measurements and written (first run: every measurement is created);
- the same full run again: nothing changed, nothing written (idempotence);
- one month for every site (``compute_indicators --period``), and the incremental run after 50 complaints of the
  month changed (what the task enqueued after a write does).
Prints each time, its ratio to the baseline, whether the full run stays within ``--limit`` times the baseline, and
the peak memory of the process. Exits 1 when the second full run writes anything, or the month takes more than 2 s.
"""

import argparse
import datetime
import os
import random
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qualipref.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.utils import timezone  # noqa: E402

MONTH_LIMIT_SECONDS = 2.0
BATCH = 5000


def _month_starts(today, months):
    from indicators import periods

    last = periods.current(today)
    return periods.months(periods.add_months(last, -(months - 1)), last)


def _fill(*, prefectures, sites_per_prefecture, months, today):
    """The national dataset, with bulk inserts (no history, no signal: only the rows the computations read)."""
    from accounts.models import Membership, Role, User
    from complaints.models import Complaint, Correspondence
    from engagements.models import Action, ActionPlan, Meeting, Training
    from sites.models import Department, Prefecture, Site

    rng = random.Random(2015)
    periods_ = _month_starts(today, months)
    first_day = periods_[0]
    departments = list(Department.objects.order_by("code")[:prefectures])
    Prefecture.objects.bulk_create(Prefecture(department=d, name=f"Préfecture {d.name}") for d in departments)
    prefecture_list = list(Prefecture.objects.order_by("pk"))
    Site.objects.bulk_create(
        Site(prefecture=p, name=f"Site {n} – {p.department_id}", kind="subprefecture")
        for p in prefecture_list
        for n in range(sites_per_prefecture)
    )
    sites = list(Site.objects.order_by("pk"))
    plans = ActionPlan.objects.bulk_create(ActionPlan(prefecture=p, title="Plan d'action") for p in prefecture_list)
    plan_of = {plan.prefecture_id: plan for plan in plans}

    def days_in(period):
        from indicators import periods

        return min((periods.month_end(period) - period).days + 1, (today - period).days + 1)

    def flush(model, rows):
        model.objects.bulk_create(rows, batch_size=BATCH)
        rows.clear()

    complaints, letters, actions = [], [], []
    number = 0
    for site in sites:
        for period in periods_:
            span = days_in(period)
            for _ in range(8):  # complaints per site and month
                number += 1
                received = period + datetime.timedelta(days=rng.randrange(span))
                due = received + datetime.timedelta(days=21)
                answered = received + datetime.timedelta(days=rng.randrange(2, 30)) if rng.random() < 0.9 else None
                answered = answered if answered and answered <= today else None
                complaints.append(
                    Complaint(
                        reference=f"REC-B-{number:08d}",
                        prefecture_id=site.prefecture_id,
                        site=site,
                        channel="box",
                        received_on=received,
                        description="Réclamation de mesure.",
                        due_on=due,
                        status="answered" if answered else "received",
                        answered_on=answered,
                        answered_in_time=None if answered is None else answered <= due,
                        answer_delay=None if answered is None else (answered - received).days * 5 // 7,
                    )
                )
            for index in range(20):  # letters and e-mails per site and month
                kind, delay = ("email", 5) if index % 3 == 0 else ("letter", 15)
                received = period + datetime.timedelta(days=rng.randrange(span))
                due = received + datetime.timedelta(days=delay * 7 // 5 + 1)
                answered = received + datetime.timedelta(days=rng.randrange(1, 25)) if rng.random() < 0.85 else None
                answered = answered if answered and answered <= today else None
                letters.append(
                    Correspondence(
                        kind=kind,
                        prefecture_id=site.prefecture_id,
                        site=site,
                        received_on=received,
                        delay_days=delay,
                        due_on=due,
                        answered_on=answered,
                        answered_in_time=None if answered is None else answered <= due,
                        answer_delay=None if answered is None else (answered - received).days * 5 // 7,
                    )
                )
            for _ in range(1 if rng.random() < 0.85 else 2):  # actions due in the month
                due = period + datetime.timedelta(days=rng.randrange(span))
                done = due < today and rng.random() < 0.8
                completed = due + datetime.timedelta(days=rng.randrange(-20, 15)) if done else None
                actions.append(
                    Action(
                        plan=plan_of[site.prefecture_id],
                        prefecture_id=site.prefecture_id,
                        site=site,
                        title="Action de mesure",
                        due_on=due,
                        status="done" if done else "in_progress",
                        progress=100 if done else 50,
                        completed_on=min(completed, today) if completed else None,
                    )
                )
            if len(complaints) >= BATCH:
                flush(Complaint, complaints)
            if len(letters) >= BATCH:
                flush(Correspondence, letters)
    flush(Complaint, complaints)
    flush(Correspondence, letters)
    flush(Action, actions)
    users = User.objects.bulk_create(
        User(username=f"agent-{site.pk}-{n}", first_name="Agent", last_name=str(n)) for site in sites for n in range(4)
    )
    Membership.objects.bulk_create(
        Membership(user=user, role=Role.AGENT, site=sites[index // 4], valid_from=first_day)
        for index, user in enumerate(users)
    )
    Training.objects.bulk_create(
        Training(
            person=user,
            site=sites[index // 4],
            course="Accueil du public",
            trained_on=first_day - datetime.timedelta(days=rng.randrange(0, 2000)),
        )
        for index, user in enumerate(users)
    )
    Meeting.objects.bulk_create(
        Meeting(prefecture=p, kind="clu", held_on=first_day + datetime.timedelta(days=rng.randrange(0, 30 * months)))
        for p in prefecture_list
    )
    with connection.cursor() as cursor:
        for table in (
            "complaints_complaint",
            "complaints_correspondence",
            "engagements_action",
            "engagements_training",
        ):
            cursor.execute(f"VACUUM ANALYZE {table}")
    return sites


def _raw_sql(first, today):
    """The same aggregates as the computations, as hand-written SQL (read only): the baseline."""
    month = "date_trunc('month', {0})::date"
    in_time = (
        "SELECT site_id, {month} AS month, "
        "count(*) FILTER (WHERE answered_on IS NOT NULL OR due_on < %(today)s), "
        "count(*) FILTER (WHERE answered_on IS NOT NULL AND answered_on <= due_on) "
        "FROM {table} WHERE received_on BETWEEN %(first)s AND %(today)s {condition} GROUP BY 1, 2"
    )
    queries = [
        in_time.format(month=month.format("received_on"), table="complaints_complaint", condition=""),
        in_time.format(
            month=month.format("received_on"), table="complaints_correspondence", condition="AND kind = 'letter'"
        ),
        in_time.format(
            month=month.format("received_on"), table="complaints_correspondence", condition="AND kind = 'email'"
        ),
        "SELECT site_id, {m} AS month, count(*), sum(answer_delay) FROM complaints_complaint "
        "WHERE received_on BETWEEN %(first)s AND %(today)s AND answer_delay IS NOT NULL GROUP BY 1, 2".format(
            m=month.format("received_on")
        ),
        "SELECT prefecture_id, site_id, {m} AS month, "
        "count(*) FILTER (WHERE status IN ('done', 'verified') "
        "  OR (status IN ('todo', 'in_progress') AND due_on < %(today)s)), "
        "count(*) FILTER (WHERE status IN ('done', 'verified') AND completed_on <= due_on) "
        "FROM engagements_action WHERE status <> 'abandoned' AND due_on BETWEEN %(first)s AND %(today)s "
        "GROUP BY 1, 2, 3".format(m=month.format("due_on")),
        # Agents at the end of each month, trained in the 4 years before it.
        # CLU meetings of each prefecture in the 12 months ending with each month.
        "SELECT f.prefecture_id, m.month, count(r.id) FROM (SELECT prefecture_id, min(held_on) AS first "
        "  FROM engagements_meeting WHERE kind = 'clu' GROUP BY 1) f "
        "CROSS JOIN (SELECT d::date AS month, least((d + interval '1 month - 1 day')::date, %(today)s) AS month_end "
        "  FROM generate_series(%(first)s::date, %(today)s::date, interval '1 month') d) m "
        "LEFT JOIN engagements_meeting r ON r.prefecture_id = f.prefecture_id AND r.kind = 'clu' "
        "  AND r.held_on > (date_trunc('month', m.month_end) - interval '11 months' - interval '1 day')::date "
        "  AND r.held_on <= m.month_end "
        "WHERE f.first <= m.month_end GROUP BY 1, 2",
        "SELECT ms.site_id, m.month, count(DISTINCT ms.user_id), count(DISTINCT ms.user_id) FILTER (WHERE EXISTS ("
        "  SELECT 1 FROM engagements_training t WHERE t.person_id = ms.user_id AND t.reception "
        "  AND t.trained_on <= m.month_end AND t.trained_on >= (m.month_end - interval '4 years')::date)) "
        "FROM accounts_membership ms JOIN accounts_user u ON u.id = ms.user_id AND u.is_active "
        "CROSS JOIN (SELECT d::date AS month, least((d + interval '1 month - 1 day')::date, %(today)s) AS month_end "
        "  FROM generate_series(%(first)s::date, %(today)s::date, interval '1 month') d) m "
        "WHERE ms.role = 'agent' AND ms.site_id IS NOT NULL AND ms.valid_from <= m.month_end "
        "AND (ms.valid_until IS NULL OR ms.valid_until >= m.month_end) GROUP BY 1, 2",
    ]
    rows = 0
    with connection.cursor() as cursor:
        for query in queries:
            cursor.execute(query, {"first": first, "today": today})
            rows += len(cursor.fetchall())
    return rows


def _timed(function):
    start = time.perf_counter()
    result = function()
    return time.perf_counter() - start, result


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--prefectures", type=int, default=100)
    parser.add_argument("--sites", type=int, default=5)
    parser.add_argument("--months", type=int, default=24)
    parser.add_argument("--limit", type=float, default=2.0, help="Rapport maximal calcul complet / référence SQL.")
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        print("Ce banc d'essai mesure l'échelle nationale sur PostgreSQL : définissez DATABASE_URL=postgres://…")
        return 2

    name = settings.DATABASES["default"]["NAME"]
    settings.DATABASES["default"].setdefault("TEST", {})["NAME"] = f"bench_{Path(str(name)).stem}"
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    try:
        from accounts.models import Membership
        from complaints.models import Complaint, Correspondence
        from engagements.models import Action, Meeting, Training
        from indicators import signals
        from indicators.models import ComputeRun, Measurement
        from indicators.services import compute

        signals.disconnect()  # the dataset is inserted in bulk; the runs below are what is measured
        today = datetime.date.today()
        months = _month_starts(today, args.months)
        elapsed, sites = _timed(
            lambda: _fill(
                prefectures=args.prefectures, sites_per_prefecture=args.sites, months=args.months, today=today
            )
        )
        print(
            f"Jeu national : {args.prefectures} préfectures × {args.sites} sites × {args.months} mois — "
            f"{Complaint.objects.count()} réclamations, {len(sites) * args.months * 20} courriers et courriels "
            f"(créé en {elapsed:.1f} s)"
        )
        # Warm the caches alike for both sides.
        _raw_sql(months[0], today)
        baseline, raw_rows = _timed(lambda: _raw_sql(months[0], today))
        full, run = _timed(lambda: compute.run_full(today=today))
        again, second = _timed(lambda: compute.run_full(today=today))
        month, one = _timed(lambda: compute.run_period(period=months[-2], today=today))
        # A day of work: everything above was written an hour ago, then 50 complaints of this month change.
        an_hour_ago = timezone.now() - datetime.timedelta(hours=1)
        ComputeRun.objects.update(started_at=an_hour_ago)
        for model in (Complaint, Correspondence, Action, Training, Membership, Meeting):
            model.objects.update(updated_at=an_hour_ago - datetime.timedelta(hours=1))
        touched = list(Complaint.objects.filter(received_on__gte=months[-1]).values_list("pk", flat=True)[:50])
        Complaint.objects.filter(pk__in=touched).update(category="delays", updated_at=timezone.now())
        changes, incremental = _timed(lambda: compute.run_changes(today=today))
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

        print(f"référence SQL brut (agrégats seuls, {raw_rows} lignes)      : {baseline:7.2f} s")
        print(
            f"calcul complet (nocturne), {run.created} mesures créées       : {full:7.2f} s  "
            f"({full / baseline:.1f} × réf.)"
        )
        print(
            f"calcul complet relancé, {second.unchanged} inchangées, 0 écrite : {again:7.2f} s  "
            f"({again / baseline:.1f} × réf.)"
        )
        print(f"un mois, tous les sites ({one.unchanged} mesures)            : {month:7.2f} s")
        print(
            f"incrémental après 50 réclamations du mois modifiées       : {changes:7.2f} s  ({incremental.scope[:60]}…)"
        )
        print(f"mémoire maximale du processus                             : {peak:7.0f} Mio")
        print(f"mesures en base : {Measurement.objects.count()}")
        ratio = again / baseline
        print(
            f"objectif du calcul complet ≤ {args.limit:.0f} × la référence : "
            + ("atteint" if ratio <= args.limit else f"non atteint ({ratio:.1f} ×)")
        )
        failures = []
        if (second.created, second.updated, second.deleted) != (0, 0, 0):
            failures.append("le second calcul a écrit des mesures")
        if month > MONTH_LIMIT_SECONDS:
            failures.append(f"un mois en {month:.2f} s (limite {MONTH_LIMIT_SECONDS:.0f} s)")
        if failures:
            print("ÉCHEC : " + " ; ".join(failures))
            return 1
        print("OK")
        return 0
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    sys.exit(main())

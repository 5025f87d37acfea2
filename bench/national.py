"""Benchmark: the national scale of issue 7 (indicators, dashboards, worker memory), on a generated national dataset.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/qualipref .venv/bin/python bench/national.py            # scale 1
    ... bench/national.py --scale 0.1                      # 10 % of every volume (a few minutes)
    ... bench/national.py --dashboards-on qualipref_national_01   # the dashboards alone, on an existing database
    ... bench/national.py --builds                         # uncached builds in this process, on DATABASE_URL's base

Builds a throwaway PostgreSQL database (``bench_scale_national``, destroyed at the end), fills it with
bench/national_data.py (at scale 1, ~100 prefectures, ~500 sites,
10 years, 20 million footfall slots, 5 million letters and e-mails, 1 million survey answers, 100,000 complaints,
50,000 actions; check ``df -h``: several GB) and prints how long that took. Then measures, in the same run:
- the baseline: the aggregates of the computed indicators written as raw SQL (GROUP BY site and month, nothing
  written), what any implementation must at least read;
- the full computation (nightly): first run (every measurement created), then the recomputation over unchanged
  data (nothing written): time and ratio to the baseline (goal ≤ 2 ×);
- one month for every site (``compute_indicators --period``, goal ≤ 2 s) and the incremental run after 50
  complaints of the month changed;
- the dashboards (national, a prefecture, a site) served by a real gunicorn process (DEBUG off) on a free port,
  logged in with a session, each URL hit ``--requests`` times by each of ``--clients`` (8) threads at once: p50 and
  p95 next to the same for a bare endpoint of the same server (``/healthz``) (goal p95 ≤ 200 ms);
- the peak memory (VmHWM) of a real Celery worker process (``celery -A qualipref worker -P solo``, broker
  ``CELERY_BROKER_URL``, default Redis db 2) running ``compute_all`` over an empty measurement table
  (goal ≤ 300 MiB).
Prints each measure next to its goal; exits 1 when the recomputation writes anything or a goal is missed.
"""

import argparse
import datetime
import os
import signal
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qualipref.settings")
os.environ.setdefault("CELERY_BROKER_URL", "redis://127.0.0.1:6379/2")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.utils import timezone  # noqa: E402

from bench import server  # noqa: E402
from bench.client import Client  # noqa: E402

BENCH_DATABASE = "bench_scale_national"
GOALS = {"ratio": 2.0, "month": 2.0, "p95": 0.200, "memory": 300}
BIN = Path(sys.executable).parent


def _timed(function):
    start = time.perf_counter()
    result = function()
    return time.perf_counter() - start, result


# --- the baseline ------------------------------------------------------------------------------------------------


def _raw_sql(first, today):
    """The aggregates of the computations, as hand-written SQL (read only): the baseline."""
    month = "date_trunc('month', {0})::date"
    in_time = (
        "SELECT site_id, {month} AS month, "
        "count(*) FILTER (WHERE answered_on IS NOT NULL OR due_on < %(today)s), "
        "count(*) FILTER (WHERE answered_on IS NOT NULL AND answered_on <= due_on) "
        "FROM {table} WHERE received_on BETWEEN %(first)s AND %(today)s {condition} GROUP BY 1, 2"
    )
    months = (
        "SELECT d::date AS month, least((d + interval '1 month - 1 day')::date, %(today)s) AS month_end "
        "FROM generate_series(%(first)s::date, %(today)s::date, interval '1 month') d"
    )
    rolling = (
        "SELECT f.prefecture_id, m.month, count(r.id) FROM (SELECT prefecture_id, min({date}) AS first "
        "  FROM {table} WHERE {condition} GROUP BY 1) f CROSS JOIN (" + months + ") m "
        "LEFT JOIN {table} r ON r.prefecture_id = f.prefecture_id AND r.{condition} "
        "  AND r.{date} > (date_trunc('month', m.month_end) - interval '11 months' - interval '1 day')::date "
        "  AND r.{date} <= m.month_end WHERE f.first <= m.month_end GROUP BY 1, 2"
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
        rolling.format(date="held_on", table="engagements_meeting", condition="kind = 'clu'"),
        rolling.format(date="closes_on", table="surveys_campaign", condition="status <> 'draft'"),
        # Agents at the end of each month, trained in the 4 years before it.
        "SELECT ms.site_id, m.month, count(DISTINCT ms.user_id), count(DISTINCT ms.user_id) FILTER (WHERE EXISTS ("
        "  SELECT 1 FROM engagements_training t WHERE t.person_id = ms.user_id AND t.reception "
        "  AND t.trained_on <= m.month_end AND t.trained_on >= (m.month_end - interval '4 years')::date)) "
        "FROM accounts_membership ms JOIN accounts_user u ON u.id = ms.user_id AND u.is_active "
        "CROSS JOIN (" + months + ") m "
        "WHERE ms.role = 'agent' AND ms.site_id IS NOT NULL AND ms.valid_from <= m.month_end "
        "AND (ms.valid_until IS NULL OR ms.valid_until >= m.month_end) GROUP BY 1, 2",
    ]
    # The satisfaction of each question, per site and month of the campaign's closing.
    for code in ("phone", "accessibility", "conditions", "opening_hours", "signage", "courtesy", "waiting_time"):
        queries.append(
            "SELECT a.site_id, {m}, count(a.value), count(*) FILTER (WHERE a.value >= 3) FROM surveys_answer a "
            "JOIN surveys_campaign c ON c.id = a.campaign_id WHERE a.question_code = '{code}' "
            "AND c.closes_on BETWEEN %(first)s AND %(today)s GROUP BY 1, 2".format(
                m=month.format("c.closes_on"), code=code
            )
        )
    rows = 0
    with connection.cursor() as cursor:
        for query in queries:
            cursor.execute(query, {"first": first, "today": today})
            rows += len(cursor.fetchall())
    return rows


# --- servers -----------------------------------------------------------------------------------------------------


def _environment(database_name):
    """The environment of the server and the worker: this process's, on the bench database."""
    url = urlsplit(os.environ["DATABASE_URL"])
    return {
        **os.environ,
        "DATABASE_URL": urlunsplit(url._replace(path=f"/{database_name}")),
        "DJANGO_SETTINGS_MODULE": "qualipref.settings",
    }


def _percentiles(port, cookies, path, *, clients, requests):
    """p50, p95 (seconds) of ``path`` fetched ``requests`` times by each of ``clients`` threads at once."""
    times, errors = [], []
    start = threading.Barrier(clients)

    def hit():
        client = Client(port)
        client.cookies = dict(cookies)
        start.wait()
        for _ in range(requests):
            began = time.perf_counter()
            status, _ = client.request("GET", path)
            times.append(time.perf_counter() - began)
            if status != 200:
                errors.append(status)

    threads = [threading.Thread(target=hit) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        raise RuntimeError(f"{path} : réponses {sorted(set(errors))}")
    cuts = statistics.quantiles(times, n=20)
    return statistics.median(times), cuts[18]


def _dashboards(environment, args):
    from bench import national_data
    from sites.models import Site

    # DB_CONN_MAX_AGE as the production image sets it (Dockerfile): without it each request, /healthz included,
    # opened its own PostgreSQL connection
    server_env = {"DB_CONN_MAX_AGE": "300", **environment, "SECRET_KEY": "bench-national-" + "x" * 40}
    # the static files collected once for every run, as bench/lists.py does (2-3 minutes each time otherwise)
    static_root = ROOT / "var" / "bench_static"
    with server.gunicorn(server_env, workers=args.workers, threads=args.threads, static_root=static_root) as port:
        client = Client(port)
        client.log_in(national_data.ADMIN_USERNAME, national_data.ADMIN_USERNAME)
        site = Site.objects.order_by("pk").first()
        from django.urls import reverse

        urls = [
            ("tableau de bord national", reverse("dashboard")),
            (
                "tableau de bord d'une préfecture",
                reverse("dashboard_prefecture", kwargs={"pk": site.prefecture_id}),
            ),
            ("tableau de bord d'un site", reverse("dashboard_site", kwargs={"pk": site.pk})),
        ]
        for _, path in urls:  # warm every worker's caches alike
            for _ in range(args.workers * args.threads):
                client.request("GET", path)
        results = [("point d'accès nu (/healthz)", _percentiles(port, {}, "/healthz", **_load(args)))]
        for label, path in urls:
            results.append((label, _percentiles(port, client.cookies, path, **_load(args))))
        return results


def _print_dashboards(results, args, heading=""):
    """Prints each dashboard's p50 and p95 next to the bare endpoint's; True when one misses the p95 goal."""
    print(
        f"{args.clients} clients simultanés × {args.requests} requêtes, gunicorn {args.workers} × {args.threads}"
        f"{heading} :"
    )
    bare = results[0][1]
    slow = False
    for label, (p50, p95) in results:
        slow |= label != results[0][0] and p95 > GOALS["p95"]
        print(f"  {label:<36} p50 {p50 * 1000:6.0f} ms  p95 {p95 * 1000:6.0f} ms  ({p95 / bare[1]:.1f} × le point nu)")
    print(f"  objectif p95 ≤ {GOALS['p95'] * 1000:.0f} ms : {_goal(not slow)}")
    sys.stdout.flush()
    return slow


def _dashboards_only(args):
    """The dashboards alone, on an existing national database (bench/national_data.py, then compute_indicators):
    with the dashboards' cache, then without (DASHBOARD_CACHE_SECONDS=0)."""
    print(f"charge de la machine avant : {os.getloadavg()[0]:.2f}")
    slow = False
    for heading, extra in ((", avec le cache", {}), (", sans cache", {"DASHBOARD_CACHE_SECONDS": "0"})):
        results = _dashboards({**_environment(args.dashboards_on), **extra}, args)
        slow |= _print_dashboards(results, args, heading)
    print(f"charge de la machine après : {os.getloadavg()[0]:.2f}")
    return 1 if slow else 0


def _builds(args):
    """The national, a prefecture's and a site's dashboards built without cache in this process, one at a time, on
    the national database of DATABASE_URL (its national administrator reads the prefecture's): median and min of
    ``--requests`` rounds, after 3 warming ones, with the boards of their indicators (read from the rollups) and the
    rendering of each dashboard's HTML (the part of the page kept in the cache), from a dashboard built once; wall
    and CPU time of this process. Run with DEBUG=0 (and a SECRET_KEY): with DEBUG on, templates are read again and
    rendered with debugging."""
    from django.template.loader import render_to_string

    from accounts.models import User
    from bench import national_data
    from indicators.dashboards import national, prefecture, site
    from indicators.services import boards
    from sites.models import Site

    user = User.objects.get(username=national_data.ADMIN_USERNAME)
    first_site = Site.objects.select_related("prefecture__department").order_by("pk").first()
    place = first_site.prefecture
    today = timezone.localdate()
    built = {
        "national": national._build(today),
        "prefecture": prefecture._build(place, user, today),
        "site": site._build(first_site, today),
    }

    def html(template, name):
        return lambda: render_to_string(f"indicators/dashboards/{template}", {"d": built[name]})

    cases = {
        "tableau de bord national": lambda: national._build(today),
        "  rendu de son HTML (national)": html("_national_body.html", "national"),
        "tableau de bord d'une préfecture": lambda: prefecture._build(place, user, today),
        "  dont ses indicateurs clés (national)": lambda: boards.panel(today=today),
        "  dont ses indicateurs clés (préfecture)": lambda: boards.panel(prefecture=place, today=today),
        "  rendu de son HTML (préfecture)": html("_prefecture.html", "prefecture"),
        "tableau de bord d'un site": lambda: site._build(first_site, today),
        "  rendu de son HTML (site)": html("_site.html", "site"),
    }
    print(
        f"Construction sans cache dans le processus, {args.requests} tours, charge {os.getloadavg()[0]:.2f}"
        f"{'' if not settings.DEBUG else ' (DEBUG actif : rendus non représentatifs)'} :"
    )
    times = {label: [] for label in cases}
    cpu = {label: [] for label in cases}  # this process's CPU time: less sensitive than the wall to a busy machine
    for round_ in range(args.requests + 3):
        for label, build in cases.items():
            began = time.process_time()
            elapsed, _ = _timed(build)
            if round_ >= 3:
                times[label].append(elapsed * 1000)
                cpu[label].append((time.process_time() - began) * 1000)
    for label, values in times.items():
        print(
            f"  {label:<42} médiane {statistics.median(values):6.1f} ms  min {min(values):6.1f} ms"
            f"  CPU médiane {statistics.median(cpu[label]):6.1f} ms"
        )
    return 0


def _load(args):
    return {"clients": args.clients, "requests": args.requests}


def _peak_memory(kind, pid):
    """VmHWM / VmRSS of a process, MiB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(kind + ":"):
            return int(line.split()[1]) / 1024
    return 0.0


def _worker_memory(environment):
    """Idle RSS and peak RSS (MiB) of a Celery worker process that ran ``compute_all`` over no measurement."""
    from indicators.models import ComputeRun, Measurement, MeasurementRollup
    from indicators.tasks import compute_all

    with connection.cursor() as cursor:  # not through the ORM: it would fetch 368,000 rows for their signals
        cursor.execute(f"TRUNCATE {Measurement._meta.db_table}, {MeasurementRollup._meta.db_table}")
    command = [str(BIN / "celery"), "-A", "qualipref", "worker", "-P", "solo", "--loglevel", "WARNING"]
    worker = subprocess.Popen(
        command,
        cwd=ROOT,
        env={**environment, "LOG_LEVEL": "WARNING"},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        time.sleep(3)
        idle = _peak_memory("VmRSS", worker.pid)
        before = ComputeRun.objects.filter(kind=ComputeRun.Kind.FULL).count()
        compute_all.delay()

        def finished():
            return ComputeRun.objects.filter(kind=ComputeRun.Kind.FULL, finished_at__isnull=False).count() > before

        server.wait_for(finished, 3600, "compute_all")
        run = ComputeRun.objects.filter(kind=ComputeRun.Kind.FULL).order_by("-started_at").first()
        return idle, _peak_memory("VmHWM", worker.pid), run
    finally:
        worker.send_signal(signal.SIGTERM)
        worker.wait(timeout=60)


# --- the run -------------------------------------------------------------------------------------------------------


def _goal(ok):
    return "objectif atteint" if ok else "OBJECTIF NON ATTEINT"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0, help="Part des volumes de l'échelle 1.")
    parser.add_argument("--years", type=int, default=10)
    parser.add_argument("--seed", type=int, default=2015)
    parser.add_argument("--clients", type=int, default=8, help="Clients simultanés des tableaux de bord.")
    parser.add_argument("--requests", type=int, default=25, help="Requêtes par client et par adresse.")
    # As the production image runs it (Dockerfile: WEB_CONCURRENCY=3 sync workers).
    parser.add_argument("--workers", type=int, default=3, help="Processus gunicorn.")
    parser.add_argument("--threads", type=int, default=1, help="Fils par processus gunicorn.")
    parser.add_argument(
        "--dashboards-on", metavar="BASE", help="Seulement les tableaux de bord, sur cette base nationale existante."
    )
    parser.add_argument(
        "--builds",
        action="store_true",
        help="Seulement la construction des tableaux de bord sans cache, sur cette base.",
    )
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        print("Ce banc d'essai mesure l'échelle nationale sur PostgreSQL : définissez DATABASE_URL=postgres://…")
        return 2
    if args.dashboards_on:
        return _dashboards_only(args)
    if args.builds:
        return _builds(args)

    settings.DATABASES["default"].setdefault("TEST", {})["NAME"] = BENCH_DATABASE
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    try:
        from bench import national_data
        from complaints.models import Complaint
        from indicators import periods, signals
        from indicators.models import ComputeRun, Measurement
        from indicators.services import compute

        signals.disconnect()  # the dataset is inserted in bulk; the runs below are what is measured
        today = timezone.localdate()
        elapsed, totals = _timed(
            lambda: national_data.generate(scale=args.scale, years=args.years, seed=args.seed, progress=print)
        )
        rows = sum(count for name, count in totals.items() if name != "calendrier")
        print(f"Jeu national (échelle {args.scale:g}, {args.years} ans) : {rows:,} lignes générées en {elapsed:.0f} s")
        with connection.cursor() as cursor:
            for table in national_data.TABLES_ANALYZED:
                cursor.execute(f"VACUUM ANALYZE {table}")  # both sides read the same visibility maps

        first = periods.add_months(periods.current(today), -(12 * args.years - 1))
        _raw_sql(first, today)  # warm the caches alike for both sides
        baseline, raw_rows = _timed(lambda: _raw_sql(first, today))
        full, run = _timed(lambda: compute.run_full(today=today))
        again, second = _timed(lambda: compute.run_full(today=today))
        month_start = periods.add_months(periods.current(today), -1)
        month, one = _timed(lambda: compute.run_period(period=month_start, today=today))
        # Later on: the runs above are older than the watermark's margin, then 50 complaints of this month change.
        later = timezone.now() + compute.WATERMARK_MARGIN
        ComputeRun.objects.update(started_at=later, finished_at=later)
        touched = list(
            Complaint.objects.filter(received_on__gte=periods.current(today)).values_list("pk", flat=True)[:50]
        )
        Complaint.objects.filter(pk__in=touched).update(
            category="delays", updated_at=later + datetime.timedelta(minutes=1)
        )
        changes, incremental = _timed(lambda: compute.run_changes(today=today))
        measurements = Measurement.objects.count()

        print()
        print(f"référence SQL brut (agrégats seuls, {raw_rows} lignes)         : {baseline:7.2f} s")
        print(f"calcul complet, {run.created} mesures créées                 : {full:7.2f} s  ", end="")
        print(f"({full / baseline:.2f} × réf.)")
        ratio = again / baseline
        written = second.created + second.updated + second.deleted
        print(
            f"recalcul complet, {second.unchanged} inchangées, {written} écrite(s) : {again:7.2f} s  "
            f"({ratio:.2f} × réf. ; objectif ≤ {GOALS['ratio']:.0f} × : {_goal(ratio <= GOALS['ratio'])})"
        )
        print(
            f"un mois, tous les sites ({one.unchanged + one.created + one.updated} mesures)          : {month:7.2f} s  "
            f"(objectif ≤ {GOALS['month']:.0f} s : {_goal(month <= GOALS['month'])})"
        )
        print(f"incrémental après {len(touched)} réclamations du mois modifiées  : {changes:7.2f} s  ", end="")
        print(f"({incremental.scope[:50]}…)")
        print(f"mesures en base : {measurements}")
        sys.stdout.flush()

        environment = _environment(connection.settings_dict["NAME"])
        results = _dashboards(environment, args)
        print()
        slow = _print_dashboards(results, args)

        idle, peak, worker_run = _worker_memory(environment)
        print()
        print(
            f"worker Celery (compute_all, {worker_run.created} mesures créées, état {worker_run.state}) : "
            f"au repos {idle:.0f} Mio, pic {peak:.0f} Mio "
            f"(objectif ≤ {GOALS['memory']} Mio : {_goal(peak <= GOALS['memory'])})"
        )

        failures = []
        if written:
            failures.append("le recalcul a écrit des mesures")
        if ratio > GOALS["ratio"]:
            failures.append(f"recalcul {ratio:.1f} × la référence")
        if month > GOALS["month"]:
            failures.append(f"un mois en {month:.2f} s")
        if slow:
            failures.append("p95 des tableaux de bord")
        if peak > GOALS["memory"]:
            failures.append(f"worker {peak:.0f} Mio")
        if failures:
            print("ÉCHEC : " + " ; ".join(failures))
            return 1
        print("OK")
        return 0
    finally:
        connection.close()
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    sys.exit(main())

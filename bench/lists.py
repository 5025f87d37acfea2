"""Benchmark: every list of the API and the HTML list pages of the same registers, against their raw-SQL floor
(issue 14), on one or more generated national databases.

    .venv/bin/python bench/lists.py postgres://postgres@127.0.0.1:5432/qualipref_national_01 \
        [postgres://postgres@127.0.0.1:5432/qualipref_national_1] [--seconds 1] [--rounds 2]

The scale is a property of the database: make each with ``bench/national_data.py --scale 0.1`` (or ``--scale 1``,
~10 minutes) in an empty migrated database. For each database, in a child process of its own:
- a national administrator (``national_data.ADMIN_USERNAME``) and a prefecture quality manager (``qm-bench``, on
  the first prefecture, created when missing) are given a session;
- each list is requested once in-process (Django's test client): its SQL queries are counted, and its page's
  queryset gives the floor: one SQL query for the same rows (the table's own columns) in the same order, with the
  same offset, checked to return the same ids as the page;
- a gunicorn of ``--workers`` (3) sync workers, DEBUG=0, DB_CONN_MAX_AGE=300, serves the application and, through
  bench/settings.py (a URLconf mounted only here), ``bench-floor/<name>/``: the floor's SQL executed and its rows
  serialised with ``json.dumps``;
- ``wrk -t2 -c8`` loads each list for ``--seconds`` then its floor, in ``--rounds`` rounds (the floor first in
  every other round): requests per second over all rounds, p50 and p99 the median of the rounds'.
Prints per list: rows in the user's scope, rps, p50, p99, queries, the floor's rps and the ratio (goal ≥ 0.6), and
the deep page: page 1,000 of the correspondences against page 1, as a client following ``next`` reaches it (the
``after`` cursor of page 999's ``next``, read in-process: goal p50 ≤ 1.5 ×) and by its number (``?page=1000``:
OFFSET and COUNT(*), for information). With two databases or more, then the throughput of each list on each
database against the first (goal: within 1.3 ×).
Exits 1 when a goal is missed. The command and the last figures: README.md; the other benchmarks:
docs/architecture.md, § Mesures de volumétrie.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

GOALS = {"floor": 0.6, "deep": 1.5, "scale": 1.3}
SECRET_KEY = "bench-lists-" + "x" * 50
PAGE_SIZE = 50
DEEP_PAGE = 1000
# Page DEEP_PAGE of the correspondences by its number, and by cursor (qualipref.pagination.NewestFirstPagination).
DEEP_BY_NUMBER = f"correspondences?page={DEEP_PAGE}"
DEEP_BY_CURSOR = f"correspondences?after=page{DEEP_PAGE}"
QUALITY_MANAGER = "qm-bench"
# The registers: measured for the national administrator and for a prefecture's quality manager.
REGISTERS = ["actions", "complaints", "correspondences", "measurements", "audits", "findings"]
# The other list endpoints of docs/api.md, § Ressources (national administrator).
OTHER_LISTS = [
    "departments",
    "prefectures",
    "sites",
    "memberships",
    "referentials",
    "modules",
    "engagements",
    "labellings",
    "action-plans",
    "meetings",
    "trainings",
    "assessments",
    "good-practices",
    "questionnaires",
    "surveys",
    "indicators",
    "notifications",
    "auth/tokens",
]
# The HTML list pages (URL names) of the registers, then of the other lists.
REGISTER_PAGES = ["action_list", "complaint_list", "correspondence_list", "audit_list"]
OTHER_PAGES = [
    "action_plan_list",
    "meeting_list",
    "training_list",
    "good_practice_list",
    "prefecture_list",
    "site_list",
    "campaign_list",
    "membership_list",
    "notification_list",
]
# wrk prints its summary as one JSON line (latencies in microseconds).
WRK_REPORT = """
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    '{"requests": %d, "duration_us": %d, "errors": %d, "bad_status": %d, "p50_us": %d, "p99_us": %d, "max_us": %d}\\n',
    summary.requests, summary.duration, e.connect + e.read + e.write + e.timeout, e.status,
    latency:percentile(50), latency:percentile(99), latency.max))
end
"""


@dataclass
class Target:
    """One list, as one user sees it: ``path`` on the server, ``floor`` the name of its floor's route."""

    name: str
    user: str
    path: str
    api: bool
    rows: int | None = None
    queries: int | None = None
    floor_sql: str = ""

    @property
    def slug(self):
        kind = "api" if self.api else "html"
        return "-".join([kind, self.name.replace("/", "-").replace("?", "-").replace("=", "-"), self.user])


# --- pure logic (tests/test_bench_lists.py) ----------------------------------------------------------------------


def parse_wrk(output):
    """The JSON line written by WRK_REPORT in wrk's output, as a dict."""
    for line in reversed(output.splitlines()):
        if line.startswith("{"):
            return json.loads(line)
    raise ValueError(f"pas de résumé dans la sortie de wrk : {output[-500:]!r}")


def summarise(rounds):
    """rps over all ``rounds`` (wrk summaries), p50 and p99 (seconds): the median of the rounds'."""
    requests = sum(r["requests"] for r in rounds)
    seconds = sum(r["duration_us"] for r in rounds) / 1e6
    return {
        "rps": requests / seconds if seconds else 0.0,
        "p50": statistics.median(r["p50_us"] for r in rounds) / 1e6,
        "p99": statistics.median(r["p99_us"] for r in rounds) / 1e6,
        "requests": requests,
        "errors": sum(r["errors"] + r["bad_status"] for r in rounds),
    }


def ratio(result):
    """The list's throughput over its floor's (None without a measured floor)."""
    return result["rps"] / result["floor_rps"] if result["floor_rps"] else None


def deep_page_ratio(results, name=DEEP_BY_CURSOR):
    """p50 of page DEEP_PAGE of the correspondences (``name``: DEEP_BY_CURSOR or DEEP_BY_NUMBER) over that of page 1
    (national), or None without both."""
    by_name = {(r["name"], r["user"], r["api"]): r for r in results}
    first = by_name.get(("correspondences", "national", True))
    deep = by_name.get((name, "national", True))
    if not first or not deep or not first["p50"]:
        return None
    return deep["p50"] / first["p50"]


def scale_ratios(reference, other):
    """{(api, name, user): rps on ``reference`` / rps on ``other``} for the lists measured on both."""
    mine = {(r["api"], r["name"], r["user"]): r["rps"] for r in other}
    return {
        (r["api"], r["name"], r["user"]): r["rps"] / mine[(r["api"], r["name"], r["user"])]
        for r in reference
        if mine.get((r["api"], r["name"], r["user"]))
    }


def _times(share):
    return "—  " if share is None else f"{share:.2f} ×"


def _number(count):
    return f"{count:,}".replace(",", " ")


def table(run):
    """The lines printed for one database's ``run`` (dict: database, sizes, results), and its missed goals."""
    sizes = ", ".join(f"{name} {_number(count)}" for name, count in run["sizes"].items())
    lines = [f"Base {run['database']} : {sizes}"]
    lines.append(
        f"{'liste':<34} {'utilisateur':<11} {'lignes':>8} {'rps':>7} {'p50 ms':>7} {'p99 ms':>7} {'req.':>5} "
        f"{'plancher':>8} {'ratio':>6}"
    )
    missed = []
    for result in run["results"]:
        label = ("API " if result["api"] else "page ") + result["name"]
        share = ratio(result)
        rows = "—" if result["rows"] is None else _number(result["rows"])
        low = share is None or share < GOALS["floor"]
        if low:
            missed.append(f"{label} ({result['user']}) {_times(share)} le plancher")
        lines.append(
            f"{label:<34} {result['user']:<11} {rows:>8} {result['rps']:7.1f} {result['p50'] * 1000:7.0f} "
            f"{result['p99'] * 1000:7.0f} {result['queries']:>5} {result['floor_rps']:8.1f} {_times(share)[:-2]:>6}"
            + (" *" if low else "")
        )
    lines.append(f"* : sous l'objectif de {GOALS['floor']} × le plancher")
    deep = deep_page_ratio(run["results"], DEEP_BY_CURSOR)
    if deep is not None:
        ok = deep <= GOALS["deep"]
        lines.append(
            f"page {DEEP_PAGE} des courriers par « next » (API, national) : p50 {deep:.2f} × celui de la page 1 "
            f"(objectif ≤ {GOALS['deep']} ×{'' if ok else ' : NON ATTEINT'})"
        )
        if not ok:
            missed.append(f"page {DEEP_PAGE} des courriers {deep:.2f} × la page 1")
    by_number = deep_page_ratio(run["results"], DEEP_BY_NUMBER)
    if by_number is not None:
        lines.append(
            f"page {DEEP_PAGE} des courriers par son numéro (API, national) : p50 {by_number:.2f} × celui de la page 1 "
            "(OFFSET et COUNT(*) ; pour information)"
        )
    return lines, missed


def scale_table(runs):
    """The lines comparing each database's throughput with the first's, and the missed goals."""
    lines, missed = [], []
    reference = runs[0]
    for other in runs[1:]:
        lines.append(
            f"Débit sur {reference['database']} / débit sur {other['database']} (objectif ≤ {GOALS['scale']}) :"
        )
        for (api, name, user), share in scale_ratios(reference["results"], other["results"]).items():
            label = ("API " if api else "page ") + name
            low = share > GOALS["scale"]
            if low:
                missed.append(f"{label} ({user}) {share:.2f} × plus lent sur {other['database']}")
            lines.append(f"  {label:<34} {user:<11} {share:6.2f}" + (" *" if low else ""))
    return lines, missed


# --- one database, in its own process ----------------------------------------------------------------------------


def _setup(database_url):
    os.environ.update(
        {
            "DATABASE_URL": database_url,
            "DJANGO_SETTINGS_MODULE": "qualipref.settings",
            "SECRET_KEY": SECRET_KEY,
            "DEBUG": "0",
            "ALLOWED_HOSTS": "testserver",
            "DB_CONN_MAX_AGE": "300",
            "STATIC_ROOT": str(ROOT / "var" / "bench_static"),
        }
    )
    import django
    from django.conf import settings

    django.setup()
    # In this process, pages are rendered without the collected static files' manifest.
    settings.STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
    from django.test.utils import setup_test_environment

    setup_test_environment()  # the test client's response.context


def _users():
    """{label: user}: the national administrator and a quality manager of the first prefecture (created if need
    be, in the benchmark's database)."""
    from accounts.models import Membership, User
    from bench import national_data
    from sites.models import Prefecture

    manager, _ = User.objects.get_or_create(username=QUALITY_MANAGER, defaults={"first_name": "Qualité"})
    if not manager.memberships.filter(role="quality_manager").exists():
        Membership.objects.create(
            user=manager, role="quality_manager", prefecture=Prefecture.objects.order_by("pk").first()
        )
    return {"national": User.objects.get(username=national_data.ADMIN_USERNAME), "prefecture": manager}


def _targets(clients):
    from django.urls import reverse

    targets = []
    for user in ("national", "prefecture"):
        targets += [Target(name, user, f"/api/v1/{name}/", True) for name in REGISTERS]
        targets += [Target(name, user, reverse(name), False) for name in REGISTER_PAGES]
    targets += [Target(name, "national", f"/api/v1/{name}/", True) for name in OTHER_LISTS]
    targets += [Target(name, "national", reverse(name), False) for name in OTHER_PAGES]
    targets.append(Target(DEEP_BY_NUMBER, "national", f"/api/v1/{DEEP_BY_NUMBER.replace('?', '/?')}", True))
    targets.append(Target(DEEP_BY_CURSOR, "national", _deep_cursor(clients["national"]), True))
    return targets


def _deep_cursor(client):
    """The path of page DEEP_PAGE of the correspondences as ``next`` leads to it: page DEEP_PAGE - 1's ``next``
    (its cursor is the position of row (DEEP_PAGE - 1) × PAGE_SIZE, made for this user and no filter)."""
    response = client.get(f"/api/v1/correspondences/?page={DEEP_PAGE - 1}", secure=True)
    if response.status_code != 200 or not response.json()["next"]:
        raise RuntimeError(f"pas de page {DEEP_PAGE} des courriers (réponse {response.status_code})")
    url = urlsplit(response.json()["next"])
    return f"{url.path}?{url.query}"


def _page_queryset(response, api):
    """(queryset, offset, rows in scope or None) of the page the list view paginated."""
    from django.core.paginator import Page

    if api:
        view = response.renderer_context["view"]
        paginator = view.paginator
        if hasattr(paginator, "ordering"):  # cursor pagination: the first page, no count
            return view.filter_queryset(view.get_queryset()).order_by(*paginator.ordering), 0, None
        if getattr(paginator, "after", None) is not None:  # keyset page (NewestFirstPagination): the rows after
            return paginator.rows_after(view.filter_queryset(view.get_queryset()), paginator.after), 0, paginator.count
        page = paginator.page
    else:
        contexts = response.context if isinstance(response.context, list) else [response.context]
        page = next(value for context in contexts for value in context.flatten().values() if isinstance(value, Page))
    return page.paginator.object_list, page.start_index() - 1 if page.paginator.count else 0, page.paginator.count


def _probe(target, client):
    """In-process: the target's queries, rows in scope and floor SQL (checked against the page's ids)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    accept = "application/json" if target.api else "text/html"
    with CaptureQueriesContext(connection) as queries:
        response = client.get(target.path, secure=True, headers={"accept": accept})
    if response.status_code != 200:
        raise RuntimeError(f"{target.path} ({target.user}) : réponse {response.status_code}")
    target.queries = len(queries)
    queryset, offset, target.rows = _page_queryset(response, target.api)
    fields = queryset.model._meta.concrete_fields
    pk = fields.index(queryset.model._meta.pk)
    floor = queryset.values_list(*[field.attname for field in fields])[offset : offset + PAGE_SIZE]
    sql, params = floor.query.sql_with_params()
    with connection.cursor() as cursor:
        target.floor_sql = cursor.cursor.mogrify(sql, params).decode()
        cursor.execute(target.floor_sql)
        floor_ids = [row[pk] for row in cursor.fetchall()]
    if target.api:
        data = response.json()
        key = "id" if "id" in fields_of(data) else queryset.model._meta.pk.name  # departments: their code
        page_ids = [item[key] for item in data.get("results", data)]
    else:
        page_ids = floor_ids  # the page's rows are the slice of that same queryset
    if page_ids != floor_ids:
        raise RuntimeError(f"{target.path} ({target.user}) : le plancher ne rend pas les lignes de la page")


def fields_of(data):
    """The fields of the first item of an API list's answer (none when empty)."""
    items = data.get("results", data) if isinstance(data, dict) else data
    return set(items[0]) if items else set()


def _wrk(port, path, cookies, args, accept):
    script = Path(args.workdir) / "report.lua"
    command = [
        "wrk",
        f"-t{args.threads}",
        f"-c{args.connections}",
        f"-d{args.seconds}s",
        "--timeout",
        "30s",
        "-s",
        str(script),
        "-H",
        "X-Forwarded-Proto: https",
        "-H",
        f"Accept: {accept}",
        "-H",
        "Cookie: " + "; ".join(f"{key}={value}" for key, value in cookies.items()),
        f"http://127.0.0.1:{port}{path}",
    ]
    report = parse_wrk(subprocess.run(command, check=True, capture_output=True, text=True).stdout)
    # The requests wrk left in flight are still served: wait for them, lest they slow the next load.
    time.sleep(min(report["max_us"] / 1e6, 30))
    return report


def _sizes():
    from django.db import connection

    tables = {
        "courriers": "complaints_correspondence",
        "réclamations": "complaints_complaint",
        "actions": "engagements_action",
        "mesures": "indicators_measurement",
        "audits": "audits_audit",
        "constats": "audits_finding",
    }
    with connection.cursor() as cursor:
        sizes = {}
        for label, name in tables.items():
            cursor.execute(f"SELECT count(*) FROM {name}")
            sizes[label] = cursor.fetchone()[0]
    return sizes


def measure(database_url, args):
    """One database's run: {database, sizes, results}."""
    _setup(database_url)
    from django.db import connection
    from django.test import Client as TestClient

    from bench import server
    from bench.client import Client

    clients, cookies = {}, {}
    for label, user in _users().items():
        clients[label] = TestClient()
        clients[label].force_login(user)
        cookies[label] = {"sessionid": clients[label].cookies["sessionid"].value}
    targets = _targets(clients)
    if args.only:
        targets = [t for t in targets if any(word in t.slug for word in args.only)]
    for target in targets:
        _probe(target, clients[target.user])
    sizes = _sizes()
    connection.close()

    floors = Path(args.workdir) / "floors.json"
    floors.write_text(json.dumps({t.slug: t.floor_sql for t in targets}))
    (Path(args.workdir) / "report.lua").write_text(WRK_REPORT)
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "BENCH_FLOORS": str(floors),
    }
    rounds = {t.slug: {"list": [], "floor": []} for t in targets}
    static_root = ROOT / "var" / "bench_static"
    with server.gunicorn(environment, workers=args.workers, secret_key=SECRET_KEY, static_root=static_root) as port:
        for target in targets:  # every worker once on each list and floor, and every page checked
            accept = "application/json" if target.api else "text/html"
            for path in (target.path, f"/bench-floor/{target.slug}/"):
                for _ in range(args.workers):
                    client = Client(port)
                    client.cookies = dict(cookies[target.user])
                    status, _ = client.request("GET", path, headers={"Accept": accept})
                    if status != 200:
                        raise RuntimeError(f"{path} ({target.user}) : réponse {status} du serveur")
        for number in range(args.rounds):
            for target in targets:
                accept = "application/json" if target.api else "text/html"
                sides = [("list", target.path), ("floor", f"/bench-floor/{target.slug}/")]
                for side, path in sides if number % 2 == 0 else reversed(sides):
                    rounds[target.slug][side].append(_wrk(port, path, cookies[target.user], args, accept))
            print(f"  tour {number + 1}/{args.rounds} fait", file=sys.stderr, flush=True)
    results = []
    for target in targets:
        mine, floor = summarise(rounds[target.slug]["list"]), summarise(rounds[target.slug]["floor"])
        if mine["errors"] or floor["errors"]:
            raise RuntimeError(f"{target.path} ({target.user}) : erreurs sous charge")
        results.append(
            {
                **{key: value for key, value in asdict(target).items() if key != "floor_sql"},
                **mine,
                "floor_rps": floor["rps"],
                "floor_p50": floor["p50"],
                "floor_p99": floor["p99"],
            }
        )
    return {"database": urlsplit(database_url).path.lstrip("/"), "sizes": sizes, "results": results}


# --- the run ------------------------------------------------------------------------------------------------------


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("databases", nargs="+", help="URL de chaque base nationale générée (postgres://…).")
    parser.add_argument("--seconds", type=int, default=2, help="Durée de chaque charge wrk (liste ou plancher).")
    parser.add_argument("--rounds", type=int, default=2, help="Tours alternant listes et planchers.")
    parser.add_argument("--threads", type=int, default=2, help="Fils de wrk.")
    parser.add_argument("--connections", type=int, default=8, help="Connexions simultanées de wrk.")
    # As the production image runs it (Dockerfile: WEB_CONCURRENCY=3 sync workers).
    parser.add_argument("--workers", type=int, default=3, help="Processus gunicorn (sync).")
    parser.add_argument("--only", nargs="*", help="Seulement les listes dont le nom contient l'un de ces mots.")
    parser.add_argument("--json", help=argparse.SUPPRESS)  # a child: measures databases[0] into this file
    parser.add_argument("--workdir", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.json:
        Path(args.json).write_text(json.dumps(measure(args.databases[0], args)))
        return 0

    runs = []
    with tempfile.TemporaryDirectory(prefix="bench_lists_") as workdir:
        for number, url in enumerate(args.databases):
            output = Path(workdir) / f"run{number}.json"
            child = [*(argv if argv is not None else sys.argv[1:])]
            # the database first: after --only (nargs="*") it would be read as one more name
            child = [url, *(a for a in child if a not in args.databases), "--json", str(output), "--workdir", workdir]
            subprocess.run([sys.executable, __file__, *child], check=True, cwd=ROOT)
            runs.append(json.loads(output.read_text()))
    missed = []
    for run in runs:
        lines, missing = table(run)
        missed += missing
        print("\n".join(lines) + "\n")
    if len(runs) > 1:
        lines, missing = scale_table(runs)
        missed += missing
        print("\n".join(lines) + "\n")
    print(
        f"wrk -t{args.threads} -c{args.connections}, {args.rounds} tours de {args.seconds} s, gunicorn {args.workers}"
    )
    if missed:
        print(f"{len(missed)} objectif(s) non atteint(s) : " + " ; ".join(missed))
        return 1
    print("OK")
    return 0


if __name__ == "__main__":
    sys.exit(main())

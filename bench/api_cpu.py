"""CPU time of the API's list endpoints, in-process (issue 14): what a request costs the web worker, without the
network nor the other sessions' load (time.process_time counts this process's CPU only).

    .venv/bin/python bench/api_cpu.py postgres://postgres@127.0.0.1:5432/qualipref_national_01 \
        [--requests 50] [--only audits,findings] [--users national,prefecture] [--dump DIR] [--profile NAME]

Each list is requested by DRF's APIClient with an API token (``Authorization: Token``), DEBUG=0, as the national
administrator (``national-bench`` of bench/national_data.py, else ``national`` of the demo) and as a prefecture's
quality manager (``qm-bench``, created on the first prefecture when missing, as bench/lists.py does). Prints per
list and user: CPU ms per request (median of ``--rounds`` runs of ``--requests``), wall ms, and the queries.
``--dump DIR`` writes each list's JSON (to diff two branches); ``--profile NAME`` prints the profile of
that list's requests (cProfile).
"""

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

LISTS = [
    "notifications",
    "actions",
    "complaints",
    "correspondences",
    "measurements",
    "audits",
    "findings",
    "sites",
    "meetings",
    "trainings",
    "surveys",
]


def _setup(database_url):
    os.environ.update(
        {
            "DATABASE_URL": database_url,
            "DJANGO_SETTINGS_MODULE": "qualipref.settings",
            "SECRET_KEY": "bench-api-cpu-" + "x" * 50,
            "DEBUG": "0",
            "ALLOWED_HOSTS": "testserver",
            "DB_CONN_MAX_AGE": "300",
        }
    )
    import django

    django.setup()


def _users(names):
    from accounts.models import Membership, User
    from sites.models import Prefecture

    users = {}
    if "national" in names:
        users["national"] = User.objects.filter(username__in=["national-bench", "national"]).order_by("-username")[0]
    if "prefecture" in names:
        manager, _ = User.objects.get_or_create(username="qm-bench", defaults={"first_name": "Qualité"})
        if not manager.memberships.filter(role="quality_manager").exists():
            Membership.objects.create(
                user=manager, role="quality_manager", prefecture=Prefecture.objects.order_by("pk").first()
            )
        users["prefecture"] = manager
    return users


def _client(user):
    from rest_framework.test import APIClient

    from accounts.tokens import token_create

    token, raw = token_create(user=user, client=f"bench-api-cpu-{os.getpid()}")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {raw}")
    client.token = token  # deleted at the end of the run
    return client


def _queries(client, path):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(path, secure=True)  # what is read once per client (the token's last use, written every 5 minutes)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path, secure=True)
    if response.status_code != 200:
        raise RuntimeError(f"{path}: {response.status_code} {response.content[:300]!r}")
    return len(captured), response


def measure(client, path, requests, rounds):
    """(CPU ms, wall ms) per request: the median of ``rounds`` runs of ``requests``."""
    cpu, wall = [], []
    for _ in range(rounds):
        c0, w0 = time.process_time(), time.perf_counter()
        for _ in range(requests):
            client.get(path, secure=True)
        cpu.append((time.process_time() - c0) * 1000 / requests)
        wall.append((time.perf_counter() - w0) * 1000 / requests)
    return statistics.median(cpu), statistics.median(wall)


def _profile(client, path, requests):
    """cProfile of ``requests`` requests: the functions by own time, then by cumulated time."""
    import cProfile
    import pstats

    profiler = cProfile.Profile()
    profiler.runcall(measure, client, path, requests, 1)
    stats = pstats.Stats(profiler).strip_dirs()
    stats.sort_stats("tottime").print_stats(35)
    stats.sort_stats("cumulative").print_stats(90)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("database_url")
    parser.add_argument("--requests", type=int, default=50)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--only", default=",".join(LISTS))
    parser.add_argument("--users", default="national,prefecture")
    parser.add_argument("--dump", type=Path)
    parser.add_argument("--profile")
    args = parser.parse_args(argv)
    _setup(args.database_url)
    users = _users(args.users.split(","))
    print(f"{'liste':<18} {'utilisateur':<11} {'CPU ms':>7} {'mur ms':>7} {'req.':>5} {'lignes':>7}")
    for label, user in users.items():
        client = _client(user)
        for name in args.only.split(","):
            path = f"/api/v1/{name}/"
            queries, response = _queries(client, path)
            data = response.json()
            if args.dump:
                args.dump.mkdir(parents=True, exist_ok=True)
                (args.dump / f"{name}-{label}.json").write_text(json.dumps(data, indent=1, ensure_ascii=False))
            rows = len(data["results"]) if isinstance(data, dict) and "results" in data else len(data)
            if args.profile == name:
                _profile(client, path, args.requests)
            cpu, wall = measure(client, path, args.requests, args.rounds)
            print(f"{name:<18} {label:<11} {cpu:7.2f} {wall:7.2f} {queries:>5} {rows:>7}", flush=True)
        client.token.delete()


if __name__ == "__main__":
    main()

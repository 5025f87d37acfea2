"""The fixed cost of a request, in process (issue 14): what the web worker spends on a page or an API list that
shows almost nothing (session, user, memberships, middleware, context processors, the layout, DRF).

    cd <checkout> && DATABASE_URL=postgres://… STATIC_ROOT=<collected static files> \\
        .venv/bin/python <this file> [--user national-bench] [--requests 100] [--rounds 7] [--only account,healthz]
        [--queries] [--profile NAME]

Measures the checkout of the working directory (to compare two branches with the same script). DEBUG=0 (the
manifest storage of static files: STATIC_ROOT must hold a collectstatic, e.g. var/bench_static of bench/lists.py);
set CACHE_URL=redis://…/N for the shared cache of production, else local memory. The user (national-bench of
bench/national_data.py by default) is signed in once for the session requests; an API token is created for the
token requests (``bench-request-cost-<pid>``, deleted at the end). Prints per case the median and the minimum of
the CPU time per request of ``--rounds`` runs of ``--requests`` (time.process_time: this process only, not
PostgreSQL's); ``--queries`` prints each case's SQL instead, ``--profile NAME`` that case's cProfile (CPU time).
"""

import argparse
import os
import statistics
import sys
import time

CASES = {
    "healthz": ("anonymous", "/healthz"),
    "account": ("session", "/comptes/mon-compte/"),
    "notifications-page": ("session", "/comptes/notifications/"),
    "api-notifications-token": ("token", "/api/v1/notifications/"),
    "api-notifications-session": ("session", "/api/v1/notifications/"),
    "api-tokens-token": ("token", "/api/v1/auth/tokens/"),
    # the user's dashboard (the national one for national-bench), from the cache after the first request
    "dashboard": ("session", "/comptes/tableau-de-bord/"),
}


def _setup():
    sys.path.insert(0, os.getcwd())
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "qualipref.settings",
            "SECRET_KEY": "bench-request-cost-" + "x" * 50,
            "DEBUG": "0",
            "ALLOWED_HOSTS": "testserver",
            "DB_CONN_MAX_AGE": "300",
        }
    )
    import django

    django.setup()


def _clients(username):
    from rest_framework.test import APIClient

    from accounts.models import User
    from accounts.tokens import token_create

    user = User.objects.get(username=username)
    session = APIClient()
    session.force_login(user)
    token, raw = token_create(user=user, client=f"bench-request-cost-{os.getpid()}")
    with_token = APIClient()
    with_token.credentials(HTTP_AUTHORIZATION=f"Token {raw}")
    return {"anonymous": APIClient(), "session": session, "token": with_token}, token


def _run(client, path, requests):
    start = time.process_time()
    for _ in range(requests):
        response = client.get(path, secure=True)
    if response.status_code != 200:
        raise RuntimeError(f"{path}: {response.status_code}")
    return (time.process_time() - start) * 1000 / requests


def _queries(client, path):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        client.get(path, secure=True)
    return [query["sql"] for query in captured.captured_queries]


def _profile(client, path, requests):
    import cProfile
    import pstats

    profiler = cProfile.Profile(time.process_time)
    profiler.runcall(_run, client, path, requests)
    stats = pstats.Stats(profiler).strip_dirs()
    stats.sort_stats("tottime").print_stats(30)
    stats.sort_stats("cumulative").print_stats(100)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--user", default="national-bench")
    parser.add_argument("--requests", type=int, default=100)
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--only", default=",".join(CASES))
    parser.add_argument("--queries", action="store_true")
    parser.add_argument("--profile")
    args = parser.parse_args(argv)
    _setup()
    clients, token = _clients(args.user)
    try:
        for name in args.only.split(","):
            kind, path = CASES[name]
            client = clients[kind]
            client.get(path, secure=True)  # what is read once per process or per client
            if args.queries:
                sql = _queries(client, path)
                print(f"{name} ({kind}, {path}) : {len(sql)} requêtes")
                for statement in sql:
                    print("   ", statement[:200])
            elif args.profile == name:
                _profile(client, path, args.requests)
            else:
                runs = [_run(client, path, args.requests) for _ in range(args.rounds)]
                print(
                    f"{name:<26} {kind:<9} CPU ms par requête : médiane {statistics.median(runs):6.2f}"
                    f"  min {min(runs):6.2f}  ({args.rounds} × {args.requests})",
                    flush=True,
                )
    finally:
        token.delete()


if __name__ == "__main__":
    main()

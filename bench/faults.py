"""Benchmark: faults (issue 11) — a Redis outage under load, a worker killed hard, a PostgreSQL restart.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/qualipref .venv/bin/python bench/faults.py
    ... bench/faults.py --outage 60 --clients 4 --pg-restart "pg_ctlcluster --skip-systemctl-redirect 15 main restart"

Runs the application as production does, on a throwaway PostgreSQL database (``bench_faults``, the demo loaded,
destroyed at the end) and a Redis server of its own on a free port (broker and cache: it is stopped and started
here, never the machine's): gunicorn (DEBUG off, ``--workers`` sync processes, DB_CONN_MAX_AGE=300), a Celery
worker and beat (the outbox relay runs every minute). Then, in one run:

1. Redis outage: ``--clients`` threads, logged in as the demo quality manager of the Bouches-du-Rhône, loop over
   reads (the landing dashboard, read through the cache; the actions API) and writes (a complaint created through
   the API, an action's progress changed through the API); one of them also uploads a correspondence file big
   enough to be imported by a task, every ``--import-every`` seconds. Redis is stopped ``--warm`` seconds in, for
   ``--outage`` seconds, then started again; the load goes on ``--cool`` seconds. Prints the requests and the
   5xx (and refused connections) before, during and after the outage; then waits for every import to be done and
   prints the tasks asked for vs run, and the rows imported vs expected (a task run twice would import twice).
2. Worker killed hard: a bigger import (``--kill-rows`` rows) is uploaded; once the worker has started it, the
   worker's process group gets SIGKILL and a new worker is started at once (as systemd/docker's restart policy
   does); prints the time from the kill to the import's completion and its rows (exactly once).
3. PostgreSQL restart: the same load for ``--pg-seconds`` seconds, PostgreSQL restarted by ``--pg-restart`` (the
   machine's server: this interrupts every other client of it) a few seconds in; prints the errors during the
   restart and after it (from the moment the command returns).

Goals (issue 11): 0 write errors while Redis is away, 0 tasks lost, a killed task done within 5 minutes, 0 errors
after PostgreSQL is back. Exit code 1 when one is missed. The figures depend on the machine's load: say it.
"""

import argparse
import contextlib
import csv
import datetime
import functools
import io
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qualipref.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.db import close_old_connections, connection  # noqa: E402

from bench import client, server  # noqa: E402

BENCH_DATABASE = "bench_faults"
BIN = Path(sys.executable).parent
USERNAME, PASSWORD = "qualite13", "demo-qualipref"
GOALS = {"kill_seconds": 300}
IMPORT_ROWS = 4000  # about 300 kB: above the size imported during the request, so a task imports it


_free_port = server.free_port
# Any error of the condition is a server still starting (or PostgreSQL away during a fault).
_wait_for = functools.partial(server.wait_for, errors=Exception)


# --- processes ---------------------------------------------------------------------------------------------


class Redis:
    """A redis-server of the bench's own on a free port (nothing on disk), stopped and started at will."""

    def __init__(self):
        self.port, self.process = _free_port(), None

    @property
    def url(self):
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self):
        command = ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]
        self.process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        _wait_for(lambda: socket.create_connection(("127.0.0.1", self.port), timeout=1).close() is None, 10, "Redis")

    def stop(self):
        if self.process:
            self.process.terminate()
            self.process.wait(timeout=10)
            self.process = None


class Processes:
    """gunicorn, a Celery worker and beat, as the production image runs them."""

    def __init__(self, environment, args):
        self.environment, self.args = environment, args
        self.port = _free_port()
        self.web = self.worker = self.beat = None

    def _start(self, command, **kwargs):
        return subprocess.Popen(
            command,
            cwd=ROOT,
            env=self.environment,
            stdout=subprocess.DEVNULL,
            stderr=open(self.environment["BENCH_LOG"], "ab"),  # noqa: SIM115 - kept for the process's life
            start_new_session=True,  # its own process group: a SIGKILL reaches the prefork children too
            **kwargs,
        )

    def start(self):
        self.web = self._start(
            [str(BIN / "gunicorn"), "qualipref.wsgi", "--bind", f"127.0.0.1:{self.port}"]
            + ["--workers", str(self.args.workers), "--log-level", "warning"]
        )
        self.start_worker()
        self.beat = self._start(
            [str(BIN / "celery"), "-A", "qualipref", "beat", "--loglevel", "WARNING", "--pidfile="]
            + ["--schedule", str(Path(self.environment["MEDIA_ROOT"]).parent / "beat-schedule")]
        )
        _wait_for(lambda: Client(self.port).request("GET", "/healthz")[0] in (200, 503), 60, "gunicorn")

    def start_worker(self):
        self.worker = self._start(
            [str(BIN / "celery"), "-A", "qualipref", "worker", "--concurrency", "1", "--loglevel", "WARNING"]
            + ["--hostname", f"bench-{uuid.uuid4().hex[:6]}@%h", "--without-gossip", "--without-mingle"]
        )

    def kill_worker(self):
        os.killpg(self.worker.pid, signal.SIGKILL)
        self.worker.wait(timeout=10)

    def stop(self):
        for process in (self.web, self.worker, self.beat):
            if process and process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        for process in (self.web, self.worker, self.beat):
            if process:
                try:
                    process.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    os.killpg(process.pid, signal.SIGKILL)


# --- HTTP ----------------------------------------------------------------------------------------------------


class Client(client.Client):
    """The bench's session (bench.client) with the API token of the demo manager and the CSV upload."""

    def __init__(self, port):
        super().__init__(port)
        self.token = None

    def api(self, method, path, payload=None):
        headers = {"Authorization": f"Token {self.token}", "Content-Type": "application/json"}
        return self.request(method, path, None if payload is None else json.dumps(payload), headers)

    def log_in(self):
        super().log_in(USERNAME, PASSWORD)
        status, content = self.request(
            "POST",
            "/api/v1/auth/token/",
            json.dumps({"username": USERNAME, "password": PASSWORD}),
            {"Content-Type": "application/json"},
        )
        if status not in (200, 201):
            raise RuntimeError(f"Jeton refusé ({status})")
        self.token = json.loads(content)["token"]

    def upload(self, path, content, filename, fields):
        """A multipart form with the page's CSRF token, ``fields`` and ``file``."""
        token = self.csrf_token(path)
        boundary = uuid.uuid4().hex
        fields = {"csrfmiddlewaretoken": token, **fields}
        body = "".join(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'
            for name, value in fields.items()
        )
        body = (
            (
                body + f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{filename}"\r\n'
                "Content-Type: text/csv\r\n\r\n"
            ).encode()
            + content
            + f"\r\n--{boundary}--\r\n".encode()
        )
        headers = {"Content-Type": f"multipart/form-data; boundary={boundary}", **self.origin()}
        return self.request("POST", path, body, headers)


# --- the data the load writes ------------------------------------------------------------------------------


def _correspondence_csv(rows, *, prefix, sites):
    """A mail system's export (the page's columns), unique references, dates within the last year."""
    today = datetime.date.today()
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";")
    writer.writerow(["Site", "Type", "Reçu le", "Répondu le", "Référence", "Objet", "Expéditeur"])
    for number in range(rows):
        received = today - datetime.timedelta(days=20 + number % 300)
        answered = (received + datetime.timedelta(days=3)).strftime("%d/%m/%Y") if number % 2 else ""
        writer.writerow(
            [
                sites[number % len(sites)],
                "courrier",
                received.strftime("%d/%m/%Y"),
                answered,
                f"{prefix}-{number:07d}",
                "Demande de duplicata",
                f"Expéditeur {number}",
            ]
        )
    return out.getvalue().encode()


def _imported(prefix):
    from complaints.models import Correspondence

    close_old_connections()
    return Correspondence.objects.filter(reference__startswith=prefix).count()


def _imports(ids):
    from complaints.models import CorrespondenceImport

    close_old_connections()
    return Counter(CorrespondenceImport.objects.filter(pk__in=ids).values_list("status", flat=True))


# --- the load ------------------------------------------------------------------------------------------------


class Load:
    """Client threads looping over reads and writes; every answer recorded with its time and kind."""

    def __init__(self, port, *, clients, data, import_every=None, import_rows=0):
        self.port, self.clients, self.data = port, clients, data
        self.import_every, self.import_rows = import_every, import_rows
        self.records, self.imports, self.prefixes = [], [], []
        self.stop = threading.Event()
        self.lock = threading.Lock()
        self.ready = threading.Barrier(clients + 1)  # every client logged in before the clock starts

    def _record(self, kind, started, status):
        with self.lock:
            self.records.append((started, time.monotonic(), kind, status))

    def _call(self, kind, function, *args):
        started = time.monotonic()
        try:
            status = function(*args)[0]
        except OSError as error:
            status = f"connexion : {error.__class__.__name__}"
        self._record(kind, started, status)
        return status

    def _client_loop(self, number):
        client = Client(self.port)
        client.log_in()
        self.ready.wait()
        site, actions = self.data["site"], self.data["actions"]
        today = datetime.date.today().isoformat()
        step = 0
        next_import = time.monotonic() + 2
        while not self.stop.is_set():
            step += 1
            action = actions[(number * 7 + step) % len(actions)]
            self._call("lecture", client.request, "GET", "/")
            self._call("lecture", client.api, "GET", "/api/v1/actions/?page_size=20")
            complaint = {"site": site, "channel": "counter", "received_on": today, "description": f"Banc {step}"}
            self._call("écriture", client.api, "POST", "/api/v1/complaints/", complaint)
            progress = {"progress": (step * 10) % 100}
            self._call("écriture", client.api, "PATCH", f"/api/v1/actions/{action}/", progress)
            if number == 0 and self.import_every and time.monotonic() >= next_import:
                next_import = time.monotonic() + self.import_every
                self._upload(client)

    def _upload(self, client):
        prefix = f"BF{uuid.uuid4().hex[:8].upper()}"
        content = _correspondence_csv(self.import_rows, prefix=prefix, sites=self.data["site_names"])
        status = self._call(
            "écriture avec tâche", lambda: client.upload("/courriers/import/", content, "b.csv", self.data["form"])
        )
        if status == 302:
            with self.lock:
                self.prefixes.append(prefix)

    def run(self):
        threads = [threading.Thread(target=self._client_loop, args=(n,), daemon=True) for n in range(self.clients)]
        for thread in threads:
            thread.start()
        self.ready.wait(timeout=120)
        return threads

    def finish(self, threads):
        self.stop.set()
        for thread in threads:
            thread.join(timeout=120)

    def summary(self, start, end):
        """{kind: (requests, errors)} of the requests started in [start, end)."""
        counts = {}
        for started, _, kind, status in self.records:
            if start <= started < end:
                total, errors = counts.get(kind, (0, 0))
                failed = not isinstance(status, int) or status >= 500
                counts[kind] = (total + 1, errors + failed)
        return counts


def _print_phase(label, counts):
    parts = [f"{kind} {total} ({errors} en erreur)" for kind, (total, errors) in sorted(counts.items())]
    print(f"  {label:<28} " + " ; ".join(parts or ["aucune requête"]))


def _errors(counts, kinds=None):
    return sum(errors for kind, (_, errors) in counts.items() if kinds is None or kind in kinds)


# --- the scenarios -------------------------------------------------------------------------------------------


def redis_outage(processes, redis, args, data):
    from complaints.models import CorrespondenceImport

    load = Load(
        processes.port, clients=args.clients, data=data, import_every=args.import_every, import_rows=IMPORT_ROWS
    )
    before_ids = set(CorrespondenceImport.objects.values_list("pk", flat=True))
    threads = load.run()
    began = time.monotonic()
    time.sleep(args.warm)
    down = time.monotonic()
    redis.stop()
    time.sleep(args.outage)
    redis.start()
    up = time.monotonic()
    time.sleep(args.cool)
    load.finish(threads)
    ended = time.monotonic()

    print(
        f"\n1. Redis arrêté {args.outage} s sous charge ({args.clients} clients, gunicorn {args.workers} processus) :"
    )
    _print_phase("avant", load.summary(began, down))
    during = load.summary(down, up)
    _print_phase("pendant l'arrêt", during)
    _print_phase("après", load.summary(up, ended))

    close_old_connections()
    ids = set(CorrespondenceImport.objects.values_list("pk", flat=True)) - before_ids
    waited = time.monotonic()

    def settled():
        states = _imports(ids)
        return not any(states.get(status) for status in CorrespondenceImport.RUNNING_STATUSES)

    with contextlib.suppress(RuntimeError):  # what is left undone is printed below
        _wait_for(settled, args.settle, "imports")
    states = _imports(ids)
    rows = sum(_imported(prefix) for prefix in load.prefixes)
    expected = IMPORT_ROWS * len(load.prefixes)
    done = states.get(CorrespondenceImport.Status.DONE, 0)
    print(
        f"  tâches demandées {len(ids)} (dont {len(load.prefixes)} acceptées par la page), exécutées {done}, "
        f"états {dict(states)} après {time.monotonic() - waited:.0f} s d'attente ; "
        f"lignes importées {rows} / {expected} attendues"
    )
    write_errors = _errors(during, {"écriture", "écriture avec tâche"})
    return {
        "write_errors": write_errors,
        "read_errors": _errors(during, {"lecture"}),
        "lost": len(ids) - done,
        "twice": rows > expected,
        "missing_rows": rows < expected,
    }


def killed_worker(processes, args, data):
    from complaints.models import CorrespondenceImport

    client = Client(processes.port)
    client.log_in()
    prefix = f"BK{uuid.uuid4().hex[:8].upper()}"
    content = _correspondence_csv(args.kill_rows, prefix=prefix, sites=data["site_names"])
    close_old_connections()
    before = set(CorrespondenceImport.objects.values_list("pk", flat=True))
    status, _ = client.upload("/courriers/import/", content, "gros.csv", data["form"])
    if status != 302:
        raise RuntimeError(f"Import refusé ({status})")
    (batch_id,) = set(CorrespondenceImport.objects.values_list("pk", flat=True)) - before

    def running():
        close_old_connections()
        return CorrespondenceImport.objects.get(pk=batch_id).status == CorrespondenceImport.Status.SAVING

    _wait_for(running, 120, "import en cours")
    time.sleep(0.5)  # well into it
    killed = time.monotonic()
    processes.kill_worker()
    processes.start_worker()

    def done():
        close_old_connections()
        return CorrespondenceImport.objects.get(pk=batch_id).status not in CorrespondenceImport.RUNNING_STATUSES

    with contextlib.suppress(RuntimeError):  # printed below
        _wait_for(done, args.settle, "import relancé")
    elapsed = time.monotonic() - killed
    batch = CorrespondenceImport.objects.get(pk=batch_id)
    rows = _imported(prefix)
    print(
        f"\n2. Worker tué (SIGKILL) pendant un import de {args.kill_rows} lignes, nouveau worker démarré aussitôt :\n"
        f"  état {batch.status} {elapsed:.0f} s après le SIGKILL ; lignes importées {rows} / {args.kill_rows}"
    )
    return {"seconds": elapsed, "done": batch.status == CorrespondenceImport.Status.DONE, "rows": rows}


def postgres_restart(processes, args, data):
    load = Load(processes.port, clients=args.clients, data=data)
    threads = load.run()
    began = time.monotonic()
    time.sleep(5)
    restart = time.monotonic()
    subprocess.run(args.pg_restart, shell=True, check=True, stdout=subprocess.DEVNULL)
    ready = time.monotonic()
    time.sleep(args.pg_seconds)
    load.finish(threads)
    ended = time.monotonic()
    connection.close()
    print(f"\n3. PostgreSQL redémarré sous charge (la commande a pris {ready - restart:.1f} s) :")
    _print_phase("avant", load.summary(began, restart))
    during = load.summary(restart, ready)
    after = load.summary(ready, ended)
    _print_phase("pendant le redémarrage", during)
    _print_phase(f"après (pendant {args.pg_seconds} s)", after)
    return {"during": _errors(during), "after": _errors(after)}


# --- the run -------------------------------------------------------------------------------------------------


def _goal(ok):
    return "objectif atteint" if ok else "OBJECTIF NON ATTEINT"


def _default_restart():
    versions = sorted(os.listdir("/etc/postgresql")) if os.path.isdir("/etc/postgresql") else []
    return f"pg_ctlcluster --skip-systemctl-redirect {versions[-1]} main restart" if versions else ""


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--workers", type=int, default=3, help="Processus gunicorn (comme l'image de production).")
    parser.add_argument("--warm", type=int, default=10, help="Secondes de charge avant l'arrêt de Redis.")
    parser.add_argument("--outage", type=int, default=60, help="Durée de l'arrêt de Redis (s).")
    parser.add_argument("--cool", type=int, default=15, help="Secondes de charge après le retour de Redis.")
    parser.add_argument("--import-every", type=int, default=10, help="Un import par tâche toutes les N s.")
    parser.add_argument("--kill-rows", type=int, default=60000, help="Lignes de l'import interrompu par SIGKILL.")
    parser.add_argument("--settle", type=int, default=420, help="Attente maximale des tâches (s).")
    parser.add_argument("--pg-seconds", type=int, default=20, help="Secondes de charge après le redémarrage.")
    parser.add_argument("--pg-restart", default=_default_restart(), help="Commande qui redémarre PostgreSQL.")
    parser.add_argument("--skip", nargs="*", default=[], choices=["redis", "kill", "postgres"])
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        print("Ce banc d'essai tourne sur PostgreSQL : définissez DATABASE_URL=postgres://…")
        return 2
    if "postgres" not in args.skip and not args.pg_restart:
        print("Aucune commande de redémarrage de PostgreSQL (--pg-restart) : ajoutez --skip postgres.")
        return 2

    settings.DATABASES["default"].setdefault("TEST", {})["NAME"] = BENCH_DATABASE
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    folder = Path(tempfile.mkdtemp(prefix="bench_faults_"))
    redis = Redis()
    processes = None
    try:
        from engagements.models import Action
        from qualipref.demo import load_demo
        from sites.models import Site

        load_demo()
        site = Site.objects.get(name__icontains="Istres")
        data = {
            "site": site.pk,
            "site_names": list(Site.objects.filter(prefecture=site.prefecture).values_list("name", flat=True)),
            "form": {"prefecture": site.prefecture_id},
            "actions": list(Action.objects.filter(plan__prefecture=site.prefecture).values_list("pk", flat=True)),
        }
        redis.start()
        (folder / "media").mkdir()
        database = connection.settings_dict
        environment = {
            **{key: value for key, value in os.environ.items() if not key.startswith(("CELERY_", "CACHE_URL"))},
            "DATABASE_URL": f"postgres://{database['USER']}@{database['HOST'] or '127.0.0.1'}:"
            f"{database['PORT'] or 5432}/{database['NAME']}",
            "CELERY_BROKER_URL": redis.url,
            "DB_CONN_MAX_AGE": "300",
            "DEBUG": "0",
            "SECRET_KEY": "bench-faults-" + "x" * 40,
            "ALLOWED_HOSTS": "127.0.0.1",
            "STATIC_ROOT": str(folder / "static"),
            "MEDIA_ROOT": str(folder / "media"),
            "LOG_LEVEL": "ERROR",
            "BENCH_LOG": str(folder / "processes.log"),
        }
        subprocess.run(
            [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=ROOT, env=environment, check=True
        )
        processes = Processes(environment, args)
        processes.start()
        print(f"Serveur : gunicorn {args.workers} processus, worker Celery, beat ; Redis sur le port {redis.port}.")
        print(f"Charge de la machine au départ : {os.getloadavg()[0]:.2f} (moyenne sur 1 min, {os.cpu_count()} cœurs)")

        failures = []
        if "redis" not in args.skip:
            outage = redis_outage(processes, redis, args, data)
            print(
                f"  erreurs d'écriture pendant l'arrêt : {outage['write_errors']} (objectif 0 : "
                f"{_goal(not outage['write_errors'])}) ; tâches perdues : {outage['lost']} (objectif 0 : "
                f"{_goal(not outage['lost'])}) ; exécutée deux fois : {'oui' if outage['twice'] else 'non'}"
            )
            if outage["write_errors"]:
                failures.append("écritures en erreur pendant l'arrêt de Redis")
            if outage["lost"] or outage["missing_rows"]:
                failures.append("tâches perdues")
            if outage["twice"]:
                failures.append("tâche exécutée deux fois")
        if "kill" not in args.skip:
            killed = killed_worker(processes, args, data)
            ok = killed["done"] and killed["seconds"] <= GOALS["kill_seconds"] and killed["rows"] == args.kill_rows
            print(f"  objectif : terminée une fois en moins de {GOALS['kill_seconds']} s : {_goal(ok)}")
            if not ok:
                failures.append("tâche tuée non terminée à temps ou pas une seule fois")
        if "postgres" not in args.skip:
            restart = postgres_restart(processes, args, data)
            print(
                f"  erreurs après le retour de PostgreSQL : {restart['after']} (objectif 0 : "
                f"{_goal(not restart['after'])})"
            )
            if restart["after"]:
                failures.append("erreurs après le redémarrage de PostgreSQL")
        print(f"\nCharge de la machine à la fin : {os.getloadavg()[0]:.2f}")
        if failures:
            print("ÉCHEC : " + " ; ".join(failures) + f" (journal des processus : {environment['BENCH_LOG']})")
            return 1
        print("OK")
        return 0
    finally:
        if processes:
            processes.stop()
        redis.stop()
        close_old_connections()
        connection.close()
        connection.creation.destroy_test_db(old_name, verbosity=0)
        if not os.environ.get("BENCH_KEEP_LOG"):
            shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())

"""Benchmark: the bulk import of 100,000 letters and e-mails (complaints.correspondence.imports).

Generates a CSV export of a mail system (5 sites, two years, 60 % answered, unique references), imports it with
the service the page and the API use (check pass, then one transaction of bulk inserts with their history rows),
and prints the time next to two baselines measured in the same run: reading the same file with the standard ``csv``
module and doing nothing else (what the checks, the deadlines in working days and the database cost on top of
parsing), and, on PostgreSQL, ``COPY`` of the rows it imported and their history rows into tables like theirs
(the floor of writing them: issue 14 asks for an import within 2 × of it).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/qualipref_bench .venv/bin/python bench/correspondence_import.py
    .venv/bin/python bench/correspondence_import.py --rows 20000          # SQLite under var/, smaller

The database is migrated if needed; everything the benchmark creates is rolled back at the end (``--keep`` keeps
it). Exit code 1 when 100,000 rows take a minute or more.
"""

import argparse
import csv
import datetime
import os
import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qualipref.settings")
os.environ.setdefault("MEDIA_ROOT", tempfile.mkdtemp(prefix="qualipref-bench-media-"))

import django  # noqa: E402

django.setup()

from django.core.files.uploadedfile import TemporaryUploadedFile  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402

BUDGET_SECONDS = 60
KINDS = ["courrier"] * 6 + ["courriel"] * 3 + ["élu"]
SUBJECTS = [
    "Demande de duplicata de carte grise",
    "Renouvellement de titre de séjour",
    "Horaires du guichet des permis",
    "Contestation d'une suspension de permis",
    "Agrément d'une association",
    "Rendez-vous pour une naturalisation",
]


def generate(path, *, rows, sites, today):
    """The CSV export: « ; », French dates, some answered late, some not answered."""
    rng = random.Random(13)
    start = today - datetime.timedelta(days=730)
    with open(path, "w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out, delimiter=";")
        writer.writerow(["Site", "Type", "Reçu le", "Répondu le", "Référence", "Objet", "Expéditeur"])
        for number in range(rows):
            received = start + datetime.timedelta(days=rng.randrange(700))
            answered = ""
            if rng.random() < 0.6:
                answered_on = min(today, received + datetime.timedelta(days=rng.randrange(1, 30)))
                answered = answered_on.strftime("%d/%m/%Y")
            writer.writerow(
                [
                    rng.choice(sites),
                    rng.choice(KINDS),
                    received.strftime("%d/%m/%Y"),
                    answered,
                    f"BENCH-{number:07d}",
                    rng.choice(SUBJECTS),
                    f"Expéditeur n° {rng.randrange(5000)}",
                ]
            )


def baseline(path):
    """Parse the file with csv.reader, nothing else: the floor of any import."""
    started = time.perf_counter()
    with open(path, newline="", encoding="utf-8-sig") as source:
        count = sum(1 for _ in csv.reader(source, delimiter=";")) - 1
    return count, time.perf_counter() - started


def backend_cpu():
    """CPU seconds used so far by this connection's PostgreSQL backend, when it runs on this machine (read from
    /proc), else None: with the CPU of this process, a measure that the load of a shared machine hardly moves."""
    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        (pid,) = cursor.fetchone()
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime + stime


def copy_floor(batch):
    """The floor of the import's writing, in seconds: PostgreSQL's ``COPY`` of the same rows (the letters it
    imported and their history rows, read back as text) into empty tables with the same columns, defaults,
    constraints and indexes (``LIKE … INCLUDING ALL``, no foreign key; written to the WAL as the real ones), created
    in the benchmark's transaction and rolled back with it."""
    import io

    from complaints.models import Correspondence

    letters = Correspondence._meta.db_table
    history = Correspondence.history.model._meta.db_table
    of_batch = f"import_batch_id = {int(batch.pk)}"
    sources = [
        (letters, f"SELECT * FROM {letters} WHERE {of_batch}"),
        (history, f"SELECT * FROM {history} WHERE id IN (SELECT id FROM {letters} WHERE {of_batch})"),
    ]
    with connection.cursor() as cursor:
        dumps = []
        for table, query in sources:
            buffer = io.StringIO()
            cursor.copy_expert(f"COPY ({query}) TO STDOUT", buffer)
            cursor.execute(f"CREATE TABLE floor_{table} (LIKE {table} INCLUDING ALL)")  # logged, as the real ones
            dumps.append((f"floor_{table}", buffer))
        started, cpu, db_cpu = time.perf_counter(), time.process_time(), backend_cpu()
        for table, buffer in dumps:
            buffer.seek(0)
            cursor.copy_expert(f"COPY {table} FROM STDIN", buffer)
        seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
        after = backend_cpu()
        return seconds, cpu + (after - db_cpu if db_cpu is not None and after is not None else 0)


def territory():
    from accounts.models import Membership, Role, User
    from sites.models import Department, Prefecture, Site

    department = Department.objects.get(code="2A")
    prefecture, _ = Prefecture.objects.get_or_create(
        department=department, defaults={"name": "Préfecture de Corse-du-Sud"}
    )
    names = [f"Banc d'essai – site {index}" for index in range(1, 6)]
    sites = [Site.objects.get_or_create(prefecture=prefecture, name=name)[0] for name in names]
    user, _ = User.objects.get_or_create(username="bench-qualite2a", defaults={"email": "bench@exemple.fr"})
    Membership.objects.get_or_create(
        user=user, role=Role.QUALITY_MANAGER, prefecture=prefecture, defaults={"valid_from": datetime.date(2000, 1, 1)}
    )
    return prefecture, [str(site.pk) for site in sites], user


def run_import(path, *, prefecture, user):
    from complaints.correspondence import imports

    phases = {}
    original = imports._set

    def timed(batch, **fields):
        if "status" in fields:
            phases[fields["status"]] = time.perf_counter()
        return original(batch, **fields)

    imports._set = timed
    size = path.stat().st_size
    upload = TemporaryUploadedFile("export-courriers.csv", "text/csv", size, "utf-8")
    with open(path, "rb") as source:
        while chunk := source.read(1 << 20):
            upload.write(chunk)
    upload.seek(0)
    started, cpu, db_cpu = time.perf_counter(), time.process_time(), backend_cpu()
    try:
        batch = imports.import_file(by=user, prefecture=prefecture, file=upload)
    finally:
        imports._set = original
        upload.close()
    elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
    after = backend_cpu()
    db_cpu = after - db_cpu if db_cpu is not None and after is not None else None
    checking = phases.get("saving", started) - phases.get("checking", started)
    return batch, elapsed, checking, cpu, db_cpu


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--keep", action="store_true", help="keep the imported rows (rolled back by default)")
    args = parser.parse_args()

    from django.utils import timezone

    call_command("migrate", verbosity=0)
    today = timezone.localdate()
    print(f"Base : {connection.vendor} ({connection.settings_dict['NAME']}) ; {args.rows} lignes")
    with tempfile.TemporaryDirectory(prefix="qualipref-bench-") as folder:
        path = Path(folder) / "courriers.csv"
        with transaction.atomic():
            prefecture, sites, user = territory()
            generate(path, rows=args.rows, sites=sites, today=today)
            print(f"Fichier : {path.stat().st_size / 1024 / 1024:.1f} Mo")
            count, parse_seconds = baseline(path)
            batch, seconds, checking, cpu, db_cpu = run_import(path, prefecture=prefecture, user=user)
            floor, floor_cpu = (None, None)
            if connection.vendor == "postgresql" and batch.status == "done":
                floor, floor_cpu = copy_floor(batch)
            if not args.keep:
                transaction.set_rollback(True)
    assert count == args.rows, count
    if batch.status != "done":
        print(f"Import refusé : {batch.report.get('errors', [])[:5]}")
        return 1
    print(f"Référence (csv.reader seul) : {parse_seconds:.2f} s")
    print(
        f"Import : {seconds:.2f} s (vérification {checking:.2f} s, enregistrement {seconds - checking:.2f} s), "
        f"{batch.imported / seconds:,.0f} lignes/s".replace(",", " ")
    )
    print(
        f"  dont CPU de ce processus (Python : lecture, vérifications, préparation des lignes) : {cpu:.2f} s"
        + (f", CPU du processus PostgreSQL de la connexion : {db_cpu:.2f} s" if db_cpu is not None else "")
    )
    print(f"Rapport import / lecture CSV : {seconds / parse_seconds:.1f}")
    if floor is not None:
        print(
            f"COPY des mêmes lignes (courriers et historique) : {floor:.2f} s ; import / COPY : {seconds / floor:.1f} "
            f"(objectif ≤ 2, issue 14) ; enregistrement seul / COPY : {(seconds - checking) / floor:.1f}"
        )
        if db_cpu is not None:
            # CPU, not wall time: on a shared machine, waiting for a core inflates both sides unequally.
            print(
                f"  en CPU (ce processus + PostgreSQL) : import {cpu + db_cpu:.2f} s, COPY {floor_cpu:.2f} s ; "
                f"import / COPY : {(cpu + db_cpu) / floor_cpu:.1f}"
            )
    projected = seconds * 100_000 / args.rows
    verdict = "OK" if projected < BUDGET_SECONDS else "TROP LENT"
    print(f"Pour 100 000 lignes : {projected:.1f} s (budget {BUDGET_SECONDS} s) : {verdict}")
    return 0 if projected < BUDGET_SECONDS else 1


if __name__ == "__main__":
    sys.exit(main())

"""Bulk import of correspondence from the CSV exports of mail systems: all the rows, or none.

``import_create(by=, prefecture=, file=)`` checks the upload (size, type: qualipref.lib.csv_import) and records a
``CorrespondenceImport`` with the file; ``import_run(batch=)`` then imports it, right away for a small file (the
page shows the report at once) or in a Celery task for a big one (complaints.tasks.run_correspondence_import; the
page polls ``progress`` with htmx). Both work with the embedded broker and with Redis: the progress is written on
the import's row, in the database every process shares.

The file is read once, streamed (``csv.reader`` over the upload, never loaded whole):

1. checking (autocommit, writes nothing but the progress): every row is checked and the report lists each error
   by line and column: unknown column, unknown site or site of another prefecture, site the user does not record,
   unknown service, type, wrong or future date, answer before receipt, too long text, reference found twice in
   the file or already recorded, line identical to an earlier one; the rows checked, with their deadlines, are
   kept in a temporary file by batches (``_spool``: the memory used is that of one batch);
2. saving, only when no row was rejected: one transaction; the rows kept are inserted by batches of
   ``BATCH_SIZE`` with their history rows, without model instances (qualipref.lib.bulk: COPY on PostgreSQL,
   multi-row INSERTs on SQLite; ``bulk_create`` spends more time building model instances than the database
   spends writing them). A reference taken meanwhile by a concurrent import breaks the unique constraint: the
   IntegrityError rolls every row back and becomes an error of the file.
   The status « done » is written in the same transaction: a worker that dies leaves nothing half-imported, and
   the task, delivered again (acks_late), starts over.

``import_start`` is what the page calls: the task of a big file is recorded in the import's transaction
(qualipref.outbox), so a broker that is away delays it, never loses it. An import left pending or running beyond
WORK_STALE_MINUTES is sent again, or marked failed after WORK_MAX_ATTEMPTS sends with its file kept, so that
« Relancer » (``import_retry``) starts it again (``sweep_stale_imports``).

Deadlines cost no query per row: the calendars of the prefecture's sites are read once (two queries) and due
dates are cached per (site, day of receipt, delay). 100,000 rows take seconds on PostgreSQL
(bench/correspondence_import.py).
"""

import logging
import pickle
import tempfile
import uuid
from pathlib import PurePath
from typing import NamedTuple

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from accounts import access
from complaints.correspondence.services import (
    KIND_UNKNOWN,
    SERVICE_OF_ANOTHER_SITE,
    check_dates,
    reference_taken,
)
from complaints.models import Correspondence, CorrespondenceImport
from complaints.models.correspondence import delays_for
from qualipref import outbox
from qualipref.lib import bulk, data_version
from qualipref.lib.csv_import import Column, CsvReader, ImportReport, check_csv_upload, normalise, parse_date
from sites import calendars
from sites.models import Service, Site

logger = logging.getLogger(__name__)

Kind = Correspondence.Kind
Status = CorrespondenceImport.Status

MAX_BYTES = 30 * 1024 * 1024  # about 300,000 rows
SYNC_MAX_BYTES = 256 * 1024  # smaller files are imported during the request; bigger ones by a task
BATCH_SIZE = 2000
PROGRESS_EVERY = 2000  # rows

COLUMNS = [
    Column("site", "site", required=True, aliases=("code site", "code du site", "id site", "site id", "site_id")),
    Column("kind", "type", required=True, aliases=("nature", "type de courrier", "kind")),
    Column(
        "received_on",
        "reçu le",
        required=True,
        aliases=("date de réception", "date d'arrivée", "arrivé le", "reçue le", "received_on"),
    ),
    Column("answered_on", "répondu le", aliases=("date de réponse", "répondue le", "answered_on")),
    Column("reference", "référence", aliases=("numéro", "n° chrono", "chrono", "ref", "reference")),
    Column("service", "service"),
    Column("subject", "objet", aliases=("subject",)),
    Column("sender", "expéditeur", aliases=("émetteur", "sender")),
]
# Names of the types a file may use (compared after normalise): codes of the API and French words.
KIND_NAMES = {
    **{normalise(kind): kind for kind in Kind.values},
    **{normalise(label): kind for kind, label in Kind.choices},
    **{normalise(name): Kind.LETTER for name in ("courrier", "lettre", "courrier postal", "letter", "courrier papier")},
    **{normalise(name): Kind.EMAIL for name in ("courriel", "mail", "e-mail", "email", "mél", "message électronique")},
    **{
        normalise(name): Kind.ELECTED_OFFICIAL
        for name in ("élu", "demande d'élu", "demande de rendez-vous d'élu", "rendez-vous élu", "elected official")
    },
    **{
        normalise(name): Kind.LOCAL_AUTHORITY
        for name in ("collectivité", "lettre d'observations", "observations", "local authority")
    },
}
TEXT_LIMITS = {name: Correspondence._meta.get_field(name).max_length for name in ("reference", "subject", "sender")}


class CleanRow(NamedTuple):
    """A checked row, ready to become a Correspondence: a plain tuple, built once per row of the file and spooled as
    is (a frozen dataclass sets each of its fields through ``object.__setattr__``)."""

    site_id: int
    service_id: int | None
    kind: str
    received_on: object
    answered_on: object
    reference: str
    subject: str
    sender: str
    delay_days: int
    due_on: object
    answer_delay: int | None
    answered_in_time: bool | None


CLEAN_FIELDS = list(CleanRow._fields)


class _Checker:
    """What the rows of one import are checked against, read once: the sites, services, delays and calendars of
    the prefecture (five queries, however many rows)."""

    def __init__(self, *, by, prefecture, today):
        self.prefecture = prefecture
        self.today = today
        self.site_prefecture = dict(Site.objects.values_list("pk", "prefecture_id"))
        own = list(Site.objects.filter(prefecture=prefecture).values_list("pk", "name"))
        self.site_by_name = {normalise(name): pk for pk, name in own}
        self.site_names = dict(own)
        self.allowed_sites = set(
            access.correspondence_sites(Site.objects.filter(prefecture=prefecture), by).values_list("pk", flat=True)
        )
        self.services = {
            (site_id, normalise(name)): pk
            for pk, site_id, name in Service.objects.filter(site__prefecture=prefecture).values_list(
                "pk", "site_id", "name"
            )
        }
        self.delays = delays_for([prefecture.pk])[prefecture.pk]
        # Every closure of the prefecture's sites (a few rows): the calendars answer any date, no query per row.
        self.calendars = calendars.calendars_for_sites(list(self.site_names))
        self._due = {}
        self._rank = {}
        self._site_of_text = {}

    def due_on(self, site_id, received_on, delay):
        key = (site_id, received_on, delay)
        due = self._due.get(key)
        if due is None:
            due = self._due[key] = self.calendars[site_id].add_working_days(received_on, delay)
        return due

    def working_days_between(self, site_id, start, end):
        """The calendar's ``working_days_between`` for dates up to today (the checks refuse later ones), from a
        rank per (site, day) computed once: working days in (day, today], so that (start, end] is the difference.
        An export spans a few hundred days; its rows, tens of thousands of (receipt, answer) pairs."""
        if end <= start:
            return 0
        return self._rank_of(site_id, start) - self._rank_of(site_id, end)

    def _rank_of(self, site_id, day):
        key = (site_id, day)
        rank = self._rank.get(key)
        if rank is None:
            rank = self._rank[key] = self.calendars[site_id].working_days_between(day, self.today)
        return rank

    def site_of(self, text, add):
        site_id = self._site_of_text.get(text)  # a site already accepted under this text
        if site_id is not None:
            return site_id
        site_id = self._site_of(text, add)
        if site_id is not None:
            self._site_of_text[text] = site_id
        return site_id

    def _site_of(self, text, add):
        if not text:
            add("site", "Indiquez le site (son numéro dans Qualipref ou son nom).")
            return None
        site_id = int(text) if text.isdigit() else self.site_by_name.get(normalise(text))
        if site_id is None or site_id not in self.site_prefecture:
            add("site", f"Site inconnu « {text} » : indiquez le numéro du site dans Qualipref ou son nom exact.")
            return None
        if self.site_prefecture[site_id] != self.prefecture.pk:
            add("site", f"Le site n° {site_id} appartient à une autre préfecture que {self.prefecture.name}.")
            return None
        if site_id not in self.allowed_sites:
            add("site", f"Vous n'enregistrez pas les courriers du site « {self.site_names[site_id]} ».")
            return None
        return site_id

    def check(self, values, add):
        """A CleanRow, or None after calling ``add(column, message)`` for each error of the row."""
        failed = []

        def fail(column, message):
            failed.append(column)
            add(column, message)

        site_id = self.site_of(values["site"], fail)
        kind = KIND_NAMES.get(normalise(values["kind"]))
        if kind is None:
            fail("kind", f"« {values['kind']} » : {KIND_UNKNOWN}" if values["kind"] else KIND_UNKNOWN)
        received_on = self._date(values["received_on"], "received_on", fail, required=True)
        answered_on = self._date(values["answered_on"], "answered_on", fail)
        if "received_on" not in failed and "answered_on" not in failed:
            for column, message in check_dates(
                received_on=received_on, answered_on=answered_on, today=self.today
            ).items():
                fail(column, message)
        service_id = None
        if values["service"] and site_id is not None:
            service_id = self.services.get((site_id, normalise(values["service"])))
            if service_id is None:
                other = any(key[1] == normalise(values["service"]) for key in self.services)
                fail(
                    "service",
                    SERVICE_OF_ANOTHER_SITE if other else f"Service inconnu « {values['service']} » pour ce site.",
                )
        for column, limit in TEXT_LIMITS.items():
            if len(values[column]) > limit:
                fail(column, f"{len(values[column])} caractères : {limit} au plus.")
        if failed:
            return None
        delay = self.delays[kind]
        due_on = self.due_on(site_id, received_on, delay)
        answer_delay = in_time = None
        if answered_on is not None:
            answer_delay = self.working_days_between(site_id, received_on, answered_on)
            in_time = answered_on <= due_on
        return CleanRow(
            site_id=site_id,
            service_id=service_id,
            kind=kind,
            received_on=received_on,
            answered_on=answered_on,
            reference=values["reference"],
            subject=values["subject"],
            sender=values["sender"],
            delay_days=delay,
            due_on=due_on,
            answer_delay=answer_delay,
            answered_in_time=in_time,
        )

    @staticmethod
    def _date(text, column, fail, required=False):
        if not text:
            if required:
                fail(column, "Indiquez la date (JJ/MM/AAAA).")
            return None
        try:
            return parse_date(text)
        except ValueError as error:
            fail(column, str(error))
            return None


class _Duplicates:
    """Rows seen earlier in the file (by reference, or whole when they have none) and references already
    recorded in the prefecture (checked by chunks of references: one query per BATCH_SIZE rows)."""

    def __init__(self, prefecture):
        self.prefecture = prefecture
        self.references = {}
        self.rows = {}
        self.pending = []  # (line, reference) not yet checked against the database

    def check(self, line, row, add):
        if row.reference:
            first = self.references.setdefault(row.reference, line)
            if first != line:
                add("reference", f"La référence « {row.reference} » figure déjà ligne {first}.")
                return False
            self.pending.append((line, row.reference))
            return True
        key = (row.site_id, row.service_id, row.kind, row.received_on, row.answered_on, row.subject, row.sender)
        first = self.rows.setdefault(key, line)
        if first != line:
            add("", f"Ligne identique à la ligne {first} (doublon).")
            return False
        return True

    def flush(self, report, reader):
        if not self.pending:
            return
        references = [reference for _, reference in self.pending]
        if connection.vendor == "postgresql":
            # One array parameter: the ORM prepares each of the 2,000 values of an IN list (a tenth of a second).
            with connection.cursor() as cursor:
                cursor.execute(
                    f"SELECT reference FROM {Correspondence._meta.db_table} "
                    "WHERE prefecture_id = %s AND reference = ANY(%s)",
                    [self.prefecture.pk, references],
                )
                existing = {reference for (reference,) in cursor.fetchall()}
        else:
            existing = set(
                Correspondence.objects.filter(prefecture=self.prefecture, reference__in=references).values_list(
                    "reference", flat=True
                )
            )
        for line, reference in self.pending:
            if reference in existing:
                report.add(line, reader.label_of("reference"), f"{reference_taken(reference)} (déjà importé ?)")
        self.pending = []


def _rows(file, *, size, checker, report, on_progress=None):
    """Yield (line, CleanRow) of the valid rows; errors go to the report, references already recorded included
    (looked for by chunks)."""
    duplicates = _Duplicates(checker.prefecture)
    with CsvReader(file, columns=COLUMNS, report=report, size=size) as reader:
        for count, (line, values) in enumerate(reader.rows(), start=1):

            def add(column, message, line=line):
                report.add(line, reader.label_of(column) if column else "", message)

            row = checker.check(values, add)
            if row is not None and duplicates.check(line, row, add):
                yield line, row
            if count % PROGRESS_EVERY == 0:
                duplicates.flush(report, reader)
                if on_progress is not None:
                    on_progress(reader.fraction_read(), report)
        duplicates.flush(report, reader)


# --- the import's row -------------------------------------------------------------------------------


def import_create(*, by, prefecture, file) -> CorrespondenceImport:
    """Check the upload and record the import (pending) with its file, stored under a random name."""
    if not access.correspondence_import_prefectures(type(prefecture).objects.filter(pk=prefecture.pk), by).exists():
        raise PermissionDenied("Vous ne pouvez pas importer de courriers pour cette préfecture.")
    check_csv_upload(file, max_bytes=MAX_BYTES)
    name = PurePath(file.name or "courriers.csv").name[-255:]
    batch = CorrespondenceImport(prefecture=prefecture, created_by=by, file_name=name, file_size=file.size)
    batch.file.save(f"{uuid.uuid4().hex}.csv", file, save=False)
    batch.save()
    return batch


def runs_in_background(batch):
    return batch.file_size > SYNC_MAX_BYTES


RUN_TASK = "complaints.tasks.run_correspondence_import"


def import_start(*, by, prefecture, file) -> CorrespondenceImport:
    """Record the import and run it: now for a small file, by a Celery task for a big one (recorded with the
    import, in one transaction, and sent to the broker once committed)."""
    with transaction.atomic():
        batch = import_create(by=by, prefecture=prefecture, file=file)
        if runs_in_background(batch):
            outbox.enqueue(RUN_TASK, batch.pk, key=outbox.key_of(batch))
    if not runs_in_background(batch):
        import_run(batch=batch)
    return batch


STALE_FAILURE = (
    "L'import n'a pas abouti après {attempts} tentatives (service d'import indisponible) : rien n'a été importé. "
    "Relancez-le ou réessayez plus tard."
)


def sweep_stale_imports(*, before):
    """Imports pending or running without progress since ``before``: sent again through the outbox, or marked
    failed (their file kept for « Relancer ») after WORK_MAX_ATTEMPTS sends; those whose task still waits for the
    broker are left to the relay. Returns the number handled."""
    stale = CorrespondenceImport.objects.filter(
        status__in=CorrespondenceImport.RUNNING_STATUSES, updated_at__lt=before
    ).order_by("pk")
    return outbox.sweep_items(
        stale,
        task=RUN_TASK,
        label="Import de courriers",
        failed=_stale_failure,
        requeued={"status": Status.PENDING, "progress": 0},
        give_up=lambda batch: not batch.file,
    )


def _stale_failure(attempts):
    report = ImportReport()
    report.add_file_error(STALE_FAILURE.format(attempts=attempts))
    return {
        "status": Status.FAILED,
        "progress": 100,
        "imported": 0,
        "report": report.as_dict(),
        "error_count": report.error_count,
        "finished_at": timezone.now(),
    }


def import_retry(*, by, batch) -> CorrespondenceImport:
    """« Relancer » an import that failed for want of a worker (its file is still there): pending again, its task
    recorded and sent once committed; its attempts count from zero."""
    if not access.can_retry_correspondence_import(by, batch):
        raise PermissionDenied("Vous ne pouvez pas relancer cet import.")
    if batch.status != Status.FAILED or not batch.file:
        raise ValidationError("Cet import ne peut pas être relancé : envoyez le fichier de nouveau.")
    key = outbox.key_of(batch)
    with transaction.atomic():
        changed = CorrespondenceImport.objects.filter(pk=batch.pk, status=Status.FAILED).update(
            status=Status.PENDING,
            progress=0,
            rows=0,
            error_count=0,
            report={},
            started_at=None,
            finished_at=None,
            updated_at=timezone.now(),
        )
        if changed:
            outbox.forget(key)
            outbox.enqueue(RUN_TASK, batch.pk, key=key)
    batch.refresh_from_db()
    return batch


def _set(batch, **fields):
    for name, value in fields.items():
        setattr(batch, name, value)
    CorrespondenceImport.objects.filter(pk=batch.pk).update(updated_at=timezone.now(), **fields)


def _finish(batch, *, status, report):
    """Record a rejected or failed import (never over one that succeeded meanwhile) and delete its file."""
    fields = {
        "status": status,
        "progress": 100,
        "rows": report.rows,
        "imported": 0,
        "error_count": report.error_count,
        "report": report.as_dict(),
        "finished_at": timezone.now(),
    }
    CorrespondenceImport.objects.filter(pk=batch.pk).exclude(status=Status.DONE).update(
        updated_at=timezone.now(), **fields
    )
    batch.refresh_from_db()
    _delete_file(batch)


def _delete_file(batch):
    if batch.file:
        try:
            batch.file.delete(save=False)
        except OSError:
            logger.warning("Fichier d'import %s non supprimé", batch.pk)
        CorrespondenceImport.objects.filter(pk=batch.pk).update(file="")


def import_run(*, batch) -> CorrespondenceImport:
    """Import the file of a pending import: see the module's docstring. Idempotent: an import already finished is
    left as it is; one interrupted (worker lost) starts over, nothing having been saved."""
    batch.refresh_from_db()
    if batch.status in (Status.DONE, Status.REJECTED, Status.FAILED):
        return batch
    if not batch.file:
        report = ImportReport()
        report.add_file_error("Le fichier de cet import n'est plus disponible : envoyez-le de nouveau.")
        _finish(batch, status=Status.FAILED, report=report)
        return batch
    by = batch.created_by
    today = timezone.localdate()
    _set(batch, status=Status.CHECKING, progress=0, started_at=timezone.now())
    spool = None
    try:
        spool = tempfile.TemporaryFile()  # noqa: SIM115 (closed in finally) the rows checked, for pass 2
        checker = _Checker(by=by, prefecture=batch.prefecture, today=today)
        report = ImportReport()

        def progress(fraction, report):
            _set(batch, progress=min(95, int(fraction * 95)), rows=report.rows, error_count=report.error_count)

        with batch.file.open("rb") as file:
            _spool(_rows(file, size=batch.file_size, checker=checker, report=report, on_progress=progress), spool)
        if not report.ok:
            _finish(batch, status=Status.REJECTED, report=report)
            return batch
        if report.rows == 0:
            report.add_file_error("Le fichier ne contient aucune ligne de courrier sous la ligne des colonnes.")
            _finish(batch, status=Status.REJECTED, report=report)
            return batch
        _set(batch, status=Status.SAVING, progress=95, rows=report.rows)
        _save(batch=batch, checker=checker, by=by, report=report, spool=spool)
    except _Rejected as rejected:
        _finish(batch, status=Status.REJECTED, report=rejected.report)
        return batch
    except Exception:
        logger.exception("Import de courriers %s en échec", batch.pk)
        report = ImportReport()
        report.add_file_error("Erreur technique pendant l'import : rien n'a été importé. Réessayez plus tard.")
        _finish(batch, status=Status.FAILED, report=report)
        return batch
    finally:
        if spool is not None:
            spool.close()
    _delete_file(batch)
    return batch


class _Rejected(Exception):
    def __init__(self, report):
        self.report = report


def _spool(rows, spool):
    """Keep the rows of pass 1 (CleanRow values, pickled by batches of BATCH_SIZE) in a temporary file: pass 2
    inserts them without reading and checking the file again, and the memory used stays that of one batch."""
    chunk = []
    for _, row in rows:
        chunk.append(tuple(row))
        if len(chunk) >= BATCH_SIZE:
            pickle.dump(chunk, spool, protocol=pickle.HIGHEST_PROTOCOL)
            chunk = []
    if chunk:
        pickle.dump(chunk, spool, protocol=pickle.HIGHEST_PROTOCOL)


def _spooled(spool):
    spool.seek(0)
    while True:
        try:
            yield pickle.load(spool)  # written by _spool in this process, from the checked rows
        except EOFError:
            return


def _save(*, batch, checker, by, report, spool):
    """Pass 2: insert the rows checked by pass 1 (``spool``), in one transaction that also writes the status
    « done »."""
    reason = f"Import du fichier « {batch.file_name} »"[:100]
    now = timezone.now()
    by_id = by.pk if by is not None else None
    constant = {
        "prefecture_id": checker.prefecture.pk,
        "import_batch_id": batch.pk,
        "created_by_id": by_id,
        "assigned_to_id": None,
        "anonymised_on": None,
        # A file gives no contact nor text of the answer (complaints.deliveries: nothing leaves from an import).
        "answered_by_id": None,
        "sender_email": "",
        "sender_address": "",
        "response": "",
        "created_at": now,
        "updated_at": now,
    }
    pending = []

    def flush():
        # Plain multi-row INSERTs (qualipref.lib.bulk): no model instance per row, the history rows alike.
        pks = bulk.insert_rows(Correspondence, pending, returning=True, batch_size=BATCH_SIZE)
        history_model, history = bulk.history_rows(Correspondence, pending, pks, user_id=by_id, date=now, reason=reason)
        bulk.insert_rows(history_model, history, batch_size=BATCH_SIZE)
        pending.clear()

    try:
        with transaction.atomic():
            # A second run of the same import (a message delivered twice) waits here, then finds it done.
            if CorrespondenceImport.objects.select_for_update().get(pk=batch.pk).status == Status.DONE:
                return
            imported = 0
            for chunk in _spooled(spool):
                pending.extend({**constant, **dict(zip(CLEAN_FIELDS, values, strict=True))} for values in chunk)
                imported += len(chunk)
                flush()
            data_version.bump()  # plain INSERTs send no signal
            CorrespondenceImport.objects.filter(pk=batch.pk).update(
                status=Status.DONE,
                progress=100,
                rows=report.rows,
                imported=imported,
                error_count=0,
                report=report.as_dict(),
                finished_at=timezone.now(),
                updated_at=timezone.now(),
            )
    except IntegrityError:
        report.add_file_error(
            "Une référence du fichier vient d'être enregistrée par ailleurs (autre import ?) : rien n'a été importé."
        )
        raise _Rejected(report) from None
    finally:
        batch.refresh_from_db()


def import_file(*, by, prefecture, file) -> CorrespondenceImport:
    """Create and run an import at once, in the caller's process (small files, the API). Raises the upload's
    ValidationError; the rows' errors are in the returned import's report."""
    batch = import_create(by=by, prefecture=prefecture, file=file)
    return import_run(batch=batch)

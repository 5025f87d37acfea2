"""The bulk import of correspondence: all rows or none, a report line by line, deadlines like the services',
duplicates and foreign sites refused, streamed with a constant number of queries, big files in a task."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from complaints import tasks
from complaints.correspondence import imports
from complaints.models import Correspondence, CorrespondenceImport
from tests import factories

pytestmark = pytest.mark.django_db

HEADER = "site;type;reçu le;répondu le;référence;service;objet;expéditeur\n"


def _file(text, name="courriers.csv", encoding="utf-8"):
    return SimpleUploadedFile(name, text.encode(encoding), content_type="text/csv")


def _import(world, text, role="quality_manager", **kwargs):
    return imports.import_file(by=world.users[role], prefecture=world.prefecture, file=_file(text, **kwargs))


def _errors(batch):
    return [(error["line"], error["field"], error["message"]) for error in batch.report["errors"]]


def _good_rows(world):
    return (
        f"{world.site.pk};courrier;02/03/2026;10/03/2026;CHR-1;Accueil général;Carte grise;M. Paul Girard\n"
        f"{world.sister_site.name};courriel;2026-03-02;;CHR-2;;Horaires;\n"
        f"{world.site.pk};élu;02/03/2026;;;;Rendez-vous : sécurité des arènes;Maire\n"
    )


def test_a_valid_file_is_imported_whole_with_deadlines_and_history(world):
    batch = _import(world, HEADER + _good_rows(world))

    assert (batch.status, batch.rows, batch.imported, batch.error_count) == ("done", 3, 3, 0)
    items = {item.reference or item.kind: item for item in Correspondence.objects.select_related("service")}
    letter, email, elected = items["CHR-1"], items["CHR-2"], items["elected_official"]
    assert (letter.kind, letter.due_on, letter.answer_delay, letter.answered_in_time) == (
        "letter",
        datetime.date(2026, 3, 23),
        6,
        True,
    )
    assert letter.service == world.service
    assert letter.sender == "M. Paul Girard"
    assert (email.site, email.kind, email.due_on, email.answered_on) == (
        world.sister_site,
        "email",
        datetime.date(2026, 3, 9),
        None,
    )
    assert (elected.delay_days, elected.due_on) == (10, datetime.date(2026, 3, 16))
    assert {item.import_batch_id for item in items.values()} == {batch.pk}
    record = letter.history.get()
    assert (record.history_user, record.history_change_reason) == (
        world.users["quality_manager"],
        "Import du fichier « courriers.csv »",
    )
    assert not batch.file  # the file (it names senders) is deleted once imported


def test_one_bad_row_and_nothing_is_imported_with_a_report_line_by_line(world):
    text = (
        HEADER
        + _good_rows(world)
        + (
            "999;courrier;02/03/2026;;;;;\n"
            f"{world.foreign_site.pk};courrier;02/03/2026;;;;;\n"
            f"{world.site.pk};fax;31/02/2026;;;;;\n"
            f"{world.site.pk};courrier;10/03/2026;02/03/2026;;;;\n"
            f"{world.site.pk};courrier;02/03/2026;;CHR-1;;;\n"
            f"{world.site.pk};courriel;02/03/2026;;;Guichet inconnu;;\n"
            f"{world.site.pk};élu;02/03/2026;;;;Rendez-vous : sécurité des arènes;Maire\n"
            f"{world.site.pk};courrier\n"
        )
    )
    batch = _import(world, text)

    assert batch.status == CorrespondenceImport.Status.REJECTED
    assert not Correspondence.objects.exists()
    assert _errors(batch) == [
        (5, "site", "Site inconnu « 999 » : indiquez le numéro du site dans Qualipref ou son nom exact."),
        (
            6,
            "site",
            f"Le site n° {world.foreign_site.pk} appartient à une autre préfecture que {world.prefecture.name}.",
        ),
        (
            7,
            "type",
            "« fax » : Type inconnu : courrier, courriel, demande de rendez-vous d'un élu ou lettre d'observations.",
        ),
        (7, "reçu le", "« 31/02/2026 » n'est pas une date du calendrier."),
        (8, "répondu le", "La date de réponse (02/03/2026) précède la date de réception (10/03/2026)."),
        (9, "référence", "La référence « CHR-1 » figure déjà ligne 2."),
        (10, "service", "Service inconnu « Guichet inconnu » pour ce site."),
        (11, "", "Ligne identique à la ligne 4 (doublon)."),
        (
            12,
            "",
            "La ligne compte 2 cellules au lieu de 8 : vérifiez le séparateur (point-virgule) et les guillemets.",
        ),
    ]
    assert (batch.rows, batch.error_count, batch.report["rejected_rows"]) == (11, 9, 8)
    assert not batch.file


def test_fixing_the_file_imports_every_row(world):
    assert _import(world, HEADER + _good_rows(world) + "999;courrier;02/03/2026;;;;;\n").status == "rejected"

    batch = _import(world, HEADER + _good_rows(world))

    assert batch.status == "done"
    assert Correspondence.objects.count() == 3


def test_a_file_already_imported_is_refused_by_its_references(world):
    _import(world, HEADER + _good_rows(world))

    batch = _import(world, HEADER + _good_rows(world))

    assert batch.status == "rejected"
    assert _errors(batch)[:2] == [
        (2, "référence", "Un courrier de la préfecture porte déjà la référence « CHR-1 ». (déjà importé ?)"),
        (3, "référence", "Un courrier de la préfecture porte déjà la référence « CHR-2 ». (déjà importé ?)"),
    ]
    assert Correspondence.objects.count() == 3


def test_an_agent_imports_for_their_own_site_only(world):
    batch = _import(world, HEADER + _good_rows(world), role="agent")

    assert batch.status == "rejected"
    assert _errors(batch) == [
        (3, "site", f"Vous n'enregistrez pas les courriers du site « {world.sister_site.name} ».")
    ]


@pytest.mark.parametrize("role", ["manager", "national", "auditor"])
def test_readers_import_nothing(world, role):
    with pytest.raises(PermissionDenied):
        _import(world, HEADER + _good_rows(world), role=role)
    assert not CorrespondenceImport.objects.exists()


def test_future_and_implausible_dates_are_refused(world):
    text = HEADER + f"{world.site.pk};courrier;02/03/2099;;;;;\n{world.site.pk};courrier;02/03/1999;;;;;\n"
    batch = _import(world, text)

    assert _errors(batch) == [
        (2, "reçu le", "La date de réception ne peut pas être dans le futur."),
        (3, "reçu le", "Date de réception invraisemblable (02/03/1999) : vérifiez l'année."),
    ]


def test_wrong_columns_are_refused_before_any_row(world):
    batch = _import(world, "site;date;objet\n12;02/03/2026;x\n")

    assert batch.status == "rejected"
    assert [line for line, _, _ in _errors(batch)] == [1, 1, 1]
    assert "Colonne inconnue « date »" in _errors(batch)[0][2]
    assert batch.rows == 0


def test_a_header_without_rows_is_refused(world):
    batch = _import(world, HEADER)

    assert _errors(batch) == [(0, "", "Le fichier ne contient aucune ligne de courrier sous la ligne des colonnes.")]


def test_an_export_of_an_old_office_suite_in_windows_1252_is_read(world):
    text = "site;type;reçu le;objet\n" + f"{world.site.pk};courrier;02/03/2026;Délai dépassé\n"
    batch = _import(world, text, encoding="cp1252")

    assert batch.status == "done"
    assert Correspondence.objects.get().subject == "Délai dépassé"


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("courriers.xlsx", b"PK\x03\x04", "Type de fichier non accepté (« .xlsx »)"),
        ("courriers.csv", b"PK\x03\x04" + b"\x00" * 20, "Ce fichier est un classeur"),
        ("courriers.csv", b"", "Le fichier est vide."),
    ],
)
def test_wrong_uploads_are_refused_and_nothing_is_recorded(world, name, content, message):
    with pytest.raises(ValidationError) as error:
        imports.import_file(
            by=world.users["quality_manager"], prefecture=world.prefecture, file=SimpleUploadedFile(name, content)
        )
    assert error.value.message_dict["file"][0].startswith(message)
    assert not CorrespondenceImport.objects.exists()


def test_an_oversized_upload_is_refused(world, monkeypatch):
    monkeypatch.setattr(imports, "MAX_BYTES", 100)

    with pytest.raises(ValidationError) as error:
        _import(world, HEADER + _good_rows(world))
    assert error.value.message_dict["file"][0].startswith("Le fichier pèse 0,0 Mo : la taille maximale est de")


def _rows(world, count, start=0):
    return "".join(
        f"{world.site.pk};courrier;02/03/2026;;REF-{index};;Objet {index};\n" for index in range(start, start + count)
    )


def test_the_number_of_queries_does_not_grow_with_the_rows(world, django_assert_max_num_queries, monkeypatch):
    monkeypatch.setattr(imports, "BATCH_SIZE", 100)
    monkeypatch.setattr(imports, "PROGRESS_EVERY", 100)
    factories.SiteClosureFactory(site=world.site, start_on=datetime.date(2026, 3, 5), end_on=datetime.date(2026, 3, 6))

    # Reads (sites, services, delays, calendars), progress and references per 100 rows, inserts per 100 rows.
    with django_assert_max_num_queries(40):
        small = _import(world, HEADER + _rows(world, 10))
    with django_assert_max_num_queries(40 + 6 * 5):
        big = _import(world, HEADER + _rows(world, 500, start=10))

    assert (small.imported, big.imported) == (10, 500)
    # The closure of the site counts in every due date.
    assert set(Correspondence.objects.values_list("due_on", flat=True)) == {datetime.date(2026, 3, 25)}


def test_rows_are_inserted_by_batches_and_a_late_conflict_rolls_everything_back(world, monkeypatch):
    monkeypatch.setattr(imports, "BATCH_SIZE", 2)
    batch = imports.import_create(
        by=world.users["quality_manager"], prefecture=world.prefecture, file=_file(HEADER + _rows(world, 5))
    )
    original = imports._set

    def concurrent_import(batch, **fields):
        # Another import records REF-3 between the check of this one and its save.
        if fields.get("status") == "saving":
            factories.CorrespondenceFactory(site=world.site, reference="REF-3")
        return original(batch, **fields)

    monkeypatch.setattr(imports, "_set", concurrent_import)
    imports.import_run(batch=batch)

    assert batch.status == "rejected"
    assert "vient d'être enregistrée par ailleurs" in batch.report["errors"][0]["message"]
    assert list(Correspondence.objects.values_list("reference", flat=True)) == ["REF-3"]


def test_running_an_import_again_changes_nothing(world):
    batch = _import(world, HEADER + _good_rows(world))

    imports.import_run(batch=batch)

    assert Correspondence.objects.count() == 3


def test_a_big_file_runs_in_a_task_that_records_its_progress(world, monkeypatch, settings):
    monkeypatch.setattr(imports, "PROGRESS_EVERY", 50)
    monkeypatch.setattr(imports, "SYNC_MAX_BYTES", 1000)
    batch = imports.import_create(
        by=world.users["site_referent"], prefecture=world.prefecture, file=_file(HEADER + _rows(world, 400))
    )
    assert imports.runs_in_background(batch)
    assert batch.status == "pending" and batch.file
    seen = []
    original = imports._set

    def spy(batch, **fields):
        if "progress" in fields:
            seen.append((fields.get("status"), fields["progress"]))
        return original(batch, **fields)

    monkeypatch.setattr(imports, "_set", spy)

    assert tasks.run_correspondence_import(batch.pk) == "done"

    checking = [progress for status, progress in seen if status is None]
    assert len(checking) >= 4 and checking == sorted(checking) and checking[-1] <= 95
    assert seen[0] == ("checking", 0) and ("saving", 95) in seen
    batch.refresh_from_db()
    assert (batch.status, batch.progress, batch.imported) == ("done", 100, 400)
    assert tasks.run_correspondence_import(batch.pk) == "done"  # delivered twice: nothing more
    assert Correspondence.objects.count() == 400


def test_a_task_for_an_import_that_lost_its_file_fails_cleanly(world):
    batch = CorrespondenceImport.objects.create(
        prefecture=world.prefecture, created_by=world.users["agent"], file_name="perdu.csv", file_size=10
    )

    assert tasks.run_correspondence_import(batch.pk) == "failed"
    batch.refresh_from_db()
    assert batch.report["errors"][0]["message"].startswith("Le fichier de cet import n'est plus disponible")
    assert tasks.run_correspondence_import(123456) is None


def test_the_file_is_read_and_checked_once_and_the_rows_checked_are_saved(world, monkeypatch):
    monkeypatch.setattr(imports, "BATCH_SIZE", 2)  # the rows kept between the passes: 3 batches
    reads = []
    original = imports._rows

    def counted(file, **kwargs):
        reads.append(file)
        return original(file, **kwargs)

    monkeypatch.setattr(imports, "_rows", counted)
    batch = _import(world, HEADER + _good_rows(world) + _rows(world, 2))

    assert (len(reads), batch.status, batch.imported) == (1, "done", 5)
    saved = Correspondence.objects.order_by("received_on", "reference").values_list(
        "reference", "kind", "service_id", "subject", "sender", "answered_on", "answer_delay", "answered_in_time"
    )
    assert list(saved) == [
        ("", "elected_official", None, "Rendez-vous : sécurité des arènes", "Maire", None, None, None),
        ("CHR-1", "letter", world.service.pk, "Carte grise", "M. Paul Girard", datetime.date(2026, 3, 10), 6, True),
        ("CHR-2", "email", None, "Horaires", "", None, None, None),
        ("REF-0", "letter", None, "Objet 0", "", None, None, None),
        ("REF-1", "letter", None, "Objet 1", "", None, None, None),
    ]
    assert Correspondence.history.filter(history_type="+").count() == 5


def test_answer_delays_are_those_of_the_sites_calendar_across_holidays_and_closures(world):
    # The import counts working days from a rank per (site, day), not one call of the calendar per row.
    factories.SiteClosureFactory(
        site=world.site, start_on=datetime.date(2026, 4, 20), end_on=datetime.date(2026, 4, 24)
    )
    checker = imports._Checker(
        by=world.users["quality_manager"], prefecture=world.prefecture, today=datetime.date(2026, 6, 30)
    )
    calendar = checker.calendars[world.site.pk]
    days = [datetime.date(2026, 3, 30) + datetime.timedelta(days=n) for n in range(0, 90, 4)]  # Easter, May
    for start in days:
        for end in days:
            assert checker.working_days_between(world.site.pk, start, end) == calendar.working_days_between(start, end)

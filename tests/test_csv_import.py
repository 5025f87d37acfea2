"""The CSV import helpers every bulk import shares (qualipref.lib.csv_import): upload checks, header mapping,
streamed rows with their line numbers, dates, the row-by-row report."""

import datetime
import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from qualipref.lib.csv_import import Column, CsvReader, ImportReport, check_csv_upload, normalise, parse_date

COLUMNS = [
    Column("site", "site", required=True, aliases=("code site",)),
    Column("received_on", "reçu le", required=True, aliases=("date de réception",)),
    Column("subject", "objet"),
]


def _read(content, encoding="utf-8"):
    report = ImportReport()
    data = content.encode(encoding) if isinstance(content, str) else content
    with CsvReader(io.BytesIO(data), columns=COLUMNS, report=report, size=len(data)) as reader:
        rows = list(reader.rows())
    return rows, report, reader


def _messages(report):
    return [(error.line, error.field, error.message) for error in report.errors]


def test_rows_come_with_their_line_numbers_and_the_columns_of_the_import():
    rows, report, reader = _read("site;reçu le;objet\n12;02/03/2026;Carte grise\n\n14;03/03/2026;\n")

    assert report.ok
    assert reader.delimiter == ";"
    assert rows == [
        (2, {"site": "12", "received_on": "02/03/2026", "subject": "Carte grise"}),
        (4, {"site": "14", "received_on": "03/03/2026", "subject": ""}),
    ]
    assert report.rows == 2


@pytest.mark.parametrize("delimiter", [",", "\t", ";"])
def test_the_delimiter_is_found_in_the_header(delimiter):
    rows, report, reader = _read(f"site{delimiter}reçu le\n12{delimiter}02/03/2026\n")

    assert report.ok
    assert reader.delimiter == delimiter
    assert rows[0][1]["site"] == "12"


def test_names_of_columns_ignore_case_accents_punctuation_and_accept_aliases():
    rows, report, _ = _read("\ufeffCODE_SITE ; Date de Réception\n12;02/03/2026\n")

    assert report.ok
    assert rows == [(2, {"site": "12", "received_on": "02/03/2026", "subject": ""})]


def test_a_windows_1252_file_is_read_with_its_accents():
    rows, report, _ = _read("site;reçu le;objet\n12;02/03/2026;Délai dépassé\n", encoding="cp1252")

    assert report.ok
    assert rows[0][1]["subject"] == "Délai dépassé"


def test_quoted_cells_may_hold_delimiters_and_line_breaks_and_later_lines_keep_their_numbers():
    rows, report, _ = _read('site;reçu le;objet\n12;02/03/2026;"Ligne 1;\nligne 2"\n13;04/03/2026;x\n')

    assert report.ok
    assert rows[0] == (2, {"site": "12", "received_on": "02/03/2026", "subject": "Ligne 1;\nligne 2"})
    assert rows[1][0] == 4


def test_missing_unknown_and_repeated_columns_are_reported_on_line_1_and_no_row_is_read():
    rows, report, _ = _read("site;objet;date reponse;Objet\n12;x;y;z\n")

    assert rows == []
    assert _messages(report) == [
        (1, "Objet", "La colonne « objet » apparaît deux fois (« objet » et « Objet »)."),
        (
            1,
            "date reponse",
            "Colonne inconnue « date reponse ». Colonnes acceptées : « site », « reçu le », « objet » (facultative).",
        ),
        (1, "reçu le", "Colonne obligatoire absente : « reçu le »."),
    ]


def test_a_line_with_the_wrong_number_of_cells_is_reported_not_read():
    rows, report, _ = _read("site;reçu le;objet\n12;02/03/2026\n13;03/03/2026;x;\n14;04/03/2026;x;y\n")

    assert [line for line, _ in rows] == [3]  # a trailing delimiter is tolerated
    assert _messages(report) == [
        (2, "", "La ligne compte 2 cellules au lieu de 3 : vérifiez le séparateur (point-virgule) et les guillemets."),
        (4, "", "La ligne compte 4 cellules au lieu de 3 : vérifiez le séparateur (point-virgule) et les guillemets."),
    ]
    assert report.rejected_rows == 2


def test_an_empty_file_or_header_is_reported():
    _, report, _ = _read("\n\n")
    assert _messages(report) == [(1, "", "La première ligne doit donner les noms des colonnes : elle est vide.")]


def test_the_reader_tells_how_much_of_the_file_it_consumed():
    content = "site;reçu le\n" + "12;02/03/2026\n" * 20000
    report = ImportReport()
    data = content.encode()
    with CsvReader(io.BytesIO(data), columns=COLUMNS, report=report, size=len(data)) as reader:
        fractions = [reader.fraction_read() for index, _ in enumerate(reader.rows()) if index % 5000 == 0]

    assert fractions == sorted(fractions)
    assert 0 < fractions[0] < 0.5 and fractions[-1] > 0.5


def test_the_reader_leaves_the_file_open_for_its_owner():
    data = io.BytesIO(b"site;re\xc3\xa7u le\n12;02/03/2026\n")
    with CsvReader(data, columns=COLUMNS, report=ImportReport()) as reader:
        list(reader.rows())
    assert not data.closed


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("02/03/2026", datetime.date(2026, 3, 2)),
        ("2/3/2026", datetime.date(2026, 3, 2)),
        ("02-03-2026", datetime.date(2026, 3, 2)),
        ("02.03.2026", datetime.date(2026, 3, 2)),
        ("2026-03-02", datetime.date(2026, 3, 2)),
        ("2026-03-02 14:35:00", datetime.date(2026, 3, 2)),
        ("02/03/2026 09:12", datetime.date(2026, 3, 2)),
    ],
)
def test_dates_are_read_in_the_formats_of_french_exports(text, expected):
    assert parse_date(text) == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("31/02/2026", "« 31/02/2026 » n'est pas une date du calendrier."),
        ("2 mars 2026", "« 2 mars 2026 » n'est pas une date : écrivez-la JJ/MM/AAAA (par exemple 31/01/2026)."),
        ("03/02/26", "« 03/02/26 » n'est pas une date : écrivez-la JJ/MM/AAAA (par exemple 31/01/2026)."),
    ],
)
def test_wrong_dates_are_refused_in_french(text, message):
    with pytest.raises(ValueError) as error:
        parse_date(text)
    assert str(error.value) == message


def test_the_report_keeps_the_first_errors_and_counts_them_all():
    report = ImportReport(max_errors=2)
    for line in (2, 2, 3, 4):
        report.add(line, "site", "Site inconnu.")

    assert report.as_dict() == {
        "rows": 0,
        "error_count": 4,
        "rejected_rows": 3,
        "errors_truncated": True,
        "errors": [
            {"line": 2, "field": "site", "message": "Site inconnu."},
            {"line": 2, "field": "site", "message": "Site inconnu."},
        ],
    }


def test_normalise_compares_names_as_people_write_them():
    assert normalise("  Date de   RÉCEPTION ") == normalise("date_de_reception") == "date de reception"


# --- the upload --------------------------------------------------------------------------------------


def test_a_csv_upload_passes_and_is_rewound():
    upload = SimpleUploadedFile("export.csv", b"site;recu le\n12;02/03/2026\n")
    check_csv_upload(upload, max_bytes=1024)
    assert upload.read().startswith(b"site")


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("vide.csv", b"", "Le fichier est vide."),
        (
            "export.csv",
            b"x" * 2_000_000,
            "Le fichier pèse 1,9 Mo : la taille maximale est de 1 Mo.",
        ),
        (
            "export.pdf",
            b"site;recu le\n",
            "Type de fichier non accepté (« .pdf ») : envoyez un fichier CSV (.csv ou .txt), séparé par des "
            "points-virgules ou des virgules.",
        ),
        (
            "export.csv",
            b"PK\x03\x04" + b"\x00" * 30,
            "Ce fichier est un classeur ou un document bureautique (XLSX, ODS, DOCX…) ou une archive ZIP, pas un "
            "fichier CSV : enregistrez-le au format CSV (« CSV UTF-8 » dans votre tableur) puis envoyez-le de nouveau.",
        ),
        (
            "export.csv",
            b"%PDF-1.4 ...",
            "Ce fichier est un document PDF, pas un fichier CSV : enregistrez-le au format CSV (« CSV UTF-8 » dans "
            "votre tableur) puis envoyez-le de nouveau.",
        ),
        (
            "export.txt",
            b"site\x00\x00\x01",
            "Ce fichier est un fichier binaire, pas un fichier CSV : enregistrez-le au format CSV (« CSV UTF-8 » dans "
            "votre tableur) puis envoyez-le de nouveau.",
        ),
    ],
)
def test_empty_oversized_and_non_csv_uploads_are_refused_in_french(name, content, message):
    with pytest.raises(ValidationError) as error:
        check_csv_upload(SimpleUploadedFile(name, content), max_bytes=1024 * 1024)
    assert error.value.message_dict == {"file": [message]}


class _SpyFile(io.BytesIO):
    def __init__(self, data):
        super().__init__(data)
        self.sizes = []

    def read(self, size=-1):
        self.sizes.append(size)
        return super().read(size)

    def read1(self, size=-1):
        self.sizes.append(size)
        return super().read1(size)


def test_the_file_is_read_by_chunks_never_whole():
    spy = _SpyFile(("site;reçu le\n" + "12;02/03/2026\n" * 50000).encode())
    with CsvReader(spy, columns=COLUMNS, report=ImportReport(), size=len(spy.getvalue())) as reader:
        assert sum(1 for _ in reader.rows()) == 50000

    assert spy.sizes and all(size is not None and 0 < size <= 64 * 1024 for size in spy.sizes)

"""Bulk imports of CSV files exported by other systems, read row by row with a report (imports no app).

Every import of the project (correspondence today; surveys and indicators next) follows the same steps:

1. ``check_csv_upload(file, max_bytes=...)`` refuses a missing, empty or oversized upload, a name that is not
   ``.csv``/``.txt``, and a binary file (spreadsheet, PDF, archive...), with a French message on the field;
2. ``CsvReader(file, columns=[Column(...)], report=report)`` reads the header: the delimiter (« ; », « , » or
   tab), the encoding (UTF-8 with or without BOM, or Windows-1252 from old office suites), and maps the names
   of the file's columns to the import's columns (case, accents, punctuation and aliases ignored). Missing,
   unknown and repeated columns are reported on line 1 and no row is read;
3. ``reader.rows()`` yields ``(line, values)`` one record at a time: the file is streamed through
   ``csv.reader``, never loaded whole. ``values`` maps each column name to its stripped text ("" when the
   optional column is absent). Lines with the wrong number of cells are reported, not yielded;
4. the import checks each row and calls ``report.add(line, column, message)``; ``parse_date`` turns
   « 31/01/2026 » or « 2026-01-31 » into a date or raises ``ValueError`` with a French message;
5. all-or-nothing: the import writes nothing unless ``report.ok``. ``report.as_dict()`` is what pages and the
   API show: ``{"rows", "error_count", "rejected_rows", "errors": [{"line", "field", "message"}], ...}``.

Line numbers are those a spreadsheet shows: the header is line 1. ``reader.fraction_read()`` tells how much
of the file was consumed (from the byte position), for progress bars.
"""

import codecs
import contextlib
import csv
import datetime
import io
import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import PurePath

from django.core.exceptions import ValidationError

from qualipref.lib import uploads

CSV_EXTENSIONS = (".csv", ".txt")
DELIMITERS = (";", ",", "\t")
DELIMITER_NAMES = {";": "point-virgule", ",": "virgule", "\t": "tabulation"}
MAX_REPORTED_ERRORS = 200
SNIFF_BYTES = 64 * 1024


@dataclass(frozen=True)
class RowError:
    line: int  # as a spreadsheet numbers it: 1 is the header; 0 for the file as a whole
    field: str  # the column as the file names it, "" for the whole line
    message: str

    def as_dict(self):
        return {"line": self.line, "field": self.field, "message": self.message}


@dataclass
class ImportReport:
    """What was read and what is wrong, line by line. Keeps the first ``max_errors`` messages and counts all."""

    max_errors: int = MAX_REPORTED_ERRORS
    rows: int = 0  # data rows read (the header excluded)
    errors: list = field(default_factory=list)
    error_count: int = 0
    rejected_rows: int = 0
    _last_rejected: int = -1

    def add(self, line, column, message):
        self.error_count += 1
        if line > 1 and line != self._last_rejected:
            self.rejected_rows += 1
            self._last_rejected = line
        if len(self.errors) < self.max_errors:
            self.errors.append(RowError(line=line, field=column or "", message=message))

    def add_file_error(self, message):
        """An error of the file as a whole (encoding, unreadable content): line 0."""
        self.add(0, "", message)

    @property
    def ok(self):
        return self.error_count == 0

    @property
    def truncated(self):
        return self.error_count > len(self.errors)

    def as_dict(self):
        return {
            "rows": self.rows,
            "error_count": self.error_count,
            "rejected_rows": self.rejected_rows,
            "errors_truncated": self.truncated,
            "errors": [error.as_dict() for error in self.errors],
        }


@dataclass(frozen=True)
class Column:
    """A column of an import: its name in the code, the name shown in messages and templates, the other names
    accepted in headers (compared after ``normalise``)."""

    name: str
    label: str
    required: bool = False
    aliases: tuple = ()

    def accepted_names(self):
        return {normalise(self.name), normalise(self.label), *(normalise(alias) for alias in self.aliases)}


@lru_cache(maxsize=4096)
def normalise(text):
    """« Date de réception » -> "date de reception": lower case, no accents, no punctuation, single spaces.
    Cached: the cells of a column (types, sites, services) repeat."""
    text = unicodedata.normalize("NFKD", (text or "").replace("\ufeff", ""))
    text = "".join(char for char in text if not unicodedata.combining(char)).lower()
    return " ".join(re.sub(r"[^0-9a-z]+", " ", text).split())


def check_csv_upload(file, *, max_bytes, field="file"):
    """Refuse a missing, empty or oversized file, another extension than .csv or .txt, or binary content
    (a spreadsheet saved as XLSX, a PDF...): the import reads text only. Reads the first bytes and rewinds."""
    uploads.check_size(file, max_bytes=max_bytes, field=field)
    suffix = PurePath(getattr(file, "name", "") or "").suffix.lower()
    if suffix not in CSV_EXTENSIONS:
        shown = f"« {suffix} »" if suffix else "sans extension"
        raise ValidationError(
            {
                field: f"Type de fichier non accepté ({shown}) : envoyez un fichier CSV (.csv ou .txt), séparé par des "
                "points-virgules ou des virgules."
            }
        )
    kind = uploads.binary_kind(uploads.read_head(file, 8192))
    if kind is not None:
        raise ValidationError(
            {
                field: f"Ce fichier est {kind}, pas un fichier CSV : enregistrez-le au format CSV (« CSV UTF-8 » dans "
                "votre tableur) puis envoyez-le de nouveau."
            }
        )


def _encoding(head):
    """UTF-8 (BOM or not) when the first bytes decode as UTF-8, else Windows-1252."""
    try:
        codecs.getincrementaldecoder("utf-8")().decode(head, final=False)
    except UnicodeDecodeError:
        return "cp1252"
    return "utf-8-sig"


def _binary(file):
    # Django's UploadedFile, File and FieldFile wrap the real file object (sometimes twice): read that one.
    raw = file
    while getattr(raw, "file", None) is not None and raw.file is not raw:
        raw = raw.file
    raw.seek(0)
    return raw


class CsvReader:
    """The rows of an uploaded CSV file, streamed. See the module's docstring."""

    def __init__(self, file, *, columns, report, size=None):
        self.columns = list(columns)
        self.report = report
        self.raw = _binary(file)
        self.size = size if size is not None else getattr(file, "size", None)
        head = self.raw.read(SNIFF_BYTES)
        self.raw.seek(0)
        self.encoding = _encoding(head)
        self.text = io.TextIOWrapper(self.raw, encoding=self.encoding, newline="")
        self.delimiter = ";"
        self.header = []  # the file's names, in its order
        self.positions = {}  # column name -> index in the file's rows
        self.header_ok = self._read_header()

    def close(self):
        """Give the underlying file back (not closed: its owner closes it)."""
        with contextlib.suppress(ValueError):  # already detached
            self.text.detach()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def fraction_read(self):
        """Share of the file consumed so far, between 0 and 1 (read-ahead included)."""
        if not self.size:
            return 0.0
        try:
            return min(1.0, self.raw.tell() / self.size)
        except (OSError, ValueError):
            return 0.0

    def _read_header(self):
        try:
            first = self.text.readline()
        except UnicodeDecodeError:
            self.report.add(1, "", self._encoding_message())
            return False
        if not first.strip():
            self.report.add(1, "", "La première ligne doit donner les noms des colonnes : elle est vide.")
            return False
        self.delimiter = max(DELIMITERS, key=first.count) if any(d in first for d in DELIMITERS) else ";"
        try:
            names = next(csv.reader([first], delimiter=self.delimiter))
        except (csv.Error, StopIteration):
            self.report.add(1, "", "La ligne des noms de colonnes est illisible.")
            return False
        self.header = [name.strip() for name in names]
        lookup = {}
        for column in self.columns:
            for accepted in column.accepted_names():
                lookup[accepted] = column
        seen, unknown = {}, []
        for index, name in enumerate(self.header):
            if not name and index == len(self.header) - 1 and index:
                continue  # a trailing delimiter
            column = lookup.get(normalise(name))
            if column is None:
                unknown.append(name or f"(colonne {index + 1} sans nom)")
            elif column.name in seen:
                self.report.add(
                    1,
                    name,
                    f"La colonne « {column.label} » apparaît deux fois (« {seen[column.name]} » et « {name} »).",
                )
            else:
                seen[column.name] = name
                self.positions[column.name] = index
        for name in unknown:
            self.report.add(1, name, f"Colonne inconnue « {name} ». Colonnes acceptées : {self.expected_columns()}.")
        for column in self.columns:
            if column.required and column.name not in self.positions:
                self.report.add(1, column.label, f"Colonne obligatoire absente : « {column.label} ».")
        return self.report.ok

    def expected_columns(self):
        return ", ".join(
            f"« {column.label} »" + ("" if column.required else " (facultative)") for column in self.columns
        )

    def label_of(self, name):
        """The column as the file names it (for messages), or its label."""
        index = self.positions.get(name)
        if index is not None and self.header[index]:
            return self.header[index]
        return next(column.label for column in self.columns if column.name == name)

    def _encoding_message(self):
        return (
            "Le fichier contient des caractères illisibles dans l'encodage détecté "
            f"({'UTF-8' if self.encoding.startswith('utf') else 'Windows-1252'}) : enregistrez-le en « CSV UTF-8 »."
        )

    def rows(self):
        """Yield ``(line, {column name: text})`` for each record with the right number of cells."""
        if not self.header_ok:
            return
        width = len(self.header)
        positions = list(self.positions.items())
        absent = {column.name: "" for column in self.columns if column.name not in self.positions}
        reader = csv.reader(self.text, delimiter=self.delimiter)
        last = 1  # physical lines consumed, the header included
        while True:
            try:
                cells = next(reader)
            except StopIteration:
                return
            except UnicodeDecodeError:
                self.report.add(last + 1, "", self._encoding_message())
                return
            except csv.Error as error:
                self.report.add(last + 1, "", f"Ligne illisible ({error}) : vérifiez les guillemets.")
                return
            line = last + 1
            last = reader.line_num + 1
            if not cells or (len(cells) == 1 and not cells[0].strip()):
                continue  # blank line
            self.report.rows += 1
            if len(cells) != width:
                if len(cells) > width and not any(cell.strip() for cell in cells[width:]):
                    cells = cells[:width]  # trailing delimiters
                else:
                    self.report.add(
                        line,
                        "",
                        f"La ligne compte {len(cells)} cellule{'s' if len(cells) > 1 else ''} au lieu de {width} : "
                        f"vérifiez le séparateur ({DELIMITER_NAMES[self.delimiter]}) et les guillemets.",
                    )
                    continue
            if "\x00" in "".join(cells):  # one scan of the row, not one per cell
                # PostgreSQL stores no NUL character: name the line instead of failing at the database.
                self.report.add(
                    line, "", "La ligne contient un caractère nul (octet 0) : corrigez-la ou exportez de nouveau."
                )
                continue
            values = dict(absent)
            for name, index in positions:
                values[name] = cells[index].strip()
            yield line, values


_DATE = re.compile(
    r"^(?:(?P<d1>\d{1,2})[/.-](?P<m1>\d{1,2})[/.-](?P<y1>\d{4})|(?P<y2>\d{4})-(?P<m2>\d{1,2})-(?P<d2>\d{1,2}))"
    r"(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$"
)


@lru_cache(maxsize=8192)
def parse_date(text):
    """A date written JJ/MM/AAAA (or with « - » or « . »), or AAAA-MM-JJ, optionally followed by a time (which is
    ignored); ``ValueError`` with a French message otherwise. Cached: exports repeat the same dates."""
    match = _DATE.match(text.strip())
    if match is None:
        raise ValueError(f"« {text} » n'est pas une date : écrivez-la JJ/MM/AAAA (par exemple 31/01/2026).")
    day, month, year = (
        (match["d1"], match["m1"], match["y1"]) if match["d1"] else (match["d2"], match["m2"], match["y2"])
    )
    try:
        return datetime.date(int(year), int(month), int(day))
    except ValueError:
        raise ValueError(f"« {text} » n'est pas une date du calendrier.") from None

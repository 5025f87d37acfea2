"""Reading an uploaded export, CSV or XLSX, row by row, for the imports of the indicators.

CSV files go through the project's reader (qualipref.lib.csv_import: encodings, delimiters, header names matched
without case, accents or punctuation, errors in an ``ImportReport``). ``XlsxReader`` is its XLSX twin, with the
same interface (``header_ok``, ``rows()`` yielding ``(line, values)``, errors in the same report), reading the
first sheet with openpyxl: it imports no app, ready to move into qualipref/lib/csv_import.py when another import
needs spreadsheets.
"""

import datetime
import zipfile
from pathlib import PurePath

from django.core.exceptions import ValidationError

from qualipref.lib import uploads
from qualipref.lib.csv_import import Column, CsvReader, ImportReport, check_csv_upload, normalise

MAX_BYTES = 10 * 1024 * 1024
# Read no further than a sheet an import can hold (a year of hourly footfall of 60 services is ~525,000 rows)...
MAX_ROWS = 600_000
MAX_COLUMNS = 100  # ... nor wider than any import's columns
ROWS_MESSAGE = f"Le classeur dépasse {MAX_ROWS:,} lignes".replace(",", " ") + " : découpez-le en plusieurs fichiers."
XLSX_MAGIC = b"PK\x03\x04"
ACCEPT = ".csv,.txt,.xlsx"

__all__ = ["ACCEPT", "Column", "ImportReport", "XlsxReader", "check_upload", "normalise", "open_reader"]


def _is_xlsx(file):
    name = PurePath(getattr(file, "name", "") or "").suffix.lower()
    return name == ".xlsx" or uploads.read_head(file, 4) == XLSX_MAGIC


def check_upload(file, *, max_bytes=MAX_BYTES, field="file"):
    """A CSV (checked by qualipref.lib.csv_import) or an XLSX workbook under ``max_bytes``; French messages."""
    if file is None:
        raise ValidationError({field: "Choisissez le fichier à importer (CSV ou XLSX)."})
    if not _is_xlsx(file):
        check_csv_upload(file, max_bytes=max_bytes, field=field)
        return
    uploads.check_size(file, max_bytes=max_bytes, field=field)
    uploads.check_archive(file, field=field)
    if PurePath(getattr(file, "name", "") or "x.xlsx").suffix.lower() != ".xlsx":
        raise ValidationError({field: "Ce fichier est un classeur : donnez-lui l'extension .xlsx."})


def open_reader(file, *, columns, report):
    """A reader of the rows of ``file``: CsvReader or XlsxReader, by its content."""
    if _is_xlsx(file):
        return XlsxReader(file, columns=columns, report=report)
    return CsvReader(file, columns=columns, report=report)


def _cell(value):
    """An XLSX cell as the text a CSV export would hold (dates AAAA-MM-JJ, whole numbers without « .0 »)."""
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        return value.date().isoformat() if value.time() == datetime.time() else value.isoformat(sep=" ")
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, datetime.time):
        return value.strftime("%H:%M")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


class XlsxReader:
    """The rows of the first sheet of an XLSX workbook; the header is its first non-empty row."""

    def __init__(self, file, *, columns, report):
        from openpyxl import load_workbook

        self.columns = list(columns)
        self.report = report
        self.header, self.positions, self._rows = [], {}, iter(())
        self.workbook = None
        file.seek(0)
        try:
            uploads.check_archive(file)  # before openpyxl decompresses anything (readers called without check_upload)
        except ValidationError as error:
            report.add_file_error(error.messages[0])
            self.header_ok = False
            return
        try:
            self.workbook = load_workbook(file, read_only=True, data_only=True)
            sheet = self.workbook.worksheets[0]
            self._rows = self._capped(enumerate(sheet.iter_rows(max_col=MAX_COLUMNS, values_only=True), start=1))
        except (zipfile.BadZipFile, KeyError, ValueError, OSError, IndexError) as exc:
            report.add_file_error(f"Classeur XLSX illisible ({exc.__class__.__name__}) : enregistrez-le de nouveau.")
            self.header_ok = False
            return
        self.header_ok = self._read_header()

    def _capped(self, rows):
        for line, values in rows:
            if line > MAX_ROWS:
                self.report.add_file_error(ROWS_MESSAGE)
                return
            yield line, values

    def close(self):
        if self.workbook is not None:
            self.workbook.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def expected_columns(self):
        return ", ".join(f"« {c.label} »" + ("" if c.required else " (facultative)") for c in self.columns)

    def _read_header(self):
        for line, values in self._rows:
            cells = [_cell(value) for value in values]
            if any(cells):
                self.header_line = line
                break
        else:
            self.report.add(1, "", "La feuille est vide : la première ligne doit donner les noms des colonnes.")
            return False
        self.header = cells
        lookup = {name: column for column in self.columns for name in column.accepted_names()}
        for index, name in enumerate(cells):
            if not name:
                continue
            column = lookup.get(normalise(name))
            if column is None:
                self.report.add(
                    line, name, f"Colonne inconnue « {name} ». Colonnes acceptées : {self.expected_columns()}."
                )
            elif column.name in self.positions:
                self.report.add(line, name, f"La colonne « {column.label} » apparaît deux fois.")
            else:
                self.positions[column.name] = index
        for column in self.columns:
            if column.required and column.name not in self.positions:
                self.report.add(line, column.label, f"Colonne obligatoire absente : « {column.label} ».")
        return self.report.ok

    def rows(self):
        if not self.header_ok:
            return
        absent = {column.name: "" for column in self.columns if column.name not in self.positions}
        for line, values in self._rows:
            cells = [_cell(value) for value in values]
            if not any(cells):
                continue
            self.report.rows += 1
            row = dict(absent)
            for name, index in self.positions.items():
                row[name] = cells[index] if index < len(cells) else ""
            yield line, row

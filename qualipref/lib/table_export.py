"""Tables as CSV or XLSX downloads, streamed row by row (imports no app): a dashboard's small tables as well as
the long lists of the action plans and of the complaints register.

``Column(header, width, is_date)`` describes a column; rows are iterables of Python values (text, numbers,
Decimal, dates, booleans, None), produced lazily for long lists. The CSV is for spreadsheets set to French: UTF-8
with BOM, « ; » separator, decimal comma, dates JJ/MM/AAAA, booleans oui/non, cells that a spreadsheet would run
as formulas neutralised. The XLSX (openpyxl in write-only mode: rows go to a temporary file as they come) keeps
numbers as numbers and dates as dates, with a bold header, a frozen first row and a filter.
"""

import csv
import datetime
import tempfile
from dataclasses import dataclass, field
from decimal import Decimal

from django.http import FileResponse, StreamingHttpResponse

from qualipref.lib.dates import short_date

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORMATS = ("csv", "xlsx")
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class Column:
    header: str
    width: int = 16  # in the workbook, in characters


@dataclass
class Table:
    title: str  # what the table is
    columns: list
    rows: list = field(default_factory=list)
    sheet: str = ""  # the sheet's name in a workbook (31 characters at most), else made from the title

    @property
    def headers(self):
        return [column.header for column in self.columns]


def csv_cell(value):
    """A value as the text of a French CSV cell."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "oui" if value else "non"
    if isinstance(value, datetime.date):
        return short_date(value)
    if isinstance(value, Decimal):
        value = format(value.normalize(), "f")  # 8.50 stored with two places: « 8,5 »
        return value.replace(".", ",")
    if isinstance(value, (int, float)):
        return str(value).replace(".", ",")  # numbers are never formulas, negative ones included
    text = str(value)
    return f"'{text}" if text.startswith(FORMULA_PREFIXES) else text


class _Echo:
    """A file-like object whose write returns the line: the csv writer then feeds the streamed response."""

    def write(self, value):
        return value


def csv_lines(headers, rows):
    """The lines of the CSV, BOM first."""
    writer = csv.writer(_Echo(), delimiter=";", lineterminator="\r\n")
    yield "\ufeff" + writer.writerow(headers)
    for row in rows:
        yield writer.writerow([csv_cell(value) for value in row])


def to_csv(table):
    """The bytes of a small table's CSV."""
    return "".join(csv_lines(table.headers, table.rows)).encode("utf-8")


def _xlsx_value(value):
    if isinstance(value, bool):
        return "oui" if value else "non"
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return f"'{value}"
    return value


def _append_sheet(workbook, name, columns, rows):
    """One sheet of a write-only workbook: a bold header, a frozen first row and a filter."""
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font, PatternFill
    from openpyxl.utils import get_column_letter

    sheet = workbook.create_sheet(name)
    for index, column in enumerate(columns, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = column.width
    sheet.freeze_panes = "A2"
    bold, fill = Font(bold=True, color="FFFFFF"), PatternFill("solid", fgColor="000091")
    header = []
    for column in columns:
        cell = WriteOnlyCell(sheet, value=column.header)
        cell.font, cell.fill = bold, fill
        header.append(cell)
    sheet.append(header)
    count = 0
    for row in rows:
        cells = []
        for value in row:
            value = _xlsx_value(value)
            if isinstance(value, datetime.date):
                cell = WriteOnlyCell(sheet, value=value)
                cell.number_format = "DD/MM/YYYY"
                value = cell
            cells.append(value)
        sheet.append(cells)
        count += 1
    if columns:
        sheet.auto_filter.ref = f"A1:{get_column_letter(len(columns))}{count + 1}"


def write_xlsx(file, title, columns, rows):
    """Write the workbook (one sheet named ``title``, shortened if need be: ``sheet_name``) to ``file``."""
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    _append_sheet(workbook, sheet_name(title), columns, rows)
    workbook.save(file)


def to_workbook(tables):
    """The bytes of a workbook of several small tables, one sheet each (named after their ``sheet`` or title)."""
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    taken = []
    for table in tables:
        name = sheet_name(table.sheet or table.title, taken)
        taken.append(name)
        _append_sheet(workbook, name, table.columns, table.rows)
    with tempfile.TemporaryFile() as file:
        workbook.save(file)
        file.seek(0)
        return file.read()


def to_xlsx(table):
    """The bytes of a small table's workbook."""
    with tempfile.TemporaryFile() as file:
        write_xlsx(file, table.sheet or table.title, table.columns, table.rows)
        file.seek(0)
        return file.read()


SHEET_NAME_LENGTH = 31  # Excel's limit
SHEET_FORBIDDEN = "[]:*?/\\"
# Words a shortened name never ends on (« Indicateurs clés de la » says less than « Indicateurs clés »).
_DANGLING = {"de", "du", "des", "la", "le", "les", "l", "d", "à", "au", "aux", "et", "en", "sur", "dans", "par", "pour"}


def _shorten(title, limit):
    words = title.split(" ")
    while words and len(" ".join(words)) > limit:
        words.pop()
    while len(words) > 1 and words[-1].lower().rstrip("’'") in _DANGLING:
        words.pop()
    return " ".join(words) or title[:limit].strip()


def sheet_name(title, taken=()):
    """A sheet's name from a title: no character that Excel refuses, at most 31 characters cut between words (never
    « Indicateurs clés de la préfectu »), not ending on « de », « la »..., unique among ``taken`` (« (2) »...)."""
    for character in SHEET_FORBIDDEN:
        title = title.replace(character, " ")
    title = " ".join(title.split()).strip("'")  # Excel refuses an apostrophe at either end
    name = _shorten(title, SHEET_NAME_LENGTH) or "Tableau"
    taken = {other.lower() for other in taken}
    unique, number = name, 2
    while unique.lower() in taken:  # Excel compares names without case
        suffix = f" ({number})"
        unique = _shorten(name, SHEET_NAME_LENGTH - len(suffix)) + suffix
        number += 1
    return unique


def csv_response(headers, rows, filename):
    """The CSV download, streamed: ``rows`` may be a generator over a big queryset."""
    response = StreamingHttpResponse(csv_lines(headers, rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
    return response


def xlsx_response(title, columns, rows, filename):
    """The XLSX download, written to a temporary file first (a workbook is a zip: it cannot be streamed)."""
    file = tempfile.TemporaryFile()  # noqa: SIM115 - closed by the response once sent
    write_xlsx(file, title, columns, rows)
    file.seek(0)
    return FileResponse(file, as_attachment=True, filename=f"{filename}.xlsx", content_type=XLSX_CONTENT_TYPE)


def response(table, fmt, filename):
    """The download of ``table`` as ``fmt`` ("csv" or "xlsx"), named ``filename`` + extension."""
    if fmt == "csv":
        return csv_response(table.headers, table.rows, filename)
    if fmt == "xlsx":
        return xlsx_response(table.sheet or table.title, table.columns, table.rows, filename)
    raise ValueError(f"Unknown table format: {fmt}")

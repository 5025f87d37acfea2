"""A small table (a dashboard's: tens or hundreds of rows, already in memory) as a CSV or XLSX download
(imports no app).

``Table(title, columns, rows)``: ``columns`` are ``Column(header, width)``, ``rows`` lists of Python values (text,
numbers, Decimal, dates, None). The CSV is for spreadsheets set to French: UTF-8 with BOM, « ; » separator, decimal
comma, dates JJ/MM/AAAA, cells that a spreadsheet would run as formulas neutralised. The XLSX keeps numbers as
numbers and dates as dates, with a bold header, frozen first row and a filter. Long lists that must be streamed
(the action plans, the complaints register) have their own exports.
"""

import csv
import datetime
import io
from dataclasses import dataclass, field
from decimal import Decimal

from django.http import HttpResponse

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORMATS = ("csv", "xlsx")
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class Column:
    header: str
    width: int = 16  # in the workbook, in characters


@dataclass
class Table:
    title: str  # the sheet's name and the page's caption
    columns: list
    rows: list = field(default_factory=list)

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
        return value.strftime("%d/%m/%Y")
    if isinstance(value, Decimal):
        value = format(value.normalize(), "f")  # 8.50 stored with two places: « 8,5 »
        return value.replace(".", ",")
    if isinstance(value, (int, float)):
        return str(value).replace(".", ",")  # numbers are never formulas, negative ones included
    text = str(value)
    return f"'{text}" if text.startswith(FORMULA_PREFIXES) else text


def to_csv(table):
    """The bytes of the CSV (UTF-8 with BOM)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(table.headers)
    for row in table.rows:
        writer.writerow([csv_cell(value) for value in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def _xlsx_value(value):
    if isinstance(value, bool):
        return "oui" if value else "non"
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return f"'{value}"
    return value


def to_xlsx(table):
    """The bytes of the XLSX workbook: one sheet named after the table."""
    from openpyxl import Workbook
    from openpyxl.styles import Font, PatternFill
    from openpyxl.utils import get_column_letter

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _sheet_title(table.title)
    sheet.append(table.headers)
    bold, fill = Font(bold=True, color="FFFFFF"), PatternFill("solid", fgColor="000091")
    for cell in sheet[1]:
        cell.font, cell.fill = bold, fill
    for row in table.rows:
        sheet.append([_xlsx_value(value) for value in row])
    for index, column in enumerate(table.columns, start=1):
        letter = get_column_letter(index)
        sheet.column_dimensions[letter].width = column.width
        for (cell,) in sheet.iter_rows(min_row=2, min_col=index, max_col=index):
            if isinstance(cell.value, datetime.date):
                cell.number_format = "DD/MM/YYYY"
    sheet.freeze_panes = "A2"
    if table.columns:
        sheet.auto_filter.ref = f"A1:{get_column_letter(len(table.columns))}{len(table.rows) + 1}"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _sheet_title(title):
    """Excel refuses sheet names over 31 characters or with []:*?/\\ in them."""
    for character in "[]:*?/\\":
        title = title.replace(character, " ")
    return title[:31].strip() or "Tableau"


def response(table, fmt, filename):
    """The download of ``table`` as ``fmt`` ("csv" or "xlsx"), named ``filename`` + extension."""
    if fmt == "csv":
        content, content_type = to_csv(table), "text/csv; charset=utf-8"
    elif fmt == "xlsx":
        content, content_type = to_xlsx(table), XLSX_CONTENT_TYPE
    else:
        raise ValueError(f"Unknown table format: {fmt}")
    result = HttpResponse(content, content_type=content_type)
    result["Content-Disposition"] = f'attachment; filename="{filename}.{fmt}"'
    return result

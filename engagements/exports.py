"""Exports of a filtered list of actions: CSV (streamed, for any size) and XLSX (openpyxl, write-only mode).

Both take the queryset the page shows (scoped to the user, filtered, sorted) and write every row of it, not
only the current page. Dates are JJ/MM/AAAA in the CSV and real dates in the workbook.
"""

import csv
import tempfile

from django.http import FileResponse, StreamingHttpResponse
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter

EXPORT_RELATIONS = ("prefecture", "site", "module", "engagement", "owner", "plan")

# (header, width in the workbook)
COLUMNS = [
    ("N°", 8),
    ("Intitulé", 60),
    ("Préfecture", 30),
    ("Plan d'action", 30),
    ("Site", 30),
    ("Module", 12),
    ("Engagement", 14),
    ("Origine", 24),
    ("Pilote", 24),
    ("Échéance", 12),
    ("Priorité", 10),
    ("Statut", 18),
    ("Avancement (%)", 14),
    ("Réalisée le", 12),
    ("En retard", 10),
    ("Motif d'abandon", 40),
    ("Description", 60),
]
HEADERS = [header for header, _ in COLUMNS]
DATE_COLUMNS = {"Échéance", "Réalisée le"}


def _person(user):
    return (user.get_full_name() or user.username) if user is not None else ""


def _values(action, today):
    """The row of an action, as Python values (dates stay dates)."""
    return [
        action.pk,
        action.title,
        action.prefecture.name,
        action.plan.title,
        action.site.name if action.site_id else "Toute la préfecture",
        action.module.code if action.module_id else "",
        action.engagement.code if action.engagement_id else "",
        action.get_source_display(),
        _person(action.owner),
        action.due_on,
        action.get_priority_display(),
        action.get_status_display(),
        action.progress,
        action.completed_on,
        "oui" if action.is_overdue(today) else "non",
        action.abandon_reason,
        action.description,
    ]


def _rows(queryset):
    today = timezone.localdate()
    for action in queryset.select_related(*EXPORT_RELATIONS).iterator(chunk_size=1000):
        yield _values(action, today)


def _filename(extension):
    return f"actions-{timezone.localdate():%Y-%m-%d}.{extension}"


class _Echo:
    """A file-like object whose write returns the line: the csv writer then feeds the streamed response."""

    def write(self, value):
        return value


def _csv_cell(value):
    if value is None:
        return ""
    if hasattr(value, "strftime"):
        return value.strftime("%d/%m/%Y")
    text = str(value)
    # Spreadsheets run cells that start with these characters as formulas: neutralise them.
    return f"'{text}" if text[:1] in ("=", "+", "-", "@") else text


def actions_csv_response(queryset):
    """CSV for spreadsheets set to French: UTF-8 with BOM, « ; » separator, streamed row by row."""
    writer = csv.writer(_Echo(), delimiter=";")

    def lines():
        yield "\ufeff" + writer.writerow(HEADERS)
        for values in _rows(queryset):
            yield writer.writerow([_csv_cell(value) for value in values])

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{_filename("csv")}"'
    return response


def actions_workbook(queryset, file):
    """Write the actions to ``file`` as an XLSX workbook (write-only: rows go to disk as they come)."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Actions")
    for index, (_, width) in enumerate(COLUMNS, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A2"
    bold, fill = Font(bold=True, color="FFFFFF"), PatternFill("solid", fgColor="000091")
    header = []
    for title in HEADERS:
        cell = WriteOnlyCell(sheet, value=title)
        cell.font, cell.fill = bold, fill
        header.append(cell)
    sheet.append(header)
    count = 0
    for values in _rows(queryset):
        row = []
        for title, value in zip(HEADERS, values, strict=True):
            if title in DATE_COLUMNS and value is not None:
                cell = WriteOnlyCell(sheet, value=value)
                cell.number_format = "DD/MM/YYYY"
                row.append(cell)
            else:
                row.append(value)
        sheet.append(row)
        count += 1
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(COLUMNS))}{count + 1}"
    workbook.save(file)


def actions_xlsx_response(queryset):
    file = tempfile.TemporaryFile()  # noqa: SIM115 - closed by the response once sent
    actions_workbook(queryset, file)
    file.seek(0)
    return FileResponse(
        file,
        as_attachment=True,
        filename=_filename("xlsx"),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )

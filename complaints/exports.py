"""CSV export of the register. The requester's personal data is written only in the rows of complaints the user
handles (accounts.access.can_see_requester), and its columns only for users who handle complaints at all:
exports of managers and national administrators carry none."""

import csv

from django.http import StreamingHttpResponse
from django.utils import timezone

from accounts import access

HEADER = [
    "Référence",
    "Nature",
    "Préfecture",
    "Site",
    "Service",
    "Canal",
    "Thème",
    "Reçue le",
    "Échéance",
    "Statut",
    "Répondue le",
    "Dans les délais",
    "Délai (jours ouvrés)",
    "Agent chargé",
    "Description",
]
REQUESTER_HEADER = ["Nom du demandeur", "Courriel", "Téléphone", "Adresse postale"]
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


class _Echo:
    def write(self, value):
        return value


def _cell(value):
    """A cell a spreadsheet will not run as a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_PREFIXES) else text


def _date(value):
    return value.strftime("%d/%m/%Y") if value else ""


def _row(complaint, *, requester_columns, user):
    in_time = {True: "oui", False: "non", None: ""}[complaint.answered_in_time]
    assigned = complaint.assigned_to
    row = [
        complaint.reference,
        complaint.get_kind_display(),
        complaint.prefecture.name,
        complaint.site.name,
        complaint.service.name if complaint.service_id else "",
        complaint.get_channel_display(),
        complaint.get_category_display(),
        _date(complaint.received_on),
        _date(complaint.due_on),
        complaint.get_status_display(),
        _date(complaint.answered_on),
        in_time,
        complaint.answer_delay,
        (assigned.get_full_name() or assigned.username) if assigned else "",
        complaint.description,
    ]
    if requester_columns:
        if access.can_see_requester(user, complaint):
            row += [
                complaint.requester_name,
                complaint.requester_email,
                complaint.requester_phone,
                complaint.requester_address,
            ]
        else:
            row += ["", "", "", ""]
    return [_cell(value) for value in row]


def complaints_csv_response(queryset, user):
    """The register as CSV (UTF-8 with BOM and « ; » for spreadsheets in French), streamed row by row."""
    requester_columns = access.may_handle_complaints(user)
    rows = queryset.select_related("prefecture", "site", "service", "assigned_to").iterator(chunk_size=500)
    writer = csv.writer(_Echo(), delimiter=";")

    def lines():
        yield "\ufeff" + writer.writerow(HEADER + (REQUESTER_HEADER if requester_columns else []))
        for complaint in rows:
            yield writer.writerow(_row(complaint, requester_columns=requester_columns, user=user))

    filename = f"reclamations-{timezone.localdate():%Y-%m-%d}.csv"
    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response

"""CSV export of the register. The requester's personal data is written only in the rows of complaints the user
handles (accounts.access.can_see_requester), and its columns only for users who handle complaints at all:
exports of managers and national administrators carry none."""

from django.utils import timezone

from accounts import access
from qualipref.lib import table_export

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


def _row(complaint, *, requester_columns, user):
    assigned = complaint.assigned_to
    row = [
        complaint.reference,
        complaint.get_kind_display(),
        complaint.prefecture.name,
        complaint.site.name,
        complaint.service.name if complaint.service_id else "",
        complaint.get_channel_display(),
        complaint.get_category_display(),
        complaint.received_on,
        complaint.due_on,
        complaint.get_status_display(),
        complaint.answered_on,
        complaint.answered_in_time,
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
    return row


def complaints_csv_response(queryset, user):
    """The register as CSV (UTF-8 with BOM and « ; » for spreadsheets in French), streamed row by row."""
    requester_columns = access.may_handle_complaints(user)
    complaints = queryset.select_related("prefecture", "site", "service", "assigned_to").iterator(chunk_size=500)
    rows = (_row(complaint, requester_columns=requester_columns, user=user) for complaint in complaints)
    headers = HEADER + (REQUESTER_HEADER if requester_columns else [])
    return table_export.csv_response(headers, rows, f"reclamations-{timezone.localdate():%Y-%m-%d}")

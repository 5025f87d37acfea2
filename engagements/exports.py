"""Exports of a filtered list of actions and of the register of quality documents (« tableau de gestion
documentaire »), CSV (streamed, for any size) and XLSX, through qualipref.lib.table_export.

Both take the queryset the page shows (scoped to the user, filtered, sorted) and write every row of it, not
only the current page. Dates are JJ/MM/AAAA in the CSV and real dates in the workbook. The documents' rows carry
the absolute links of their page and of the download of their version in force.
"""

from django.urls import reverse
from django.utils import timezone

from qualipref.lib import table_export
from qualipref.lib.table_export import Column

EXPORT_RELATIONS = ("prefecture", "site", "module", "engagement", "owner", "plan")

COLUMNS = [
    Column("N°", 8),
    Column("Intitulé", 60),
    Column("Préfecture", 30),
    Column("Plan d'action", 30),
    Column("Site", 30),
    Column("Module", 12),
    Column("Engagement", 14),
    Column("Origine", 24),
    Column("Pilote", 24),
    Column("Échéance", 12),
    Column("Priorité", 10),
    Column("Statut", 18),
    Column("Avancement (%)", 14),
    Column("Réalisée le", 12),
    Column("En retard", 10),
    Column("Motif d'abandon", 40),
    Column("Description", 60),
]
HEADERS = [column.header for column in COLUMNS]


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
        action.is_overdue(today),
        action.abandon_reason,
        action.description,
    ]


def _rows(queryset):
    today = timezone.localdate()
    for action in queryset.select_related(*EXPORT_RELATIONS).iterator(chunk_size=1000):
        yield _values(action, today)


def _filename():
    return f"actions-{timezone.localdate():%Y-%m-%d}"


def actions_csv_response(queryset):
    return table_export.csv_response(HEADERS, _rows(queryset), _filename())


def actions_xlsx_response(queryset):
    return table_export.xlsx_response("Actions", COLUMNS, _rows(queryset), _filename())


# --- the register of quality documents ------------------------------------------------------------

DOCUMENT_COLUMNS = [
    Column("Référence", 16),
    Column("Intitulé", 50),
    Column("Nature", 24),
    Column("Préfecture", 30),
    Column("Sites concernés", 36),
    Column("Engagements servis", 30),
    Column("Responsable", 24),
    Column("Version en vigueur", 12),
    Column("Approuvée le", 12),
    Column("Révision prévue le", 12),
    Column("État de la révision", 20),
    Column("Fiche du document", 50),
    Column("Version en vigueur (lien)", 50),
    Column("Lien intranet", 50),
]


def document_rows(queryset, absolute_url):
    """The rows of the register (``queryset`` prefetches ``sites`` and ``engagements``, see
    engagements.views.documents), with ``absolute_url(path)`` for the links."""
    today = timezone.localdate()
    for document in queryset:
        version = document.current_version
        if version is None:
            version_link = ""
        elif version.url:
            version_link = version.url
        else:
            version_link = absolute_url(
                reverse("document_version_download", kwargs={"pk": document.pk, "version_pk": version.pk})
            )
        yield [
            document.reference,
            document.title,
            document.get_kind_display(),
            document.prefecture.name if document.prefecture_id else "Document national",
            ", ".join(site.name for site in document.sites.all()) or "Tous les sites",
            ", ".join(engagement.code for engagement in document.engagements.all()),
            _person(document.owner),
            version.number if version else "",
            version.approved_on if version else None,
            document.review_due_on,
            document.review_status(today).label,
            absolute_url(reverse("document_detail", kwargs={"pk": document.pk})),
            version_link,
            document.intranet_url,
        ]


def _documents_filename():
    return f"documents-qualite-{timezone.localdate():%Y-%m-%d}"


def documents_csv_response(queryset, absolute_url):
    headers = [column.header for column in DOCUMENT_COLUMNS]
    return table_export.csv_response(headers, document_rows(queryset, absolute_url), _documents_filename())


def documents_xlsx_response(queryset, absolute_url):
    return table_export.xlsx_response(
        "Documents qualité", DOCUMENT_COLUMNS, document_rows(queryset, absolute_url), _documents_filename()
    )

"""Export of the press releases' tracking table (« tableau de suivi des communiqués de crise »), CSV (streamed) and
XLSX, through qualipref.lib.table_export: every row the page's filters keep, not only the current page."""

from django.utils import timezone

from qualipref.lib import table_export
from qualipref.lib.dates import short_datetime
from qualipref.lib.table_export import Column

COLUMNS = [
    Column("Préfecture", 30),
    Column("Année", 8),
    Column("N°", 6),
    Column("Objet", 50),
    Column("Événement", 40),
    Column("Diffusé le", 18),
    Column("Site internet", 10),
    Column("Réseaux sociaux", 10),
    Column("Presse", 10),
    Column("Validé par", 30),
]
HEADERS = [column.header for column in COLUMNS]


def _rows(queryset):
    for release in queryset.select_related("prefecture", "event").iterator(chunk_size=1000):
        channels = set(release.channels)
        yield [
            release.prefecture.name,
            release.year,
            release.number,
            release.title,
            release.event.title if release.event_id else "",
            short_datetime(release.issued_at),
            *(channel in channels for channel in release.Channel.values),
            release.validated_by,
        ]


def _filename():
    return f"communiques-de-crise-{timezone.localdate():%Y-%m-%d}"


def press_releases_csv_response(queryset):
    return table_export.csv_response(HEADERS, _rows(queryset), _filename())


def press_releases_xlsx_response(queryset):
    return table_export.xlsx_response("Communiqués de crise", COLUMNS, _rows(queryset), _filename())

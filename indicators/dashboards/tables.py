"""The tables of the dashboards as ``qualipref.lib.table_export.Table``: what the page shows, as data, for the
CSV and XLSX downloads (and the links to them). Built from a dashboard already in memory: no query.

Each dashboard owns its tables (its ``tables()``: {slug of the URL's ``table``: builder}) and says whose it is
(``file_name``, ``url_name``, ``url_kwargs``); this module holds the tables they share (``indicateurs``: key
indicators with their traffic light, ``retards``: what is overdue) and the names and links of the downloads.
It imports no dashboard: they build on it.
Each table has a short sheet name (Excel: 31 characters at most; the file's name says whose dashboard it is).
"""

from dataclasses import dataclass

from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify

from indicators import periods
from qualipref.lib.table_export import Column, Table

OVERDUE_ROWS = (
    ("complaints", "Réclamations hors délai"),
    ("correspondence", "Courriers et courriels hors délai"),
    ("actions", "Actions en retard"),
)


def indicators_table(board, title, sheet):
    table = Table(
        title,
        [
            Column("Indicateur", 45),
            Column("Mois de la dernière valeur", 14),
            Column("Dernière valeur", 12),
            Column("Unité", 12),
            Column("Objectif", 28),
            Column("Feu", 16),
            Column("Périmé", 9),
        ],
        sheet=sheet,
    )
    for row in board.rows:
        latest = row.latest
        table.rows.append(
            [
                row.indicator.short_name,
                periods.format_period(latest.period) if latest else None,
                latest.value if latest else None,
                row.indicator.unit_label,
                row.indicator.target_label or "",
                row.status_label,
                row.stale,
            ]
        )
    return table


def overdue_table(overdue, title, sheet):
    return Table(
        title,
        [Column("Élément", 36), Column("Nombre", 10)],
        [[label, overdue[key]] for key, label in OVERDUE_ROWS],
        sheet=sheet,
    )


# --- names and links of the downloads -------------------------------------------------------------------------


def slug(text):
    return slugify(text.replace("'", " ").replace("’", " "))


def file_stem(dashboard, table=None, *, today=None):
    """« tableau-de-bord-bouches-du-rhone[-sites]-2026-11-30 »: whose dashboard, which table, the day."""
    parts = ["tableau-de-bord", dashboard.file_name, table, f"{today or timezone.localdate():%Y-%m-%d}"]
    return "-".join(part for part in parts if part)


@dataclass(frozen=True)
class Downloads:
    """The URLs of a dashboard's downloads: ``pdf``, and ``tables[slug] = {"csv": url, "xlsx": url}``."""

    pdf: str
    tables: dict


def download_links(dashboard):
    name, kwargs = dashboard.url_name, dashboard.url_kwargs
    return Downloads(
        pdf=reverse(f"{name}_pdf", kwargs=kwargs),
        tables={
            slug: {
                fmt: reverse(f"{name}_export", kwargs=kwargs | {"table": slug, "fmt": fmt}) for fmt in ("csv", "xlsx")
            }
            for slug in dashboard.tables()
        },
    )

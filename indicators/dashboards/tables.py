"""The tables of each dashboard as ``qualipref.lib.table_export.Table``: what the page shows, as data, for the
CSV and XLSX downloads (and the links to them). Built from a dashboard already in memory: no query.

Each table has a short sheet name (Excel: 31 characters at most; the file's name says whose dashboard it is).
Each dashboard has its tables by slug (the URL's ``table``): ``indicateurs`` (key indicators with their traffic
light), ``retards`` (what is overdue), ``sites`` (the sites of a prefecture), ``prefectures`` (the nation's, the
text of the map).
"""

from dataclasses import dataclass

from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify

from indicators import periods
from qualipref.lib.table_export import Column, Table

from .national import NationalDashboard
from .prefecture import PrefectureDashboard
from .site import SiteDashboard

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


def sites_table(dashboard):
    table = Table(
        f"Sites de {dashboard.prefecture.name}",
        [Column("Site", 40)] + [Column(label, 16) for _key, label in OVERDUE_ROWS] + [Column("Total en retard", 12)],
        sheet="Sites",  # the prefecture's name is in the file's name
    )
    for site in dashboard.sites:
        table.rows.append([site.name, *(site.overdue[key] for key, _label in OVERDUE_ROWS), site.overdue_total])
    return table


def prefectures_table(dashboard):
    table = Table(
        "Préfectures",
        [
            Column("Département", 8),
            Column("Nom du département", 24),
            Column("Préfecture", 36),
            Column("Label", 22),
            Column("Référentiel", 30),
            Column("Prochain audit de suivi avant le", 14),
            Column("Audit de suivi en retard", 12),
            Column("Non-conformités ouvertes", 12),
            *(Column(label, 14) for _key, label in OVERDUE_ROWS),
        ],
        sheet="Préfectures",
    )
    for prefecture in dashboard.prefectures:
        labelling = prefecture.labelling
        table.rows.append(
            [
                prefecture.department.code,
                prefecture.department.name,
                prefecture.name,
                labelling.get_status_display() if labelling else "Sans cycle de labellisation",
                str(labelling.referential) if labelling else "",
                labelling.next_audit_due if labelling else None,
                prefecture.map_status == "late",
                prefecture.open_nonconformities,
                *(prefecture.overdue[key] for key, _label in OVERDUE_ROWS),
            ]
        )
    return table


def tables(dashboard):
    """{slug: builder of the Table} of a dashboard, in the page's order."""
    if isinstance(dashboard, SiteDashboard):
        return {
            "indicateurs": lambda: indicators_table(dashboard.panel, "Indicateurs clés du site", "Indicateurs du site"),
            "retards": lambda: overdue_table(dashboard.overdue, "En retard sur le site", "Retards du site"),
        }
    if isinstance(dashboard, PrefectureDashboard):
        return {
            "indicateurs": lambda: indicators_table(
                dashboard.panel, "Indicateurs clés de la préfecture", "Indicateurs de la préfecture"
            ),
            "retards": lambda: overdue_table(
                dashboard.overdue, "En retard dans la préfecture", "Retards de la préfecture"
            ),
            "sites": lambda: sites_table(dashboard),
        }
    if isinstance(dashboard, NationalDashboard):
        return {
            "indicateurs": lambda: indicators_table(
                dashboard.panel, "Indicateurs clés nationaux", "Indicateurs nationaux"
            ),
            "prefectures": lambda: prefectures_table(dashboard),
        }
    raise TypeError(f"Not a dashboard: {dashboard!r}")


# --- names and links of the downloads -------------------------------------------------------------------------


def _slug(text):
    return slugify(text.replace("'", " ").replace("’", " "))


def file_stem(dashboard, table=None, *, today=None):
    """« tableau-de-bord-bouches-du-rhone[-sites]-2026-11-30 »: whose dashboard, which table, the day."""
    if isinstance(dashboard, SiteDashboard):
        whose = _slug(dashboard.site.name)
    elif isinstance(dashboard, PrefectureDashboard):
        whose = _slug(dashboard.prefecture.department.name)
    else:
        whose = "national"
    parts = ["tableau-de-bord", whose, table, f"{today or timezone.localdate():%Y-%m-%d}"]
    return "-".join(part for part in parts if part)


@dataclass(frozen=True)
class Downloads:
    """The URLs of a dashboard's downloads: ``pdf``, and ``tables[slug] = {"csv": url, "xlsx": url}``."""

    pdf: str
    tables: dict


def downloads(dashboard):
    if isinstance(dashboard, SiteDashboard):
        name, kwargs = "dashboard_site", {"pk": dashboard.site.pk}
    elif isinstance(dashboard, PrefectureDashboard):
        name, kwargs = "dashboard_prefecture", {"pk": dashboard.prefecture.pk}
    else:
        name, kwargs = "dashboard_national", {}
    return Downloads(
        pdf=reverse(f"{name}_pdf", kwargs=kwargs),
        tables={
            slug: {
                fmt: reverse(f"{name}_export", kwargs=kwargs | {"table": slug, "fmt": fmt}) for fmt in ("csv", "xlsx")
            }
            for slug in tables(dashboard)
        },
    )

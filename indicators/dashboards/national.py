"""The national dashboard (national administrators land on it): national key indicators, every prefecture with its
label, next follow-up due, open non-conformities and what is overdue, drawn on the map of France and listed in
the same order in a table (the map's text alternative). Fixed number of queries whatever the number of
prefectures: every count is grouped by the database."""

import functools
from collections import Counter
from dataclasses import dataclass

from django.urls import reverse
from django.utils import timezone

from engagements.models import Labelling
from engagements.services import labellings as labelling_services
from indicators.services import boards
from qualipref.lib.dates import short_date
from qualipref.lib.table_export import Column, Table
from sites.models import Prefecture

from . import cache, common
from . import map as france_map
from .tables import OVERDUE_ROWS, download_links, indicators_table


@dataclass
class NationalDashboard:
    panel: object
    # Prefectures with labelling, labelling_state (in words), map_status, map_label, overdue, open_nonconformities
    prefectures: list
    counts: dict  # map status: number of prefectures
    map_svg: str
    legend: list  # the states, with their counts
    label_legend: list  # the colour of each label and version (référentiel) of labelled prefectures, with counts
    # (prefectures, and sous-préfectures in the perimeter of their labelled cycles)
    progress: list  # the national targets judged at their dates (engagements.services.labellings.national_progress)
    crisis: dict  # {"met", "tested"}: prefectures whose last crisis exercise met the 1-hour commitment, with one

    # whose dashboard, for its downloads: URL names, their arguments, the file name (tables.file_stem)
    url_name = "dashboard_national"
    url_kwargs = {}
    file_name = "national"

    def tables(self):
        """{slug: builder of the Table}, in the page's order."""
        return {
            "indicateurs": lambda: indicators_table(self.panel, "Indicateurs clés nationaux", "Indicateurs nationaux"),
            "prefectures": lambda: prefectures_table(self),
            "objectifs": lambda: targets_table(self),
        }

    @functools.cached_property
    def downloads(self):
        """The URLs of its PDF and of its tables as CSV and XLSX (tables.Downloads)."""
        return download_links(self)


def map_status(labelling, today):
    if labelling is None:
        return "none"
    if labelling.status == Labelling.Status.GRANTED and labelling.next_audit_due and labelling.next_audit_due < today:
        return "late"
    if labelling.is_labelled:
        return "labelled"
    if labelling.status == Labelling.Status.REFUSED:
        return "refused"
    return "in_progress"


def labelling_state(labelling):
    """A prefecture's labelling cycle in words (the table of the page and of the PDF): its step, then its référentiel
    (whose name already ends with its version in brackets: « Labellisée (pérennisation) – Qualipref 2.0 (2.0) »)."""
    if labelling is None:
        return "Sans cycle de labellisation"
    return f"{labelling.get_status_display()} – {labelling.referential}"


def describe(prefecture, today):
    """The accessible name of a prefecture on the map (also its tooltip)."""
    department = prefecture.department
    labelling = prefecture.labelling
    parts = [f"{department.code} {department.name} – {prefecture.name}"]
    if labelling is None:
        parts.append("sans cycle de labellisation")
    else:
        parts.append(labelling_state(labelling))
        if labelling.next_audit_due:
            late = " (en retard)" if prefecture.map_status == "late" else ""
            parts.append(f"prochain audit de suivi avant le {short_date(labelling.next_audit_due)}{late}")
    parts.append(f"{prefecture.open_nonconformities} non-conformité(s) ouverte(s)")
    return " ; ".join(parts)


def build(*, today=None):
    return cache.cached("national", build=lambda: _build(today or timezone.localdate()), today=today)


def body_html(*, today=None):
    """Its indicators, map and table as the page shows them (cache.rendered)."""
    template = "indicators/dashboards/_national_body.html"
    return cache.rendered(template, "national", build=lambda: build(today=today), today=today)


def _build(today):
    prefectures = list(Prefecture.objects.select_related("department").order_by("department_id"))
    labellings = common.labellings_by_prefecture()
    nonconformities = common.open_nonconformities_by_prefecture()
    overdue = common.overdue_by("prefecture_id", today=today)
    next_audits = common.next_audits_by_prefecture(today=today)
    counts = dict.fromkeys(france_map.STATUSES, 0)
    tiles = {}
    for prefecture in prefectures:
        prefecture.labelling = labellings.get(prefecture.pk)
        prefecture.map_status = map_status(prefecture.labelling, today)
    referentials = sorted(
        {p.labelling.referential for p in prefectures if p.map_status in france_map.LABELLED},
        key=lambda referential: (referential.code, referential.published_on, referential.version),
    )
    colours = france_map.label_colours(referentials)
    for prefecture in prefectures:
        prefecture.next_audit = next_audits.get(prefecture.pk)
        prefecture.open_nonconformities = nonconformities.get(prefecture.pk, 0)
        prefecture.overdue = overdue.get(prefecture.pk, dict(common.EMPTY_OVERDUE))
        prefecture.overdue_total = sum(prefecture.overdue.values())
        prefecture.labelling_state = labelling_state(prefecture.labelling)
        prefecture.map_label = describe(prefecture, today)
        labelled = prefecture.map_status in france_map.LABELLED
        prefecture.map_fill = colours[prefecture.labelling.referential_id] if labelled else None
        prefecture.dashboard_url = reverse("dashboard_prefecture", kwargs={"pk": prefecture.pk})
        counts[prefecture.map_status] += 1
        tiles.setdefault(
            prefecture.department_id,
            {
                "status": prefecture.map_status,
                "label": prefecture.map_label,
                "url": prefecture.dashboard_url,
                "fill": prefecture.map_fill,
            },
        )
    counts["absent"] = len(france_map.CODES) - len(tiles)
    labelled = [p for p in prefectures if p.map_status in france_map.LABELLED]
    subprefectures = common.subprefectures_by_labelling()
    for prefecture in prefectures:  # the sous-préfectures in the perimeter of its labelled cycle
        is_labelled = prefecture.map_status in france_map.LABELLED
        prefecture.subprefectures_labelled = subprefectures.get(prefecture.labelling.pk, 0) if is_labelled else 0
    labelled_by = Counter(p.labelling.referential_id for p in labelled)
    subprefectures_by = Counter()
    for prefecture in labelled:
        subprefectures_by[prefecture.labelling.referential_id] += prefecture.subprefectures_labelled
    return NationalDashboard(
        panel=boards.panel(today=today),
        prefectures=prefectures,
        counts=counts,
        map_svg=france_map.render(tiles),
        legend=[dict(item, count=counts[item["status"]]) for item in france_map.legend()],
        label_legend=[
            {
                "label": str(referential),
                "fill": colours[referential.pk],
                "count": labelled_by[referential.pk],
                "subprefectures": subprefectures_by[referential.pk],
            }
            for referential in referentials
        ],
        progress=labelling_services.national_progress(on=today, total=len(prefectures)),
        crisis=common.crisis_commitment_counts(),
    )


def prefectures_table(dashboard):
    """The nation's prefectures: their label, audits and what is overdue (the text of the map)."""
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
            Column("Sous-préfectures labellisées", 12),
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
                prefecture.subprefectures_labelled,
            ]
        )
    return table


def targets_table(dashboard):
    """The national targets (share of prefectures labelled Qualipref 2.0 by a date), each judged at its date."""
    table = Table(
        "Objectifs nationaux : passage à Qualipref 2.0",
        [
            Column("Objectif (% des préfectures)", 12),
            Column("Échéance", 12),
            Column("Situation au", 12),
            Column("Préfectures labellisées", 12),
            Column("Préfectures", 10),
            Column("Part des préfectures (%)", 12),
            Column("Sous-préfectures labellisées", 12),
            Column("État", 28),
        ],
        sheet="Objectifs",
    )
    for target in dashboard.progress:
        table.rows.append(
            [
                target["share"],
                target["deadline"],
                target["judged_on"],
                target["labelled"],
                target["total"],
                target["current"],
                target["subprefectures_labelled"],
                labelling_services.TARGET_STATES[target["state"]],
            ]
        )
    return table

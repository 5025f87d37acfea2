"""The dashboard of a prefecture (quality managers and managers land on it; national administrators drill down to
it): key indicators of all its sites, its label and next audit, open non-conformities, what is overdue per site,
the quality documents to review, the satisfaction of the latest survey, links down to each site the user may see.
Fixed number of queries whatever the number of sites."""

import dataclasses
import functools
from dataclasses import dataclass

from django.utils import timezone

from indicators.services import boards
from qualipref.lib.table_export import Column, Table
from sites.models import Site

from . import cache, common
from .tables import OVERDUE_ROWS, download_links, indicators_table, overdue_table, slug


@dataclass
class PrefectureDashboard:
    prefecture: object
    panel: object
    sites: list  # Site objects with ``overdue`` ({kind: count}) and ``overdue_total``
    overdue: dict
    labelling: object
    next_audit: object
    open_nonconformities: int
    satisfaction: object
    crisis: object  # common.CrisisSummary
    documents: dict = dataclasses.field(default_factory=lambda: {"due": 0, "late": 0})  # to review (register)

    @property
    def overdue_total(self):
        return sum(self.overdue.values())

    # whose dashboard, for its downloads: URL names, their arguments, the file name (tables.file_stem)
    url_name = "dashboard_prefecture"

    @property
    def url_kwargs(self):
        return {"pk": self.prefecture.pk}

    @property
    def file_name(self):
        return slug(self.prefecture.department.name)

    def tables(self):
        """{slug: builder of the Table}, in the page's order."""
        return {
            "indicateurs": lambda: indicators_table(
                self.panel, "Indicateurs clés de la préfecture", "Indicateurs de la préfecture"
            ),
            "retards": lambda: overdue_table(self.overdue, "En retard dans la préfecture", "Retards de la préfecture"),
            "sites": lambda: sites_table(self),
        }

    @functools.cached_property
    def downloads(self):
        """The URLs of its PDF and of its tables as CSV and XLSX (tables.Downloads)."""
        return download_links(self)


def build(prefecture, user, *, today=None):
    """``prefecture``: one the user may see; its sites are those the user may see (``Site.objects.for_user``)."""
    return cache.cached(
        "prefecture",
        prefecture.pk,
        user.pk,
        build=lambda: _build(prefecture, user, today or timezone.localdate()),
        today=today,
    )


def body_html(prefecture, user, *, today=None):
    """The dashboard as the pages show it (_prefecture.html, cache.rendered), for this reader's sites."""
    template = "indicators/dashboards/_prefecture.html"
    return cache.rendered(
        template, "prefecture", prefecture.pk, user.pk, build=lambda: build(prefecture, user, today=today), today=today
    )


def _build(prefecture, user, today):
    pk = prefecture.pk
    sites = list(Site.objects.for_user(user).filter(prefecture_id=pk, is_active=True).order_by("name"))
    per_site = common.overdue_by("site_id", today=today, prefecture_id=pk)  # None: what belongs to no site
    for site in sites:
        site.overdue = per_site.get(site.pk, dict(common.EMPTY_OVERDUE))
        site.overdue_total = sum(site.overdue.values())
    return PrefectureDashboard(
        prefecture=prefecture,
        panel=boards.panel(prefecture=prefecture, today=today),
        sites=sites,
        overdue=common.overdue_total(per_site),
        labelling=common.labellings_by_prefecture(prefecture_id=pk).get(pk),
        next_audit=common.next_audits_by_prefecture(today=today, prefecture_id=pk).get(pk),
        open_nonconformities=common.open_nonconformities_by_prefecture(audit__prefecture_id=pk).get(pk, 0),
        satisfaction=common.satisfaction(pk, today=today),
        crisis=common.crisis_summary(pk, today=today),
        documents=common.documents_to_review(pk, today=today),
    )


def sites_table(dashboard):
    """The sites of the prefecture with what is overdue on each."""
    table = Table(
        f"Sites de {dashboard.prefecture.name}",
        [Column("Site", 40)] + [Column(label, 16) for _key, label in OVERDUE_ROWS] + [Column("Total en retard", 12)],
        sheet="Sites",  # the prefecture's name is in the file's name
    )
    for site in dashboard.sites:
        table.rows.append([site.name, *(site.overdue[key] for key, _label in OVERDUE_ROWS), site.overdue_total])
    return table

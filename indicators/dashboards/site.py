"""The dashboard of a site (referents and agents land on it; people of its prefecture and national administrators
drill down to it): key indicators with traffic lights and 12-month trends, what is overdue, the label of its
prefecture and the next audit, the satisfaction of the latest survey. Fixed number of queries."""

import functools
from dataclasses import dataclass

from django.utils import timezone

from indicators.services import boards

from . import cache, common
from .tables import download_links, indicators_table, overdue_table, slug


@dataclass
class SiteDashboard:
    site: object
    panel: object
    overdue: dict
    labelling: object
    next_audit: object
    satisfaction: object
    open_nonconformities: int | None = None  # counted per prefecture, shown on its dashboard

    @property
    def overdue_total(self):
        return sum(self.overdue.values())

    # whose dashboard, for its downloads: URL names, their arguments, the file name (tables.file_stem)
    url_name = "dashboard_site"

    @property
    def url_kwargs(self):
        return {"pk": self.site.pk}

    @property
    def file_name(self):
        return slug(self.site.name)

    def tables(self):
        """{slug: builder of the Table}, in the page's order."""
        return {
            "indicateurs": lambda: indicators_table(self.panel, "Indicateurs clés du site", "Indicateurs du site"),
            "retards": lambda: overdue_table(self.overdue, "En retard sur le site", "Retards du site"),
        }

    @functools.cached_property
    def downloads(self):
        """The URLs of its PDF and of its tables as CSV and XLSX (tables.Downloads)."""
        return download_links(self)


def build(site, *, today=None):
    """``site`` with its prefecture loaded (select_related)."""
    return cache.cached("site", site.pk, build=lambda: _build(site, today or timezone.localdate()), today=today)


def body_html(site, *, today=None):
    """The dashboard as the pages show it (_site.html, cache.rendered)."""
    template = "indicators/dashboards/_site.html"
    return cache.rendered(template, "site", site.pk, build=lambda: build(site, today=today), today=today)


def _build(site, today):
    prefecture_id = site.prefecture_id
    return SiteDashboard(
        site=site,
        panel=boards.panel(site=site, today=today),
        overdue=common.overdue_by("site_id", today=today, site_id=site.pk).get(site.pk, dict(common.EMPTY_OVERDUE)),
        labelling=common.labellings_by_prefecture(prefecture_id=prefecture_id).get(prefecture_id),
        next_audit=common.next_audits_by_prefecture(today=today, prefecture_id=prefecture_id).get(prefecture_id),
        satisfaction=common.satisfaction(prefecture_id, site, today=today),
    )

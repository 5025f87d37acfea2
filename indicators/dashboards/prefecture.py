"""The dashboard of a prefecture (quality managers and managers land on it; national administrators drill down to
it): key indicators of all its sites, its label and next audit, open non-conformities, what is overdue per site,
the satisfaction of the latest survey, links down to each site the user may see. Fixed number of queries whatever
the number of sites."""

import functools
from dataclasses import dataclass

from django.utils import timezone

from indicators.services import boards
from sites.models import Site

from . import cache, common


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

    @property
    def overdue_total(self):
        return sum(self.overdue.values())

    @functools.cached_property
    def downloads(self):
        """The URLs of its PDF and of its tables as CSV and XLSX (tables.Downloads)."""
        from .tables import downloads  # tables builds on this module

        return downloads(self)


def build(prefecture, user, *, today=None):
    """``prefecture``: one the user may see; its sites are those the user may see (``Site.objects.for_user``)."""
    return cache.cached(
        "prefecture",
        prefecture.pk,
        user.pk,
        build=lambda: _build(prefecture, user, today or timezone.localdate()),
        today=today,
    )


def _build(prefecture, user, today):
    pk = prefecture.pk
    sites = list(Site.objects.for_user(user).filter(prefecture_id=pk, is_active=True).order_by("name"))
    per_site = common.overdue_by("site_id", today=today, prefecture_id=pk)
    for site in sites:
        site.overdue = per_site.get(site.pk, dict(common.EMPTY_OVERDUE))
        site.overdue_total = sum(site.overdue.values())
    return PrefectureDashboard(
        prefecture=prefecture,
        panel=boards.panel(prefecture=prefecture, today=today),
        sites=sites,
        overdue=common.overdue_by("prefecture_id", today=today, prefecture_id=pk).get(pk, dict(common.EMPTY_OVERDUE)),
        labelling=common.labellings_by_prefecture(prefecture_id=pk).get(pk),
        next_audit=common.next_audits_by_prefecture(today=today, prefecture_id=pk).get(pk),
        open_nonconformities=common.open_nonconformities_by_prefecture(audit__prefecture_id=pk).get(pk, 0),
        satisfaction=common.satisfaction(pk, today=today),
    )

"""Stale manual indicators: an active indicator entered or imported per site whose latest measurement for a site is
older than its freshness rule allows (``Indicator.is_stale``): to the site's referents, once per expected month
(the key names the month that is missing, so a site still late next month is told again)."""

from django.db.models import Max
from django.urls import reverse

from accounts.models import Membership, Role
from indicators import periods
from indicators.models import Indicator, Measurement

from . import base


def _referents(today):
    referents, names = {}, {}
    rows = (
        Membership.objects.active(today)
        .filter(user__is_active=True, role=Role.SITE_REFERENT, site__is_active=True)
        .values_list("site_id", "site__name", "user_id")
    )
    for site_id, site_name, user_id in rows:
        referents.setdefault(site_id, set()).add(user_id)
        names[site_id] = site_name
    return referents, names


def collect(today):
    indicators = list(Indicator.objects.active().manual().filter(level=Indicator.Level.SITE))
    if not indicators:
        return []
    referents, names = _referents(today)
    if not referents:
        return []
    last = {
        (indicator_id, site_id): period
        for indicator_id, site_id, period in Measurement.objects.filter(
            indicator__in=indicators, site_id__in=referents, period__lte=periods.current(today)
        )
        .order_by()
        .values("indicator_id", "site_id")
        .annotate(last=Max("period"))
        .values_list("indicator_id", "site_id", "last")
    }
    found = []
    for indicator in indicators:
        expected = indicator.expected_period(today)
        for site_id, people in sorted(referents.items()):
            latest = last.get((indicator.pk, site_id))
            if not indicator.is_stale(latest, today):
                continue
            since = f"dernière mesure : {latest:%m/%Y}" if latest else "jamais mesuré"
            found += base.notices(
                people,
                key=f"indicator:{indicator.code}:site:{site_id}:{expected:%Y-%m}:stale",
                kind="indicator_stale",
                title=f"Indicateur à mettre à jour : {indicator.short_name} ({names[site_id]})",
                body=f"{indicator.name} : mesure attendue pour {expected:%m/%Y} ({since}).",
                url=reverse("measurement_grid_site", kwargs={"pk": site_id}),
                due_on=None,
            )
    return found

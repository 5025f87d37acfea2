"""Items of the quality programme (planning) not done by the end of their window: to the site's referents for a
site's item, and to the prefecture's quality managers, settings.QUALIPREF_PROGRAMME_ALERT_DAYS before the end, then
late. The follow-up and renewal audits of the labelling cycle are left to alerts.labellings (same due dates), the
CLU and the satisfaction survey to alerts.yearly (every 12 months): one alert for one missing thing."""

from django.conf import settings
from django.urls import reverse

from planning.models import CYCLE_KINDS, Kind, PlannedItem
from qualipref.lib.dates import short_date

from . import base

LEFT_TO_YEARLY = (Kind.CLU, Kind.SURVEY)


def collect(today):
    days_before = settings.QUALIPREF_PROGRAMME_ALERT_DAYS
    since, until = base.lookback(today), base.horizon(today, days_before)
    rows = list(
        PlannedItem.objects.not_fulfilled(today)
        .filter(ends_on__gte=since, ends_on__lte=until)
        .exclude(kind__in=(*CYCLE_KINDS, *LEFT_TO_YEARLY))
        .order_by("ends_on", "pk")
        .values_list("pk", "prefecture_id", "site_id", "title", "ends_on")
    )
    if not rows:
        return []
    referents, managers = base.recipients(
        today, sites={row[2] for row in rows if row[2]}, prefectures={row[1] for row in rows}
    )
    found = []
    for pk, prefecture_id, site_id, title, ends_on in rows:
        stage = base.stage_of(ends_on, today, days_before)
        if stage is None:
            continue
        people = set(managers.get(prefecture_id, ())) | set(referents.get(site_id, ()) if site_id else ())
        url = (
            reverse("programme_site", kwargs={"pk": site_id})
            if site_id
            else reverse("programme_prefecture", kwargs={"pk": prefecture_id})
        ) + f"?mois={ends_on:%Y-%m}"
        found += base.notices(
            people,
            key=f"programme:{pk}:{ends_on.isoformat()}:{stage}",
            kind=base.stage_kind("programme_item", stage),
            title=base.stage_title(
                stage,
                ends_on,
                today,
                late=f"{title} : non réalisé, attendu au plus tard le {short_date(ends_on)}",
                due=f"{title} à réaliser avant le {short_date(ends_on)}",
            ),
            body="Enregistrez ce qui a été fait (réunion, audit, campagne, autoévaluation) : le programme le rattache.",
            url=url,
            due_on=ends_on,
        )
    return found

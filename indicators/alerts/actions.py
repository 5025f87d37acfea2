"""Actions of the action plans near or past their due date (open ones: « à lancer », « en cours »): to the owner
and the site's referents, or the prefecture's quality managers for a prefecture-wide action (and for an action
that would otherwise alert nobody). Thresholds: settings.QUALIPREF_ACTION_ALERT_DAYS (days before the due date)."""

from django.conf import settings
from django.db.models import F
from django.urls import reverse

from engagements.models import Action
from qualipref.lib.dates import short_date

from . import base


def collect(today):
    days_before = settings.QUALIPREF_ACTION_ALERT_DAYS
    rows = list(
        Action.objects.open()
        .filter(due_on__gte=base.lookback(today), due_on__lte=base.horizon(today, days_before))
        .annotate(owner_active=F("owner__is_active"), site_name=F("site__name"))
        .order_by()
        .values_list("pk", "title", "due_on", "site_id", "site_name", "prefecture_id", "owner_id", "owner_active")
    )
    if not rows:
        return []
    referents, managers = base.recipients(
        today, sites={row[3] for row in rows if row[3]}, prefectures={row[5] for row in rows}
    )
    found = []
    for pk, title, due_on, site_id, site_name, prefecture_id, owner_id, owner_active in rows:
        stage = base.stage_of(due_on, today, days_before)
        if stage is None:
            continue
        people = set(referents.get(site_id, ())) if site_id else set(managers.get(prefecture_id, ()))
        if owner_id and owner_active:
            people.add(owner_id)
        if not people:
            people = set(managers.get(prefecture_id, ()))
        where = site_name or "Action de la préfecture"
        text = base.stage_title(
            stage,
            due_on,
            today,
            late=f"Action en retard : échéance du {short_date(due_on)} dépassée",
            due=f"Action à réaliser avant le {short_date(due_on)}",
        )
        found += base.notices(
            people,
            key=f"action:{pk}:{due_on.isoformat()}:{stage}",
            kind=base.stage_kind("action", stage),
            title=f"{text} – {title}",
            body=f"{where}. {title}",
            url=reverse("action_detail", kwargs={"pk": pk}),
            due_on=due_on,
        )
    return found

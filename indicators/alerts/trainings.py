"""Reception trainings to renew: an active reception agent of a site whose latest reception training is older than
4 years (or who has none), or will be within settings.QUALIPREF_TRAINING_ALERT_DAYS days: to the site's referents.
The rule is the training pages' and the indicator's (engagements.services.meetings.agents_reception_training)."""

from django.conf import settings
from django.urls import reverse

from engagements.services.meetings import TRAINING_VALIDITY_YEARS, agents_reception_training
from qualipref.lib.dates import short_date
from sites.models import Site

from . import base


def collect(today):
    days_before = settings.QUALIPREF_TRAINING_ALERT_DAYS
    horizon = base.horizon(today, days_before)
    agents = [
        (agent.user_id, agent.user.get_full_name() or agent.user.username, agent.site_id, agent.site.name, last)
        for agent in agents_reception_training(sites=Site.objects.filter(is_active=True), on=today)
        for last in [agent.last_reception_training_on]
        if last is None or base.add_years(last, TRAINING_VALIDITY_YEARS) <= horizon
    ]
    if not agents:
        return []
    referents, _ = base.recipients(today, sites={agent[2] for agent in agents})
    url = reverse("training_list")
    found = []
    for user_id, name, site_id, site_name, last in agents:
        if last is None:
            due_on, stage, since = None, base.OVERDUE, "never"
            title = f"{name} ({site_name}) n'a suivi aucune formation à l'accueil"
        else:
            due_on = base.add_years(last, TRAINING_VALIDITY_YEARS)
            stage, since = base.stage_of(due_on, today, days_before), last.isoformat()
            when = ": expirée le" if stage == base.OVERDUE else "avant le"
            title = f"Formation à l'accueil de {name} ({site_name}) à renouveler {when} {short_date(due_on)}"
        found += base.notices(
            referents.get(site_id, ()),
            key=f"training:{user_id}:site:{site_id}:{since}:{stage}",
            kind=base.stage_kind("training", stage),
            title=title,
            body=f"Les agents d'accueil suivent une formation à l'accueil tous les {TRAINING_VALIDITY_YEARS} ans.",
            url=url,
            due_on=due_on,
        )
    return found

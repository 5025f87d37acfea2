"""Reception trainings to renew, and training sessions short of people.

- ``collect``: a reception agent of a site (a user with an active agent membership, or a trainee marked « agent
  d'accueil ») whose latest reception training is older than 4 years (or who has none), or will be within
  settings.QUALIPREF_TRAINING_ALERT_DAYS days, **and who is enrolled in no coming reception session**: to the
  site's referents. The rule is the training pages' and the indicator's
  (engagements.services.trainings.people_to_train).
- ``collect_sessions``: a session starting within ``SESSION_ALERT_DAYS`` days with fewer enrolled than it needs
  (``min_enrolled``): to the site's referents and the prefecture's quality managers.
"""

import datetime

from django.conf import settings
from django.db.models import F
from django.urls import reverse
from django.utils import timezone

from engagements.models import TrainingSession
from engagements.services.trainings import TRAINING_VALIDITY_YEARS, people_to_train, sessions_with_counts
from qualipref.lib.dates import short_date
from sites.models import Site

from . import base

SESSION_ALERT_DAYS = 14


def collect(today):
    days_before = settings.QUALIPREF_TRAINING_ALERT_DAYS
    horizon = base.horizon(today, days_before)
    rows = people_to_train(sites=Site.objects.filter(is_active=True), on=today, late_only=False, planned=False)
    agents = [
        row
        for row in rows
        for last in [row["last_reception_training_on"]]
        if last is None or base.add_years(last, TRAINING_VALIDITY_YEARS) <= horizon
    ]
    if not agents:
        return []
    referents, _ = base.recipients(today, sites={row["site_id_"] for row in agents})
    url = reverse("training_agents_not_trained")
    found = []
    for row in agents:
        name = f"{row['first_name_']} {row['last_name_']}".strip() or row["username_"]
        site_name, site_id, last = row["site_name_"], row["site_id_"], row["last_reception_training_on"]
        if last is None:
            due_on, stage, since = None, base.OVERDUE, "never"
            title = f"{name} ({site_name}) n'a suivi aucune formation à l'accueil : aucune session prévue"
        else:
            due_on = base.add_years(last, TRAINING_VALIDITY_YEARS)
            stage, since = base.stage_of(due_on, today, days_before), last.isoformat()
            when = ": expirée le" if stage == base.OVERDUE else "avant le"
            title = (
                f"Formation à l'accueil de {name} ({site_name}) à renouveler {when} {short_date(due_on)} : "
                "aucune session prévue"
            )
        person = f"{row['user_id_']}" if row["person_kind"] == "user" else f"trainee:{row['trainee_id_']}"
        found += base.notices(
            referents.get(site_id, ()),
            key=f"training:{person}:site:{site_id}:{since}:{stage}",
            kind=base.stage_kind("training", stage),
            title=title,
            body=(
                f"Les agents d'accueil suivent une formation à l'accueil tous les {TRAINING_VALIDITY_YEARS} ans : "
                "inscrivez cette personne à une session."
            ),
            url=url,
            due_on=due_on,
        )
    return found


def collect_sessions(today):
    last_day = today + datetime.timedelta(days=SESSION_ALERT_DAYS)
    sessions = list(
        sessions_with_counts(
            # from the day of the run (the daily job runs before the day's sessions start), not from the clock:
            # the run of another day (a replay, the tests) reads that day's coming sessions
            TrainingSession.objects.filter(
                starts_at__date__gte=today, starts_at__date__lte=last_day, attendance_recorded_at__isnull=True
            )
        )
        .filter(enrolled__lt=F("min_enrolled"))
        .select_related("site")
        .order_by("starts_at", "pk")
    )
    if not sessions:
        return []
    referents, managers = base.recipients(
        today, sites={s.site_id for s in sessions}, prefectures={s.site.prefecture_id for s in sessions}
    )
    found = []
    for session in sessions:
        day = timezone.localtime(session.starts_at).date()
        found += base.notices(
            {*referents.get(session.site_id, ()), *managers.get(session.site.prefecture_id, ())},
            key=f"training_session:{session.pk}:{day.isoformat()}:short",
            kind="training_session_short",
            title=(
                f"Session « {session.course} » du {short_date(day)} : {session.enrolled} inscrit(s) "
                f"sur {session.min_enrolled} nécessaire(s) ({base.remaining(day, today)})"
            ),
            body="Inscrivez des agents ou reportez la session.",
            url=reverse("training_session_detail", kwargs={"pk": session.pk}),
            due_on=day,
        )
    return found

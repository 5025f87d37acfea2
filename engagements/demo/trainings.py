"""Demo data: the training plan of the Bouches-du-Rhône (« Établir un plan de formation respectant les exigences de
formation Qualipref 2.0 », 2015 review): people without an account among the reception agents, a reception session
for the agents not trained in 4 years (short of its minimum, so that its alert shows), the training of the CIP
members and the one of the on-call agents of the communication office. Called by engagements.demo.meetings.load
(after the training records)."""

import datetime

from django.utils import timezone

from accounts.models import User
from engagements.models import Enrolment, Trainee, Training, TrainingKind, TrainingSession
from qualipref.lib.dates import local_datetime
from sites.models import Site

PEYTRAL = "Marseille – Peytral"
RECEPTION = "Accueil du public et gestion des situations difficiles"

# last name, first name, site, service, position, reception agent, arrived on, last reception training (or None)
TRAINEES = [
    ("Haddad", "Nadia", "Marseille – Saint-Sébastien", "Accueil des étrangers", "Agent d'accueil", True, 2013, None),
    ("Blanc", "Thomas", "Sous-préfecture d'Arles", "Accueil général", "Agent d'accueil", True, 2009, 2011),
    ("Roussel", "Inès", "Sous-préfecture d'Istres", "Cartes grises", "Agent d'accueil", True, 2014, None),
    ("Vidal", "Claire", PEYTRAL, "Bureau de la communication", "Chargée de communication", False, 2012, None),
    ("Olivier", "Marc", PEYTRAL, "Bureau de la communication", "Agent d'astreinte", False, 2010, None),
]

# course, kind, days from today, place, capacity, minimum, enrolled (usernames or trainees' last names)
SESSIONS = [
    (
        RECEPTION,
        TrainingKind.RECEPTION,
        10,
        "Préfecture, salle Puget",
        12,
        6,
        ["agent-arles-2", "agent-st-sebastien", "Haddad", "Blanc"],
    ),
    (
        "Formation des membres de la cellule d'information du public (CIP)",
        TrainingKind.CIP,
        35,
        "Préfecture, salle de crise",
        15,
        5,
        ["direction13", "referent-arles", "Vidal", "Olivier", "qualite13"],
    ),
    (
        "Formation des agents d'astreinte du bureau de la communication",
        TrainingKind.ON_CALL,
        49,
        "Préfecture, bureau de la communication",
        6,
        2,
        ["Olivier", "Vidal"],
    ),
]


def load():
    today = timezone.localdate()
    sites = {site.name: site for site in Site.objects.filter(prefecture__department_id="13")}
    trainees = {}
    for last_name, first_name, site_name, service, position, reception, arrived, trained in TRAINEES:
        trainee, _ = Trainee.objects.get_or_create(
            site=sites[site_name],
            last_name=last_name,
            first_name=first_name,
            defaults={
                "service": service,
                "position": position,
                "reception_agent": reception,
                "started_on": datetime.date(arrived, 9, 1),
            },
        )
        trainees[last_name] = trainee
        if trained:
            Training.objects.get_or_create(
                trainee=trainee,
                site=trainee.site,
                course=RECEPTION,
                defaults={"reception": True, "trained_on": datetime.date(trained, 3, 14)},
            )
    users = {user.username: user for user in User.objects.filter(username__in=_usernames())}
    for course, kind, days, place, capacity, minimum, enrolled in SESSIONS:
        day = today + datetime.timedelta(days=days)
        session, _ = TrainingSession.objects.get_or_create(
            site=sites[PEYTRAL],
            course=course,
            kind=kind,
            defaults={
                "starts_at": local_datetime(day, 9, 30),
                "ends_at": local_datetime(day, 16, 30),
                "place": place,
                "capacity": capacity,
                "min_enrolled": minimum,
            },
        )
        for name in enrolled:
            person = {"user": users[name]} if name in users else {"trainee": trainees[name]}
            Enrolment.objects.get_or_create(session=session, **person)


def _usernames():
    return {name for *_, enrolled in SESSIONS for name in enrolled}

"""Demo data: the quality meetings of the Bouches-du-Rhône in 2015 and the training records of its agents.

Runs after ``qualipref.demo.load_demo`` (prefectures, sites, demo accounts, the agents trained here:
``TRAINED_AGENTS``) and, when they are loaded, after the demo action plan: a decision whose text is the title of
a COPIL or CLU action of the prefecture is linked to it.
Idempotent: objects are found by their natural keys; a second run changes nothing already there.
"""

import datetime

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from engagements.demo import trainings as trainings_demo
from engagements.models import Action, Meeting, MeetingDecision, Training
from sites.models import Prefecture, Site

ATTENDEES_COPIL = (
    "Claire Fabre, responsable qualité de la préfecture\n"
    "Philippe Granier, secrétaire général adjoint\n"
    "Julien Mistral, référent qualité de la sous-préfecture d'Arles\n"
    "Les référents qualité des sites d'Aix-en-Provence, d'Istres et de Marseille"
)
ATTENDEES_CLU = (
    "Claire Fabre, responsable qualité de la préfecture\n"
    "Philippe Granier, secrétaire général adjoint\n"
    "Deux représentants d'associations d'usagers\n"
    "Un représentant de l'union départementale des associations familiales\n"
    "Deux élus municipaux (Arles, Istres)\n"
    "Les référents qualité des quatre sites labellisés"
)

# (month, day, minutes, decisions) of the monthly COPIL qualité of 2015. A decision whose text is the title of
# a COPIL action of the demo action plan (engagements.demo.actions) is linked to it; the others keep their
# « Créer l'action » button.
COPILS = [
    (
        1,
        8,
        "Bilan 2014 des indicateurs d'accueil. Présentation du futur référentiel Qualipref 2.0 numérique.",
        [
            "Engager les quatre sites dans la préparation du référentiel Qualipref 2.0 numérique.",
            "Sensibiliser les agents à la démarche qualité et aux guides d'accueil.",
        ],
    ),
    (2, 12, "Publication du référentiel Qualipref 2.0 : lecture des engagements du socle numérique.", []),
    (
        3,
        12,
        "Suivi des délais de réponse aux courriers et courriels (SDRAU). Plan de formation 2015.",
        ["Présenter au comité local des usagers d'avril les résultats qualité 2014 et les engagements Qualipref 2.0."],
    ),
    (4, 9, "Préparation du comité local des usagers du 16 avril.", []),
    (
        5,
        7,
        "Lancement des enquêtes de satisfaction de mai et juin sur les sites.",
        ["Afficher les résultats des enquêtes de satisfaction dans les halls d'accueil et sur le site Internet."],
    ),
    (6, 11, "Préparation des audits internes de juin sur les quatre sites.", []),
    (
        7,
        9,
        "Restitution des audits internes : 17 non-conformités relevées sur les quatre sites.",
        [
            "Traiter les 17 non-conformités des audits internes avant les audits externes de septembre.",
            "Désigner un pilote par non-conformité et faire un point d'avancement à chaque COPIL.",
        ],
    ),
    (8, 27, "Point d'étape des actions correctives (réunion restreinte).", []),
    (9, 10, "Préparation des audits externes de labellisation de septembre.", []),
    (
        10,
        8,
        "Restitution des audits externes de labellisation des quatre sites.",
        ["Rédiger la réponse argumentée de la préfecture aux points sensibles relevés par l'auditeur."],
    ),
    (11, 12, "Plan de communication de crise : exercice et formation des agents.", []),
    (
        12,
        10,
        "Labellisation Qualipref 2.0 des quatre sites fin novembre. Programme 2016 et audit de renouvellement.",
        [
            "Organiser des exercices de crise réguliers, avec ou sans appel à la CIP.",
            "Enrichir le tableau de prise de rendez-vous des élus.",
            "Mettre en place l'affichage nécessaire dans les nouveaux locaux.",
            "Mettre en place une foire aux questions sur le site internet.",
            "Préparer l'audit de renouvellement de mi-2017.",
        ],
    ),
]

CLU = (
    datetime.date(2015, 4, 16),
    "Présentation des résultats qualité 2014 et des engagements Qualipref 2.0. Avis des usagers sur "
    "l'accueil des sites : attente à l'accueil des étrangers, signalétique, informations en ligne.",
    [
        "Afficher les heures d'affluence au pré-accueil et les tenir à jour.",
        "Présenter chaque année au comité le bilan des réclamations et des enquêtes de satisfaction.",
    ],
)

RECEPTION = "Accueil du public et gestion des situations difficiles"
REFRESHER = "Recyclage : accueil du public"


def _trainings(today):
    """(username, site name, course, reception, trained_on). Some are recent so that the list of agents not
    trained for 4 years shows both cases: agent-arles-2 (2011) and agent-st-sebastien (2014) are late,
    agent-aix has no reception training at all."""
    return [
        ("agent-istres", "Sous-préfecture d'Istres", RECEPTION, True, datetime.date(2015, 3, 17)),
        ("agent-istres", "Sous-préfecture d'Istres", REFRESHER, True, today - datetime.timedelta(days=400)),
        ("agent-arles-2", "Sous-préfecture d'Arles", RECEPTION, True, datetime.date(2011, 5, 12)),
        ("agent-peytral", "Marseille – Peytral", RECEPTION, True, datetime.date(2015, 10, 8)),
        ("agent-peytral", "Marseille – Peytral", REFRESHER, True, today - datetime.timedelta(days=200)),
        ("agent-st-sebastien", "Marseille – Saint-Sébastien", RECEPTION, True, datetime.date(2014, 11, 20)),
        (
            "agent-st-sebastien",
            "Marseille – Saint-Sébastien",
            "Système d'immatriculation des véhicules (SIV)",
            False,
            today - datetime.timedelta(days=90),
        ),
        ("agent-aix", "Sous-préfecture d'Aix-en-Provence", "Communication de crise : exercice", False, today),
        ("referent-arles", "Sous-préfecture d'Arles", RECEPTION, True, datetime.date(2015, 2, 5)),
    ]


def _meeting(prefecture, kind, held_on, minutes, attendees, decisions):
    meeting, _ = Meeting.objects.get_or_create(
        prefecture=prefecture,
        kind=kind,
        held_on=held_on,
        defaults={"minutes": minutes, "attendees": attendees},
    )
    for text in decisions:
        decision, _ = MeetingDecision.objects.get_or_create(meeting=meeting, text=text)
        if decision.action_id is None:
            _link_demo_action(decision, prefecture)
    return meeting


def _link_demo_action(decision, prefecture):
    """Link a decision to the demo action of the same title and origin (COPIL or CLU), when the demo action
    plan holds one: the decision points at the action, the action's source at the decision."""
    action = (
        Action.objects.filter(
            prefecture=prefecture,
            source=decision.meeting.kind,
            title__iexact=decision.text.rstrip("."),
            meeting_decision__isnull=True,
        )
        .order_by("pk")
        .first()
    )
    if action is None:
        return
    decision.action = action
    decision.save(update_fields=["action", "updated_at"])
    if action.source_type_id is None:
        # A plain update: the demo action's history keeps its own story.
        Action.objects.filter(pk=action.pk).update(
            source_type=ContentType.objects.get_for_model(MeetingDecision), source_id=decision.pk
        )


@transaction.atomic
def load():
    prefecture = Prefecture.objects.get(department_id="13")
    for month, day, minutes, decisions in COPILS:
        _meeting(prefecture, Meeting.Kind.COPIL, datetime.date(2015, month, day), minutes, ATTENDEES_COPIL, decisions)
    held_on, minutes, decisions = CLU
    _meeting(prefecture, Meeting.Kind.CLU, held_on, minutes, ATTENDEES_CLU, decisions)

    sites = {site.name: site for site in Site.objects.filter(prefecture=prefecture)}
    trainings = _trainings(timezone.localdate())
    people = {user.username: user for user in User.objects.filter(username__in={row[0] for row in trainings})}
    for username, site_name, course, reception, trained_on in trainings:
        Training.objects.get_or_create(
            person=people[username],
            site=sites[site_name],
            course=course,
            defaults={"reception": reception, "trained_on": trained_on},
        )
    trainings_demo.load()

"""The questionnaires shipped with Qualipref, as versioned data.

The data migration 0002 loads a frozen copy of ``SHIPPED`` into a new database; ``install_shipped`` loads what is
missing (after a flush of the test database, or a new version added here). A version is never rewritten: to
change a questionnaire, add a version with a new ``version`` string and keep the question codes that mean the same
thing (results are compared by question code across versions).

``yes_no``: the codes of the closed questions (« Avez-vous… ? », « … vous conviennent-ils ? »), answered « Oui » or
« Non »; the others ask « Êtes-vous satisfait(e)… ? » on the scale of 1 to 4. The 2015 versions were first shipped
without this distinction: the migration 0003 marks the same codes.
"""

import datetime

from django.db import transaction

# The seven dimensions of the users' survey (docs/domaine.md, § Enquêtes de satisfaction).
USER_DIMENSIONS = ["phone", "accessibility", "conditions", "opening_hours", "signage", "courtesy", "waiting_time"]

SHIPPED = [
    {
        "code": "users",
        "version": "2015",
        "audience": "users",
        "title": "Enquête de satisfaction des usagers",
        "published_on": datetime.date(2015, 4, 1),
        "introduction": (
            "Votre avis nous aide à améliorer l’accueil. Le questionnaire est anonyme et prend deux minutes ; "
            "répondez seulement aux questions qui vous concernent."
        ),
        "yes_no": {"opening_hours", "signage", "courtesy", "waiting_time"},
        "questions": [
            ("phone", "Accueil téléphonique", "Êtes-vous satisfait(e) de l’accueil téléphonique ?", ""),
            (
                "accessibility",
                "Accueil des personnes à mobilité réduite",
                "Êtes-vous satisfait(e) de l’accueil des personnes à mobilité réduite ?",
                "Accès aux bâtiments, guichets adaptés, priorité.",
            ),
            (
                "conditions",
                "Conditions d’accueil",
                "Êtes-vous satisfait(e) des conditions d’accueil (confort, propreté, confidentialité) ?",
                "",
            ),
            ("opening_hours", "Horaires d’accueil", "Les horaires d’ouverture vous conviennent-ils ?", ""),
            (
                "signage",
                "Orientation et signalétique",
                "Avez-vous facilement trouvé votre chemin (orientation, signalétique) ?",
                "",
            ),
            ("courtesy", "Accueil courtois", "Avez-vous été accueilli(e) avec courtoisie ?", ""),
            ("waiting_time", "Délai d’attente", "Le temps d’attente vous a-t-il paru raisonnable ?", ""),
        ],
    },
    {
        "code": "local_authorities",
        "version": "2015",
        "audience": "local_authorities",
        "title": "Enquête de satisfaction des collectivités territoriales et des élus",
        "published_on": datetime.date(2015, 4, 1),
        "introduction": (
            "Cette enquête mesure la qualité de la relation entre la préfecture et les collectivités territoriales "
            "(module « relations avec les collectivités territoriales » du référentiel Qualipref)."
        ),
        "yes_no": {"contact", "appointments"},
        "questions": [
            (
                "contact",
                "Identification des interlocuteurs",
                "Identifiez-vous facilement vos interlocuteurs à la préfecture ?",
                "",
            ),
            ("responsiveness", "Réactivité", "Êtes-vous satisfait(e) des délais de réponse à vos demandes ?", ""),
            (
                "advice_quality",
                "Qualité du conseil",
                "Êtes-vous satisfait(e) de la qualité du conseil juridique et technique apporté ?",
                "",
            ),
            (
                "information",
                "Information des élus",
                "Êtes-vous satisfait(e) de l’information que la préfecture vous transmet ?",
                "Circulaires, réunions d’information, site Internet.",
            ),
            ("appointments", "Rendez-vous", "Obtenez-vous un rendez-vous dans un délai satisfaisant ?", ""),
        ],
    },
    {
        "code": "partners",
        "version": "2015",
        "audience": "partners",
        "title": "Enquête de satisfaction des partenaires",
        "published_on": datetime.date(2015, 4, 1),
        "introduction": (
            "Services de l’État, opérateurs, associations et professionnels : votre avis sur la coordination avec "
            "la préfecture."
        ),
        "yes_no": {"contact", "information"},
        "questions": [
            ("contact", "Identification des interlocuteurs", "Identifiez-vous facilement vos interlocuteurs ?", ""),
            ("responsiveness", "Réactivité", "Êtes-vous satisfait(e) des délais de réponse à vos demandes ?", ""),
            (
                "coordination",
                "Coordination",
                "Êtes-vous satisfait(e) de la coordination des services de l’État par la préfecture ?",
                "",
            ),
            (
                "information",
                "Circulation de l’information",
                "L’information utile vous parvient-elle à temps ?",
                "",
            ),
        ],
    },
]


@transaction.atomic
def install_shipped():
    """Create the shipped questionnaires (and their questions) that are missing; existing versions are kept."""
    from surveys.models import Question, Questionnaire

    for data in SHIPPED:
        if Questionnaire.objects.filter(code=data["code"], version=data["version"], prefecture__isnull=False).exists():
            continue
        questionnaire, created = Questionnaire.objects.get_or_create(
            code=data["code"],
            version=data["version"],
            defaults={
                "audience": data["audience"],
                "title": data["title"],
                "introduction": data["introduction"],
                "published_on": data["published_on"],
            },
        )
        if created:
            Question.objects.bulk_create(
                Question(
                    questionnaire=questionnaire,
                    code=code,
                    position=position,
                    label=label,
                    text=text,
                    help_text=help_text,
                    kind=Question.Kind.YES_NO if code in data["yes_no"] else Question.Kind.SCALE,
                )
                for position, (code, label, text, help_text) in enumerate(data["questions"], start=1)
            )


def default_questionnaire():
    """The latest national version of the users' questionnaire (installed again when a flush emptied the table);
    the prefectures' local versions are never the default."""
    from surveys.models import Questionnaire

    national = Questionnaire.objects.national().filter(code="users").order_by("-published_on")
    questionnaire = national.first()
    if questionnaire is None:
        install_shipped()
        questionnaire = national.first()
    return questionnaire

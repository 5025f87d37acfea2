"""Bouches-du-Rhône, cycle Qualipref 2.0 numérique: the external labelling audit of September 2015 by AFNOR
Certification, with exactly the published counts per site (bilan qualité 2015): Préfecture des Bouches-du-Rhône
20 points forts, 6 pistes de progrès, 3 points sensibles; Aix-en-Provence 15, 4, 2 and 1 minor non-conformity;
Arles 20, 3, 2; Istres 17, 2, 4. Favourable decision on 27/11/2015 (the cycle's). The demo auditor
(``auditeur``) is assigned to it: its report is the first thing they download."""

from django.utils import timezone

from audits.models import Assessment, Audit, Finding
from engagements.models import Labelling

from .common import (
    AFNOR,
    AIX,
    ARLES,
    ISTRES,
    PEYTRAL,
    SAINT_SEBASTIEN,
    D,
    add_findings,
    add_grid,
    link,
    new_audit,
    plan_action,
)

# The counts of the bilan qualité 2015: place -> (sites with their share), strengths, improvements, sensitive, NC.
PUBLISHED_COUNTS = {
    "Préfecture des Bouches-du-Rhône": {PEYTRAL: (11, 3, 2, 0), SAINT_SEBASTIEN: (9, 3, 1, 0)},
    AIX: {AIX: (15, 4, 2, 1)},
    ARLES: {ARLES: (20, 3, 2, 0)},
    ISTRES: {ISTRES: (17, 2, 4, 0)},
}

# Strengths, in the order they are used on each site (engagement, text).
STRENGTHS = [
    ("QP2-M1-E23", "Les outils de pilotage de la démarche qualité sont performants."),
    ("QP2-M1-E04", "La qualité de l'accueil des usagers est une priorité : accueil courtois et personnalisé."),
    ("QP2-M1-E25", "Implication forte des responsables et des agents : la démarche a atteint un bon niveau."),
    ("QP2-M1-E01", "Horaires d'ouverture et plans d'accès publiés sur place et sur le site Internet."),
    ("QP2-M1-E21", "Le guide de l'accueil est connu des agents et utilisé au quotidien."),
    ("QP2-M1-E24", "Indicateurs qualité suivis mensuellement et présentés en COPIL."),
    ("QP2-M1-E17", "Les réclamations et suggestions sont recueillies et suivies dans une application locale."),
    ("QP2-M1-E16", "Toutes les réclamations reçues en 2015 ont obtenu une réponse en moins de 15 jours ouvrés."),
    ("QP2-M1-E18", "L'enquête de satisfaction annuelle est conduite sur chaque service d'accueil."),
    ("QP2-M1-E14", "Courriers et courriels enregistrés ; leurs délais de réponse sont suivis (SDRAU)."),
    ("QP2-M1-E12", "Les courriers reçoivent une réponse dans les 15 jours ouvrés."),
    ("QP2-M1-E13", "Les courriels reçoivent une réponse dans les 5 jours ouvrés."),
    ("QP2-M1-E08", "La confidentialité des échanges est assurée aux guichets."),
    ("QP2-M1-E03", "Accueil prioritaire des personnes à mobilité réduite organisé et signalé."),
    ("QP2-M1-E20", "Le comité local des usagers s'est réuni le 30 avril : ses propositions sont suivies."),
    ("QP2-M8-E03", "Le site Internet départemental de l'État présente des informations pratiques à jour."),
    ("QP2-M8-E01", "Les télé-services sont présentés aux usagers qui attendent au guichet."),
    ("QP2-M8-E06", "L'archivage numérique des dossiers est en place."),
    ("QP2-M1-E06", "Espaces d'attente propres, équipés de sièges en nombre suffisant."),
    ("QP2-M1-E07", "Le pré-accueil oriente efficacement les usagers et limite l'attente."),
]
# Strengths of the prefecture's two sites only (modules 4 and 7 are run from Marseille).
PREFECTURE_STRENGTHS = [
    ("QP2-M7-E02", "Un plan de communication de crise est rédigé et connu des agents d'astreinte."),
    ("QP2-M7-E05", "Les communiqués de crise sont suivis dans un tableau depuis le début de l'année."),
    ("QP2-M4-E02", "Les demandes de rendez-vous des élus et leurs délais de réponse sont suivis."),
    ("QP2-M4-E01", "Les élus disposent d'interlocuteurs identifiés."),
]
IMPROVEMENTS = [
    (
        "QP2-M1-E05",
        "Toujours s'assurer dans les espaces d'accueil d'un affichage structuré, même lors de communications urgentes.",
    ),
    ("QP2-M1-E02", "Mettre à jour plus souvent l'affichage des heures d'affluence."),
    ("QP2-M8-E04", "Compléter la foire aux questions du site Internet."),
    ("QP2-M1-E13", "Constituer une bibliothèque de réponses types aux courriels."),
    ("QP2-M1-E04", "Identifier chaque agent d'accueil par un chevalet ou un badge nominatif."),
    ("QP2-M1-E06", "Ajouter des écritoires dans les espaces d'attente."),
]
SENSITIVE = {
    PEYTRAL: [
        (
            "QP2-M1-E10",
            "Le taux de décroché à la préfecture doit s'améliorer et atteindre l'objectif.",
            "Un renfort du standard aux heures d'affluence et un nouveau serveur vocal sont prévus ; le taux de "
            "décroché sera suivi chaque mois en COPIL.",
            D(2016, 12, 31),
            "Améliorer le taux de décroché du standard de la préfecture",
        ),
        (
            "QP2-M7-E04",
            "Les exercices de communication de crise doivent être réguliers et associer la CIP.",
            "Un exercice par trimestre est programmé, dont un avec déclenchement de la CIP.",
            D(2016, 6, 30),
            "Organiser des exercices de crise réguliers, avec ou sans appel à la CIP",
        ),
    ],
    SAINT_SEBASTIEN: [
        (
            "QP2-M1-E22",
            "S'assurer que tous les agents ont suivi une formation liée à l'accueil dans un délai de 4 ans maximum.",
            "Un plan de formation respectant les exigences de Qualipref 2.0 sera établi pour tous les agents "
            "d'accueil.",
            D(2016, 6, 30),
            "Établir un plan de formation respectant les exigences de formation de Qualipref 2.0",
        ),
    ],
    AIX: [
        (
            "QP2-M1-E05",
            "L'affichage de la salle d'attente est dégradé et peu lisible.",
            "Les affiches seront plastifiées et l'affichage des nouveaux locaux préparé dès maintenant.",
            D(2016, 4, 30),
            "Mettre en place l'affichage nécessaire dans les nouveaux locaux",
        ),
        (
            "QP2-M1-E06",
            "L'éclairage du fond de la salle d'attente est insuffisant.",
            "L'éclairage a été réparé ; son état sera vérifié lors des autoévaluations trimestrielles.",
            None,
            None,
        ),
    ],
    ARLES: [
        (
            "QP2-M4-E03",
            "Le tableau de suivi des lettres d'observation aux collectivités ne mentionne pas leur date de réception.",
            "Une colonne « date de réception » est ajoutée ; les lettres du premier trimestre seront reprises.",
            D(2016, 6, 30),
            "Ajouter la date de réception au tableau de suivi des lettres d'observation aux collectivités",
        ),
        (
            "QP2-M1-E02",
            "Les heures d'affluence affichées ne sont pas celles constatées.",
            "Les heures d'affluence seront recalculées à partir des données du gestionnaire de file.",
            D(2016, 3, 31),
            "Afficher les heures d'affluence au pré-accueil et les tenir à jour",
        ),
    ],
    ISTRES: [
        (
            "QP2-M1-E06",
            "La propreté des espaces d'accueil (cendriers, affichage) doit être surveillée.",
            "Le référent vérifie chaque semaine la propreté des espaces d'accueil.",
            None,
            "Veiller à la propreté des espaces d'accueil (cendriers, affichage)",
        ),
        (
            "QP2-M1-E07",
            "L'attente à la file des étrangers reste longue le lundi matin.",
            "Le second gestionnaire de file d'attente distinguera la file des étrangers.",
            D(2016, 6, 30),
            "Mettre en place un second gestionnaire de file d'attente (pré-accueil / étrangers)",
        ),
        (
            "QP2-M1-E13",
            "Les réponses aux courriels sont de qualité inégale.",
            "Une bibliothèque de réponses types aux courriels sera constituée.",
            D(2016, 3, 31),
            "Créer une bibliothèque de réponses types aux courriels",
        ),
        (
            "QP2-M1-E09",
            "Le standard de la sous-préfecture décroche parfois au-delà de 5 sonneries.",
            "Le renvoi du standard vers un second poste aux heures d'affluence est mis en place.",
            D(2015, 12, 31),
            None,
        ),
    ],
}
AIX_NONCONFORMITY = (
    "QP2-M1-E03",
    "L'accès des personnes à mobilité réduite n'est pas assuré dans les locaux actuels de la sous-préfecture "
    "(marches à l'entrée, pas de guichet surbaissé).",
    "La sous-préfecture déménage en avril 2016 dans des locaux accessibles : rampe d'accès, guichet surbaissé et "
    "boucle magnétique. D'ici là, un agent accueille les personnes à mobilité réduite au rez-de-chaussée sur "
    "simple appel de la sonnette installée à l'entrée.",
    D(2016, 4, 30),
    "Adapter les futurs locaux de la sous-préfecture à l'accueil des personnes à mobilité réduite",
)


def labelling_rows(sites, engagements):
    """The findings of the September 2015 labelling audit, with the published counts per site."""
    rows, links = [], []
    responded = D(2015, 10, 20)
    for place in PUBLISHED_COUNTS.values():
        for site_name, (strengths, improvements, sensitive, nonconformities) in place.items():
            site = sites.get(site_name)
            if site is None:
                continue
            pool = (PREFECTURE_STRENGTHS + STRENGTHS) if site_name in (PEYTRAL, SAINT_SEBASTIEN) else STRENGTHS
            pool = pool[1:] + pool[:1] if site_name == SAINT_SEBASTIEN else pool
            for index in range(strengths):
                code, text = pool[index % len(pool)]
                rows.append((site, engagements.get(code), Finding.Category.STRENGTH, text, "", None, None))
                links.append(None)
            for index in range(improvements):
                code, text = IMPROVEMENTS[(index + len(site_name)) % len(IMPROVEMENTS)]
                rows.append((site, engagements.get(code), Finding.Category.IMPROVEMENT, text, "", None, None))
                links.append(None)
            for code, text, response, due_on, action in SENSITIVE[site_name][:sensitive]:
                rows.append(
                    (site, engagements.get(code), Finding.Category.SENSITIVE_POINT, text, response, due_on, responded)
                )
                links.append(action)
            if nonconformities:
                code, text, response, due_on, action = AIX_NONCONFORMITY
                rows.append(
                    (
                        site,
                        engagements.get(code),
                        Finding.Category.MINOR_NONCONFORMITY,
                        text,
                        response,
                        due_on,
                        responded,
                    )
                )
                links.append(action)
    return rows, links


def load(cycle, sites, engagements, plan, users):
    start_on = D(2015, 9, 14)
    existing = Audit.objects.filter(labelling=cycle, kind=Audit.Kind.LABELLING, start_on=start_on).first()
    if existing is not None:
        return existing
    quality = users.get("qualite13")
    today = timezone.localdate()
    audit = new_audit(
        cycle,
        kind=Audit.Kind.LABELLING,
        body=AFNOR,
        start_on=start_on,
        end_on=D(2015, 9, 18),
        sites=list(sites.values()),
        status=Audit.Status.CLOSED,
        by=quality,
        access_from=D(2015, 9, 1),
        # the demo auditor keeps access to download the report; a real window closes after the report is due
        access_until=D(today.year + 1, 12, 31),
        report_delivered_on=D(2015, 10, 1),
        responded_on=D(2015, 10, 20),
        # the decision of 27/11/2015 (the cycle's own decision_on moves with each renewal of the label)
        closed_on=D(2015, 11, 27),
        decision=Labelling.Decision.FAVOURABLE,
        decision_on=D(2015, 11, 27),
        summary="Points forts généraux : les outils de pilotage sont performants ; la démarche qualité a atteint un "
        "bon niveau de performance grâce à une implication forte de tous les responsables et des agents ; la "
        "qualité de l'accueil des usagers est une priorité.\n"
        "Points sensibles généraux : s'assurer que tous les agents ont suivi une formation liée à l'accueil dans un "
        "délai de 4 ans maximum ; le taux de décroché à la préfecture doit s'améliorer et atteindre l'objectif.\n"
        "Piste de progrès générale : toujours s'assurer dans les espaces d'accueil d'un affichage structuré, même "
        "lors de communications urgentes.",
    )
    auditor = users.get("auditeur")
    if auditor is not None:
        audit.auditors.add(auditor)
    rows, links = labelling_rows(sites, engagements)
    findings = add_findings(audit, rows, by=auditor or quality, day=D(2015, 9, 18))
    for finding, title in zip(findings, links, strict=True):
        if title:
            link(finding, plan_action(plan, title), quality)
    code = AIX_NONCONFORMITY[0]
    exceptions = {(code, AIX): (Assessment.Result.MINOR_NONCONFORMITY, AIX_NONCONFORMITY[1])}
    for site_name, items in SENSITIVE.items():
        for item in items:
            exceptions.setdefault((item[0], site_name), (Assessment.Result.COMPLIANT, f"Point sensible : {item[1]}"))
    add_grid(audit, engagements, list(sites.values()), by=auditor or quality, day=D(2015, 9, 18), exceptions=exceptions)
    return audit

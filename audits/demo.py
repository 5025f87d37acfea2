"""Demo audits (run after the labelling cycles and the action plan of engagements.demo): the audits of DOMAIN.md.

Bouches-du-Rhône, cycle Qualipref 2.0 numérique (bilan qualité 2015):
- internal audits of the 4 « sites » in June 2015 (the prefecture's two Marseille sites count as one): 17
  non-conformities, each answered and followed by corrective actions of the action plan; those whose actions were
  done before the September audit were verified by it and lifted, the others wait for the next audit;
- the external labelling audit of September 2015 by AFNOR Certification, with exactly the published counts per site:
  Préfecture des Bouches-du-Rhône 20 points forts, 6 pistes de progrès, 3 points sensibles; Aix-en-Provence 15, 4,
  2 and 1 minor non-conformity; Arles 20, 3, 2; Istres 17, 2, 4. Favourable decision on 27/11/2015 (the cycle's).
  The demo auditor (``auditeur``) is assigned to it: its report is the first thing they download.
Val-de-Marne, cycle Qualipref 2012–2013 (dossier de presse): the internal audit of 24/05/2013 by AFNOR
Certification (4 improvement recommendations, all followed by corrective measures) and the external audit of
25/06/2013 (12 strengths noted by the auditor).

The counts are the documents'; which engagement each finding concerns and its wording are illustrative (the
documents give the general points quoted here, not the detail of each finding). Historical data are written as
they stood (statuses, dates), not replayed through the services, whose rules keep today's dates.

Idempotent: an audit is found by its cycle, nature and first day; an existing one is left as it is.
"""

import datetime

from django.db import transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from accounts.models import User
from audits.models import Assessment, Audit, Finding, FindingAction
from engagements.models import Action, ActionPlan, Engagement, Labelling
from sites.models import Prefecture

D = datetime.date
AFNOR = "AFNOR Certification"
INTERNAL_AUDITOR = "Auditeur interne du ministère de l'Intérieur"

PEYTRAL = "Marseille – Peytral"
SAINT_SEBASTIEN = "Marseille – Saint-Sébastien"
AIX = "Sous-préfecture d'Aix-en-Provence"
ARLES = "Sous-préfecture d'Arles"
ISTRES = "Sous-préfecture d'Istres"

MINOR, MAJOR = Finding.Category.MINOR_NONCONFORMITY, Finding.Category.MAJOR_NONCONFORMITY


def _aware(day, hour=10):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


# --- Bouches-du-Rhône: internal audits of June 2015 (17 non-conformities) -----------------------------------

# site, engagement, category, finding, response, revised calendar, corrective action (title of the demo plan's
# action, or (title, completed on) of an action created here when the plan has none)
# fmt: off
INTERNAL_2015 = [
    (PEYTRAL, "QP2-M1-E19", MINOR,
     "Les résultats des enquêtes de satisfaction ne sont pas affichés dans le hall d'accueil : aucun espace n'est "
     "dédié aux informations Qualipref.",
     "Un panneau d'affichage dédié aux informations Qualipref sera installé dans le hall d'accueil.", D(2015, 7, 31),
     "Installer un panneau d'affichage dédié aux informations Qualipref"),
    (PEYTRAL, "QP2-M4-E04", MAJOR,
     "La satisfaction des collectivités territoriales n'est pas mesurée : aucune enquête n'a été conduite auprès des "
     "communes du département.",
     "Une enquête de satisfaction des collectivités territoriales sera lancée en juillet auprès des 119 communes.",
     D(2015, 7, 31), "Mettre en place une enquête de satisfaction des collectivités territoriales"),
    (PEYTRAL, "QP2-M7-E03", MINOR,
     "Les membres de la cellule d'information du public (CIP) n'ont pas reçu de formation à la communication de "
     "crise.",
     "Les membres de la CIP seront formés avant la fin du mois de septembre ; un exercice suivra.", D(2015, 9, 30),
     "Former les membres de la cellule d'information du public (CIP)"),
    (SAINT_SEBASTIEN, "QP2-M8-E02", MINOR,
     "La consultation des copies d'examens (taxis, BEPECASER) n'est possible que sur place, sans rendez-vous : "
     "l'attente dépasse une heure certains jours.",
     "La prise de rendez-vous en ligne sera ouverte pour la consultation des copies d'examens.", D(2015, 9, 30),
     "Prise de rendez-vous en ligne pour la consultation des copies d'examens (taxis, BEPECASER)"),
    (SAINT_SEBASTIEN, "QP2-M1-E22", MAJOR,
     "Plusieurs agents du guichet des étrangers n'ont reçu aucune formation à l'accueil depuis leur prise de poste "
     "ou depuis plus de 4 ans.",
     "Tous les agents d'accueil non formés depuis plus de 4 ans suivront la formation à l'accueil.", D(2015, 6, 30),
     "Former à l'accueil tous les agents non formés depuis leur prise de poste ou depuis plus de 4 ans"),
    (SAINT_SEBASTIEN, "QP2-M1-E05", MINOR,
     "Les informations dédiées à la qualité sont dispersées dans les halls d'accueil et les pics d'affluence n'y "
     "figurent pas.",
     "Les informations qualité seront regroupées sous un même bandeau, avec les pics d'affluence, dans tous les "
     "halls.", D(2015, 8, 31),
     ("Regrouper les informations qualité et les pics d'affluence sous un bandeau dans les halls", D(2015, 8, 28))),
    (AIX, "QP2-M1-E15", MINOR,
     "Les usagers ne peuvent pas saisir la sous-préfecture par voie électronique : le formulaire de contact du site "
     "Internet n'est pas relié au suivi des demandes.",
     "La saisine par voie électronique sera mise en place pour l'ensemble des sites.", D(2015, 9, 15),
     "Mettre en place la saisine par voie électronique"),
    (AIX, "QP2-M1-E06", MINOR,
     "Le distributeur de tickets des cartes grises est en panne depuis plusieurs semaines ; les usagers ne savent "
     "pas dans quel ordre ils seront reçus.",
     "Le distributeur sera réparé et un affichage provisoire posé en attendant.", D(2015, 7, 15),
     ("Réparer le distributeur de tickets des cartes grises", D(2015, 7, 9))),
    (AIX, "QP2-M1-E05", MINOR,
     "Les éléments de confort (fontaine à eau, sanitaires) ne sont pas signalés dans la salle d'attente.",
     "La signalétique des éléments de confort sera complétée dans la salle d'attente.", D(2015, 8, 31),
     ("Améliorer la signalétique des éléments de confort dans la salle d'attente", D(2015, 8, 20))),
    (AIX, "QP2-M1-E24", MAJOR,
     "Aucune autoévaluation trimestrielle des conditions d'accueil n'a été réalisée depuis janvier.",
     "Une autoévaluation trimestrielle sera réalisée dès juillet, puis chaque trimestre.", D(2015, 7, 31),
     ("Réaliser l'autoévaluation trimestrielle des conditions d'accueil", D(2015, 7, 24))),
    (ARLES, "QP2-M1-E07", MINOR,
     "L'affichage lumineux du pré-accueil n'est visible que d'une partie de la salle.",
     "L'affichage lumineux du pré-accueil sera doublé.", D(2015, 6, 30),
     "Doubler l'affichage lumineux du pré-accueil"),
    (ARLES, "QP2-M1-E21", MINOR,
     "Les agents d'accueil connaissent mal le guide de l'accueil, notamment pour l'accueil téléphonique.",
     "Une formation et une information des agents sur l'accueil téléphonique, physique et l'usage du guide seront "
     "organisées.", D(2015, 9, 30),
     "Former et informer les agents sur l'accueil téléphonique, physique et l'usage du guide d'accueil"),
    (ARLES, "QP2-M1-E02", MINOR,
     "Les heures d'affluence ne sont pas affichées au pré-accueil.",
     "Les heures d'affluence seront affichées au pré-accueil et mises à jour chaque trimestre.", D(2016, 3, 31),
     "Afficher les heures d'affluence au pré-accueil et les tenir à jour"),
    (ISTRES, "QP2-M8-E02", MINOR,
     "Les associations ne peuvent pas prendre rendez-vous en ligne.",
     "La prise de rendez-vous en ligne sera ouverte aux associations dès juillet.", D(2015, 7, 31),
     "Prise de rendez-vous en ligne pour les associations"),
    (ISTRES, "QP2-M1-E07", MINOR,
     "Une seule file d'attente mêle le pré-accueil et l'accueil des étrangers : les temps d'attente s'allongent "
     "pour tous.",
     "Un second gestionnaire de file d'attente distinguera la file du pré-accueil de celle des étrangers.",
     D(2016, 6, 30), "Mettre en place un second gestionnaire de file d'attente (pré-accueil / étrangers)"),
    (ISTRES, "QP2-M1-E19", MINOR,
     "Aucun espace d'affichage n'est dédié à Qualipref 2.0 dans le hall d'accueil.",
     "Un espace d'affichage dédié sera créé dans le hall d'accueil.", D(2015, 8, 31),
     ("Créer un espace d'affichage dédié à Qualipref 2.0 dans le hall d'accueil", D(2015, 8, 14))),
    (ISTRES, "QP2-M1-E11", MINOR,
     "Le serveur vocal interactif annonce des horaires qui ne sont plus à jour.",
     "Le serveur vocal interactif sera mis à jour.", D(2015, 7, 31),
     ("Mettre à jour le serveur vocal interactif", D(2015, 7, 6))),
]
# fmt: on

# --- Bouches-du-Rhône: the labelling audit of September 2015 ------------------------------------------------

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

# --- Val-de-Marne 2013 --------------------------------------------------------------------------------------

# The 4 recommendations of the internal audit (dossier de presse), « toutes suivies de mesures correctives ».
VDM_RECOMMENDATIONS = [
    (
        "QP-M1-E02",
        "Améliorer l'affichage des calendriers de fréquentation du public selon les heures de forte et de faible "
        "affluence.",
    ),
    (
        "QP-M4-E04",
        "Conduire une enquête de satisfaction auprès des 47 communes du département dans le domaine des relations "
        "avec les collectivités territoriales.",
    ),
    ("QP-M1-E22", "Améliorer les tableaux des indicateurs de suivi conçus par l'équipe qualité."),
    ("QP-M1-E19", "Réunir le comité local des usagers."),
]
VDM_STRENGTHS = [
    ("QP-M1-E03", "Un accès des personnes à mobilité réduite très satisfaisant."),
    ("QP-M3-E02", "Les rendez-vous pris par Internet pour les procédures concernant les étrangers."),
    ("QP-M1-E06", "L'aménagement du hall d'accueil : deux salles d'attente de 171 et 84 places."),
    ("QP-M1-E07", "Un accueil fonctionnel des usagers, du pré-accueil au guichet."),
    ("QP-M1-E21", "La conception d'un guide de la rédaction administrative."),
    ("QP-M3-E05", "Les procédures de lutte contre la fraude documentaire."),
    ("QP-M1-E20", "La formation des agents à l'accueil."),
    ("QP-M3-E03", "La convocation des ressortissants étrangers à date et heure, avec le montant des droits à payer."),
    ("QP-M1-E14", "Des démarches en ligne avec imprimés téléchargeables et liste des pièces justificatives."),
    ("QP-M1-E06", "Le traitement acoustique des deux zones d'attente."),
    ("QP-M1-E05", "Des panneaux lumineux aux entrées et des totems électroniques dans le hall."),
    ("QP-M1-E04", "Des copieurs, photomatons, monnayeurs et écritoires à disposition du public."),
]


# --- writing ---------------------------------------------------------------------------------------------


def _engagements(referential):
    return {e.code: e for e in Engagement.objects.filter(referential=referential).select_related("module")}


def _new_audit(labelling, *, kind, body, start_on, end_on, sites, status, by, **fields):
    audit = Audit(
        labelling=labelling,
        prefecture=labelling.prefecture,
        kind=kind,
        body=body,
        start_on=start_on,
        end_on=end_on,
        report_due_on=Audit.compute_report_due_on(end_on),
        status=status,
        created_by=by,
        **fields,
    )
    audit._history_date = _aware(start_on - datetime.timedelta(days=30))
    audit._history_user = by
    audit.save()
    audit.sites.set(sites)
    audit.modules.set(labelling.modules.all())
    return audit


def _findings(audit, rows, *, by, day):
    """rows: (site, engagement, category, text, response, response_due_on, responded_on) -> the saved findings."""
    findings = [
        Finding(
            audit=audit,
            site=site,
            engagement=engagement,
            module=engagement.module if engagement else None,
            category=category,
            text=text,
            response=response or "",
            response_due_on=due_on,
            responded_on=responded_on if response else None,
            responded_by=by if response else None,
            created_by=by,
        )
        for site, engagement, category, text, response, due_on, responded_on in rows
    ]
    return bulk_create_with_history(findings, Finding, default_user=by, default_date=_aware(day))


def _grid(audit, engagements, sites, *, by, day, exceptions):
    """Every cell « conforme » but ``exceptions`` ({(code, site name): (result, comment)})."""
    cells = []
    module_ids = set(audit.modules.values_list("pk", flat=True))
    for engagement in sorted(engagements.values(), key=lambda e: (e.module.number, e.number)):
        if engagement.module_id not in module_ids:
            continue
        for site in sites:
            result, comment = exceptions.get((engagement.code, site.name), (Assessment.Result.COMPLIANT, ""))
            cells.append(
                Assessment(
                    audit=audit, engagement=engagement, site=site, result=result, comment=comment, assessed_by=by
                )
            )
    bulk_create_with_history(cells, Assessment, default_user=by, default_date=_aware(day))


def _action(plan, title):
    return plan.actions.filter(title=title).first() if plan else None


def _demo_action(plan, *, title, site, engagement, owner, completed_on, finding, by):
    """A corrective action done in 2015 (the demo's history), created from its finding."""
    from django.contrib.contenttypes.models import ContentType

    existing = plan.actions.filter(title=title).first()
    if existing is not None:
        return existing
    created_on = finding.audit.end_on + datetime.timedelta(days=7)
    action = Action(
        plan=plan,
        prefecture=plan.prefecture,
        site=site,
        module=engagement.module if engagement else None,
        engagement=engagement,
        title=title,
        source=Action.Source.AUDIT_FINDING,
        source_type=ContentType.objects.get_for_model(Finding),
        source_id=finding.pk,
        owner=owner,
        due_on=completed_on + datetime.timedelta(days=10),
        status=Action.Status.DONE,
        progress=100,
        completed_on=completed_on,
        created_by=by,
    )
    action._history_date = _aware(created_on)
    action._history_user = by
    action.save()
    Action.objects.filter(pk=action.pk).update(created_at=_aware(created_on), updated_at=_aware(completed_on))
    return action


def _link(finding, action, by):
    if action is not None:
        FindingAction.objects.get_or_create(finding=finding, action=action, defaults={"linked_by": by})


def _load_bouches_du_rhone(users):
    prefecture = Prefecture.objects.filter(department_id="13").first()
    cycle = (
        Labelling.objects.filter(prefecture=prefecture, referential__code="QP2").select_related("referential").first()
        if prefecture
        else None
    )
    if cycle is None:
        return
    sites = {site.name: site for site in cycle.sites.all()}
    engagements = _engagements(cycle.referential)
    plan = ActionPlan.objects.filter(prefecture=prefecture).order_by("created_at").first()
    labelling = _load_labelling_2015(cycle, sites, engagements, plan, users)
    _load_internal_2015(cycle, sites, engagements, plan, users, labelling)


def _load_internal_2015(cycle, sites, engagements, plan, users, labelling):
    start_on = D(2015, 6, 15)
    if Audit.objects.filter(labelling=cycle, kind=Audit.Kind.INTERNAL, start_on=start_on).exists():
        return
    quality = users.get("qualite13")
    audit = _new_audit(
        cycle,
        kind=Audit.Kind.INTERNAL,
        body=INTERNAL_AUDITOR,
        start_on=start_on,
        end_on=D(2015, 6, 19),
        sites=list(sites.values()),
        status=Audit.Status.CLOSED,
        by=quality,
        report_delivered_on=D(2015, 6, 26),
        responded_on=D(2015, 7, 10),
        closed_on=D(2015, 7, 10),
        summary="Audits internes des 4 sites au mois de juin : 17 non-conformités soulevées. Les actions "
        "correctrices sont inscrites au plan d'action révisé le 10 juillet.",
    )
    rows = [
        (sites.get(site), engagements.get(code), category, text, response, due_on, D(2015, 7, 10))
        for site, code, category, text, response, due_on, _ in INTERNAL_2015
    ]
    findings = _findings(audit, rows, by=quality, day=D(2015, 6, 19))
    owners = {ARLES: users.get("referent-arles"), ISTRES: users.get("agent-istres")}
    for finding, spec in zip(findings, INTERNAL_2015, strict=True):
        site_name, _, _, _, _, _, corrective = spec
        if isinstance(corrective, tuple):
            title, completed_on = corrective
            action = (
                _demo_action(
                    plan,
                    title=title,
                    site=finding.site,
                    engagement=finding.engagement,
                    owner=owners.get(site_name, quality),
                    completed_on=completed_on,
                    finding=finding,
                    by=quality,
                )
                if plan
                else None
            )
        else:
            action = _action(plan, corrective)
        _link(finding, action, quality)
        # Lifted when its action was done before the labelling audit, which verified it.
        if (
            labelling is not None
            and action is not None
            and action.completed_on is not None
            and action.completed_on <= labelling.end_on
        ):
            Finding.objects.filter(pk=finding.pk).update(
                closed_on=labelling.report_delivered_on,
                closed_by=quality,
                verified_in=labelling,
                closure_note="Action réalisée ; son efficacité a été vérifiée lors de l'audit de labellisation.",
            )
    exceptions = {
        (code, site): (category, text[:200])
        for site, code, category, text, _, _, _ in INTERNAL_2015
        if engagements.get(code) and engagements[code].module_id
    }
    _grid(audit, engagements, list(sites.values()), by=quality, day=D(2015, 6, 19), exceptions=exceptions)


def _labelling_rows(sites, engagements):
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


def _load_labelling_2015(cycle, sites, engagements, plan, users):
    start_on = D(2015, 9, 14)
    existing = Audit.objects.filter(labelling=cycle, kind=Audit.Kind.LABELLING, start_on=start_on).first()
    if existing is not None:
        return existing
    quality = users.get("qualite13")
    today = timezone.localdate()
    audit = _new_audit(
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
        closed_on=cycle.decision_on or D(2015, 11, 27),
        decision=cycle.decision or Labelling.Decision.FAVOURABLE,
        decision_on=cycle.decision_on or D(2015, 11, 27),
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
    rows, links = _labelling_rows(sites, engagements)
    findings = _findings(audit, rows, by=auditor or quality, day=D(2015, 9, 18))
    for finding, title in zip(findings, links, strict=True):
        if title:
            _link(finding, _action(plan, title), quality)
    code = AIX_NONCONFORMITY[0]
    exceptions = {(code, AIX): (Assessment.Result.MINOR_NONCONFORMITY, AIX_NONCONFORMITY[1])}
    for site_name, items in SENSITIVE.items():
        for item in items:
            exceptions.setdefault((item[0], site_name), (Assessment.Result.COMPLIANT, f"Point sensible : {item[1]}"))
    _grid(audit, engagements, list(sites.values()), by=auditor or quality, day=D(2015, 9, 18), exceptions=exceptions)
    return audit


def _load_val_de_marne(users):
    prefecture = Prefecture.objects.filter(department_id="94").first()
    cycle = (
        Labelling.objects.filter(prefecture=prefecture, referential__code="QP").select_related("referential").first()
        if prefecture
        else None
    )
    if cycle is None:
        return
    quality = users.get("qualite94")
    sites = list(cycle.sites.all())
    engagements = _engagements(cycle.referential)
    if not Audit.objects.filter(labelling=cycle, kind=Audit.Kind.INTERNAL, start_on=D(2013, 5, 24)).exists():
        audit = _new_audit(
            cycle,
            kind=Audit.Kind.INTERNAL,
            body=AFNOR,
            start_on=D(2013, 5, 24),
            end_on=D(2013, 5, 24),
            sites=sites,
            status=Audit.Status.CLOSED,
            by=quality,
            report_delivered_on=D(2013, 5, 31),
            closed_on=D(2013, 6, 18),
            summary="Audit interne : des recommandations ont été formulées sur quatre pistes d'amélioration, toutes "
            "suivies de mesures correctives.",
        )
        rows = [
            (sites[0], engagements.get(code), Finding.Category.IMPROVEMENT, text, "", None, None)
            for code, text in VDM_RECOMMENDATIONS
        ]
        _findings(audit, rows, by=quality, day=D(2013, 5, 24))
    if not Audit.objects.filter(labelling=cycle, kind=Audit.Kind.LABELLING, start_on=D(2013, 6, 25)).exists():
        audit = _new_audit(
            cycle,
            kind=Audit.Kind.LABELLING,
            body=AFNOR,
            start_on=D(2013, 6, 25),
            end_on=D(2013, 6, 25),
            sites=sites,
            status=Audit.Status.CLOSED,
            by=quality,
            report_delivered_on=D(2013, 6, 27),
            closed_on=cycle.decision_on or D(2013, 6, 28),
            decision=cycle.decision or Labelling.Decision.FAVOURABLE,
            decision_on=cycle.decision_on or D(2013, 6, 28),
            summary="L'audit externe a débouché sur l'obtention de la labellisation Qualipref ; l'auditeur a relevé "
            "douze points forts.",
        )
        rows = [
            (sites[0], engagements.get(code), Finding.Category.STRENGTH, text, "", None, None)
            for code, text in VDM_STRENGTHS
        ]
        _findings(audit, rows, by=quality, day=D(2013, 6, 25))


@transaction.atomic
def load():
    """Create the demo audits that are missing (see the module's docstring)."""
    users = {
        user.username: user
        for user in User.objects.filter(
            username__in=["qualite13", "qualite94", "auditeur", "referent-arles", "agent-istres"]
        )
    }
    _load_bouches_du_rhone(users)
    _load_val_de_marne(users)


@transaction.atomic
def unload(prefecture):
    """Remove the audits of a prefecture and what hangs on them (findings, their links to actions, the grid, the
    visits, the reports; the actions stay in the plan): for the browser tests that replay a demo cycle."""
    from audits.models import AuditReport, GoodPractice, MysteryVisit

    audits = Audit.objects.filter(prefecture=prefecture)
    findings = Finding.objects.filter(audit__in=audits)
    GoodPractice.objects.filter(finding__in=findings).delete()
    Finding.objects.filter(verified_in__in=audits).update(verified_in=None, closed_on=None, closed_by=None)
    findings.delete()
    Assessment.objects.filter(audit__in=audits).delete()
    MysteryVisit.objects.filter(audit__in=audits).delete()
    AuditReport.objects.filter(audit__in=audits).delete()
    audits.delete()

"""Bouches-du-Rhône, cycle Qualipref 2.0 numérique: the internal audits of the 4 « sites » in June 2015 (the
prefecture's two Marseille sites count as one), 17 non-conformities, each answered and followed by corrective
actions of the action plan; those whose actions were done before the September labelling audit were verified by
it and lifted, the others wait for the next audit."""

from audits.models import Audit, Finding

from .common import (
    AIX,
    ARLES,
    INTERNAL_AUDITOR,
    ISTRES,
    MAJOR,
    MINOR,
    PEYTRAL,
    SAINT_SEBASTIEN,
    D,
    add_findings,
    add_grid,
    done_action,
    link,
    new_audit,
    plan_action,
)

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


def load(cycle, sites, engagements, plan, users, labelling):
    start_on = D(2015, 6, 15)
    if Audit.objects.filter(labelling=cycle, kind=Audit.Kind.INTERNAL, start_on=start_on).exists():
        return
    quality = users.get("qualite13")
    audit = new_audit(
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
    findings = add_findings(audit, rows, by=quality, day=D(2015, 6, 19))
    owners = {ARLES: users.get("referent-arles"), ISTRES: users.get("agent-istres")}
    for finding, spec in zip(findings, INTERNAL_2015, strict=True):
        site_name, _, _, _, _, _, corrective = spec
        if isinstance(corrective, tuple):
            title, completed_on = corrective
            action = (
                done_action(
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
            action = plan_action(plan, corrective)
        link(finding, action, quality)
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
    add_grid(audit, engagements, list(sites.values()), by=quality, day=D(2015, 6, 19), exceptions=exceptions)

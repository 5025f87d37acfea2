"""Val-de-Marne, cycle Qualipref 2012–2013 (dossier de presse): the internal audit of 24/05/2013 by AFNOR
Certification (4 improvement recommendations, all followed by corrective measures) and the external audit of
25/06/2013 (12 strengths noted by the auditor)."""

from audits.models import Audit, Finding
from engagements.models import Labelling

from .common import AFNOR, D, add_findings, demo_cycle, engagements_of, new_audit

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

# The two one-day audits of the cycle: nature, day, category and texts of their findings, the audit's other fields.
VDM_AUDITS = [
    (
        Audit.Kind.INTERNAL,
        D(2013, 5, 24),
        Finding.Category.IMPROVEMENT,
        VDM_RECOMMENDATIONS,
        {
            "report_delivered_on": D(2013, 5, 31),
            "closed_on": D(2013, 6, 18),
            "summary": "Audit interne : des recommandations ont été formulées sur quatre pistes d'amélioration, "
            "toutes suivies de mesures correctives.",
        },
    ),
    (
        Audit.Kind.LABELLING,
        D(2013, 6, 25),
        Finding.Category.STRENGTH,
        VDM_STRENGTHS,
        {
            "report_delivered_on": D(2013, 6, 27),
            # the decision of 28/06/2013 (the cycle's own decision_on moves with each renewal of the label)
            "closed_on": D(2013, 6, 28),
            "decision": Labelling.Decision.FAVOURABLE,
            "decision_on": D(2013, 6, 28),
            "summary": "L'audit externe a débouché sur l'obtention de la labellisation Qualipref ; l'auditeur a "
            "relevé douze points forts.",
        },
    ),
]


def load(users):
    cycle = demo_cycle("94", "QP")
    if cycle is None:
        return
    quality = users.get("qualite94")
    sites = list(cycle.sites.all())
    engagements = engagements_of(cycle.referential)
    for kind, day, category, items, fields in VDM_AUDITS:
        if Audit.objects.filter(labelling=cycle, kind=kind, start_on=day).exists():
            continue
        audit = new_audit(
            cycle,
            kind=kind,
            body=AFNOR,
            start_on=day,
            end_on=day,
            sites=sites,
            status=Audit.Status.CLOSED,
            by=quality,
            **fields,
        )
        rows = [(sites[0], engagements.get(code), category, text, "", None, None) for code, text in items]
        add_findings(audit, rows, by=quality, day=day)

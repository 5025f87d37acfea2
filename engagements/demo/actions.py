"""Demo action plan: the 2015 actions of the Bouches-du-Rhône quality review (docs/domaine.md, § Plans d'action).

The actions are spread on the five sites of the prefecture (and a few prefecture-wide ones), linked to the
modules and engagements of Qualipref 2.0 (QP2) when the document makes it obvious, owned by the demo users,
with a believable history (created, started, done, checked) dated in 2015–2016. A few are still open past their
due date (overdue), a few are due in the coming months relative to the day the demo is loaded.

Idempotent: the plan is found by its prefecture and title, the actions by their plan and title; nothing that
already exists is changed (except attaching the plan to the running labelling cycle once there is one).
"""

import datetime

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from engagements.models import Action, ActionComment, ActionPlan, Engagement, Labelling, Referential
from qualipref.lib.dates import local_datetime
from sites.models import Prefecture, Site

PLAN_TITLE = "Plan d'action qualité 2015-2016 – Bouches-du-Rhône"

PEYTRAL = "Marseille – Peytral"
SAINT_SEBASTIEN = "Marseille – Saint-Sébastien"
AIX = "Sous-préfecture d'Aix-en-Provence"
ARLES = "Sous-préfecture d'Arles"
ISTRES = "Sous-préfecture d'Istres"

QUALITY = "qualite13"
REFERENT_ARLES = "referent-arles"
AGENT_ISTRES = "agent-istres"

S = Action.Source
D = datetime.date


def _in(days):
    """A date relative to the day the demo is loaded (actions still to come)."""
    return ("today", days)


# title, site, engagement code, source, owner, priority, created on, due on, status, progress, completed on,
# effectiveness (verified actions), abandon reason, description
# fmt: off
ACTIONS = [
    # --- Qualipref 2.0 compliance, module 1 (accueil général)
    (
        "Former à l'accueil tous les agents non formés depuis leur prise de poste ou depuis plus de 4 ans",
        None, "QP2-M1-E22", S.AUDIT_FINDING, QUALITY, "high",
        D(2015, 1, 12), D(2015, 6, 30), "verified", 100, D(2015, 6, 19), 2, "",
        "Point sensible relevé lors des audits : s'assurer que tous les agents ont suivi une formation liée à "
        "l'accueil dans un délai de 4 ans maximum.",
    ),
    (
        "Suivre rigoureusement les réponses aux courriers et courriels des usagers et leurs délais (SDRAU)",
        None, "QP2-M1-E14", S.SELF_ASSESSMENT, QUALITY, "normal",
        D(2015, 1, 12), D(2015, 5, 29), "verified", 100, D(2015, 5, 22), 3, "", "",
    ),
    (
        "Sensibiliser les agents à la démarche qualité et aux guides d'accueil",
        None, "QP2-M1-E21", S.COPIL, QUALITY, "normal",
        D(2015, 1, 12), D(2015, 6, 30), "done", 100, D(2015, 6, 26), None, "", "",
    ),
    (
        "Mettre en place la saisine par voie électronique",
        None, "QP2-M1-E15", S.SELF_ASSESSMENT, QUALITY, "normal",
        D(2015, 2, 2), D(2015, 9, 30), "done", 100, D(2015, 9, 15), None, "", "",
    ),
    # --- module 4 (collectivités territoriales)
    (
        "Mettre en place une enquête de satisfaction des collectivités territoriales",
        PEYTRAL, "QP2-M4-E04", S.SELF_ASSESSMENT, QUALITY, "normal",
        D(2015, 2, 2), D(2015, 7, 31), "done", 100, D(2015, 7, 10), None, "", "",
    ),
    (
        "Tenir un tableau de suivi des demandes de rendez-vous des élus et des délais de réponse",
        PEYTRAL, "QP2-M4-E02", S.SELF_ASSESSMENT, QUALITY, "normal",
        D(2015, 2, 2), D(2015, 6, 30), "done", 100, D(2015, 6, 5), None, "", "",
    ),
    # --- module 7 (communication de crise)
    (
        "Former les agents d'astreinte du bureau de la communication interministérielle à la communication de crise",
        PEYTRAL, "QP2-M7-E03", S.SELF_ASSESSMENT, QUALITY, "normal",
        D(2015, 2, 9), D(2015, 6, 30), "done", 100, D(2015, 5, 28), None, "", "",
    ),
    (
        "Rédiger le plan de communication de crise",
        PEYTRAL, "QP2-M7-E02", S.SELF_ASSESSMENT, QUALITY, "high",
        D(2015, 2, 9), D(2015, 5, 31), "verified", 100, D(2015, 5, 12), 3, "", "",
    ),
    (
        "Créer un tableau de suivi des communiqués de crise depuis le début de l'année",
        PEYTRAL, "QP2-M7-E05", S.SELF_ASSESSMENT, QUALITY, "normal",
        D(2015, 2, 9), D(2015, 4, 30), "done", 100, D(2015, 4, 17), None, "", "",
    ),
    (
        "Former les membres de la cellule d'information du public (CIP)",
        PEYTRAL, "QP2-M7-E03", S.SELF_ASSESSMENT, QUALITY, "normal",
        D(2015, 2, 9), D(2015, 9, 30), "done", 100, D(2015, 9, 24), None, "", "",
    ),
    (
        "Organiser des exercices de crise réguliers, avec ou sans appel à la CIP",
        PEYTRAL, "QP2-M7-E04", S.COPIL, QUALITY, "normal",
        D(2015, 12, 14), _in(75), "in_progress", 60, None, None, "",
        "Un exercice par trimestre ; le prochain avec déclenchement de la CIP.",
    ),
    # --- Peytral (surveys and audits)
    (
        "Renouveler toute la signalétique du hall d'accueil",
        PEYTRAL, "QP2-M1-E05", S.SURVEY, QUALITY, "normal",
        D(2015, 3, 2), D(2015, 10, 31), "done", 100, D(2015, 10, 16), None, "", "",
    ),
    (
        "Installer un panneau d'affichage dédié aux informations Qualipref",
        PEYTRAL, "QP2-M1-E19", S.AUDIT_FINDING, QUALITY, "normal",
        D(2015, 3, 2), D(2015, 7, 31), "done", 100, D(2015, 7, 3), None, "", "",
    ),
    (
        "Rénover le comptoir de l'accueil pour y intégrer des zones d'écriture",
        PEYTRAL, "QP2-M1-E06", S.SURVEY, QUALITY, "low",
        D(2015, 3, 2), D(2015, 11, 30), "done", 100, D(2015, 11, 20), None, "", "",
    ),
    (
        "Mettre des chaises à disposition à l'accueil général",
        PEYTRAL, "QP2-M1-E06", S.SURVEY, QUALITY, "normal",
        D(2015, 3, 2), D(2015, 5, 31), "done", 100, D(2015, 4, 24), None, "", "",
    ),
    (
        "Améliorer le taux de décroché du standard de la préfecture",
        PEYTRAL, "QP2-M1-E10", S.AUDIT_FINDING, QUALITY, "high",
        D(2015, 12, 14), D(2016, 12, 31), "in_progress", 40, None, None, "",
        "Point sensible des audits de labellisation : le taux de décroché doit atteindre son objectif.",
    ),
    (
        "Enrichir le tableau de prise de rendez-vous des élus",
        PEYTRAL, "QP2-M4-E02", S.COPIL, QUALITY, "low",
        D(2015, 12, 14), D(2016, 9, 30), "abandoned", 0, None, None,
        "Remplacée par le tableau de suivi commun aux cinq sites décidé en COPIL.", "",
    ),
    # --- Saint-Sébastien
    (
        "Ouvrir le guichet des étrangers à 8 h au lieu de 8 h 15",
        SAINT_SEBASTIEN, "QP2-M3-E04", S.SURVEY, QUALITY, "high",
        D(2015, 3, 9), D(2015, 6, 1), "verified", 100, D(2015, 6, 1), 3, "", "",
    ),
    (
        "Engager deux volontaires du service civique pour faciliter l'accès aux guichets des étrangers",
        SAINT_SEBASTIEN, "QP2-M3-E04", S.SURVEY, QUALITY, "normal",
        D(2015, 3, 9), D(2015, 10, 1), "done", 100, D(2015, 9, 28), None, "", "",
    ),
    (
        "Afficher dans chaque bureau le planning de passage de l'entreprise de nettoyage",
        SAINT_SEBASTIEN, "QP2-M1-E06", S.SURVEY, QUALITY, "low",
        D(2015, 3, 9), D(2015, 5, 29), "done", 100, D(2015, 5, 18), None, "", "",
    ),
    (
        "Prise de rendez-vous en ligne pour la consultation des copies d'examens (taxis, BEPECASER)",
        SAINT_SEBASTIEN, "QP2-M8-E02", S.SURVEY, QUALITY, "normal",
        D(2015, 3, 9), D(2015, 9, 30), "done", 100, D(2015, 9, 7), None, "", "",
    ),
    (
        "Créer un dépôt express pour les permis internationaux et les changements de domicile des cartes grises",
        SAINT_SEBASTIEN, "QP2-M2-E05", S.SURVEY, QUALITY, "normal",
        D(2015, 3, 9), D(2015, 10, 31), "done", 100, D(2015, 10, 12), None, "", "",
    ),
    (
        "Réserver un guichet à la remise des permis de conduire",
        SAINT_SEBASTIEN, "QP2-M2-E05", S.SURVEY, QUALITY, "normal",
        D(2015, 3, 9), D(2015, 7, 31), "done", 100, D(2015, 7, 20), None, "", "",
    ),
    (
        "Actualiser le serveur vocal interactif des permis de conduire",
        SAINT_SEBASTIEN, "QP2-M2-E06", S.COMPLAINT, QUALITY, "normal",
        D(2015, 4, 13), D(2015, 6, 30), "done", 100, D(2015, 6, 15), None, "", "",
    ),
    # --- Istres
    (
        "Mettre en place un second gestionnaire de file d'attente (pré-accueil / étrangers)",
        ISTRES, "QP2-M1-E07", S.SURVEY, AGENT_ISTRES, "high",
        D(2015, 12, 14), D(2016, 6, 30), "in_progress", 60, None, None, "",
        "Distinguer la file du pré-accueil de celle des étrangers ; devis du fournisseur reçu.",
    ),
    (
        "Prise de rendez-vous en ligne pour les associations",
        ISTRES, "QP2-M8-E02", S.SURVEY, AGENT_ISTRES, "normal",
        D(2015, 3, 16), D(2015, 7, 31), "done", 100, D(2015, 7, 1), None, "", "",
    ),
    (
        "Installer des chevalets nominatifs pour identifier les agents d'accueil et de guichet",
        ISTRES, "QP2-M1-E04", S.AUDIT_FINDING, AGENT_ISTRES, "normal",
        D(2015, 3, 16), D(2015, 6, 30), "done", 100, D(2015, 6, 10), None, "", "",
    ),
    (
        "Créer une bibliothèque de réponses types aux courriels",
        ISTRES, "QP2-M1-E13", S.SELF_ASSESSMENT, AGENT_ISTRES, "normal",
        D(2015, 12, 14), D(2016, 3, 31), "todo", 0, None, None, "", "",
    ),
    (
        "Veiller à la propreté des espaces d'accueil (cendriers, affichage)",
        ISTRES, "QP2-M1-E06", S.AUDIT_FINDING, AGENT_ISTRES, "normal",
        D(2015, 12, 14), _in(20), "in_progress", 30, None, None, "", "Vérification hebdomadaire par le référent.",
    ),
    # --- Arles
    (
        "Doubler l'affichage lumineux du pré-accueil",
        ARLES, "QP2-M1-E07", S.SURVEY, REFERENT_ARLES, "normal",
        D(2015, 3, 23), D(2015, 6, 30), "done", 100, D(2015, 6, 22), None, "", "",
    ),
    (
        "Former et informer les agents sur l'accueil téléphonique, physique et l'usage du guide d'accueil",
        ARLES, "QP2-M1-E21", S.SELF_ASSESSMENT, REFERENT_ARLES, "normal",
        D(2015, 3, 23), D(2015, 9, 30), "verified", 100, D(2015, 9, 18), 3, "", "",
    ),
    (
        "Installer une boîte aux lettres au service des associations pour déposer les dossiers hors horaires",
        ARLES, "QP2-M1-E07", S.COMPLAINT, REFERENT_ARLES, "normal",
        D(2015, 3, 23), D(2015, 5, 31), "done", 100, D(2015, 5, 15), None, "", "",
    ),
    (
        "Signaler la fontaine à eau et la machine à café dans le hall d'accueil",
        ARLES, "QP2-M1-E05", S.SURVEY, REFERENT_ARLES, "low",
        D(2015, 3, 23), D(2015, 4, 30), "done", 100, D(2015, 4, 21), None, "", "",
    ),
    (
        "Ajouter la date de réception au tableau de suivi des lettres d'observation aux collectivités",
        ARLES, "QP2-M4-E03", S.AUDIT_FINDING, REFERENT_ARLES, "normal",
        D(2015, 12, 14), D(2016, 6, 30), "in_progress", 50, None, None, "", "",
    ),
    (
        "Afficher les heures d'affluence au pré-accueil et les tenir à jour",
        ARLES, "QP2-M1-E02", S.CLU, REFERENT_ARLES, "normal",
        D(2015, 12, 14), _in(45), "todo", 0, None, None, "", "Demande du comité local des usagers.",
    ),
    # --- Aix-en-Provence
    (
        "Réparer l'éclairage au fond de la salle d'attente",
        AIX, "QP2-M1-E06", S.SURVEY, QUALITY, "normal",
        D(2015, 3, 30), D(2015, 5, 31), "done", 100, D(2015, 5, 6), None, "", "",
    ),
    (
        "Retirer l'ancien distributeur de tickets inutilisé",
        AIX, "QP2-M1-E07", S.AUDIT_FINDING, QUALITY, "low",
        D(2015, 3, 30), D(2015, 5, 31), "done", 100, D(2015, 4, 30), None, "", "",
    ),
    (
        "Plastifier les affiches d'information",
        AIX, "QP2-M1-E05", S.AUDIT_FINDING, QUALITY, "low",
        D(2015, 3, 30), D(2015, 4, 30), "done", 100, D(2015, 4, 15), None, "", "",
    ),
    (
        "Prise de rendez-vous en ligne pour les étudiants étrangers",
        AIX, "QP2-M3-E02", S.SURVEY, QUALITY, "normal",
        D(2015, 3, 30), D(2015, 9, 1), "done", 100, D(2015, 8, 31), None, "", "",
    ),
    (
        "Adapter les futurs locaux de la sous-préfecture à l'accueil des personnes à mobilité réduite",
        AIX, "QP2-M1-E03", S.AUDIT_FINDING, QUALITY, "high",
        D(2015, 9, 21), D(2016, 4, 30), "in_progress", 70, None, None, "",
        "Déménagement prévu en avril 2016 : rampe d'accès, guichet surbaissé, boucle magnétique.",
    ),
    (
        "Mettre en place l'affichage nécessaire dans les nouveaux locaux",
        AIX, "QP2-M1-E05", S.COPIL, QUALITY, "normal",
        D(2015, 12, 14), _in(120), "todo", 0, None, None, "", "",
    ),
    # --- prefecture-wide perspectives 2016
    (
        "Mettre en place une foire aux questions sur le site internet",
        None, "QP2-M8-E04", S.COPIL, QUALITY, "normal",
        D(2015, 12, 14), _in(60), "in_progress", 25, None, None, "", "",
    ),
    (
        "Établir un plan de formation respectant les exigences de formation de Qualipref 2.0",
        None, "QP2-M1-E22", S.AUDIT_FINDING, QUALITY, "high",
        D(2015, 12, 14), _in(90), "todo", 0, None, None, "", "",
    ),
]
# fmt: on

COMMENTS = {
    "Mettre en place un second gestionnaire de file d'attente (pré-accueil / étrangers)": [
        (AGENT_ISTRES, "Devis reçu, en attente de la validation du secrétariat général."),
        (QUALITY, "Validation budgétaire demandée au COPIL de janvier."),
    ],
    "Ajouter la date de réception au tableau de suivi des lettres d'observation aux collectivités": [
        (REFERENT_ARLES, "Colonne ajoutée ; reste à reprendre les lettres du premier trimestre."),
    ],
}


def _resolve(value, today):
    if isinstance(value, tuple):
        return today + datetime.timedelta(days=value[1])
    return value


def _referential(plan):
    if plan.labelling_id:
        return plan.labelling.referential
    return Referential.objects.filter(code="QP2").order_by("-published_on").first()


def _attach_running_cycle(plan):
    """Once the prefecture has a running cycle, the plan belongs to it (if its engagements fit)."""
    if plan.labelling_id:
        return
    cycle = Labelling.objects.current().filter(prefecture=plan.prefecture_id).select_related("referential").first()
    if cycle is None:
        return
    if plan.actions.exclude(engagement__isnull=True).exclude(engagement__referential=cycle.referential).exists():
        return
    plan.labelling = cycle
    plan.save(update_fields=["labelling", "updated_at"])


def _save(action, *, at, user):
    """Save with a history row dated when it happened, by whom it was done."""
    action._history_date = at
    action._history_user = user
    action.save()


def _create(plan, spec, *, sites, users, engagements, today):
    (
        title,
        site_name,
        code,
        source,
        owner,
        priority,
        created_on,
        due_on,
        status,
        progress,
        completed_on,
        effectiveness,
        abandon_reason,
        description,
    ) = spec
    due_on = _resolve(due_on, today)
    created_on, completed_on = _resolve(created_on, today), _resolve(completed_on, today)
    engagement = engagements.get(code)
    owner = users.get(owner)
    # Actions are created by the quality manager, or by the site's referent for their site.
    creator = users.get(REFERENT_ARLES) if site_name == ARLES else users.get(QUALITY)
    action = Action(
        plan=plan,
        prefecture=plan.prefecture,
        site=sites.get(site_name),
        module=engagement.module if engagement else None,
        engagement=engagement,
        title=title,
        description=description,
        source=source,
        owner=owner,
        due_on=due_on,
        priority=priority,
        created_by=creator,
    )
    _save(action, at=local_datetime(created_on), user=creator)
    last = created_on
    if status != "todo" and not (status == "abandoned" and progress == 0):
        started_on = min(created_on + datetime.timedelta(days=21), completed_on or today, today)
        action.status = Action.Status.IN_PROGRESS
        action.progress = progress if status == "in_progress" else 50
        _save(action, at=local_datetime(started_on, 14), user=owner or creator)
        last = started_on
    if status in ("done", "verified"):
        action.status = Action.Status.DONE
        action.progress = 100
        action.completed_on = completed_on
        _save(action, at=local_datetime(completed_on, 16), user=owner or creator)
        last = completed_on
    if status == "verified":
        verified_on = completed_on + datetime.timedelta(days=30)
        action.status = Action.Status.VERIFIED
        action.effectiveness = effectiveness
        action.verified_by = users.get(QUALITY)
        action.verified_on = verified_on
        _save(action, at=local_datetime(verified_on, 11), user=users.get(QUALITY))
        last = verified_on
    if status == "abandoned":
        abandoned_on = created_on + datetime.timedelta(days=60)
        action.status = Action.Status.ABANDONED
        action.abandon_reason = abandon_reason
        _save(action, at=local_datetime(abandoned_on), user=users.get(QUALITY))
        last = abandoned_on
    Action.objects.filter(pk=action.pk).update(created_at=local_datetime(created_on), updated_at=local_datetime(last))
    for username, text in COMMENTS.get(title, []):
        if users.get(username):
            comment = ActionComment.objects.create(action=action, author=users[username], text=text)
            ActionComment.objects.filter(pk=comment.pk).update(created_at=local_datetime(min(last, today), 15))
    return action


@transaction.atomic
def load():
    """Create the demo action plans of the Bouches-du-Rhône (2015-2016 and the current one); return the number of
    actions created."""
    return _load_2015() + _load_current()


def _load_2015():
    prefecture = Prefecture.objects.filter(department_id="13").first()
    if prefecture is None:
        return 0
    plan = ActionPlan.objects.filter(prefecture=prefecture, title=PLAN_TITLE).first()
    if plan is None:
        plan = ActionPlan.objects.create(prefecture=prefecture, title=PLAN_TITLE)
        ActionPlan.objects.filter(pk=plan.pk).update(created_at=local_datetime(datetime.date(2015, 1, 12)))
    return _add_actions(plan, prefecture, ACTIONS, today=timezone.localdate())


# The plan in use on the day the demo is loaded (created once, with that year in its title): actions done on time
# or a few days late, some open and late by days, others to come, on the referent's site (Arles), the agent's
# (Istres) and prefecture-wide, so that « Actions à temps » is measured on every dashboard.
CURRENT_PLAN_PREFIX = "Plan d'action qualité "
# fmt: off
CURRENT_ACTIONS = [
    ("Actualiser l'affichage des horaires et des pièces à fournir à l'entrée du site",
     ARLES, "QP2-M1-E21", S.SELF_ASSESSMENT, REFERENT_ARLES, "normal",
     _in(-110), _in(-45), "done", 100, _in(-48), None, "", ""),
    ("Réduire l'attente du lundi matin au guichet des cartes grises",
     ARLES, None, S.COPIL, REFERENT_ARLES, "high",
     _in(-95), _in(-30), "done", 100, _in(-33), None, "", ""),
    ("Vérifier chaque semaine la boucle magnétique du guichet",
     ARLES, None, S.CLU, REFERENT_ARLES, "normal",
     _in(-40), _in(-1), "done", 100, _in(-4), None, "", ""),
    ("Classer les formulaires en libre-service par démarche",
     ARLES, None, S.COPIL, REFERENT_ARLES, "normal",
     _in(-75), _in(-20), "done", 100, _in(-17), None, "", "Terminée trois jours après l'échéance."),
    ("Installer une signalétique bilingue à l'accueil des étrangers",
     ARLES, None, S.COPIL, REFERENT_ARLES, "normal",
     _in(-90), _in(-12), "in_progress", 60, None, None, "", ""),
    ("Mettre à jour le guide d'accueil du site",
     ARLES, "QP2-M1-E21", S.SELF_ASSESSMENT, REFERENT_ARLES, "normal",
     _in(-60), _in(-3), "todo", 0, None, None, "", ""),
    ("Former les deux nouveaux agents d'accueil",
     ARLES, "QP2-M1-E22", S.SELF_ASSESSMENT, REFERENT_ARLES, "high",
     _in(-30), _in(25), "in_progress", 30, None, None, "", ""),
    ("Répondre aux courriels de l'accueil sous 5 jours ouvrés",
     ISTRES, "QP2-M1-E14", S.OTHER, AGENT_ISTRES, "normal",
     _in(-70), _in(-15), "done", 100, _in(-18), None, "", ""),
    ("Mettre à disposition un point d'eau dans la salle d'attente",
     ISTRES, None, S.COPIL, AGENT_ISTRES, "normal",
     _in(-40), _in(-6), "in_progress", 50, None, None, "", ""),
    ("Afficher le délai de réponse aux courriels à l'accueil",
     ISTRES, None, S.OTHER, AGENT_ISTRES, "normal",
     _in(-25), _in(-1), "done", 100, _in(-2), None, "", ""),
    ("Tester la borne de prise de ticket avec des usagers",
     ISTRES, None, S.COPIL, AGENT_ISTRES, "normal",
     _in(-20), _in(40), "todo", 0, None, None, "", ""),
    ("Présenter le bilan des enquêtes de satisfaction au comité de pilotage",
     None, None, S.COPIL, QUALITY, "normal",
     _in(-100), _in(-50), "done", 100, _in(-52), None, "", ""),
    ("Harmoniser les modèles de réponse aux réclamations",
     None, "QP2-M1-E14", S.SELF_ASSESSMENT, QUALITY, "normal",
     _in(-45), _in(-2), "in_progress", 80, None, None, "", ""),
    ("Préparer l'audit de suivi avec les référents des sites",
     None, None, S.COPIL, QUALITY, "high",
     _in(-35), _in(15), "in_progress", 40, None, None, "", ""),
    ("Rendre le guichet des associations accessible en fauteuil roulant",
     PEYTRAL, None, S.SELF_ASSESSMENT, QUALITY, "normal",
     _in(-85), _in(-10), "done", 100, _in(-11), None, "", ""),
]
# fmt: on


def _load_current():
    prefecture = Prefecture.objects.filter(department_id="13").first()
    if prefecture is None:
        return 0
    today = timezone.localdate()
    plan = (
        ActionPlan.objects.filter(prefecture=prefecture, title__startswith=CURRENT_PLAN_PREFIX)
        .exclude(title=PLAN_TITLE)
        .first()
    )
    if plan is None:
        plan = ActionPlan.objects.create(
            prefecture=prefecture, title=f"{CURRENT_PLAN_PREFIX}{today.year} – Bouches-du-Rhône"
        )
        ActionPlan.objects.filter(pk=plan.pk).update(created_at=local_datetime(today - datetime.timedelta(days=120)))
    return _add_actions(plan, prefecture, CURRENT_ACTIONS, today=today)


def _add_actions(plan, prefecture, specs, *, today):
    """Add to ``plan`` the actions of ``specs`` it does not hold yet (on a site the prefecture has); how many."""
    engagements, sites, users, existing = _plan_lookups(plan, prefecture)
    created = 0
    for spec in specs:
        if spec[0] in existing or (spec[1] is not None and spec[1] not in sites):
            continue
        _create(plan, spec, sites=sites, users=users, engagements=engagements, today=today)
        created += 1
    return created


def _plan_lookups(plan, prefecture):
    """What both demo plans look up before adding their actions: the plan tied to the running cycle, its
    référentiel's engagements by code, the prefecture's sites by name, the demo users by username, and the titles
    the plan already holds (a second load adds nothing)."""
    _attach_running_cycle(plan)
    plan.refresh_from_db()
    referential = _referential(plan)
    engagements = {}
    if referential is not None:
        engagements = {e.code: e for e in Engagement.objects.filter(referential=referential).select_related("module")}
    sites = {site.name: site for site in Site.objects.filter(prefecture=prefecture)}
    users = {user.username: user for user in User.objects.filter(username__in=[QUALITY, REFERENT_ARLES, AGENT_ISTRES])}
    existing = set(plan.actions.values_list("title", flat=True))
    return engagements, sites, users, existing

"""Demo data: the register of the Bouches-du-Rhône.

- 2015, as the yearly quality review tells it: Istres 6, Arles 13, Aix-en-Provence 4, Marseille 21 (Peytral 10,
  Saint-Sébastien 11) complaints, REC-13-2015-00001 to 00044. The review adds them up to « 46 réclamations »
  while its figures make 44: the register holds two suggestions of Marseille besides (SUG-13-2015-00045 and
  00046), so that it counts the 46 requests of the review; all 46 answered within 15 working days (answer dates
  computed in each site's calendar);
- a few open ones of this year at Istres for the demo agent (agent-istres): one overdue, one due within the
  week, one fresh suggestion;
- two reply templates of the prefecture;
- correspondence of this year (letters, e-mails, elected officials' requests, a letter of observation), most
  answered, a few open: at Istres a letter near its deadline (the last working days of its 15) for the demo
  agent, at Arles an overdue letter and an elected official's request for the referent; the prefecture's delays;
- the prefecture's contact mailbox (inactive) and two e-mails waiting in its triage (complaints.inbound.demo).

Their deadline alerts of today are sent by ``qualipref.demo.load_demo`` once every app's demo is loaded.

Runs after ``qualipref.demo.load_demo`` (prefectures, sites, demo accounts). Idempotent: 2015 complaints are
found by their reference, this year's by their site and text, templates by their title, correspondence by its
reference.
"""

import datetime

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from complaints import deadlines, references
from complaints.correspondence.services import compute_deadline
from complaints.inbound import demo as inbound_demo
from complaints.models import Complaint, Correspondence, CorrespondenceDelays, ReplyTemplate
from sites import calendars
from sites.models import Prefecture, Site

C = Complaint.Category
CH = Complaint.Channel

# site name -> number of complaints in 2015 (docs/domaine.md, § Réclamations et courriers)
SITES_2015 = [
    ("Sous-préfecture d'Istres", 6),
    ("Sous-préfecture d'Arles", 13),
    ("Sous-préfecture d'Aix-en-Provence", 4),
    ("Marseille – Peytral", 10),
    ("Marseille – Saint-Sébastien", 11),
]
HANDLERS = {"Sous-préfecture d'Istres": "agent-istres", "Sous-préfecture d'Arles": "referent-arles"}

# The two requests that make the review's 46: (site name, category, channel, description, response)
SUGGESTIONS_2015 = [
    (
        "Marseille – Peytral",
        C.RECEPTION,
        CH.BOX,
        "Afficher à l'entrée les heures d'affluence de la semaine pour éviter de venir aux heures de pointe.",
        "Merci : les heures d'affluence sont affichées à l'entrée et publiées sur le site internet.",
    ),
    (
        "Marseille – Saint-Sébastien",
        C.COMFORT,
        CH.WEB,
        "Installer une tablette pour écrire près des guichets : on remplit les formulaires sur ses genoux.",
        "Merci : des tablettes d'écriture ont été installées à côté des guichets.",
    ),
]

# (category, channel, description, response)
TEXTS = [
    (
        C.DELAYS,
        CH.BOX,
        "Plus d'une heure et demie d'attente au guichet des cartes grises, sans information sur le temps restant.",
        "Nous avons renforcé le guichet aux heures d'affluence et affiché le temps d'attente estimé.",
    ),
    (
        C.PHONE,
        CH.WEB,
        "Impossible de joindre le standard pendant trois jours : la ligne sonne dans le vide.",
        "Le serveur vocal a été mis à jour et un agent supplémentaire répond aux appels le matin.",
    ),
    (
        C.SIGNAGE,
        CH.BOX,
        "Je n'ai pas trouvé l'entrée du service des étrangers : aucun panneau depuis le parking.",
        "Une nouvelle signalétique a été posée entre le parking et l'accueil des étrangers.",
    ),
    (
        C.RECEPTION,
        CH.LETTER,
        "L'agent de l'accueil m'a répondu sèchement et ne m'a pas orienté vers le bon guichet.",
        "Nous vous présentons nos excuses ; l'équipe d'accueil a revu avec sa responsable les règles d'orientation.",
    ),
    (
        C.OPENING_HOURS,
        CH.EMAIL,
        "Les horaires affichés sur le site internet ne correspondent pas à ceux de la porte d'entrée.",
        "Les horaires du site internet ont été corrigés et sont désormais mis à jour en même temps que l'affichage.",
    ),
    (
        C.COMFORT,
        CH.BOX,
        "Pas assez de chaises dans la salle d'attente, des personnes âgées attendent debout.",
        "Vingt chaises supplémentaires ont été installées dans la salle d'attente.",
    ),
    (
        C.ONLINE_PROCEDURES,
        CH.WEB,
        "La prise de rendez-vous en ligne n'affiche aucun créneau depuis deux semaines.",
        "De nouveaux créneaux sont ouverts chaque lundi ; la page l'indique désormais.",
    ),
    (
        C.RECEPTION,
        CH.COUNTER,
        "On m'a demandé une pièce qui ne figurait pas dans la liste remise lors de mon premier passage.",
        "La liste des pièces a été harmonisée entre le site internet et les guichets.",
    ),
    (
        C.OTHER,
        CH.PHONE,
        "Mon titre était prêt mais je n'ai reçu aucun SMS de convocation.",
        "L'envoi des SMS de convocation a été rétabli après une panne du prestataire.",
    ),
]

# This year's open complaints at Istres: (key, kind, category, channel, description, requester)
OPEN_ITEMS = [
    (
        "overdue",
        Complaint.Kind.COMPLAINT,
        C.DELAYS,
        CH.LETTER,
        "Ma demande de titre de séjour est en cours depuis quatre mois ; personne ne répond à mes courriers.",
        {"requester_name": "Amina Benali", "requester_address": "12 allée des Pins, 13800 Istres"},
    ),
    (
        "due_soon",
        Complaint.Kind.COMPLAINT,
        C.RECEPTION,
        CH.WEB,
        "J'ai été renvoyé deux fois d'un guichet à l'autre pour une simple copie de permis de conduire.",
        {
            "requester_name": "Lucas Martin",
            "requester_email": "lucas.martin@exemple.fr",
            "requester_phone": "06 12 34 56 78",
        },
    ),
    (
        "fresh",
        Complaint.Kind.SUGGESTION,
        C.COMFORT,
        CH.BOX,
        "Un point d'eau dans la salle d'attente serait bienvenu l'été.",
        {},
    ),
]

TEMPLATES = [
    (
        "Réponse à une réclamation",
        "{nom},\n\n"
        "Vous nous avez fait part le {date_reception} de votre mécontentement au sujet de l'accueil {du_site} "
        "(référence {reference}). Nous vous remercions d'avoir pris le temps de nous écrire.\n\n"
        "Après examen de votre demande, [préciser la suite donnée].\n\n"
        "Vos remarques nous aident à améliorer la qualité de l'accueil, à laquelle nous nous sommes engagés "
        "dans le cadre du référentiel Qualipref.\n\n"
        "Nous vous prions d'agréer l'expression de nos salutations distinguées.\n\n"
        "{signataire}\n{fonction}\n{prefecture}",
    ),
    (
        "Remerciement pour une suggestion",
        "{nom},\n\n"
        "Nous avons bien reçu le {date_reception} votre suggestion pour l'accueil {du_site} (référence {reference}) "
        "et vous en remercions.\n\n"
        "Elle sera examinée lors du prochain comité de pilotage qualité, qui décide chaque mois des améliorations "
        "de l'accueil.\n\n"
        "Nous vous prions d'agréer l'expression de nos salutations distinguées.\n\n"
        "{signataire}\n{fonction}\n{prefecture}",
    ),
]
# The first stock texts (« l'accueil de {site} », signed « Le responsable qualité » whoever answered): a demo loaded
# with them is brought up to date, unless the quality manager has rewritten the template since.
OLD_TEMPLATES = {
    "Réponse à une réclamation": "{nom},\n\n"
    "Vous nous avez fait part le {date_reception} de votre mécontentement au sujet de l'accueil de {site} "
    "(référence {reference}). Nous vous remercions d'avoir pris le temps de nous écrire.\n\n"
    "Après examen de votre demande, [préciser la suite donnée].\n\n"
    "Vos remarques nous aident à améliorer la qualité de l'accueil, à laquelle nous nous sommes engagés "
    "dans le cadre du référentiel Qualipref.\n\n"
    "Nous vous prions d'agréer l'expression de nos salutations distinguées.\n\n"
    "Le responsable qualité\n{prefecture}",
    "Remerciement pour une suggestion": "{nom},\n\n"
    "Nous avons bien reçu le {date_reception} votre suggestion pour {site} (référence {reference}) "
    "et vous en remercions.\n\n"
    "Elle sera examinée lors du prochain comité de pilotage qualité, qui décide chaque mois des améliorations "
    "de l'accueil.\n\n"
    "Nous vous prions d'agréer l'expression de nos salutations distinguées.\n\n"
    "Le responsable qualité\n{prefecture}",
}


def _working_day_on_or_after(calendar, day):
    while not calendar.is_working_day(day):
        day += datetime.timedelta(days=1)
    return day


def _answered_2015(*, reference, kind, prefecture, site, received_on, delay, texts, handler, by):
    """A 2015 request answered ``delay`` working days after its receipt (skipped when its reference exists)."""
    if Complaint.objects.filter(reference=reference).exists():
        return
    category, channel, description, response = texts
    answered_on = calendars.calendar_for_site(site).add_working_days(received_on, delay)
    due_on = deadlines.due_date(site, received_on)
    facts = deadlines.answer_facts(site, received_on=received_on, due_on=due_on, answered_on=answered_on)
    complaint = Complaint(
        reference=reference,
        kind=kind,
        prefecture=prefecture,
        site=site,
        service=site.services.order_by("name").first(),
        channel=channel,
        received_on=received_on,
        category=category,
        description=description,
        assigned_to=handler,
        due_on=due_on,
        status=Complaint.Status.CLOSED,
        answered_on=answered_on,
        answered_by=handler,
        response=response,
        answer_delay=facts.delay,
        answered_in_time=facts.in_time,
        closed_on=answered_on,
        created_by=by,
    )
    complaint._history_user = by
    complaint.save()


def _load_2015(prefecture, sites, users, by):
    # (kind, site, received on, delay in working days, texts, handler), numbered in this order.
    items = []
    for site_index, (site_name, count) in enumerate(SITES_2015):
        site = sites[site_name]
        calendar = calendars.calendar_for_site(site)
        handler = users.get(HANDLERS.get(site_name, "qualite13"))
        for i in range(count):
            # Spread over the year, on working days; answered 2 to 14 working days later.
            month = 1 + (i * 12) // count
            received_on = _working_day_on_or_after(calendar, datetime.date(2015, month, 2 + (i * 7 + site_index) % 20))
            texts = TEXTS[len(items) % len(TEXTS)]
            items.append(
                (Complaint.Kind.COMPLAINT, site, received_on, 2 + (i * 5 + site_index * 3) % 13, texts, handler)
            )
    for index, (site_name, *texts) in enumerate(SUGGESTIONS_2015):
        site = sites[site_name]
        received_on = _working_day_on_or_after(
            calendars.calendar_for_site(site), datetime.date(2015, 4 + 5 * index, 14)
        )
        items.append((Complaint.Kind.SUGGESTION, site, received_on, 6 + index, tuple(texts), users.get("qualite13")))
    for number, (kind, site, received_on, delay, texts, handler) in enumerate(items, start=1):
        _answered_2015(
            reference=references.format_reference(kind=kind, department_id="13", year=2015, number=number),
            kind=kind,
            prefecture=prefecture,
            site=site,
            received_on=received_on,
            delay=delay,
            texts=texts,
            handler=handler,
            by=by,
        )
    references.reserve_up_to(department_id="13", year=2015, number=len(items))


def _working_day_on_or_before(calendar, day):
    while not calendar.is_working_day(day):
        day -= datetime.timedelta(days=1)
    return day


def _due_soon_receipt(site, today):
    """A day of receipt whose due date falls within the coming week (today included)."""
    for back in range(0, 60):
        received_on = today - datetime.timedelta(days=back)
        due_on = deadlines.due_date(site, received_on)
        if today <= due_on < today + datetime.timedelta(days=7):
            return received_on
    return today


def _load_open(istres, agent, today):
    calendar = calendars.calendar_for_site(istres)
    receipts = {
        "overdue": _working_day_on_or_before(calendar, today - datetime.timedelta(days=35)),
        "due_soon": _due_soon_receipt(istres, today),
        "fresh": _working_day_on_or_before(calendar, today - datetime.timedelta(days=1)),
    }
    service = istres.services.order_by("name").first()
    for key, kind, category, channel, description, requester in OPEN_ITEMS:
        if Complaint.objects.filter(site=istres, description=description).exists():
            continue
        received_on = receipts[key]
        assigned = agent if key != "fresh" else None
        complaint = Complaint(
            kind=kind,
            prefecture=istres.prefecture,
            site=istres,
            service=service,
            channel=channel,
            received_on=received_on,
            category=category,
            description=description,
            assigned_to=assigned,
            due_on=deadlines.due_date(istres, received_on),
            status=Complaint.Status.IN_PROGRESS if assigned else Complaint.Status.RECEIVED,
            created_by=agent,
            reference=references.next_reference(kind=kind, department_id="13", year=received_on.year),
            **requester,
        )
        complaint._history_user = agent
        complaint.save()


# This year's correspondence: (reference suffix, site, kind, working days before today it was received,
# working days it took to answer or None, subject). Senders are made up.
K = Correspondence.Kind
CORRESPONDENCE = [
    ("0001", "Sous-préfecture d'Istres", K.LETTER, 14, None, "Demande de duplicata de carte grise", "M. Paul Girard"),
    ("0002", "Sous-préfecture d'Istres", K.EMAIL, 1, None, "Horaires d'ouverture du guichet des permis", ""),
    (
        "0003",
        "Sous-préfecture d'Istres",
        K.EMAIL,
        20,
        3,
        "Pièces à fournir pour un titre de séjour",
        "Mme Nadia Haddad",
    ),
    (
        "0004",
        "Sous-préfecture d'Istres",
        K.LETTER,
        30,
        11,
        "Réclamation sur un délai d'instruction",
        "M. Louis Bernard",
    ),
    ("0005", "Sous-préfecture d'Arles", K.LETTER, 19, None, "Demande d'information sur une naturalisation", ""),
    (
        "0006",
        "Sous-préfecture d'Arles",
        K.ELECTED_OFFICIAL,
        4,
        None,
        "Rendez-vous : sécurité des arènes",
        "Maire de Saintes-Maries-de-la-Mer",
    ),
    ("0007", "Sous-préfecture d'Arles", K.LETTER, 25, 9, "Remerciements pour l'accueil", "Mme Claire Roux"),
    (
        "0008",
        "Sous-préfecture d'Aix-en-Provence",
        K.LOCAL_AUTHORITY,
        12,
        None,
        "Délibération sur les tarifs de cantine",
        "Commune de Gardanne",
    ),
    (
        "0009",
        "Sous-préfecture d'Aix-en-Provence",
        K.LETTER,
        40,
        18,
        "Contestation d'une suspension de permis",
        "M. Yanis Morel",
    ),
    ("0010", "Marseille – Peytral", K.EMAIL, 9, 2, "Agrément d'une association", "Association Les Calanques"),
    ("0011", "Marseille – Saint-Sébastien", K.EMAIL, 6, 6, "Rendez-vous pour un renouvellement de titre", ""),
    (
        "0012",
        "Marseille – Peytral",
        K.ELECTED_OFFICIAL,
        15,
        5,
        "Rendez-vous : sécurité des quartiers nord",
        "Conseiller départemental",
    ),
]


def _working_days_back(calendar, today, count):
    day = today
    while count:
        day -= datetime.timedelta(days=1)
        if calendar.is_working_day(day):
            count -= 1
    return day


def _load_correspondence(prefecture, sites, users, today):
    CorrespondenceDelays.objects.get_or_create(prefecture=prefecture)
    handlers = {"Sous-préfecture d'Istres": "agent-istres", "Sous-préfecture d'Arles": "referent-arles"}
    existing = set(
        Correspondence.objects.filter(prefecture=prefecture, reference__startswith=f"CHR-{today.year}-").values_list(
            "reference", flat=True
        )
    )
    for suffix, site_name, kind, back, delay, subject, sender in CORRESPONDENCE:
        reference = f"CHR-{today.year}-{suffix}"
        if reference in existing:
            continue
        site = sites[site_name]
        calendar = calendars.calendar_for_site(site)
        received_on = _working_days_back(calendar, today, back)
        handler = users.get(handlers.get(site_name, "qualite13"))
        item = Correspondence(
            prefecture=prefecture,
            site=site,
            service=site.services.order_by("name").first(),
            kind=kind,
            reference=reference,
            subject=subject,
            sender=sender,
            received_on=received_on,
            # Never after today, even when the demo is loaded on a day off (the next working day is tomorrow).
            answered_on=min(calendar.add_working_days(received_on, delay), today) if delay is not None else None,
            assigned_to=handler,
            created_by=handler,
        )
        compute_deadline(item)
        item._history_user = handler
        item.save()


@transaction.atomic
def load():
    prefecture = Prefecture.objects.select_related("department").get(department_id="13")
    sites = {site.name: site for site in Site.objects.filter(prefecture=prefecture).select_related("prefecture")}
    users = {user.username: user for user in User.objects.filter(username__in=["qualite13", *HANDLERS.values()])}
    by = users.get("qualite13")
    _load_2015(prefecture, sites, users, by)
    _load_open(sites["Sous-préfecture d'Istres"], users.get("agent-istres"), timezone.localdate())
    for title, body in TEMPLATES:
        template, created = ReplyTemplate.objects.get_or_create(
            prefecture=prefecture, title=title, defaults={"body": body}
        )
        if not created and template.body == OLD_TEMPLATES[title]:
            ReplyTemplate.objects.filter(pk=template.pk).update(body=body, updated_at=timezone.now())
    _load_correspondence(prefecture, sites, users, timezone.localdate())
    inbound_demo.load(prefecture, sites)

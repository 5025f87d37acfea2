"""Demo data: the satisfaction surveys of the Bouches-du-Rhône.

- 2015, as the yearly quality review tells it (docs/domaine.md, § Données de démonstration): a past campaign known only
  by its rates, recorded as aggregated results per site (Saint-Sébastien per service), published, with the points forts
  and points de vigilance its results propose;
- the previous campaign, ten months before the day the demo is loaded, known by its rates per site (a little better
  than 2015's), published: the latest results the public pages show;
- this year's campaign of the users' questionnaire, open (web, kiosk, paper), with some answers at Arles, Istres and
  Aix-en-Provence and a few comments to moderate; its results are not published yet (the referent does it).

Runs after ``qualipref.demo.load_demo``. Idempotent: campaigns are found by their prefecture and title; answers are
added only to a campaign that has none.
"""

import datetime
import random

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from qualipref.lib import months
from sites.models import Prefecture, Service, Site
from surveys.models import Campaign, Highlight, Response
from surveys.questionnaires import default_questionnaire
from surveys.results import yes_no_codes
from surveys.services import campaigns, publication, responses

PEYTRAL = "Marseille – Peytral"
SAINT_SEBASTIEN = "Marseille – Saint-Sébastien"
ARLES = "Sous-préfecture d'Arles"
ISTRES = "Sous-préfecture d'Istres"
AIX = "Sous-préfecture d'Aix-en-Provence"
SITES = [ARLES, ISTRES, AIX, SAINT_SEBASTIEN, PEYTRAL]
CODES = ["phone", "accessibility", "conditions", "opening_hours", "signage", "courtesy", "waiting_time"]

# docs/domaine.md, § Données de démonstration (surveys of 2015, Bouches-du-Rhône): (site, service or None, rates in
# CODES order)
RATES_2015 = [
    (ARLES, None, [87, 97, 94, 72, 94, 99, 82]),
    (ISTRES, None, [66, 81, 76, 64, 96, 97, 57]),
    (AIX, None, [46, 78, 66, 64, 83, 83, 41]),
    (SAINT_SEBASTIEN, "Cartes grises et permis", [76, 67, 49, "51.5", 91, 94, 41]),
    (SAINT_SEBASTIEN, "Accueil des étrangers", [87, 91, 82, 86, 88, 80, 71]),
    (PEYTRAL, None, [71, 94, 95, 93, 99, 99, 87]),
]
TITLE_2015 = "Enquête de satisfaction des usagers 2015"

# This year's answers: responses per site, and the chance of a « satisfied » answer per dimension.
ANSWERS_THIS_YEAR = {ARLES: 24, ISTRES: 18, AIX: 12}
COMMENTS = [
    "Accueil très aimable, merci à l'agent du guichet des étrangers.",
    "Beaucoup trop d'attente le lundi matin, et pas assez de chaises.",
    "Le standard ne répond jamais avant 10 h.",
    "Les panneaux depuis le parking sont enfin clairs, merci.",
]


def _title_this_year(today):
    return f"Enquête de satisfaction des usagers {today.year}"


def _load_2015(prefecture, sites, by):
    campaign = Campaign.objects.filter(prefecture=prefecture, title=TITLE_2015).first()
    if campaign is not None:
        return campaign
    services = [
        Service.objects.get(site=sites[site_name], name=service_name)
        for site_name, service_name, _ in RATES_2015
        if service_name
    ]
    campaign = campaigns.campaign_create(
        by=by,
        prefecture=prefecture,
        questionnaire=default_questionnaire(),
        title=TITLE_2015,
        kind=Campaign.Kind.AGGREGATED,
        sites=[sites[name] for name in SITES],
        services=services,
        opens_on=datetime.date(2015, 5, 4),
        closes_on=datetime.date(2015, 6, 30),
        target_rate=80,
    )
    for site_name, service_name, rates in RATES_2015:
        site = sites[site_name]
        service = Service.objects.get(site=site, name=service_name) if service_name else None
        publication.aggregated_results_set(
            by=by, campaign=campaign, site=site, service=service, rates=dict(zip(CODES, rates, strict=True))
        )
    for name in SITES:
        site = sites[name]
        strengths, vigilance = HIGHLIGHTS_2015.get(name, ((), ()))
        for kind, texts in ((Highlight.Kind.STRENGTH, strengths), (Highlight.Kind.VIGILANCE, vigilance)):
            for text in texts:
                publication.highlight_add(by=by, campaign=campaign, kind=kind, text=text, site=site)
        publication.results_publish(by=by, campaign=campaign, site=site)
    return campaign


# The points the 2015 review writes per site, as the quality manager entered them (Saint-Sébastien's are per service,
# which a site's points cannot hold: none; Peytral's points de vigilance: « RAS »).
HIGHLIGHTS_2015 = {
    ARLES: (
        (
            "Qualité de l'information donnée, courtoisie, qualité des courriers/courriels",
            "Facilité d'accès, signalétique, temps d'attente raisonnable, confort des espaces",
        ),
        ("Affichage et informations en libre service", "Transfert vers le bon service (accueil téléphonique)"),
    ),
    ISTRES: (
        ("Qualité et courtoisie du personnel", "Qualité de l'accueil téléphonique (standard et SVI)"),
        ("Attente trop longue au guichet", "Horaires d'ouverture", "Manque de chaises dans les espaces d'attente"),
    ),
    AIX: (
        ("Courtoisie du personnel",),
        ("Faible disponibilité de l'accueil téléphonique", "Confort des espaces d'accueil", "Délais d'attente"),
    ),
    PEYTRAL: (
        ("Prise en charge par les agents d'accueil", "Facilité d'accès, courtoisie, qualité de l'information donnée"),
        (),
    ),
}

PREVIOUS_PREFIX = "Enquête de satisfaction des usagers – "
# Points gained since 2015 per dimension (the action plan worked), capped at 98 %.
GAINS = [8, 1, 3, 10, 2, 0, 12]


def _load_previous(prefecture, sites, by, today):
    """The campaign before this year's, ten months ago, recorded by its rates and published (found by its prefix:
    its title names the month it opened)."""
    existing = Campaign.objects.filter(prefecture=prefecture, title__startswith=PREVIOUS_PREFIX).first()
    if existing is not None:
        return existing
    opens_on = today - datetime.timedelta(days=300)
    campaign = campaigns.campaign_create(
        by=by,
        prefecture=prefecture,
        questionnaire=default_questionnaire(),
        title=f"{PREVIOUS_PREFIX}{months.MONTHS[opens_on.month - 1]} {opens_on.year}",
        kind=Campaign.Kind.AGGREGATED,
        sites=[sites[name] for name in SITES if name != SAINT_SEBASTIEN],
        services=[],
        opens_on=opens_on,
        closes_on=opens_on + datetime.timedelta(days=42),
        target_rate=80,
    )
    for site_name, service_name, rates in RATES_2015:
        if service_name:
            continue
        better = {code: min(98, float(rate) + gain) for code, rate, gain in zip(CODES, rates, GAINS, strict=True)}
        publication.aggregated_results_set(by=by, campaign=campaign, site=sites[site_name], service=None, rates=better)
        publication.highlights_propose(by=by, campaign=campaign, site=sites[site_name])
        publication.results_publish(by=by, campaign=campaign, site=sites[site_name])
    return campaign


def _satisfied_chance(site_name, index):
    """Around the 2015 rate of the site, a few points better (the action plan worked)."""
    for name, service, rates in RATES_2015:
        if name == site_name and service is None:
            return min(0.97, float(rates[index]) / 100 + 0.05)
    return 0.8


def _load_this_year(prefecture, sites, by, agents, today):
    title = _title_this_year(today)
    campaign = Campaign.objects.filter(prefecture=prefecture, title=title).first()
    if campaign is None:
        campaign = campaigns.campaign_create(
            by=by,
            prefecture=prefecture,
            questionnaire=default_questionnaire(),
            title=title,
            sites=[sites[name] for name in SITES],
            services=list(Service.objects.filter(site__in=[sites[name] for name in SITES], is_active=True)),
            opens_on=today - datetime.timedelta(days=21),
            closes_on=today + datetime.timedelta(days=30),
            channels=[Campaign.Channel.WEB, Campaign.Channel.KIOSK, Campaign.Channel.PAPER],
            target_responses=300,
            target_rate=80,
        )
        campaigns.campaign_set_status(by=by, campaign=campaign, status=Campaign.Status.OPEN)
    if Response.objects.filter(campaign=campaign).exists() or not campaign.accepts_responses(today):
        return campaign
    rng = random.Random(2015)
    closed = yes_no_codes(campaign)  # answered « Oui » (True) or « Non » (False)
    number = 0
    for site_name, count in ANSWERS_THIS_YEAR.items():
        site = sites[site_name]
        services = list(campaign.services.filter(site=site).order_by("name"))
        for i in range(count):
            number += 1
            answers = {}
            for index, code in enumerate(CODES):
                roll = rng.random()
                if roll < 0.08:
                    continue  # not answered
                if roll < 0.15:
                    answers[code] = None  # sans avis
                elif rng.random() < _satisfied_chance(site_name, index):
                    value = rng.choice([3, 4, 4])
                    answers[code] = True if code in closed else value
                else:
                    value = rng.choice([1, 2, 2])
                    answers[code] = False if code in closed else value
            comment = COMMENTS[number % len(COMMENTS)] if number % 7 == 0 else ""
            service = services[i % len(services)] if services else None
            if i % 3 == 0:
                entered_by = agents.get(site_name, by)
                responses.response_enter(
                    by=entered_by,
                    campaign=campaign,
                    site=site,
                    service=service,
                    answers=answers,
                    answered_on=today - datetime.timedelta(days=1 + i % 14),
                    comment=comment,
                    comment_consent=bool(comment),
                )
            else:
                responses.response_submit(
                    campaign=campaign,
                    site=site,
                    service=service,
                    answers=answers,
                    comment=comment,
                    comment_consent=bool(comment),
                )
    return campaign


@transaction.atomic
def load():
    prefecture = Prefecture.objects.get(department_id="13")
    sites = {site.name: site for site in Site.objects.filter(prefecture=prefecture, name__in=SITES)}
    users = {
        user.username: user
        for user in User.objects.filter(username__in=["qualite13", "referent-arles", "agent-istres"])
    }
    by = users["qualite13"]
    agents = {ARLES: users.get("referent-arles", by), ISTRES: users.get("agent-istres", by)}
    _load_2015(prefecture, sites, by)
    _load_previous(prefecture, sites, by, timezone.localdate())
    _load_this_year(prefecture, sites, by, agents, timezone.localdate())

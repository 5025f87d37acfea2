"""Demo data: the Bouches-du-Rhône and Val-de-Marne prefectures and the demo accounts of the README.

Idempotent: objects are found by their natural keys; a second run changes nothing already there
(passwords included, so a changed demo password survives).
"""

import datetime

from django.db import transaction

from accounts.models import Membership, Role, User
from sites.models import Department, Prefecture, Service, Site

DEMO_PASSWORD = "demo-qualipref"

PREFECTURES = {
    "13": {
        "name": "Préfecture des Bouches-du-Rhône",
        "sites": [
            (
                "Marseille – Peytral",
                Site.Kind.PREFECTURE,
                "Place Félix-Baret",
                "13006",
                "Marseille",
                ["Accueil général", "Associations"],
            ),
            (
                "Marseille – Saint-Sébastien",
                Site.Kind.PREFECTURE,
                "66 rue Saint-Sébastien",
                "13006",
                "Marseille",
                ["Accueil des étrangers", "Cartes grises et permis"],
            ),
            (
                "Sous-préfecture d'Aix-en-Provence",
                Site.Kind.SUBPREFECTURE,
                "24 rue Mignet",
                "13100",
                "Aix-en-Provence",
                ["Accueil général", "Accueil des étrangers"],
            ),
            (
                "Sous-préfecture d'Arles",
                Site.Kind.SUBPREFECTURE,
                "16 rue de la Bastille",
                "13200",
                "Arles",
                ["Accueil général", "Accueil des étrangers"],
            ),
            (
                "Sous-préfecture d'Istres",
                Site.Kind.SUBPREFECTURE,
                "Boulevard Paul-Painlevé",
                "13800",
                "Istres",
                ["Accueil général", "Accueil des étrangers"],
            ),
        ],
    },
    "94": {
        "name": "Préfecture du Val-de-Marne",
        "sites": [
            (
                "Créteil – Préfecture",
                Site.Kind.PREFECTURE,
                "21-29 avenue du Général-de-Gaulle",
                "94000",
                "Créteil",
                ["Accueil général", "Accueil des étrangers", "Cartes grises et permis"],
            ),
            (
                "Sous-préfecture de Nogent-sur-Marne",
                Site.Kind.SUBPREFECTURE,
                "4 avenue de Lattre-de-Tassigny",
                "94130",
                "Nogent-sur-Marne",
                ["Accueil général"],
            ),
            (
                "Sous-préfecture de L'Haÿ-les-Roses",
                Site.Kind.SUBPREFECTURE,
                "2 avenue Larroumès",
                "94240",
                "L'Haÿ-les-Roses",
                ["Accueil général"],
            ),
        ],
    },
}

OPENING_HOURS = "Du lundi au vendredi, de 8 h 30 à 16 h (accueil des étrangers sur rendez-vous)."
ACCESSIBILITY = "Accès de plain-pied, guichet surbaissé, boucle magnétique à l'accueil général."

# username, first name, last name, role, département, site name (site roles)
ACCOUNTS = [
    ("national", "Nadia", "Lambert", Role.NATIONAL_ADMIN, None, None),
    ("qualite13", "Claire", "Fabre", Role.QUALITY_MANAGER, "13", None),
    ("referent-arles", "Julien", "Mistral", Role.SITE_REFERENT, "13", "Sous-préfecture d'Arles"),
    ("agent-istres", "Sophie", "Roux", Role.AGENT, "13", "Sous-préfecture d'Istres"),
    ("direction13", "Philippe", "Granier", Role.MANAGER, "13", None),
    ("auditeur", "Marc", "Delorme", Role.AUDITOR, "13", None),
    ("qualite94", "Isabelle", "Moreau", Role.QUALITY_MANAGER, "94", None),
]

# Agents of the Bouches-du-Rhône whose training records the meetings demo writes (engagements/demo/meetings.py):
# accounts like the others, not listed among the demo accounts.
# username, first name, last name, site name: reception agents besides agent-istres.
TRAINED_AGENTS = [
    ("agent-arles-2", "Lucas", "Bonnet", "Sous-préfecture d'Arles"),
    ("agent-aix", "Léa", "Garnier", "Sous-préfecture d'Aix-en-Provence"),
    ("agent-peytral", "Karim", "Benali", "Marseille – Peytral"),
    ("agent-st-sebastien", "Élodie", "Martin", "Marseille – Saint-Sébastien"),
]


def _demo_user(username, first_name, last_name):
    """The demo account ``username`` (created with the demo password when missing)."""
    user, created = User.objects.get_or_create(
        username=username,
        defaults={"first_name": first_name, "last_name": last_name, "email": f"{username}@demo.qualipref.fr"},
    )
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])
    return user


@transaction.atomic
def load_demo():
    """Create what is missing; return the demo accounts as (username, role label, scope)."""
    prefectures = {}
    for code, spec in PREFECTURES.items():
        department = Department.objects.get(code=code)
        prefecture, _ = Prefecture.objects.get_or_create(department=department, defaults={"name": spec["name"]})
        prefectures[code] = prefecture
        for name, kind, address, postal_code, city, services in spec["sites"]:
            site, _ = Site.objects.get_or_create(
                prefecture=prefecture,
                name=name,
                defaults={
                    "kind": kind,
                    "address": address,
                    "postal_code": postal_code,
                    "city": city,
                    "opening_hours": OPENING_HOURS,
                    "accessibility_notes": ACCESSIBILITY,
                },
            )
            for service in services:
                Service.objects.get_or_create(site=site, name=service)

    accounts = []
    for username, first_name, last_name, role, code, site_name in ACCOUNTS:
        user = _demo_user(username, first_name, last_name)
        prefecture = prefectures[code] if code else None
        site = Site.objects.get(prefecture=prefecture, name=site_name) if site_name else None
        Membership.objects.get_or_create(
            user=user,
            role=role,
            prefecture=None if site else prefecture,
            site=site,
            defaults={"valid_from": datetime.date(2013, 1, 1)},
        )
        accounts.append((username, role.label, str(site or prefecture or "national")))

    sites = {site.name: site for site in Site.objects.filter(prefecture=prefectures["13"])}
    for username, first_name, last_name, site_name in TRAINED_AGENTS:
        user = _demo_user(username, first_name, last_name)
        Membership.objects.get_or_create(
            user=user,
            role=Role.AGENT,
            prefecture=None,
            site=sites[site_name],
            defaults={"valid_from": datetime.date(2013, 1, 1)},
        )

    # Each app's demo data, in the order of their dependencies (imported here: they read this module's data).
    from audits import demo as audits_demo
    from complaints import demo as complaints_demo
    from crisis import demo as crisis_demo
    from engagements.demo import actions, documents, labellings, meetings
    from indicators import alerts
    from indicators import demo as indicators_demo
    from planning import demo as planning_demo
    from surveys import demo as surveys_demo

    for app_demo in (
        labellings,
        actions,
        meetings,
        documents,
        audits_demo,
        complaints_demo,
        surveys_demo,
        crisis_demo,
        planning_demo,
        indicators_demo,
    ):
        app_demo.load()
    # The deadline alerts of today, as the daily job sends them (idempotent): the demo inboxes are not empty.
    alerts.collect_and_notify()
    return accounts

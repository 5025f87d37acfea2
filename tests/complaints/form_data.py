"""What the tests post to the complaint forms: a complaint of Arles' « Accueil général » about delays, from Amina
Benali, through the public form (e-réclamation) or recorded by an agent from a letter. ``overrides`` replace or add
fields."""


def _complaint(world):
    return {
        "site": world.site.pk,
        "service": world.service.pk,
        "kind": "complaint",
        "category": "delays",
        "requester_name": "Amina Benali",
    }


def public_form(world, **overrides):
    """The fields of the public form (complaints.public_views), honeypot left empty."""
    return {
        **_complaint(world),
        "description": "Trois heures d’attente au guichet des cartes grises.",
        "requester_email": "amina.benali@exemple.fr",
        "website": "",
        **overrides,
    }


def letter_form(world, **overrides):
    """The fields of the agents' recording form (complaint_create) for a letter received on 02/03/2026."""
    return {
        **_complaint(world),
        "channel": "letter",
        "received_on": "2026-03-02",
        "description": "Courrier : trois heures d'attente.",
        "assign_to_me": "on",
        **overrides,
    }

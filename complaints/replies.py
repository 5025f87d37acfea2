"""Reply templates: their placeholders, checked when a template is saved and filled from a complaint.

A template is plain text with ``{name}`` placeholders taken from ``PLACEHOLDERS`` only; ``{{`` and ``}}`` write
a brace. Anything else (an unknown name, ``{site.name}``, ``{nom!r}``, ``{nom:>40}``) is refused in French when
the template is saved, so that filling it never fails and never reads anything but the strings given here.
"""

import string

from django.core.exceptions import ValidationError
from django.utils import timezone

PLACEHOLDERS = {
    "reference": "la référence de la réclamation (REC-13-2026-00042)",
    "date_reception": "la date de réception (JJ/MM/AAAA)",
    "date_echeance": "la date limite de réponse (JJ/MM/AAAA)",
    "date_du_jour": "la date du jour (JJ/MM/AAAA)",
    "site": "le nom du site",
    "service": "le service concerné",
    "prefecture": "le nom de la préfecture",
    "categorie": "le thème de la réclamation",
    "nom": "le nom du demandeur (« Madame, Monsieur » s'il n'est pas connu)",
}
ANONYMOUS_NAME = "Madame, Monsieur"
MAX_LENGTH = 10_000


def _fields(body):
    """The placeholders of a template as (name, conversion, format spec); ValueError when malformed."""
    return [
        (name, conversion, spec) for _, name, spec, conversion in string.Formatter().parse(body) if name is not None
    ]


def check_template(body):
    """Raise a French ValidationError when the template uses anything but the known placeholders."""
    if len(body or "") > MAX_LENGTH:
        raise ValidationError(f"Le texte du modèle dépasse {MAX_LENGTH} caractères.")
    try:
        fields = _fields(body or "")
    except ValueError:
        raise ValidationError(
            "Accolade mal fermée : écrivez une variable entre accolades, par exemple {reference}, "
            "et doublez les accolades à écrire telles quelles ({{ ou }})."
        ) from None
    known = ", ".join(f"{{{name}}}" for name in PLACEHOLDERS)
    for name, conversion, spec in fields:
        if name == "":
            raise ValidationError(f"Accolades vides {{}} : indiquez une variable parmi {known}.")
        if name not in PLACEHOLDERS:
            raise ValidationError(f"Variable inconnue {{{name}}} : variables possibles {known}.")
        if conversion or spec:
            raise ValidationError(f"Écrivez la variable {{{name}}} sans « ! » ni « : » après son nom.")


def _date(value):
    return value.strftime("%d/%m/%Y") if value else ""


def placeholder_values(complaint, *, today=None):
    """The strings a template of this complaint is filled with (read only from the complaint and its relations:
    load ``site``, ``service`` and ``prefecture`` with it)."""
    return {
        "reference": complaint.reference,
        "date_reception": _date(complaint.received_on),
        "date_echeance": _date(complaint.due_on),
        "date_du_jour": _date(today or timezone.localdate()),
        "site": complaint.site.name,
        "service": complaint.service.name if complaint.service_id else "",
        "prefecture": complaint.prefecture.name,
        "categorie": complaint.get_category_display(),
        "nom": complaint.requester_name or ANONYMOUS_NAME,
    }


def render(body, complaint, *, today=None):
    """The template filled for this complaint (placeholders already checked when the template was saved)."""
    check_template(body)
    return body.format_map(placeholder_values(complaint, today=today))

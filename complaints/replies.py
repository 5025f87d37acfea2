"""Reply templates: their placeholders, checked when a template is saved and filled from a complaint or a
correspondence item (a letter, an e-mail: the same library); and the check of an answer before it is recorded and
again before it is sent.

A template is plain text with ``{name}`` placeholders taken from ``PLACEHOLDERS`` only; ``{{`` and ``}}`` write
a brace. Anything else (an unknown name, ``{site.name}``, ``{nom!r}``, ``{nom:>40}``) is refused in French when
the template is saved, so that filling it never fails and never reads anything but the strings given here.

A template may leave passages for the agent to write, between square brackets (« [préciser la suite donnée] »):
``check_response`` refuses an answer that still holds one, or an unfilled ``{placeholder}``.

The answer greets the requester by name ({nom}): the stored answer is personal data, shown only to those who may
see the requester (accounts.access.can_see_response; for correspondence can_see_sender) and anonymised with the
requester's or sender's fields (complaints.retention). The placeholders are filled in the answer only (what is
sent), never in the template the other roles read.
"""

import re
import string

from django.core.exceptions import ValidationError
from django.utils import timezone

from qualipref.lib.dates import short_date

PLACEHOLDERS = {
    "reference": "la référence de la réclamation (REC-13-2026-00042) ou du courrier",
    "date_reception": "la date de réception (JJ/MM/AAAA)",
    "date_echeance": "la date limite de réponse (JJ/MM/AAAA)",
    "date_du_jour": "la date du jour (JJ/MM/AAAA)",
    "site": "le nom du site",
    "du_site": "le site précédé de « de » et de son article (« de la sous-préfecture d'Istres »)",
    "service": "le service concerné",
    "prefecture": "le nom de la préfecture",
    "categorie": "le thème de la réclamation (d'un courrier : son objet, ou son type)",
    "nom": "le nom du demandeur ou de l'expéditeur (« Madame, Monsieur » s'il n'est pas connu)",
    "signataire": "le prénom et le nom de la personne qui répond",
    "fonction": "sa fonction (« Agent d'accueil », « Référent qualité de site »…)",
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


# Site names that start with a common noun take its article (« l'accueil de la sous-préfecture d'Istres »);
# the others are place names (« l'accueil de Marseille – Peytral », « d'Aix »).
_NOUNS = {
    "préfecture": "la",
    "sous-préfecture": "la",
    "antenne": "l'",
    "maison": "la",
    "mairie": "la",
    "centre": "le",
    "site": "le",
    "point": "le",
    "espace": "l'",
    "bureau": "le",
}
_VOWELS = "aeiouyhàâéèêëîïôûüÿæœAEIOUYHÀÂÉÈÊËÎÏÔÛÜŸÆŒ"


def of_site(name):
    """« de » and the site's name with its article: « de la sous-préfecture d'Istres », « du centre… »,
    « de l'antenne… », « d'Aix-en-Provence », « de Marseille – Peytral »."""
    name = (name or "").strip()
    if not name:
        return ""
    first = re.split(r"[\s']", name, maxsplit=1)[0]
    article = _NOUNS.get(first.lower())
    if article is not None:
        noun = name[0].lower() + name[1:]
        return {"la": f"de la {noun}", "le": f"du {noun}", "l'": f"de l'{noun}"}[article]
    return f"d'{name}" if name[0] in _VOWELS else f"de {name}"


def _item_facts(item):
    """(reference, person's name, topic) of a complaint or of a correspondence item."""
    # Told apart by the model's name: complaints.models reads this module (ReplyTemplate.clean), not the reverse.
    if item._meta.model_name == "correspondence":
        return item.label, item.sender, item.subject or item.get_kind_display()
    return item.reference, item.requester_name, item.get_category_display()


def placeholder_values(complaint, *, by=None, today=None):
    """The strings a template of this complaint (or correspondence item) is filled with (read only from the item
    and its relations: load ``site``, ``service`` and ``prefecture`` with it). ``by`` is who answers: the signature
    is theirs."""
    from accounts import access

    reference, name, topic = _item_facts(complaint)
    role = access.handler_role(by, complaint) if by is not None else None
    return {
        "reference": reference,
        "date_reception": short_date(complaint.received_on),
        "date_echeance": short_date(complaint.due_on),
        "date_du_jour": short_date(today or timezone.localdate()),
        "site": complaint.site.name,
        "du_site": of_site(complaint.site.name),
        "service": complaint.service.name if complaint.service_id else "",
        "prefecture": complaint.prefecture.name,
        "categorie": topic,
        "nom": name or ANONYMOUS_NAME,
        "signataire": (by.get_full_name() or by.username) if by is not None else "",
        "fonction": role.label if role else "",
    }


def render(body, complaint, *, by=None, today=None):
    """The template filled for this complaint or correspondence item (placeholders already checked when the
    template was saved)."""
    check_template(body)
    return body.format_map(placeholder_values(complaint, by=by, today=today))


# A passage left for the agent: letters between square brackets (« [préciser la suite donnée] »), except the
# « [sic] » and « […] » of a quotation; or a placeholder of a template pasted unfilled (« {nom} »).
_BRACKETED = re.compile(r"\[[^\[\]\n]*[^\W\d_][^\[\]\n]*\]")
_PLACEHOLDER = re.compile(r"\{(" + "|".join(PLACEHOLDERS) + r")\}")
_QUOTATION_MARKS = {"[sic]"}


def unfinished_passages(text):
    """The passages of an answer still to be written (in the order of the text)."""
    found = [
        match.group(0) for match in _BRACKETED.finditer(text or "") if match.group(0).lower() not in _QUOTATION_MARKS
    ]
    found += [match.group(0) for match in _PLACEHOLDER.finditer(text or "")]
    return found


def check_response(text):
    """Raise a French ValidationError when the answer still holds a passage of its template to be written."""
    passages = unfinished_passages(text)
    if passages:
        raise ValidationError(
            f"La réponse contient encore « {passages[0]} » : remplacez ce passage par le texte à envoyer au "
            "demandeur avant d'enregistrer la réponse."
        )

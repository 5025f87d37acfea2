"""Template filters of the audit pages and the PDF report: French typography, dates in words, result styles."""

import re

from django import template
from django.utils.html import conditional_escape
from django.utils.safestring import SafeData

from qualipref.lib import charts
from qualipref.lib.months import MONTHS

register = template.Library()

NBSP = "\u00a0"  # before « : » and inside « guillemets »
NNBSP = "\u202f"  # espace fine insécable, before ; ! ? and %

_RULES = [
    (re.compile(r"[ \u00a0\u202f]*([;!?])"), NNBSP + r"\1"),
    (re.compile(r"(?<=\S)[ \u00a0\u202f]*:(?=\s|$)"), NBSP + ":"),
    (re.compile(r"«[ \u00a0\u202f]*"), "«" + NBSP),
    (re.compile(r"[ \u00a0\u202f]*»"), NBSP + "»"),
    (re.compile(r"(\d)[ \u00a0\u202f]*%"), r"\1" + NNBSP + "%"),
    (re.compile(r"(?<=\w)'(?=\w)"), "’"),
]
_URL = re.compile(r"https?://\S+")


def french_typography(text):
    """Non-breaking spaces where French typography wants them (« : ; ! ? % » and guillemets), typographic
    apostrophes; URLs are left as they are."""
    if not text:
        return ""
    parts, last = [], 0
    for match in _URL.finditer(text):
        parts.append(_apply(text[last : match.start()]))
        parts.append(match.group(0))
        last = match.end()
    parts.append(_apply(text[last:]))
    return "".join(parts)


def _apply(text):
    for pattern, replacement in _RULES:
        text = pattern.sub(replacement, text)
    return text


@register.filter(is_safe=True)
def typo(value):
    """French typography on a text typed by a user, then escaped (markup already safe is left as it is)."""
    if value is None:
        return ""
    if isinstance(value, SafeData):
        return value
    return conditional_escape(french_typography(str(value)))


@register.filter
def long_date(value):
    """« 1er septembre 2015 », « 14 septembre 2015 »."""
    if not value:
        return ""
    day = "1er" if value.day == 1 else str(value.day)
    return f"{day} {MONTHS[value.month - 1]} {value.year}"


RESULT_CLASSES = {
    "compliant": "success",
    "minor_nonconformity": "warning",
    "major_nonconformity": "error",
    "not_applicable": "info",
    "not_assessed": "new",
}
CATEGORY_CLASSES = {
    "strength": "success",
    "improvement": "info",
    "sensitive_point": "warning",
    "minor_nonconformity": "error",
    "major_nonconformity": "error",
}
RESULT_SHORT = {
    "compliant": "C",
    "minor_nonconformity": "NC mi",
    "major_nonconformity": "NC MA",
    "not_applicable": "NA",
    "not_assessed": "—",
}


CATEGORY_SHORT = {
    "strength": "Points forts",
    "improvement": "Pistes de progrès",
    "sensitive_point": "Points sensibles",
    "minor_nonconformity": "NC mineures",
    "major_nonconformity": "NC majeures",
}


@register.filter
def category_short(value):
    """Plural short labels of the count tables' headers."""
    return CATEGORY_SHORT.get(value, value)


@register.filter
def result_class(value):
    return RESULT_CLASSES.get(value, "new")


@register.filter
def category_class(value):
    return CATEGORY_CLASSES.get(value, "new")


@register.filter
def result_short(value):
    return RESULT_SHORT.get(value, "—")


@register.filter
def get_item(mapping, key):
    return mapping.get(key) if mapping else None


@register.filter
def fr_plural(value, suffix="s"):
    """French plural: 0 and 1 are singular (« 0 évaluation », « 1 évaluation », « 2 évaluations »)."""
    try:
        count = len(value) if hasattr(value, "__len__") and not isinstance(value, str) else int(value)
    except (TypeError, ValueError):
        return ""
    return suffix if count > 1 else ""


_SITE_PREFIXES = (
    "Sous-préfecture d'",
    "Sous-préfecture de ",
    "Sous-préfecture du ",
    "Préfecture d'",
    "Préfecture de ",
    "Préfecture du ",
    "Préfecture des ",
)


@register.filter
def short_site(name):
    """« Sous-préfecture d'Arles » → « Arles », « Marseille – Peytral » → « Peytral » (column headers)."""
    name = str(name or "")
    if " – " in name:
        return name.rsplit(" – ", 1)[1]
    for prefix in _SITE_PREFIXES:
        if name.startswith(prefix):
            return name[len(prefix) :]
    return name


@register.filter(is_safe=True)
def print_chart(svg):
    """A chart (qualipref.lib.charts) as the PDF report prints it: an image of its SVG, without its screen rules."""
    return charts.print_image(svg)

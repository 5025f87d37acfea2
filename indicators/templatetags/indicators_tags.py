"""Template helpers of the indicator pages: values in their unit, traffic lights."""

from django import template
from django.utils.html import format_html

from indicators import periods
from indicators.models import format_number
from indicators.services.boards import STATUS_BADGES

register = template.Library()


@register.filter
def in_unit(value, indicator):
    """« 8,5 % », « 12 jours »: ``{{ cell.value|in_unit:row.indicator }}``."""
    return indicator.format_value(value)


@register.filter
def number(value):
    """« 8,5 », « 1 250 »: French decimals, at most 2."""
    return "—" if value is None else format_number(value)


@register.filter
def month_label(period):
    return periods.label(period) if period else ""


@register.filter
def month_code(period):
    return periods.format_period(period) if period else ""


@register.simple_tag
def light(status, label, small=True):
    """The traffic light of a status as a DSFR badge (its text says it: colour is not the only cue). Written in
    Python, with the markup of the template it replaced: one template per row of an indicators table."""
    colour = STATUS_BADGES.get(status, "")
    classes = "fr-badge" + (f" fr-badge--{colour}" if colour else "")
    classes += " fr-badge--no-icon" if colour in ("info", "") else ""
    classes += " fr-badge--sm" if small else ""
    return format_html('\n<span class="{} qp-light" data-status="{}">{}</span>\n', classes, status, label)

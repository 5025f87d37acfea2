"""Template helpers of the indicator pages: values in their unit, traffic lights."""

from django import template

from indicators import periods
from indicators.models import format_number

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


@register.inclusion_tag("indicators/_light.html")
def light(status, label, small=True):
    """The traffic light of a status as a DSFR badge (its text says it: colour is not the only cue)."""
    return {"status": status, "label": label, "small": small}

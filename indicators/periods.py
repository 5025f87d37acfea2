"""Months (periods) of the measurements: stored as the first day of the month, written « AAAA-MM » in the API and
files, « mars 2026 » on the pages.
"""

import datetime
import re

from django.core.exceptions import ValidationError
from django.utils import timezone

from qualipref.lib.months import MONTHS, SHORT_MONTHS

_PERIOD = re.compile(r"^\s*(\d{4})-(\d{1,2})\s*$")
_FRENCH_PERIOD = re.compile(r"^\s*(\d{1,2})/(\d{4})\s*$")
# A whole date names its month too (spreadsheets turn « 2026-03 » into the first day of March).
_DATE = re.compile(r"^\s*(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T][\d:.]+)?\s*$")
# The oldest month a measurement may have (the labels of the prefectures started in 2008).
FIRST_YEAR = 2000


def month_start(day):
    return day.replace(day=1)


def add_months(period, count):
    index = period.year * 12 + period.month - 1 + count
    return datetime.date(index // 12, index % 12 + 1, 1)


def month_end(period):
    return add_months(period, 1) - datetime.timedelta(days=1)


def months(first, last):
    """Every month from ``first`` to ``last`` included (empty when last < first)."""
    result, period = [], month_start(first)
    last = month_start(last)
    while period <= last:
        result.append(period)
        period = add_months(period, 1)
    return result


def current(today=None):
    return month_start(today or timezone.localdate())


def format_period(period):
    """« 2026-03 »: the API's and the files' way of writing a month."""
    return f"{period.year:04d}-{period.month:02d}"


def label(period):
    """« mars 2026 »."""
    return f"{MONTHS[period.month - 1]} {period.year}"


def short_label(period):
    """« mars 26 » for the headers of a grid of months."""
    return f"{SHORT_MONTHS[period.month - 1]} {period.year % 100:02d}"


def parse(value, *, today=None, allow_future=False):
    """A month from « 2026-03 », « 03/2026 », « 2026-03-01 » or a date; ValidationError in French otherwise.

    A month after the current one is refused (nothing can be measured yet) unless ``allow_future``.
    """
    if isinstance(value, datetime.datetime):
        value = value.date()
    if isinstance(value, datetime.date):
        period = month_start(value)
    else:
        text = str(value or "").strip()
        match = _PERIOD.match(text) or _DATE.match(text)
        if match:
            year, month = int(match.group(1)), int(match.group(2))
        else:
            match = _FRENCH_PERIOD.match(text)
            if not match:
                raise ValidationError(
                    f"Mois « {text} » invalide : écrivez-le AAAA-MM (par exemple 2026-03).", code="invalid_period"
                )
            month, year = int(match.group(1)), int(match.group(2))
        if not 1 <= month <= 12:
            raise ValidationError(f"Mois « {text} » invalide : le mois va de 01 à 12.", code="invalid_period")
        period = datetime.date(year, month, 1)
    if period.year < FIRST_YEAR:
        raise ValidationError(
            f"Mois « {format_period(period)} » trop ancien : les mesures commencent en {FIRST_YEAR}.",
            code="invalid_period",
        )
    now = current(today)
    if not allow_future and period > now:
        raise ValidationError(
            f"{label(period).capitalize()} n'est pas encore commencé : on ne saisit pas de mesure pour un mois à "
            f"venir (le mois en cours est {label(now)}).",
            code="future_period",
        )
    return period

"""Dates written in French sentences by Python code, in the formats the templates use.

Templates write ``{{ day|date:"SHORT_DATE_FORMAT" }}``; Python writes ``short_date(day)``: both read the named
format of the active language (Django's French locale, completed by qualipref/formats/fr/formats.py), so the
project spells « 05/03/2026 » in one place. ``local_datetime`` puts a day and an hour in the project's time zone.
"""

import datetime

from django.utils import timezone
from django.utils.formats import date_format


def _local(value):
    if isinstance(value, datetime.datetime) and timezone.is_aware(value):
        return timezone.localtime(value)
    return value


def local_datetime(day, hour=10, minute=0) -> datetime.datetime:
    """``day`` at ``hour``:``minute`` in the current time zone (Paris), aware: the demo's dated writes."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


def short_date(value, *, empty="") -> str:
    """« 05/03/2026 »; an aware datetime gives its date in local time, None gives ``empty``."""
    if value is None:
        return empty
    return date_format(_local(value), "SHORT_DATE_FORMAT")


def short_datetime(value, *, empty="") -> str:
    """« 05/03/2026 14:30 » in local time; None gives ``empty``."""
    if value is None:
        return empty
    return date_format(_local(value), "SHORT_DATETIME_FORMAT")

"""The plausible range of the values people type, in one place (imports no app), with French messages.

- Dates: from 01/01/1900 to 31/12/2100. ``install_date_bounds()`` (called once by qualipref.apps) makes this the
  rule of every date field of forms (Django's ``forms.DateField``, so model forms and django-filter too) and of
  the API (DRF's ``DateField``): a complaint « received in year 1 » is refused instead of stored as "1-01-01".
  ``check_date(value)`` is the same rule for code that parses dates itself (CSV imports).
- Years of filters (``YearFilter``): the same range; ``?year=0`` or ``?year=99999999999999999999`` is a 400 with
  a French message, not a 500 from Python's date arithmetic.
- Integers sent to the API (``IntegerField``): within PostgreSQL's ``integer`` column (and ``IdField`` within
  its ``bigint`` ids), so that ``1099511627776`` is a 400, not a database error.
"""

import datetime

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from rest_framework import serializers

DATE_MIN = datetime.date(1900, 1, 1)
DATE_MAX = datetime.date(2100, 12, 31)
YEAR_MIN, YEAR_MAX = DATE_MIN.year, DATE_MAX.year
INT_MAX = 2**31 - 1  # PostgreSQL integer
INT_MIN = -(2**31)
ID_MAX = 2**63 - 1  # PostgreSQL bigint (the ids)

DATE_MESSAGE = "Date invalide : elle doit être comprise entre le 01/01/1900 et le 31/12/2100."
YEAR_MESSAGE = f"Année invalide : elle doit être comprise entre {YEAR_MIN} et {YEAR_MAX}."


def check_date(value):
    """Refuse a date outside DATE_MIN..DATE_MAX (a validator of forms and serializers)."""
    if isinstance(value, datetime.datetime):
        value = value.date()
    if isinstance(value, datetime.date) and not DATE_MIN <= value <= DATE_MAX:
        raise ValidationError(DATE_MESSAGE, code="date_range")


def install_date_bounds():
    """Every date field of forms, filters and serializers refuses dates outside the range (idempotent)."""
    for field_class in (forms.DateField, serializers.DateField):
        if check_date not in field_class.default_validators:
            field_class.default_validators = [*field_class.default_validators, check_date]


class YearField(forms.IntegerField):
    default_error_messages = {
        "invalid": "Saisissez une année (par exemple 2026).",
        "min_value": YEAR_MESSAGE,
        "max_value": YEAR_MESSAGE,
    }

    def __init__(self, **kwargs):
        kwargs.setdefault("min_value", YEAR_MIN)
        kwargs.setdefault("max_value", YEAR_MAX)
        super().__init__(**kwargs)

    def to_python(self, value):
        if isinstance(value, str) and len(value.strip()) > 6:
            raise ValidationError(YEAR_MESSAGE, code="max_value")  # not worth parsing a 20-digit number
        return super().to_python(value)


class YearFilter(django_filters.NumberFilter):
    """``?year=``: a year between YEAR_MIN and YEAR_MAX of a date field (``lookup_expr="year"``)."""

    field_class = YearField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("lookup_expr", "year")
        super().__init__(*args, **kwargs)


class IntegerField(serializers.IntegerField):
    """An integer of the API that fits PostgreSQL's ``integer`` unless told otherwise."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_value", INT_MAX)
        kwargs.setdefault("min_value", INT_MIN)
        super().__init__(**kwargs)


class IdField(IntegerField):
    """An id sent in a body (a list of ids...): positive and within ``bigint``."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_value", ID_MAX)
        kwargs.setdefault("min_value", 1)
        super().__init__(**kwargs)

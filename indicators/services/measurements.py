"""Entered and imported measurements: validation with French messages, and every write (with its history).

Computed measurements are written by indicators.services.compute only. Every function is keyword-only, checks its
actor (accounts.access) and writes in one transaction; batches (imports, API bulk): indicators.services.batches.
"""

import re
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from accounts import access
from indicators import periods
from indicators.models import Indicator, Measurement, format_number
from qualipref.lib.models import refuse_other_fields

MAX_VALUE = Decimal("9999999999.99")
CENT = Decimal("0.01")
# A value given with its numerator and denominator may differ from their ratio by rounding only.
RATE_TOLERANCE = Decimal("0.1")
_SPACES = re.compile(r"[\s\u00a0\u202f]")


# --- reading what people type ----------------------------------------------------------------------


def parse_number(raw, *, what="la valeur"):
    """A Decimal from « 8,5 », « 8.5 », « 8,5 % », « 1 250 »; None for an empty text. ValidationError otherwise."""
    if raw is None:
        return None
    if isinstance(raw, bool):
        raise ValidationError(f"Saisissez un nombre pour {what}.", code="invalid_number")
    if isinstance(raw, int | float | Decimal):
        number = Decimal(str(raw))
    else:
        text = _SPACES.sub("", str(raw)).rstrip("%").replace(",", ".")
        if not text:
            return None
        try:
            number = Decimal(text)
        except InvalidOperation:
            raise ValidationError(
                f"« {str(raw).strip()} » n'est pas un nombre : saisissez {what} en chiffres (par exemple 8,5).",
                code="invalid_number",
            ) from None
    if not number.is_finite():
        raise ValidationError(f"Saisissez un nombre pour {what}.", code="invalid_number")
    return number


def parse_count(raw, *, what):
    number = parse_number(raw, what=what)
    if number is None:
        return None
    if number != number.to_integral_value():
        raise ValidationError(f"{what.capitalize()} est un nombre entier (reçu : {raw}).", code="invalid_count")
    if number < 0:
        raise ValidationError(f"{what.capitalize()} ne peut pas être négatif (reçu : {raw}).", code="negative")
    if number > 2_000_000_000:
        raise ValidationError(f"{what.capitalize()} est trop grand (reçu : {raw}).", code="too_big")
    return int(number)


@dataclass(frozen=True)
class Values:
    value: Decimal
    numerator: int | None = None
    denominator: int | None = None


def clean_values(indicator, *, value=None, numerator=None, denominator=None):
    """The value of a measurement of ``indicator`` (from its numerator and denominator for a rate given with them),
    or ValidationError({field: message}) in French: negative, rate over 100 %, numerator over denominator..."""
    errors = {}

    def attempt(name, function, *args, **kwargs):
        try:
            return function(*args, **kwargs)
        except ValidationError as error:
            errors[name] = " ".join(error.messages)
            return None

    number = attempt("value", parse_number, value)
    num = attempt("numerator", parse_count, numerator, what="le numérateur")
    den = attempt("denominator", parse_count, denominator, what="le dénominateur")
    if errors:
        raise ValidationError(errors)
    name = indicator.short_name
    if num is not None:
        if not indicator.is_rate:
            errors["numerator"] = f"« {name} » n'est pas un taux : il n'a pas de numérateur."
        elif den is None:
            errors["denominator"] = "Un numérateur va avec son dénominateur (par exemple appels perdus / appels reçus)."
        elif num > den:
            errors["numerator"] = (
                f"Le numérateur ({num}) dépasse le dénominateur ({den}) : un taux ne dépasse pas 100 %."
            )
    if den is not None and den == 0:
        errors["denominator"] = "Le dénominateur doit être supérieur à zéro : sans élément, il n'y a rien à mesurer."
    if errors:
        raise ValidationError(errors)
    if indicator.is_rate and num is not None:
        ratio = (Decimal(100) * num / den).quantize(CENT, rounding=ROUND_HALF_UP)
        if number is not None and abs(number - ratio) > RATE_TOLERANCE:
            raise ValidationError(
                {
                    "value": f"La valeur ({format_number(number)} %) ne correspond pas à {num} / {den} "
                    f"({format_number(ratio)} %) : corrigez l'une ou l'autre, ou ne donnez que le numérateur et "
                    "le dénominateur."
                }
            )
        number = ratio
    if number is None:
        raise ValidationError({"value": f"Indiquez la valeur de « {name} »."})
    if number < 0:
        raise ValidationError(
            {
                "value": f"« {name} » ne peut pas être négatif (saisi : {format_number(number)}) : une durée, un taux "
                "ou un nombre est positif ou nul."
            }
        )
    if indicator.is_rate and number > 100:
        raise ValidationError(
            {"value": f"Un taux ne peut pas dépasser 100 % (saisi : {format_number(number)} %) : vérifiez « {name} »."}
        )
    if indicator.unit == Indicator.Unit.COUNT and number != number.to_integral_value():
        raise ValidationError({"value": f"« {name} » est un nombre entier (saisi : {format_number(number)})."})
    if number > MAX_VALUE:
        raise ValidationError({"value": f"Valeur trop grande pour « {name} » ({number})."})
    return Values(value=number.quantize(CENT, rounding=ROUND_HALF_UP), numerator=num, denominator=den)


# --- where a measurement belongs ---------------------------------------------------------------------


def check_indicator(indicator):
    if not indicator.is_active:
        raise ValidationError({"indicator": f"« {indicator} » n'est plus suivi."})
    if indicator.is_computed:
        raise ValidationError(
            {
                "indicator": f"« {indicator} » est calculé par Qualipref à partir des données de l'application : il ne "
                "se saisit pas et ne s'importe pas."
            }
        )


def resolve_place(indicator, *, site=None, prefecture=None):
    """(prefecture, site) of a measurement of ``indicator``: a site for site indicators, none for the
    prefecture-wide ones; ValidationError with a French message when the place does not fit."""
    if indicator.level == Indicator.Level.SITE:
        if site is None:
            raise ValidationError({"site": f"« {indicator.short_name} » se mesure par site : indiquez le site."})
        if prefecture is not None and site.prefecture_id != prefecture.pk:
            raise ValidationError({"site": f"Le site « {site} » n'appartient pas à « {prefecture} »."})
        return site.prefecture, site
    if site is not None:
        prefecture = prefecture or site.prefecture
    if prefecture is None:
        raise ValidationError(
            {"prefecture": f"« {indicator.short_name} » se mesure pour toute la préfecture : indiquez-la."}
        )
    return prefecture, None


def _check_actor(by, prefecture, site):
    if not access.can_enter_measurement(by, prefecture, site):
        where = f"le site « {site} »" if site is not None else f"« {prefecture} »"
        raise PermissionDenied(f"Vous ne pouvez pas saisir d'indicateurs pour {where}.")


def _existing(indicator, prefecture, site, period):
    lookup = {"site": site} if site is not None else {"site__isnull": True, "prefecture": prefecture}
    return Measurement.objects.select_for_update().filter(indicator=indicator, period=period, **lookup).first()


def place_label(prefecture, site):
    return str(site) if site is not None else str(prefecture)


# --- one measurement ---------------------------------------------------------------------------------


@dataclass
class SaveResult:
    measurement: Measurement | None
    outcome: str  # "created", "updated", "unchanged", "deleted"


def apply_values(measurement, values, *, by, source, note):
    changed = [
        name
        for name, new in (
            ("value", values.value),
            ("numerator", values.numerator),
            ("denominator", values.denominator),
            ("source", source),
            ("note", note),
        )
        if getattr(measurement, name) != new
    ]
    measurement.value, measurement.numerator, measurement.denominator = (
        values.value,
        values.numerator,
        values.denominator,
    )
    measurement.source, measurement.note = source, note
    if changed:
        measurement.entered_by = by
    return changed


@transaction.atomic
def measurement_save(
    *,
    by,
    indicator,
    period,
    value=None,
    numerator=None,
    denominator=None,
    site=None,
    prefecture=None,
    note="",
    source=Indicator.Source.ENTERED,
    today=None,
) -> SaveResult:
    """Enter (or correct) the measurement of ``indicator`` for a site (or a prefecture) and a month: created when
    missing, changed when different, left alone when the same. ``period``: a date or « AAAA-MM »."""
    check_indicator(indicator)
    prefecture, site = resolve_place(indicator, site=site, prefecture=prefecture)
    _check_actor(by, prefecture, site)
    try:
        period = periods.parse(period, today=today)
    except ValidationError as error:
        raise ValidationError({"period": error.messages}) from None
    values = clean_values(indicator, value=value, numerator=numerator, denominator=denominator)
    note = (note or "").strip()[:300]
    measurement = _existing(indicator, prefecture, site, period)
    if measurement is None:
        measurement = Measurement(
            indicator=indicator, prefecture=prefecture, site=site, period=period, is_rate=indicator.is_rate
        )
        apply_values(measurement, values, by=by, source=source, note=note)
        measurement._history_user = by
        measurement.full_clean()
        measurement.save()
        return SaveResult(measurement, "created")
    if measurement.source == Indicator.Source.COMPUTED:  # pragma: no cover - computed indicators are refused above
        raise ValidationError({"indicator": "Cette mesure est calculée par Qualipref."})
    if not apply_values(measurement, values, by=by, source=source, note=note):
        return SaveResult(measurement, "unchanged")
    measurement._history_user = by
    measurement.save()
    return SaveResult(measurement, "updated")


@transaction.atomic
def measurement_create(*, by, indicator, period, site=None, prefecture=None, **values) -> Measurement:
    """A new measurement (API ``POST measurements/``): one that already exists for the month is refused."""
    check_indicator(indicator)
    prefecture, site = resolve_place(indicator, site=site, prefecture=prefecture)
    _check_actor(by, prefecture, site)
    try:
        month = periods.parse(period)
    except ValidationError as error:
        raise ValidationError({"period": error.messages}) from None
    existing = _existing(indicator, prefecture, site, month)
    if existing is not None:
        raise ValidationError(
            {
                "period": f"Une mesure de « {indicator.short_name} » existe déjà pour {place_label(prefecture, site)} "
                f"en {periods.label(month)} (n° {existing.pk}) : modifiez-la plutôt que d'en créer une seconde."
            }
        )
    return measurement_save(
        by=by, indicator=indicator, period=month, site=site, prefecture=prefecture, **values
    ).measurement


UPDATABLE = ("value", "numerator", "denominator", "note")


@transaction.atomic
def measurement_update(*, by, measurement, **changes) -> SaveResult:
    """Change the value, the numerator and denominator, or the note of an entered or imported measurement; it
    becomes an entered one. A rate's new value alone drops the counts it came from; new counts give the value."""
    refuse_other_fields(changes, UPDATABLE)
    if not access.can_edit_measurement(by, measurement):
        raise PermissionDenied("Vous ne pouvez pas modifier cette mesure.")
    values = {name: getattr(measurement, name) for name in UPDATABLE}
    counts = {"numerator", "denominator"} & set(changes)
    if measurement.indicator.is_rate and "value" in changes and not counts:
        values.update(numerator=None, denominator=None)
    if measurement.indicator.is_rate and counts and "value" not in changes:
        values["value"] = None
    values.update(changes)
    return measurement_save(
        by=by,
        indicator=measurement.indicator,
        period=measurement.period,
        site=measurement.site,
        prefecture=measurement.prefecture,
        **values,
    )


@transaction.atomic
def measurement_delete(*, by, measurement) -> None:
    """Remove an entered or imported measurement (an empty cell of the grid); its history keeps it."""
    if not access.can_edit_measurement(by, measurement):
        raise PermissionDenied("Vous ne pouvez pas supprimer cette mesure.")
    measurement._history_user = by
    measurement.delete()

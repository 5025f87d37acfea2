"""Batches of measurements (an imported file, ``POST measurements/bulk/``): every item checked first, each error
named by its line, then written whole or not at all, with a report line by line."""

from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from accounts import access
from indicators import periods
from indicators.models import Indicator, Measurement
from indicators.services import rollups
from indicators.services.measurements import apply_values, check_indicator, clean_values, place_label, resolve_place
from indicators.tabular import normalise
from qualipref.lib import data_version
from sites.models import Prefecture, Site

# --- a batch: all or nothing ------------------------------------------------------------------------


@dataclass
class Item:
    """One measurement of a batch, as read from a file row or an API payload (texts or numbers)."""

    line: int
    indicator: str  # code
    period: object
    site: str = ""  # id or name; empty for prefecture-wide indicators
    prefecture: str = ""  # département code or id, for prefecture-wide indicators
    value: object = None
    numerator: object = None
    denominator: object = None
    note: str = ""


@dataclass
class ReportLine:
    line: int
    label: str = ""
    outcome: str = ""  # "created", "updated", "unchanged" or "error"
    errors: list = field(default_factory=list)

    @property
    def outcome_label(self):
        return {"created": "créée", "updated": "mise à jour", "unchanged": "inchangée", "error": "refusée"}.get(
            self.outcome, ""
        )


@dataclass
class Report:
    """What a batch did, line by line (or why it was refused: then nothing was written)."""

    lines: list = field(default_factory=list)
    errors: list = field(default_factory=list)  # errors of the file as a whole

    @property
    def accepted(self):
        return not self.errors and not any(line.outcome == "error" for line in self.lines)

    def count(self, outcome):
        return sum(1 for line in self.lines if line.outcome == outcome)

    @property
    def created(self):
        return self.count("created")

    @property
    def updated(self):
        return self.count("updated")

    @property
    def unchanged(self):
        return self.count("unchanged")

    @property
    def refused(self):
        return self.count("error")

    @property
    def error_lines(self):
        return [line for line in self.lines if line.outcome == "error"]

    def by_line(self):
        """[(line number, outcome, labels, messages)], one entry per line of the file (a row of an export gives
        several measurements), messages without repetition."""
        grouped = {}
        for line in self.lines:
            entry = grouped.setdefault(line.line, {"outcomes": [], "labels": [], "errors": []})
            entry["outcomes"].append(line.outcome)
            if line.label:
                entry["labels"].append(f"{line.label} ({line.outcome_label})")
            for message in line.errors:
                if message not in entry["errors"]:
                    entry["errors"].append(message)
        return [
            (number, "error" if "error" in entry["outcomes"] else "ok", entry["labels"], entry["errors"])
            for number, entry in sorted(grouped.items())
        ]

    def summary(self):
        if not self.accepted:
            count = len({line.line for line in self.error_lines})
            head = " ".join(self.errors) if self.errors else ""
            if count:
                head = (head + " " if head else "") + (
                    f"{count} ligne{'s' if count > 1 else ''} en erreur : rien n'a été importé. "
                    "Corrigez le fichier et importez-le de nouveau."
                )
            return head.strip()
        return (
            f"{self.created} mesure{'s' if self.created > 1 else ''} créée{'s' if self.created > 1 else ''}, "
            f"{self.updated} mise{'s' if self.updated > 1 else ''} à jour, {self.unchanged} inchangée"
            f"{'s' if self.unchanged > 1 else ''}."
        )


class BatchRejected(Exception):
    def __init__(self, report):
        self.report = report
        super().__init__(report.summary())


class _Places:
    """Sites and prefectures the actor may enter measurements for, found by id, name or département code
    (two queries for the whole batch)."""

    def __init__(self, by):
        self.sites = list(access.measurement_sites(Site.objects.select_related("prefecture"), by))
        self.site_by_id = {str(site.pk): site for site in self.sites}
        self.site_by_name = {}
        for site in self.sites:
            self.site_by_name.setdefault(_key(site.name), []).append(site)
        self.prefectures = list(access.measurement_prefectures(Prefecture.objects.all(), by))
        self.prefecture_by_key = {}
        for prefecture in self.prefectures:
            for key in (str(prefecture.pk), _key(prefecture.department_id), _key(prefecture.name)):
                self.prefecture_by_key.setdefault(key, prefecture)

    def site(self, text):
        text = str(text or "").strip()
        if not text:
            raise ValidationError("Indiquez le site (son nom ou son numéro dans Qualipref).")
        found = self.site_by_id.get(text) or self.site_by_name.get(_key(text), [])
        if isinstance(found, Site):
            return found
        if len(found) == 1:
            return found[0]
        if len(found) > 1:
            raise ValidationError(f"Plusieurs sites s'appellent « {text} » : indiquez son numéro dans Qualipref.")
        raise ValidationError(f"Site « {text} » inconnu, ou vous ne saisissez pas ses indicateurs.")

    def prefecture(self, text):
        found = self.prefecture_by_key.get(str(text or "").strip()) or self.prefecture_by_key.get(_key(text))
        if found is None:
            raise ValidationError(
                f"Préfecture « {text} » inconnue, ou vous ne saisissez pas ses indicateurs "
                "(code du département, par exemple 13)."
            )
        return found


def _key(text):
    return normalise(str(text or ""))


def _place_errors(places, item, indicator):
    if indicator.level == Indicator.Level.SITE:
        return places.site(item.site), None
    if item.prefecture:
        return None, places.prefecture(item.prefecture)
    if item.site:
        site = places.site(item.site)
        return None, site.prefecture
    raise ValidationError(f"« {indicator.short_name} » se mesure pour toute la préfecture : indiquez-la.")


def measurements_batch(*, by, items, source=Indicator.Source.IMPORTED, today=None, rejected=()) -> Report:
    """Write a batch of measurements (an imported file, ``POST measurements/bulk/``) whole or not at all.

    Every item is validated first, each error named by its line; any error rejects the batch (BatchRejected, with
    the report) and nothing is written. ``rejected``: lines already refused by the caller (a file row that gave no
    measurement), reported with the others. Otherwise the measurements are created, updated or left unchanged in one
    transaction, with their history (who, when). Importing the same file twice changes nothing the second time.
    """
    if not access.may_enter_measurements(by):
        raise PermissionDenied("Vous ne pouvez pas importer d'indicateurs.")
    today = today or timezone.localdate()
    report = Report(lines=list(rejected))
    if not items and not report.lines:
        report.errors.append("Aucune mesure à importer.")
        raise BatchRejected(report)
    indicators = {indicator.code: indicator for indicator in Indicator.objects.all()}
    places = _Places(by)
    valid, seen = [], {}
    for item in items:
        line = ReportLine(line=item.line)
        report.lines.append(line)
        indicator = indicators.get(str(item.indicator or "").strip())
        try:
            if indicator is None:
                known = ", ".join(sorted(code for code, i in indicators.items() if i.is_active and not i.is_computed))
                raise ValidationError(f"Indicateur « {item.indicator} » inconnu (codes possibles : {known}).")
            check_indicator(indicator)
        except ValidationError as error:
            line.outcome, line.errors = "error", error.messages
            continue
        for check, args in ((_place_errors, (places, item, indicator)), (periods.parse, (item.period,))):
            try:
                check(*args, **({"today": today} if check is periods.parse else {}))
            except ValidationError as error:
                line.errors.extend(error.messages)
        try:
            values = clean_values(indicator, value=item.value, numerator=item.numerator, denominator=item.denominator)
        except ValidationError as error:
            line.errors.extend(f"{indicator.short_name} : {message}" for message in error.messages)
        if line.errors:
            line.outcome = "error"
            continue
        site, prefecture = _place_errors(places, item, indicator)
        prefecture, site = resolve_place(indicator, site=site, prefecture=prefecture)
        period = periods.parse(item.period, today=today)
        line.label = f"{indicator.short_name} – {place_label(prefecture, site)} – {periods.label(period)}"
        key = (indicator.pk, prefecture.pk, site.pk if site else None, period)
        if key in seen:
            line.outcome = "error"
            line.errors = [f"{line.label} : en double avec la ligne {seen[key]} (une seule mesure par mois)."]
            continue
        seen[key] = item.line
        valid.append((line, key, indicator, prefecture, site, period, values, (item.note or "").strip()[:300]))
    report.lines.sort(key=lambda line: line.line)
    if not report.accepted:
        raise BatchRejected(report)
    _write_batch(by, valid, source)
    return report


@transaction.atomic
def _write_batch(by, valid, source):
    data_version.bump()  # bulk writes send no signal
    indicator_ids = {key[0] for _, key, *_ in valid}
    prefecture_ids = {key[1] for _, key, *_ in valid}
    months = {key[3] for _, key, *_ in valid}
    existing = {
        (m.indicator_id, m.prefecture_id, m.site_id, m.period): m
        for m in Measurement.objects.select_for_update().filter(
            indicator_id__in=indicator_ids, prefecture_id__in=prefecture_ids, period__in=months
        )
    }
    to_create, to_update = [], []
    for line, key, indicator, prefecture, site, period, values, note in valid:
        measurement = existing.get(key)
        if measurement is not None and measurement.source == Indicator.Source.COMPUTED:  # pragma: no cover
            raise ValidationError("Une mesure calculée ne s'importe pas.")
        if measurement is None:
            measurement = Measurement(
                indicator=indicator, prefecture=prefecture, site=site, period=period, is_rate=indicator.is_rate
            )
            apply_values(measurement, values, by=by, source=source, note=note)
            to_create.append(measurement)
            line.outcome = "created"
        elif apply_values(measurement, values, by=by, source=source, note=note):
            to_update.append(measurement)
            line.outcome = "updated"
        else:
            line.outcome = "unchanged"
    now = timezone.now()
    for measurement in to_create + to_update:
        measurement.updated_at = now
        if measurement.pk is None:
            measurement.created_at = now
    if to_create:
        bulk_create_with_history(to_create, Measurement, batch_size=1000, default_user=by, default_date=now)
    if to_update:
        bulk_update_with_history(
            to_update,
            Measurement,
            ["value", "numerator", "denominator", "source", "note", "entered_by", "updated_at"],
            batch_size=1000,
            default_user=by,
            default_date=now,
        )
    rollups.refresh(rollups.Box.of(rollups.key_of(measurement) for measurement in to_create + to_update))

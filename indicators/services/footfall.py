"""Footfall (heures d'affluence): import of the queue-management system's hourly export, the weekday × hour heatmap
of a site or a service, and the peak hours shown to the public.

The heatmap and the peak hours are aggregated by the database (one query for the cells, one for the number of
days of each weekday), over the weeks that end with the latest day of data.
"""

import datetime
import math
import re
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, DecimalField, F, Max, Q, Sum
from django.db.models.functions import ExtractIsoWeekDay
from django.utils import timezone

from accounts import access
from indicators.models import FootfallSlot
from indicators.services.batches import BatchRejected, ReportLine
from indicators.services.imports import read_rows
from indicators.services.measurements import parse_count, parse_number
from indicators.tabular import Column, normalise
from qualipref.lib.dates import short_date
from sites.models import Service, Site

WEEKDAYS = ["lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"]
DEFAULT_WEEKS = 8
LEVELS = 5  # colour steps of the heatmap (1..5; 0: nobody)
# Public levels, as shares of the busiest hour of the site: « forte affluence » from 75 %, « moyenne » from 45 %.
BUSY, MODERATE = 0.75, 0.45
PUBLIC_LEVELS = {"busy": "Forte affluence", "moderate": "Affluence moyenne", "calm": "Peu d'attente"}
# Data older than this is not presented to the public as the current peak hours.
PUBLIC_MAX_AGE_DAYS = 120

COLUMNS = (
    Column("site", "Site", required=True, aliases=("site d'accueil", "nom du site", "identifiant du site")),
    Column("service", "Service", required=True, aliases=("guichet", "file d'attente", "service d'accueil")),
    Column("day", "Date", required=True, aliases=("jour", "date de passage")),
    Column("slot", "Tranche horaire", required=True, aliases=("heure", "créneau", "plage horaire", "tranche")),
    Column("visitors", "Visiteurs", required=True, aliases=("tickets", "nombre de visiteurs", "tickets émis")),
    Column("waiting", "Attente moyenne (minutes)", aliases=("attente moyenne", "attente", "temps d'attente moyen")),
)
EXAMPLE = [
    ["Sous-préfecture d'Arles", "Accueil général", "2026-03-02", "08:00", "42", "12"],
    ["Sous-préfecture d'Arles", "Accueil général", "2026-03-02", "09:00", "57", "19,5"],
]
_SLOT = re.compile(r"^\s*(\d{1,2})\s*(?:[:hH]\s*(\d{2})?)?\s*(?:[-–àa].*)?$")


def parse_day(raw, *, today):
    text = str(raw or "").strip()
    for pattern in ("%Y-%m-%d", "%d/%m/%Y", "%Y-%m-%d %H:%M:%S"):
        try:
            day = datetime.datetime.strptime(text, pattern).date()
            break
        except ValueError:
            continue
    else:
        raise ValidationError(f"Date « {text} » invalide : écrivez-la JJ/MM/AAAA ou AAAA-MM-JJ.")
    if day > today:
        raise ValidationError(f"Le {short_date(day)} n'est pas encore passé : pas de fréquentation à importer.")
    if day.year < 2000:
        raise ValidationError(f"Date « {text} » trop ancienne.")
    return day


def parse_slot(raw):
    """(hour, minute) of the start of a slot: « 08:00 », « 8 », « 8h30 », « 08:00-09:00 »."""
    match = _SLOT.match(str(raw or ""))
    hour = int(match.group(1)) if match else -1
    minute = int(match.group(2) or 0) if match else 0
    if not match or not 0 <= hour <= 23 or not 0 <= minute <= 59:
        raise ValidationError(f"Tranche horaire « {raw} » invalide : indiquez son début, par exemple 08:00 ou 14h30.")
    return hour, minute


@dataclass
class _Slot:
    site: Site
    service: Service
    day: datetime.date
    hour: int
    visitors: int = 0
    waiting_total: Decimal = Decimal(0)  # minutes × visitors, for the hourly weighted mean
    waiting_visitors: int = 0

    @property
    def waiting(self):
        if not self.waiting_visitors:
            return None
        return (self.waiting_total / self.waiting_visitors).quantize(Decimal("0.1"))


class _Services:
    def __init__(self, by):
        sites = access.measurement_sites(Site.objects.select_related("prefecture"), by)
        self.sites = {}
        for site in sites:
            self.sites.setdefault(str(site.pk), site)
            self.sites.setdefault(normalise(site.name), site)
        self.services = {
            (service.site_id, normalise(service.name)): service
            for service in Service.objects.filter(site__in=sites, is_active=True)
        }

    def find(self, site_text, service_text):
        site = self.sites.get(str(site_text).strip()) or self.sites.get(normalise(site_text))
        if site is None:
            raise ValidationError(f"Site « {site_text} » inconnu, ou vous n'importez pas sa fréquentation.")
        service = self.services.get((site.pk, normalise(service_text)))
        if service is None:
            names = ", ".join(sorted(s.name for (site_id, _), s in self.services.items() if site_id == site.pk))
            raise ValidationError(
                f"Service « {service_text} » inconnu sur le site « {site} » (services : {names or 'aucun'})."
            )
        return site, service


def import_footfall(*, by, file, today=None):
    """Import the hourly footfall export (all rows or none); half-hour slots are added up into their hour."""
    if not access.may_enter_measurements(by):
        raise PermissionDenied("Vous ne pouvez pas importer de fréquentation.")
    today = today or timezone.localdate()
    rows, report = read_rows(file, columns=COLUMNS)
    places = _Services(by)
    slots, seen = {}, {}
    for row in rows:
        line = ReportLine(line=row.line)
        report.lines.append(line)
        values = {}
        for key, check in (
            ("place", lambda row=row: places.find(row.get("site"), row.get("service"))),
            ("day", lambda row=row: parse_day(row.get("day"), today=today)),
            ("slot", lambda row=row: parse_slot(row.get("slot"))),
            ("visitors", lambda row=row: parse_count(row.get("visitors"), what="le nombre de visiteurs")),
            ("waiting", lambda row=row: parse_number(row.get("waiting"), what="l'attente moyenne")),
        ):
            try:
                values[key] = check()
            except ValidationError as error:
                line.errors.extend(error.messages)
        if not line.errors and values["visitors"] is None:
            line.errors.append("« Visiteurs » est vide.")
        if not line.errors and values["waiting"] is not None and values["waiting"] < 0:
            line.errors.append("L'attente moyenne ne peut pas être négative.")
        if line.errors:
            line.outcome = "error"
            continue
        site, service = values["place"]
        (hour, minute), day = values["slot"], values["day"]
        key = (service.pk, day, hour, minute)
        if key in seen:
            line.outcome = "error"
            line.errors.append(
                f"Tranche en double avec la ligne {seen[key]} ({service}, {short_date(day)} {hour:02d}:{minute:02d})."
            )
            continue
        seen[key] = row.line
        line.label = f"{service} – {short_date(day)} {hour} h"
        slot = slots.setdefault((service.pk, day, hour), _Slot(site=site, service=service, day=day, hour=hour))
        slot.visitors += values["visitors"]
        if values["waiting"] is not None:
            slot.waiting_total += values["waiting"] * values["visitors"]
            slot.waiting_visitors += values["visitors"]
    report.lines.sort(key=lambda line: line.line)
    if not report.accepted:
        raise BatchRejected(report)
    outcomes = _write(slots)
    for line in report.lines:
        line.outcome = outcomes.get(line.label, "unchanged")
    return report


@transaction.atomic
def _write(slots):
    days = [slot.day for slot in slots.values()]
    existing = {
        (row.service_id, row.day, row.hour): row
        for row in FootfallSlot.objects.select_for_update().filter(
            service_id__in={key[0] for key in slots}, day__gte=min(days), day__lte=max(days)
        )
    }
    now = timezone.now()
    to_create, to_update, outcomes = [], [], {}
    for key, slot in slots.items():
        label = f"{slot.service} – {short_date(slot.day)} {slot.hour} h"
        row = existing.get(key)
        if row is None:
            to_create.append(
                FootfallSlot(
                    site=slot.site,
                    service=slot.service,
                    day=slot.day,
                    hour=slot.hour,
                    visitors=slot.visitors,
                    waiting_minutes=slot.waiting,
                    created_at=now,
                    updated_at=now,
                )
            )
            outcomes[label] = "created"
        elif (row.visitors, row.waiting_minutes) != (slot.visitors, slot.waiting):
            row.visitors, row.waiting_minutes, row.updated_at = slot.visitors, slot.waiting, now
            to_update.append(row)
            outcomes[label] = "updated"
        else:
            outcomes[label] = "unchanged"
    FootfallSlot.objects.bulk_create(to_create, batch_size=1000)
    FootfallSlot.objects.bulk_update(to_update, ["visitors", "waiting_minutes", "updated_at"], batch_size=1000)
    return outcomes


# --- heatmap ------------------------------------------------------------------------------------------------------


@dataclass
class Cell:
    hour: int
    visitors: float | None  # mean visitors in that hour of that weekday
    waiting: float | None
    level: int = 0


@dataclass
class Heatmap:
    first: datetime.date | None
    last: datetime.date | None
    hours: list = field(default_factory=list)
    rows: list = field(default_factory=list)  # [(weekday name, [Cell])]
    busiest: float = 0

    @property
    def empty(self):
        return not self.rows


def heatmap(*, site, service=None, weeks=DEFAULT_WEEKS, until=None):
    """Mean visitors per weekday and hour over the ``weeks`` weeks that end with the latest day of data (or
    ``until``), for a site or one of its services; levels 1..5 relative to the busiest cell."""
    slots = FootfallSlot.objects.filter(site=site)
    if service is not None:
        slots = slots.filter(service=service)
    last = until or slots.aggregate(last=Max("day"))["last"]
    if last is None:
        return Heatmap(first=None, last=None)
    first = last - datetime.timedelta(weeks=weeks) + datetime.timedelta(days=1)
    slots = slots.filter(day__gte=first, day__lte=last).annotate(weekday=ExtractIsoWeekDay("day"))
    days = dict(
        slots.order_by().values("weekday").annotate(days=Count("day", distinct=True)).values_list("weekday", "days")
    )
    cells = (
        slots.order_by()
        .values("weekday", "hour")
        .annotate(
            total=Sum("visitors"),
            waited=Sum(
                F("waiting_minutes") * F("visitors"),
                filter=Q(waiting_minutes__isnull=False),
                output_field=DecimalField(max_digits=20, decimal_places=1),
            ),
            waited_visitors=Sum("visitors", filter=Q(waiting_minutes__isnull=False)),
        )
    )
    grid = {}
    for cell in cells:
        mean = cell["total"] / days[cell["weekday"]]
        waiting = float(cell["waited"]) / cell["waited_visitors"] if cell["waited_visitors"] else None
        grid[(cell["weekday"], cell["hour"])] = (mean, waiting)
    if not grid:
        return Heatmap(first=first, last=last)
    hours = list(range(min(h for _, h in grid), max(h for _, h in grid) + 1))
    busiest = max(mean for mean, _ in grid.values())
    result = Heatmap(first=first, last=last, hours=hours, busiest=busiest)
    for weekday in sorted(days):
        row = []
        for hour in hours:
            mean, waiting = grid.get((weekday, hour), (None, None))
            level = math.ceil(LEVELS * mean / busiest) if mean and busiest else 0
            row.append(Cell(hour=hour, visitors=mean, waiting=waiting, level=level))
        result.rows.append((WEEKDAYS[weekday - 1], row))
    return result


@dataclass
class PeakHours:
    """What the public page shows of a site: for each weekday, its hours and their level, and when the data ends."""

    heatmap: Heatmap
    stale: bool
    days: list = field(default_factory=list)  # [(weekday, [(hour, level key, level label)], busy hours text)]


def _ranges(hours):
    """[8, 9, 10, 14] -> « de 8 h à 11 h, de 14 h à 15 h »."""
    groups, start, previous = [], None, None
    for hour in hours:
        if start is None:
            start = previous = hour
        elif hour == previous + 1:
            previous = hour
        else:
            groups.append((start, previous + 1))
            start = previous = hour
    if start is not None:
        groups.append((start, previous + 1))
    return ", ".join(f"de {a} h à {b} h" for a, b in groups)


def peak_hours(*, site, today=None):
    """The public peak hours of a site, from its heatmap (all services): levels only, no figures."""
    today = today or timezone.localdate()
    data = heatmap(site=site)
    result = PeakHours(heatmap=data, stale=data.last is None or (today - data.last).days > PUBLIC_MAX_AGE_DAYS)
    if data.empty:
        return result
    for weekday, cells in data.rows:
        hours = []
        for cell in cells:
            if cell.visitors is None:
                hours.append((cell.hour, "none", "Pas d'accueil ou pas de donnée"))
                continue
            share = cell.visitors / data.busiest
            key = "busy" if share >= BUSY else "moderate" if share >= MODERATE else "calm"
            hours.append((cell.hour, key, PUBLIC_LEVELS[key]))
        busy = [hour for hour, key, _ in hours if key == "busy"]
        result.days.append((weekday, hours, _ranges(busy)))
    return result

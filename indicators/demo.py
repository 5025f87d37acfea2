"""Demo data: 24 months of indicators for the sites of the demo prefectures, a few weeks of footfall, and the
computed indicators of the demo complaints, correspondence, actions, meetings and trainings (and surveys).

The values circle around the figures of the documents (docs/domaine.md, § Engagements chiffrés): under 10 % of lost
calls (the 2012 national result) with a few months above, pick-up in less than 5 rings, identity cards under 10 days
(the 2012 national average), passports under 15 days, driving licences under 10 days; some months miss their target, and
the phone improves over the period, so that the trends and the traffic lights tell something. Telephony, queue and title
figures are imported with their counts (calls, visitors, titles), the rest entered by the quality managers.

Runs after ``qualipref.demo.load_demo`` and the other apps' demos (it computes from their data). Idempotent:
only the missing measurements and footfall slots are created, with deterministic values; the computation writes
nothing when nothing changed.
"""

import datetime
import random
import zlib
from decimal import ROUND_HALF_UP, Decimal

from django.db import transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from accounts.models import User
from indicators import catalogue, periods
from indicators.models import FootfallSlot, Indicator, Measurement
from indicators.services import compute, rollups
from sites.calendars import public_holidays
from sites.models import Prefecture, Service

MONTHS = 24
FOOTFALL_WEEKS = 6
CENT = Decimal("0.01")
TENTH = Decimal("0.1")

# Site name -> (calls per month, visitors per month, mean waiting minutes, quality of the phone: lost calls %)
SITES = {
    "Marseille – Peytral": (5200, 14000, 16, 9.0),
    "Marseille – Saint-Sébastien": (6100, 21000, 34, 11.5),
    "Sous-préfecture d'Aix-en-Provence": (2400, 7000, 22, 12.0),
    "Sous-préfecture d'Arles": (1300, 4200, 14, 6.5),
    "Sous-préfecture d'Istres": (1100, 3600, 18, 8.5),
    # Val-de-Marne: 2,100 to 2,500 visitors a day, 600 to 700 of them foreigners (docs/domaine.md, § Le territoire).
    "Créteil – Préfecture": (9800, 48000, 38, 10.5),
    "Sous-préfecture de Nogent-sur-Marne": (1500, 5200, 15, 7.5),
    "Sous-préfecture de L'Haÿ-les-Roses": (1400, 4800, 17, 8.0),
}
QUALITY_MANAGERS = {"13": "qualite13", "94": "qualite94"}
REFERENTS = {"Sous-préfecture d'Arles": "referent-arles"}
# Mean visitors of an hour of the day relative to the day's busiest hour, and the weekday's weight (Monday first).
HOURS = {8: 0.75, 9: 1.0, 10: 0.95, 11: 0.8, 12: 0.45, 13: 0.4, 14: 0.6, 15: 0.55}
WEEKDAYS = [1.25, 1.0, 0.95, 1.05, 0.8]


def _rng(*parts):
    return random.Random(zlib.crc32("|".join(str(part) for part in parts).encode()))


def _dec(value, quantum=CENT):
    return Decimal(str(value)).quantize(quantum, rounding=ROUND_HALF_UP)


def _rate(numerator, denominator):
    return _dec(Decimal(100) * numerator / denominator)


def _site_rows(site, months, indicators):
    """(code, period, value, numerator, denominator, source) of a site over the months."""
    calls, visitors, waiting, lost_rate = SITES[site.name]
    rows = []
    for index, period in enumerate(months):
        rng = _rng(site.name, period)
        progress = index / max(len(months) - 1, 1)  # 0 at the start, 1 at the end: the phone improves
        season = 1.15 if period.month in (6, 7, 9) else 0.85 if period.month in (8, 12) else 1.0
        received = int(calls * season * rng.uniform(0.9, 1.1))
        lost_share = max(2.0, lost_rate * (1.15 - 0.35 * progress) + rng.uniform(-2.0, 2.5))
        lost = round(received * lost_share / 100)
        answered = received - lost
        within = round(answered * min(0.98, rng.uniform(0.80, 0.93) + 0.04 * progress))
        rows += [
            ("lost_calls_rate", period, _rate(lost, received), lost, received, Indicator.Source.IMPORTED),
            ("pickup_rate", period, _rate(answered, received), answered, received, Indicator.Source.IMPORTED),
            ("pickup_within_5_rings", period, _rate(within, answered), within, answered, Indicator.Source.IMPORTED),
            (
                "pickup_mean_rings",
                period,
                _dec(rng.uniform(3.2, 5.6) - 0.8 * progress),
                None,
                answered,
                Indicator.Source.IMPORTED,
            ),
        ]
        month_visitors = int(visitors * season * rng.uniform(0.9, 1.1))
        rows += [
            ("counter_visitors", period, Decimal(month_visitors), None, None, Indicator.Source.IMPORTED),
            (
                "counter_waiting_minutes",
                period,
                _dec(max(4.0, waiting * season * rng.uniform(0.8, 1.25)), TENTH),
                None,
                month_visitors,
                Indicator.Source.IMPORTED,
            ),
        ]
        titles = max(40, month_visitors // 12)
        for code, mean, spread in (
            ("id_card_delay_days", 8.5, 3.0),
            ("passport_delay_days", 12.5, 4.0),
            ("driving_licence_delay_days", 8.0, 3.5),
        ):
            rows.append(
                (
                    code,
                    period,
                    _dec(max(2.0, mean * season + rng.uniform(-spread, spread)), TENTH),
                    None,
                    int(titles * rng.uniform(0.6, 1.0)),
                    Indicator.Source.IMPORTED,
                )
            )
        displayed = Decimal(100) if rng.random() > 0.15 else Decimal(50)
        rows.append(("peak_hours_displayed_rate", period, displayed, None, None, Indicator.Source.ENTERED))
    return [row for row in rows if row[0] in indicators]


def _measurements(prefecture, site, rows, indicators, user, existing):
    result = []
    for code, period, value, numerator, denominator, source in rows:
        indicator = indicators[code]
        key = (indicator.pk, prefecture.pk, site.pk if site else None, period)
        if key in existing:
            continue
        result.append(
            Measurement(
                indicator=indicator,
                prefecture=prefecture,
                site=site,
                period=period,
                value=value,
                numerator=numerator,
                denominator=denominator,
                is_rate=indicator.is_rate,
                source=source,
                entered_by=user,
            )
        )
    return result


def _footfall(site, services, today, existing):
    """Hourly slots of the last weeks (working days, 8 h to 16 h): Monday mornings are the busiest."""
    _, monthly_visitors, waiting, _ = SITES[site.name]
    per_day = monthly_visitors / 21
    first = today - datetime.timedelta(weeks=FOOTFALL_WEEKS)
    slots = []
    day = first
    while day < today:
        if day.weekday() < 5 and day not in public_holidays(None, day.year):
            for position, service in enumerate(services):
                share = 1 / len(services) * (1.3 if position == 0 else 0.8)
                busiest = per_day * share / sum(HOURS.values())
                for hour, weight in HOURS.items():
                    if (service.pk, day, hour) in existing:
                        continue
                    rng = _rng(service.pk, day, hour)
                    visitors = max(0, round(busiest * weight * WEEKDAYS[day.weekday()] * rng.uniform(0.8, 1.2)))
                    slots.append(
                        FootfallSlot(
                            site=site,
                            service=service,
                            day=day,
                            hour=hour,
                            visitors=visitors,
                            waiting_minutes=_dec(waiting * (0.5 + weight) * rng.uniform(0.8, 1.2), TENTH),
                        )
                    )
        day += datetime.timedelta(days=1)
    return slots


@transaction.atomic
def load(today=None):
    """Create what is missing; then compute the computed indicators."""
    today = today or timezone.localdate()
    catalogue.sync()
    indicators = {indicator.code: indicator for indicator in Indicator.objects.all()}
    last = periods.add_months(periods.current(today), -1)
    months = periods.months(periods.add_months(last, -(MONTHS - 1)), last)
    users = {
        user.username: user for user in User.objects.filter(username__in=[*QUALITY_MANAGERS.values(), "referent-arles"])
    }
    prefectures = Prefecture.objects.filter(department_id__in=QUALITY_MANAGERS).select_related("department")
    existing = set(
        Measurement.objects.filter(prefecture__in=prefectures, period__gte=months[0]).values_list(
            "indicator_id", "prefecture_id", "site_id", "period"
        )
    )
    new = []
    footfall = []
    slots = set(FootfallSlot.objects.filter(site__prefecture__in=prefectures).values_list("service_id", "day", "hour"))
    for prefecture in prefectures:
        manager = users.get(QUALITY_MANAGERS[prefecture.department_id])
        for site in prefecture.sites.filter(name__in=SITES):
            user = users.get(REFERENTS.get(site.name)) or manager
            new += _measurements(prefecture, site, _site_rows(site, months, indicators), indicators, user, existing)
            services = list(Service.objects.filter(site=site, is_active=True).order_by("pk"))
            if services:
                footfall += _footfall(site, services, today, slots)
    if new:
        # Each measurement gets its history row (« + »), dated now, by the person who typed or imported it.
        for user in {m.entered_by for m in new}:
            bulk_create_with_history([m for m in new if m.entered_by == user], Measurement, default_user=user)
        rollups.refresh(rollups.Box.of(rollups.key_of(m) for m in new))  # bulk writes send no signal
    FootfallSlot.objects.bulk_create(footfall, batch_size=1000)
    compute.run_full(today=today)
